// atelier/automation.h — notification rules (data), the outbox, the
// manager's tasks and the client's link views.
//
// A rule is a row of `rules` whose spec is JSON:
//
//   {"trigger": {"event": "proposal_created"}             an event of the journal
//            or {"event": "document_sent", "kind": "invoice"}   ... of one document kind
//            or {"timer": "invoice_due", "days": 7},       a time condition: days after
//                                                          (negative: before) an anchor
//    "delay_minutes": 0,                                   after the event
//    "conditions": ["lead_open", "invoice_unpaid"],        checked when due, again
//    "channel": "email" | "task" | "webhook",
//    "to": "client" | "owner",                             e-mail only
//    "template": "invoice_overdue",                        templates of kind 'email', per language
//    "url": "https://…", "secret": "…"}                    webhook only
//
// Timers: brief_sent (the brief's link was sent), proposal_sent,
// proposal_unopened (sent and never opened), contract_sent, invoice_due.
// Conditions: lead_open, brief_unsubmitted, proposal_unanswered,
// proposal_unopened, contract_unsigned, invoice_unpaid.
//
// tick(db, now) is a pure function of the database and `now`: it reads the
// events since the last tick and the timers that came due, writes each
// (rule, lead, occasion) once to the outbox as 'scheduled', and turns what
// is due into 'queued' messages (rendered now, in the lead's language) or
// tasks, or 'cancelled' when a condition no longer holds. Only the server
// ticks and sends; a replica shows the outbox it receives.
//
// The sender claims a queued message (status 'sending'), sends it and marks
// it; after a crash recover() puts the one in flight back to 'queued', and
// it goes again with the same Message-ID (derived from its id).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "conveyor.h"

namespace atelier::automation {

struct TickResult {
    int events = 0;      // journal events read
    int scheduled = 0;   // outbox rows made
    int queued = 0;      // messages rendered and queued for sending
    int tasks = 0;       // tasks made
    int cancelled = 0;   // messages whose condition no longer held
    nlohmann::json json() const;
};

// timers=false reads only the new events and what fell due (cheap: the
// server runs it after every write); timers=true also scans the time
// conditions (the server runs it every minute and at start).
TickResult tick(sqlite3* db, std::string_view now, std::string_view base_url, bool timers = true);

// The rules, in order: [{"code", "enabled", "position", "active_from", "spec"}].
nlohmann::json rules(sqlite3* db);
// Adds or replaces a rule: {"code", "enabled"?, "position"?, "spec"}; the spec
// is checked (trigger, channel, template, conditions). Returns the rule.
nlohmann::json set_rule(sqlite3* db, const nlohmann::json& rule, std::string_view at);
// The shipped rule set and its e-mail templates (ru, fr, en); existing rows
// are kept. Called by install_defaults().
void install_default_rules(sqlite3* db, std::string_view at);
// For a studio's database being upgraded: the shipped rules and templates it
// does not have yet, active from now (nothing for a database without rules).
void install_new_default_rules(sqlite3* db);
// The default e-mail templates: [{"code", "lang", "subject", "body"}].
const nlohmann::json& default_email_templates();
// The newest e-mail template of a code and language: {"subject", "body", "version"} (null when none).
nlohmann::json email_template(sqlite3* db, std::string_view code, std::string_view lang);
// Saves a new version of an e-mail template (checked: both parts render).
int64_t save_email_template(sqlite3* db, std::string_view code, std::string_view lang, std::string_view subject,
                            std::string_view body, std::string_view at);
// A rule's trigger in words: "event proposal_created", "timer invoice_due +7 d".
std::string trigger_text(const nlohmann::json& spec);

// An e-mail template's text as it is being edited, in one language.
struct EmailText {
    std::string lang, subject, body;
};

// A rule's message for a lead, rendered as it would be sent now (subject,
// body, html, recipient), without writing anything: the preview. With
// `text`, the message is rendered from that text, in its language, instead
// of the stored template: the editor's live preview. A text that does not
// render gives "problem" with the template engine's reason.
nlohmann::json preview(sqlite3* db, std::string_view rule_code, std::string_view lead_id, std::string_view now,
                       std::string_view base_url, const EmailText* text = nullptr);

// "Send to client": the document's link by e-mail now, whatever the rules
// say (an event document_sent; the rule document_link renders it). Returns
// the outcome of the transition.
Outcome send_document(sqlite3* db, std::string_view kind, std::string_view doc_id, const Actor& by, std::string_view at);

// -- the outbox ---------------------------------------------------------

struct Message {
    std::string id, lead_id, rule, channel, recipient, reply_to, lang, subject, body, html;
    int64_t attempts = 0;
};

// The next queued e-mail or webhook whose time has come (of one channel
// when `channel` is not empty), marked 'sending'.
std::optional<Message> claim(sqlite3* db, std::string_view now, std::string_view channel = {});
void mark_sent(sqlite3* db, std::string_view id, std::string_view now);
// A temporary failure: queued again after a back-off that doubles with
// each attempt, from base_seconds up to an hour; the other queued messages
// of its channel wait as long, so that they still go in order.
void mark_retry(sqlite3* db, std::string_view id, std::string_view now, std::string_view error, int base_seconds);
// A permanent failure (the server's reply), shown to the manager.
void mark_failed(sqlite3* db, std::string_view id, std::string_view now, std::string_view error);
// Messages left 'sending' by a crash go back to 'queued'. Returns how many.
int recover(sqlite3* db);
// A failed or cancelled message queued again ("send again").
void resend(sqlite3* db, std::string_view id, std::string_view now);
// A scheduled or queued message cancelled by the manager.
void cancel(sqlite3* db, std::string_view id, std::string_view now, std::string_view by_name);
// The outbox: a lead's messages (lead_id non-empty) or the studio's
// (status "" for all, or one status), newest first.
nlohmann::json outbox(sqlite3* db, std::string_view lead_id, std::string_view status, int limit = 200);
// What is scheduled between now and now + days, soonest first ("coming up").
nlohmann::json upcoming(sqlite3* db, std::string_view now, int days);

// -- views ---------------------------------------------------------------

// The client opened a link: counts on the link, and an event
// document_opened (the first time, and then at most once an hour).
// `count` openings from `now` to `last` (a host that records them in
// batches): counted, the event dated at the first.
void record_view(sqlite3* db, std::string_view token, std::string_view now, int64_t count = 1, std::string_view last = {});

// -- tasks ---------------------------------------------------------------

std::string add_task(sqlite3* db, std::string_view lead_id, std::string_view title, std::string_view due_at,
                     const Actor& by, std::string_view at);
void task_done(sqlite3* db, std::string_view task_id, const Actor& by, std::string_view at);
void task_snooze(sqlite3* db, std::string_view task_id, std::string_view until, std::string_view at);
// Open tasks, overdue first; a task put off (snoozed) shows again when its
// new time has come, due then.
nlohmann::json tasks(sqlite3* db, std::string_view now);

// -- time ------------------------------------------------------------------

// An ISO 8601 UTC time plus seconds (negative: minus).
std::string add_seconds(std::string_view iso, int64_t seconds);

}  // namespace atelier::automation
