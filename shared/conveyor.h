// atelier/conveyor.h — the transitions of the sales conveyor, the one place
// every host (the app, the client pages, the JSON API, SQL) calls.
//
// A transition is one savepoint: it checks its input, does every step it
// implies (an accepted proposal becomes the contract to sign, a signed
// contract the invoices of its payment schedule, the last payment wins the
// lead), writes one row to the event journal (events) and returns what it
// did. Bad input or an illegal move throws atelier::Error with a kind and
// changes nothing.
//
//   create       a lead from the site form, the app or the API   lead_created
//   send_brief   the brief's link to the client                    brief_sent
//   save_brief   answers, as a draft or submitted                  brief_saved / brief_submitted
//   estimate     a new estimate version                            estimated
//   propose      a proposal from an estimate                       proposal_created
//   accept       the proposal, by the client online or recorded    proposal_accepted
//                by a manager (phone, e-mail, paper), and the
//                contract made from it
//   sign         the contract, the same two ways, and the          contract_signed
//                invoices of its payment schedule
//   issue        a planned invoice of the schedule                 invoice_issued
//   complete_stage  a production stage done; the schedule's        stage_completed
//                payments due at its end are issued, and the
//                stage's act of completed work
//   issue_act    an act of completed work, frozen                  act_issued
//   sign_act     the act, by the client online or recorded         act_signed
//   pay          a payment; all paid wins the lead                 payment_recorded
//   win          closes as won: every invoice paid, or by the      won
//                owner with a reason
//   lose         closes as lost: a reason from lost_reasons       lost
//                (data) and free text
//   move         any other legal stage move                        stage_moved
//   set_owner    the lead's owner                                  owner_changed
//   note         a note the manager writes on the lead              note_added
//   edit_contacts  the client's name, company, e-mail, phone        contacts_changed
//   set_requisites the client's legal details (checked)             requisites_changed
//
// The single steps they use are in workflow.h; hosts do not call those.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "leads.h"

