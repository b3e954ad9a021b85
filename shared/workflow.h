// atelier/workflow.h — one action per step of the sales conveyor.
//
//   install_defaults   brief templates, price lists (RUB, EUR), document templates
//   save_brief         the client's (or manager's) answers, validated; submit moves the lead to brief_filled
//   estimate_lead      a new estimate version from the latest brief and the active price list
//   create_proposal    a draft proposal from an estimate (the client link shows it live)
//   accept_proposal    numbered, frozen (snapshot), lead → contract stage ready
//   create_contract    from an accepted proposal, with appendices and the payment schedule
//   create_invoices    one invoice per payment of the contract's schedule: the advance issued and numbered,
//                      later payments planned (drafts) until issue_invoice
//   record_payment     idempotent by reference; the invoice status follows
// Each is one savepoint: bad input changes nothing. Times come in as arguments.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"

namespace atelier {

void install_defaults(sqlite3* db, std::string_view at);

// The lead's brief: the current version is updated until it has been
// estimated; after that a save makes a new version (the estimate, proposal
// and contract keep the answers they were made from) and does not move the
// lead back. Returns the id of the version written.
std::string save_brief(sqlite3* db, std::string_view lead_id, std::string_view template_code,
                       const nlohmann::json& answers, bool submit, std::string_view actor, std::string_view at);
// True once the lead's current brief version has an estimate.
bool brief_estimated(sqlite3* db, std::string_view lead_id);

// options: {"start_date", "discount", "overrides"} as for the estimate.
std::string estimate_lead(sqlite3* db, std::string_view lead_id, const nlohmann::json& options, std::string_view actor,
                          std::string_view at);

std::string create_proposal(sqlite3* db, std::string_view estimate_id, std::string_view actor, std::string_view at);
// channel: online (the client on its page, with its address) or phone,
// email, paper (recorded by a manager, named in recorded_by, with a note).
void accept_proposal(sqlite3* db, std::string_view proposal_id, std::string_view name, std::string_view ip,
                     std::string_view at, std::string_view channel = "online", std::string_view note = {},
                     std::string_view recorded_by = {});
std::string create_contract(sqlite3* db, std::string_view proposal_id, std::string_view actor, std::string_view at);
std::vector<std::string> create_invoices(sqlite3* db, std::string_view contract_id, std::string_view issued_on,
                                         int due_days, std::string_view actor, std::string_view at);
// Returns the invoice's status after the payment ("partially_paid", "paid").
// Issues a planned invoice (a later line of the payment schedule, "on
// launch"): its number, the issue date and a due date counted from it.
// Returns its number (provisional on a replica).
std::string issue_invoice(sqlite3* db, std::string_view invoice_id, std::string_view issued_on, int due_days, std::string_view actor,
                          std::string_view at);

std::string record_payment(sqlite3* db, std::string_view invoice_id, int64_t amount_minor, std::string_view reference,
                           std::string_view received_on, std::string_view method, std::string_view at);

}  // namespace atelier

namespace atelier {

// Sends the client the brief: a draft brief of the template, its client link,
// the lead moved to brief_sent (the rule brief_link e-mails it). Returns the
// link's token.
std::string send_brief(sqlite3* db, std::string_view lead_id, std::string_view template_code, std::string_view base_url,
                       std::string_view actor, std::string_view at);

void accept_contract(sqlite3* db, std::string_view contract_id, std::string_view name, std::string_view ip,
                     std::string_view at, std::string_view channel = "online", std::string_view note = {},
                     std::string_view recorded_by = {});

}  // namespace atelier

namespace atelier {

// Settings, each checked before anything is written; a refused edit changes nothing.
struct StudioDetails {
    std::string name, legal_name, tax_id, address, email, phone;
    std::string bank, bik, account, corr_account, iban, bic;
    std::string lang = "ru", currency = "RUB";  // defaults for new leads
};
StudioDetails studio_details(sqlite3* db);
void save_studio(sqlite3* db, const StudioDetails& s);
// The studio's legal details per country (see requisites.h): as stored, and
// replaced whole after the checks (required fields and check digits).
nlohmann::json studio_requisites(sqlite3* db);
void set_studio_requisites(sqlite3* db, const nlohmann::json& requisites);

// A new active version of the price list of its currency; returns its version.
int64_t save_price_list(sqlite3* db, std::string_view json_text, std::string_view at);
// The tax of the active price list of `currency` ("no_vat", "vat_on_top",
// "vat_included"; the rate in basis points, 2000 = 20 %), as a new version;
// returns the version (the same one when nothing changes).
int64_t set_price_list_tax(sqlite3* db, std::string_view currency, std::string_view mode, int64_t rate_bp,
                           std::string_view at);
// A new version of a document template; the text must be a valid mustache template.
int64_t save_template(sqlite3* db, std::string_view kind, std::string_view lang, std::string_view body, std::string_view at);
// A new version of a brief template (same code).
int64_t save_brief_template(sqlite3* db, std::string_view json_text, std::string_view at);

}  // namespace atelier
