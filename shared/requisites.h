// atelier/requisites.h — the legal details of the studio and of its clients,
// per country, with the check digits each registry defines.
//
// Stored as JSON (studio.requisites_json, clients.requisites_json):
//   {"country": "ru" | "fr" | "other", "kind": "company" | "sole_trader" | "person",
//    "legal_name": "ООО «Северный ветер»", "address": "...",
//    ru: "inn", "kpp", "ogrn" (13 digits; 15 for a sole trader: ОГРНИП),
//        "bank", "bik", "account", "corr_account"
//    fr: "siret", "tva", "rcs" (or "rm"), "legal_form", "capital",
//        "bank", "iban", "bic"
//    other: "vat" (free text, unchecked)}
// A document prints the fields of the party's country with that country's
// labels, translated into the document's language, never another
// country's ("SIRET" is never a Russian INN).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace atelier {

// Each check returns "" when the value is valid, else the problem
// ("check digits do not match", "expected 10 or 12 digits").
std::string inn_problem(const std::string& inn);            // ИНН: 10 (company) or 12 (person) digits
std::string ogrn_problem(const std::string& ogrn);          // ОГРН 13 / ОГРНИП 15 digits
std::string kpp_problem(const std::string& kpp);            // КПП: 9 characters
std::string bik_problem(const std::string& bik);            // БИК: 9 digits
// A Russian settlement account (р/с, 20 digits) checked with its bank's БИК;
// a correspondent account (к/с) with `corr` true.
std::string ru_account_problem(const std::string& account, const std::string& bik, bool corr);
std::string siret_problem(const std::string& siret);        // 14 digits, Luhn
std::string tva_fr_problem(const std::string& tva, const std::string& siren_or_siret);  // FR + key + SIREN
std::string iban_problem(const std::string& iban);          // ISO 13616, mod 97
std::string bic_problem(const std::string& bic);            // 8 or 11 characters

// Every problem of a requisites object, "<field>: <problem>" each, for the
// studio (which needs its bank details) or a client.
std::vector<std::string> requisites_problems(const nlohmann::json& r, bool studio);

}  // namespace atelier