namespace atelier {

// Who acts: a user (id and name), the client, or the system, and how the act
// came in (the channel: online, app, api, sql, system).
struct Actor {
    std::string id;       // a user id, "client" or "system"
    std::string name;     // printed in the timeline and on documents
    std::string channel;  // "app", "api", "sql", "online", "system"
    bool owner = false;   // the studio's owner: may close a lead as won with unpaid invoices
};
Actor client_actor(std::string_view name);
Actor system_actor();

// How an acceptance (proposal) or signature (contract) was given.
struct Acceptance {
    std::string channel = "online";  // online (the client on its page), phone, email, paper
    std::string name;                // the client's name as the client typed it, or whom the manager spoke to
    std::string ip;                  // the client's address, online only
    std::string note;                // the manager's note: "signed scan received 12.03", ...
};

// What a transition did: its event, the stage move if any, the rows it made.
struct Outcome {
    std::string event_id, kind, lead_id;
    std::string stage_from, stage_to;  // equal when the stage did not change
    nlohmann::json made = nlohmann::json::object();  // {"contract_id": ..., "invoice_ids": [...], ...}
    nlohmann::json json() const;
};

// The days a client has to pay an invoice, counted in working days from its issue.
constexpr int kInvoiceDueDays = 5;

namespace conveyor {

Outcome create(sqlite3* db, const NewLead& lead, const Actor& by, std::string_view at, std::string_view id = {});
// A request from the site form or the API: the lead with its UTM tags and,
// when the client left an e-mail, the brief's link sent by the system (the
// rule of every studio so far; events lead_created, brief_sent).
Outcome intake(sqlite3* db, const NewLead& lead, const nlohmann::json& utm, const Actor& by, std::string_view base_url,
               std::string_view at);
Outcome send_brief(sqlite3* db, std::string_view lead_id, std::string_view template_code, std::string_view base_url,
                   const Actor& by, std::string_view at);
Outcome save_brief(sqlite3* db, std::string_view lead_id, std::string_view template_code, const nlohmann::json& answers,
                   bool submit, const Actor& by, std::string_view at);
Outcome estimate(sqlite3* db, std::string_view lead_id, const nlohmann::json& options, const Actor& by, std::string_view at);
Outcome propose(sqlite3* db, std::string_view estimate_id, const Actor& by, std::string_view at);
Outcome accept(sqlite3* db, std::string_view proposal_id, const Acceptance& how, const Actor& by, std::string_view at);
Outcome sign(sqlite3* db, std::string_view contract_id, const Acceptance& how, const Actor& by, std::string_view at);
Outcome issue(sqlite3* db, std::string_view invoice_id, const Actor& by, std::string_view at,
              std::string_view issued_on = {}, int due_days = kInvoiceDueDays);
// amount_minor 0 pays what is left; an empty reference is made from the
// invoice and what was paid before, so a repeated click records one payment.
Outcome pay(sqlite3* db, std::string_view invoice_id, int64_t amount_minor, std::string_view reference,
            std::string_view received_on, std::string_view method, const Actor& by, std::string_view at);
Outcome win(sqlite3* db, std::string_view lead_id, std::string_view reason, const Actor& by, std::string_view at);
Outcome lose(sqlite3* db, std::string_view lead_id, std::string_view reason_code, std::string_view text, const Actor& by,
             std::string_view at);
// won and lost go through win() and lose(); any other legal move.
Outcome move(sqlite3* db, std::string_view lead_id, std::string_view to, std::string_view reason, const Actor& by,
             std::string_view at);
Outcome set_owner(sqlite3* db, std::string_view lead_id, std::string_view owner_id, std::string_view owner_name,
                  const Actor& by, std::string_view at);
// A stage of the signed project's timeline done ("design"): the planned
// invoices of the payment schedule due at its end are issued, due
// kInvoiceDueDays working days later. Each stage completes once.
Outcome complete_stage(sqlite3* db, std::string_view lead_id, std::string_view stage, const Actor& by, std::string_view at);
// The act of completed work of a done stage ("design") or, with an empty
// stage, of the whole project once its last stage is done: numbered after
// the contract ("2026-0007/2", "2026-0007/A"), rendered with the studio's
// act template in the lead's language and frozen. Issuing it again returns
// the same act (made["act_id"]) and records nothing.
Outcome issue_act(sqlite3* db, std::string_view contract_id, std::string_view stage, const Actor& by, std::string_view at);
// The act signed: by the client on its page (online) or recorded by a
// manager (phone, e-mail, paper); its frozen copy then says so.
Outcome sign_act(sqlite3* db, std::string_view act_id, const Acceptance& how, const Actor& by, std::string_view at);
// The client's contacts corrected: {"client_name", "company", "email",
// "phone"} (any of them), checked as a new lead's are. The event keeps what
// changed, from and to; nothing changed, no event.
Outcome edit_contacts(sqlite3* db, std::string_view lead_id, const nlohmann::json& changes, const Actor& by, std::string_view at);
// The client's legal details (see requisites.h), checked by their country's
// rules; every problem named at once ("requisites: inn: check digit does not
// match"). The client's, so the next projects of this client have them.
Outcome set_requisites(sqlite3* db, std::string_view lead_id, const nlohmann::json& requisites, const Actor& by, std::string_view at);
// A note in the lead's journal ("called, she wants the shop in March").
Outcome note(sqlite3* db, std::string_view lead_id, std::string_view text, const Actor& by, std::string_view at);

}  // namespace conveyor

// What the lead waits for: {"action", "who": "client"|"manager"|"", "since",
// and for an invoice "invoice_id", "number", "due_on", "overdue"}. `today`
// (YYYY-MM-DD) decides what is overdue.
nlohmann::json next_action(sqlite3* db, std::string_view lead_id, std::string_view today);

// The open leads whose next action is the manager's (send the brief,
// estimate, send the proposal, issue a planned invoice, close as won),
// longest waiting first: [{"id", "client", "owner_name", "stage", "action",
// "since", ...the next action's document ids}]. A non-empty owner_id keeps
// that manager's leads and those nobody owns.
nlohmann::json waiting_on_manager(sqlite3* db, std::string_view today, std::string_view owner_id = "", int limit = 200);

// Everything the lead card and the API show: contacts, the client's message
// and UTM tags, owner, the brief and its answers (with "history": every
// version, oldest first, each with the questions it "changed" and the
// "estimates" made from it), estimates, documents with
// their client links, payments, the event journal and the next action.
nlohmann::json lead_view(sqlite3* db, std::string_view lead_id, std::string_view today);

// The reasons a lead can be lost, in order: [{"code", "label": {ru, fr, en}}].
nlohmann::json lost_reasons(sqlite3* db);

// Read helpers every host shares.
// The active price list of a currency (its JSON text and version), or throws not_found.
struct PriceListRow {
    std::string id, body;
    int64_t version = 0;
};
PriceListRow active_price_list(sqlite3* db, std::string_view currency);
// The newest body of a document template, or "" when there is none.
std::string latest_template(sqlite3* db, std::string_view kind, std::string_view lang);
// The newest version of a brief template, as JSON (an empty object when missing).
nlohmann::json latest_brief_template(sqlite3* db, std::string_view code);
// The newest proposal, contract or invoice (for a template's preview), or "".
std::string latest_document(sqlite3* db, std::string_view kind);
// The codes of the brief templates, in the order they were installed.
std::vector<std::string> brief_template_codes(sqlite3* db);

// Appends to the event journal; the transitions call it, nothing else needs to.
std::string record_event(sqlite3* db, std::string_view lead_id, std::string_view kind, const Actor& by, std::string_view at,
                         const nlohmann::json& payload, std::string_view id = {});

}  // namespace atelier
