// wasm_app/ui_text.h — the interface's words in Russian, French and English.
#pragma once
#include <string_view>

#include <string>

#include "error.h"
#include "money.h"

namespace ui {

enum class T {
    AppTitle, Loading, StorageError, NewLead, ClientName, Company, Email, Phone, Source, Language, Add,
    Leads, Client, Stage, Amount, Created, Actions, Next, NoLeads, Saved, Saving, LeadAdded, Search,
    SourceWebsite, SourcePhone, SourceReferral, SourceOther, Online, Offline, Count,
};

const char* tr(T key, atelier::Lang lang);
const char* stage_name(std::string_view stage, atelier::Lang lang);
// A refusal of the core ("atelier: lead: email: …") as a sentence of the
// interface: the action, the field, the problem; a problem it does not
// know is said by its kind (refused, not found, changed meanwhile, rights).
std::string core_error(const std::string& what, atelier::ErrorKind kind, atelier::Lang lang);

}  // namespace ui
