// wasm_app/ui_text.h — the interface's words in Russian, French and English.
#pragma once
#include <string_view>

#include "money.h"

namespace ui {

enum class T {
    AppTitle, Loading, StorageError, NewLead, ClientName, Company, Email, Phone, Source, Language, Add,
    Leads, Client, Stage, Amount, Created, Actions, Next, NoLeads, Saved, Saving, LeadAdded, Search,
    SourceWebsite, SourcePhone, SourceReferral, SourceOther, Online, Offline, Count,
};

const char* tr(T key, atelier::Lang lang);
const char* stage_name(std::string_view stage, atelier::Lang lang);

}  // namespace ui
