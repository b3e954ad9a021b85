// atelier/leads.h — creating and listing leads.
//
// A lead is one incoming request: a client (name, company, contacts) and the
// request itself (source, language, expected amount). create_lead() validates
// every field first and reports all problems in one error, then writes the
// client, the lead and its first stage event in one savepoint.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"

namespace atelier {

struct NewLead {
    std::string client_name;  // required
    std::string company;
    std::string email;
    std::string phone;
    std::string source;       // "website", "phone", "referral", ...
    std::string title;        // what the client asks for, free text
    std::string lang = "ru";  // ru, fr, en
    std::string currency;     // RUB, EUR, USD; "" follows the studio's rule for the language
    int64_t amount_minor = 0;  // expected value, minor units
};

// Reads a NewLead from JSON ({"client_name": ..., ...}); unknown keys and
// wrong types are errors naming the key.
NewLead new_lead_from_json(const nlohmann::json& j);

// What a visitor of the studio's site may say in the site form: name (or
// client_name),
// e-mail, phone, company, message, language, and utm_* tags (at most 20, as
// strings of at most 200 characters). The amount, the currency, the source
// and any other field are the studio's to set: they are ignored here.
struct Intake {
    NewLead lead;          // source "website"; currency by the studio's rule for the language
    nlohmann::json utm;    // {"utm_source": "...", ...}
    bool trapped = false;  // the hidden field "website" was filled in: a bot
};
// `fields`: a JSON object (a JSON post, or form fields as strings). Throws
// Error("lead: <field>: <problem>") naming every bad field.
Intake intake_from_fields(const nlohmann::json& fields);

// What is wrong with a lead's fields, one "<field>: <problem>" each; empty
// when it can be stored.
std::vector<std::string> lead_problems(const NewLead& lead);

// The currency a lead in `lang` is priced in: the studio's rule
// (studio.currency_rules_json, {"ru": "RUB", "fr": "EUR", "en": "EUR"} by
// default), else the studio's currency. The price list follows the currency.
std::string currency_for(sqlite3* db, std::string_view lang);

// The id of the studio, creating a default one on an empty database.
std::string ensure_studio(sqlite3* db, std::string_view at);

// Returns the new lead's id. `id` may be given (offline-made records bring their own).
std::string create_lead(sqlite3* db, const NewLead& lead, std::string_view actor, std::string_view at,
                        std::string_view id = {});

// All leads, newest first, as a JSON array of objects
// {id, client, company, email, phone, source, title, stage, lang, amount_minor, currency, created_at, updated_at}.
nlohmann::json leads_json(sqlite3* db, int64_t limit = -1);

}  // namespace atelier
