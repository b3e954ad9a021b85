// atelier/automation.cpp — see automation.h.
//
// [SECTION] time and small helpers
// [SECTION] rules
// [SECTION] occasions: what an event or a timer is about
// [SECTION] conditions
// [SECTION] rendering
// [SECTION] tick
// [SECTION] the outbox
// [SECTION] views and tasks
#include "automation.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "documents.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "links.h"
#include "mail.h"
#include "money.h"
#include "store.h"
#include "uploads.h"
#include "support.h"

namespace atelier::automation {

using nlohmann::json;

// -------------------------------------------------------------------------
// [SECTION] time and small helpers
// -------------------------------------------------------------------------

namespace {

int64_t to_epoch(std::string_view iso) {
    if (!is_iso_time(iso)) throw Error("automation: time: expected an ISO 8601 UTC time, got \"" + std::string(iso) + "\"");
    std::tm tm{};
    tm.tm_year = std::stoi(std::string(iso.substr(0, 4))) - 1900;
    tm.tm_mon = std::stoi(std::string(iso.substr(5, 2))) - 1;
    tm.tm_mday = std::stoi(std::string(iso.substr(8, 2)));
    if (iso.size() > 10) {
        tm.tm_hour = std::stoi(std::string(iso.substr(11, 2)));
        tm.tm_min = std::stoi(std::string(iso.substr(14, 2)));
        tm.tm_sec = std::stoi(std::string(iso.substr(17, 2)));
    }
    return (int64_t)timegm(&tm);
}

std::string from_epoch(int64_t t) {
    std::time_t tt = (std::time_t)t;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const std::set<std::string>& event_kinds() {
    static const std::set<std::string> k = {
        "lead_created",     "brief_sent",       "brief_saved",     "brief_submitted", "estimated",      "proposal_created",
        "proposal_accepted", "contract_signed", "invoice_issued",  "payment_recorded", "won",           "lost",
        "stage_moved",      "owner_changed",    "document_sent",   "document_opened", "brief_revised", "task_done", "note_added",
        "act_issued",       "act_signed",       "stage_completed", "project_stage_started", "material_requested", "material_answered"};
    return k;
}
const std::set<std::string>& timer_kinds() {
    static const std::set<std::string> k = {"brief_sent", "proposal_sent", "proposal_unopened", "contract_sent", "invoice_due",
                                            "stage_starts", "material_due", "act_issued"};
    return k;
}
const std::set<std::string>& condition_names() {
    static const std::set<std::string> k = {"lead_open", "brief_unsubmitted", "proposal_unanswered", "proposal_unopened",
                                            "contract_unsigned", "invoice_unpaid", "project_active", "stage_planned",
                                            "stage_needs_client", "material_open", "act_unsigned"};
    return k;
}

std::string names_of(const std::set<std::string>& k) {
    std::string all;
    for (const auto& n : k) all += (all.empty() ? "" : ", ") + n;
    return all;
}

std::string meta(sqlite3* db, const char* key) {
    Stmt q(db, "SELECT value FROM automation_meta WHERE key = ?1");
    q.bind(1, key);
    return q.step() ? q.text(0) : std::string();
}
void set_meta(sqlite3* db, const char* key, std::string_view value) {
    // Unchanged values are not written: a write would look like new data to
    // the page caches of the hosts.
    Stmt q(db, "INSERT INTO automation_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
               " WHERE value IS NOT excluded.value");
    q.bind(1, key).bind(2, value).step();
}

}  // namespace

std::string add_seconds(std::string_view iso, int64_t seconds) { return from_epoch(to_epoch(iso) + seconds); }

json TickResult::json() const {
    return {{"events", events}, {"scheduled", scheduled}, {"queued", queued}, {"tasks", tasks}, {"cancelled", cancelled}};
}

// -------------------------------------------------------------------------
// [SECTION] rules
// -------------------------------------------------------------------------

namespace {

struct Rule {
    std::string code, active_from;
    json spec;
    std::string event, timer, kind_filter;  // from the trigger
    int64_t days = 0, delay_minutes = 0;
};

// Checks a spec; throws Error naming the field.
void check_spec(const json& spec, sqlite3* db) {
    const std::string f = "rule: spec";
    if (!spec.is_object()) throw Error(f + ": expected an object");
    static const std::set<std::string> keys = {"trigger", "delay_minutes", "conditions", "channel", "to", "template", "url", "secret", "note"};
    for (const auto& [k, v] : spec.items())
        if (!keys.count(k)) throw Error(f + ": " + k + ": not a field of a rule (trigger, delay_minutes, conditions, channel, to, template, url, secret)");
    const json* t = spec.contains("trigger") ? &spec["trigger"] : nullptr;
    if (!t || !t->is_object()) throw Error(f + ".trigger: expected {\"event\": …} or {\"timer\": …, \"days\": N}");
    if (t->contains("event") == t->contains("timer")) throw Error(f + ".trigger: expected either event or timer");
    if (t->contains("event")) {
        if (!(*t)["event"].is_string() || !event_kinds().count((*t)["event"].get<std::string>()))
            throw Error(f + ".trigger.event: expected one of " + names_of(event_kinds()));
        if (t->contains("kind") && (!(*t)["kind"].is_string() || (*t)["kind"].get<std::string>().empty()))
            throw Error(f + ".trigger.kind: expected a document kind");
    } else {
        if (!(*t)["timer"].is_string() || !timer_kinds().count((*t)["timer"].get<std::string>()))
            throw Error(f + ".trigger.timer: expected one of " + names_of(timer_kinds()));
        if (!t->contains("days") || !(*t)["days"].is_number_integer() || std::abs((*t)["days"].get<int64_t>()) > 366)
            throw Error(f + ".trigger.days: expected a whole number of days between -366 and 366");
    }
    if (spec.contains("delay_minutes") &&
        (!spec["delay_minutes"].is_number_integer() || spec["delay_minutes"].get<int64_t>() < 0 || spec["delay_minutes"].get<int64_t>() > 527040))
        throw Error(f + ".delay_minutes: expected a whole number of minutes from 0 to 527040 (a year)");
    if (spec.contains("conditions")) {
        if (!spec["conditions"].is_array()) throw Error(f + ".conditions: expected a list of names");
        for (const json& c : spec["conditions"])
            if (!c.is_string() || !condition_names().count(c.get<std::string>()))
                throw Error(f + ".conditions: expected names among " + names_of(condition_names()) + "; got " + describe(c));
    }
    const std::string channel = spec.value("channel", "");
    if (channel != "email" && channel != "task" && channel != "webhook")
        throw Error(f + ".channel: expected email, task or webhook");
    if (channel == "email") {
        std::string to = spec.value("to", "client");
        if (to != "client" && to != "owner") throw Error(f + ".to: expected client or owner");
    }
    if (channel != "webhook") {
        if (!spec.contains("template") || !spec["template"].is_string() || spec["template"].get<std::string>().empty())
            throw Error(f + ".template: expected the code of an e-mail template");
        if (db) {
            Stmt q(db, "SELECT 1 FROM templates WHERE kind = 'email' AND code = ?1 LIMIT 1");
            q.bind(1, spec["template"].get<std::string>());
            if (!q.step()) throw Error(f + ".template: no e-mail template \"" + spec["template"].get<std::string>() + "\"");
        }
    } else {
        std::string url = spec.value("url", "");
        if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) throw Error(f + ".url: expected an http(s) URL");
        if (!spec.contains("secret") || !spec["secret"].is_string() || spec["secret"].get<std::string>().size() < 16)
            throw Error(f + ".secret: expected a secret of at least 16 characters (it signs each request)");
    }
}

Rule rule_from(std::string code, std::string active_from, std::string spec_text) {
    Rule r;
    r.code = std::move(code);
    r.active_from = std::move(active_from);
    r.spec = parse_json_or_discard(spec_text);
    if (!r.spec.is_object()) r.spec = json::object();
    const json t = r.spec.value("trigger", json::object());
    if (t.is_object()) {
        r.event = t.value("event", "");
        r.timer = t.value("timer", "");
        r.kind_filter = t.value("kind", "");
        if (t.contains("days") && t["days"].is_number_integer()) r.days = t["days"].get<int64_t>();
    }
    if (r.spec.contains("delay_minutes") && r.spec["delay_minutes"].is_number_integer()) r.delay_minutes = r.spec["delay_minutes"].get<int64_t>();
    return r;
}

std::vector<Rule> enabled_rules(sqlite3* db) {
    std::vector<Rule> out;
    Stmt q(db, "SELECT code, active_from, spec_json FROM rules WHERE enabled = 1 ORDER BY position, code");
    while (q.step()) out.push_back(rule_from(q.text(0), q.text(1), q.text(2)));
    return out;
}

std::optional<Rule> find_rule(sqlite3* db, std::string_view code) {
    Stmt q(db, "SELECT code, active_from, spec_json, enabled FROM rules WHERE code = ?1");
    q.bind(1, code);
    if (!q.step()) return std::nullopt;
    Rule r = rule_from(q.text(0), q.text(1), q.text(2));
    if (q.int64(3) == 0) r.spec["disabled"] = true;
    return r;
}

}  // namespace

json rules(sqlite3* db) {
    json out = json::array();
    Stmt q(db, "SELECT code, enabled, position, active_from, spec_json, updated_at FROM rules ORDER BY position, code");
    while (q.step())
        out.push_back({{"code", q.text(0)}, {"enabled", q.int64(1) != 0}, {"position", q.int64(2)}, {"active_from", q.text(3)},
                       {"spec", parse_json_or_discard(q.text(4))}, {"updated_at", q.text(5)}});
    return out;
}

json set_rule(sqlite3* db, const json& rule, std::string_view at) {
    if (!is_iso_time(at)) throw Error("rule: at: expected an ISO 8601 UTC time");
    if (!rule.is_object()) throw Error("rule: expected an object {\"code\", \"spec\", \"enabled\"?, \"position\"?}");
    const std::string code = rule.value("code", "");
    if (code.empty() || code.size() > 64 || code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
        throw Error("rule: code: expected 1-64 characters a-z, 0-9, _ or -");
    if (rule.contains("enabled") && !rule["enabled"].is_boolean()) throw Error("rule: enabled: expected true or false");
    if (rule.contains("position") && !rule["position"].is_number_integer()) throw Error("rule: position: expected a whole number");
    Savepoint sp(db, "atelier_rule_set");
    Stmt cur(db, "SELECT spec_json, enabled, position FROM rules WHERE code = ?1");
    cur.bind(1, code);
    const bool exists = cur.step();
    json spec = rule.contains("spec") ? rule["spec"] : exists ? parse_json_or_discard(cur.text(0)) : json();
    check_spec(spec, db);
    const bool enabled = rule.contains("enabled") ? rule["enabled"].get<bool>() : exists ? cur.int64(1) != 0 : true;
    const int64_t position = rule.contains("position") ? rule["position"].get<int64_t>() : exists ? cur.int64(2) : 100;
    // Enabling a rule (or making one) starts it from now: it never reaches back into history.
    const bool was_enabled = exists && cur.int64(1) != 0;
    Stmt up(db, "INSERT INTO rules(code, position, enabled, spec_json, active_from, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
                " ON CONFLICT(code) DO UPDATE SET position = ?2, enabled = ?3, spec_json = ?4, updated_at = ?5,"
                " active_from = CASE WHEN ?6 THEN active_from ELSE ?5 END");
    up.bind(1, code).bind(2, position).bind(3, (int64_t)enabled).bind(4, spec.dump()).bind(5, at).bind(6, (int64_t)was_enabled).step();
    sp.commit();
    Stmt q(db, "SELECT code, enabled, position, active_from, spec_json, updated_at FROM rules WHERE code = ?1");
    q.bind(1, code).step();
    return {{"code", q.text(0)}, {"enabled", q.int64(1) != 0}, {"position", q.int64(2)}, {"active_from", q.text(3)},
            {"spec", parse_json_or_discard(q.text(4))}, {"updated_at", q.text(5)}};
}

json email_template(sqlite3* db, std::string_view code, std::string_view lang) {
    Stmt q(db, "SELECT subject, body, version FROM templates WHERE kind = 'email' AND code = ?1 AND lang = ?2 ORDER BY version DESC LIMIT 1");
    q.bind(1, code).bind(2, lang);
    if (!q.step()) return nullptr;
    return {{"subject", q.text(0)}, {"body", q.text(1)}, {"version", q.int64(2)}};
}

int64_t save_email_template(sqlite3* db, std::string_view code, std::string_view lang, std::string_view subject,
                            std::string_view body, std::string_view at) {
    if (!is_iso_time(at)) throw Error("email_template: at: expected an ISO 8601 UTC time");
    if (code.empty() || code.size() > 64 || code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string_view::npos)
        throw Error("email_template: code: expected 1-64 characters a-z, 0-9, _ or -");
    parse_lang(lang, "lang");
    if (subject.find_first_not_of(" \t") == std::string_view::npos) throw Error("email_template: subject: required");
    if (subject.size() > 500) throw Error("email_template: subject: at most 500 bytes");
    try {
        render_text_template(subject, json::object());
    } catch (const Error& e) {
        throw Error(std::string("email_template: subject: ") + (e.what() + 9));  // without the "atelier: " of the inner error
    }
    try {
        render_text_template(body, json::object());
    } catch (const Error& e) {
        throw Error(std::string("email_template: body: ") + (e.what() + 9));
    }
    Savepoint sp(db, "atelier_save_email_template");
    Stmt v(db, "SELECT coalesce(max(version), 0) + 1 FROM templates WHERE kind = 'email' AND code = ?1 AND lang = ?2");
    v.bind(1, code).bind(2, lang).step();
    const int64_t version = v.int64(0);
    Stmt ins(db, "INSERT INTO templates(id, kind, code, lang, version, subject, body, updated_at) VALUES (?1, 'email', ?2, ?3, ?4, ?5, ?6, ?7)");
    ins.bind(1, new_uuid()).bind(2, code).bind(3, lang).bind(4, version).bind(5, subject).bind(6, body).bind(7, at).step();
    sp.commit();
    return version;
}

std::string trigger_text(const json& spec) {
    const json t = spec.is_object() ? spec.value("trigger", json::object()) : json::object();
    if (!t.is_object()) return "";
    if (t.contains("event") && t["event"].is_string())
        return t["event"].get<std::string>() + (t.contains("kind") && t["kind"].is_string() ? " (" + t["kind"].get<std::string>() + ")" : "");
    if (t.contains("timer") && t["timer"].is_string()) {
        int64_t d = t.contains("days") && t["days"].is_number_integer() ? t["days"].get<int64_t>() : 0;
        return t["timer"].get<std::string>() + " " + (d < 0 ? "−" : "+") + std::to_string(std::abs(d)) + " d";
    }
    return "";
}

// -------------------------------------------------------------------------
// [SECTION] occasions
// -------------------------------------------------------------------------

namespace {

// What a message is about: a document (or the lead) and, for an event, the
// event. "invoice:<id>@<event id>", "proposal:<id>", "lead:<id>@<event id>".
struct Occasion {
    std::string kind, id, event;
    std::string key() const { return kind + ":" + id + (event.empty() ? "" : "@" + event); }
    static Occasion parse(std::string_view s) {
        Occasion o;
        size_t c = s.find(':'), a = s.find('@');
        if (c == std::string_view::npos) return o;
        o.kind = std::string(s.substr(0, c));
        o.id = std::string(s.substr(c + 1, (a == std::string_view::npos ? s.size() : a) - c - 1));
        if (a != std::string_view::npos) o.event = std::string(s.substr(a + 1));
        return o;
    }
};

std::string latest_brief(sqlite3* db, std::string_view lead_id) {
    Stmt q(db, "SELECT id FROM briefs WHERE lead_id = ?1 ORDER BY updated_at DESC, rowid DESC LIMIT 1");
    q.bind(1, lead_id);
    return q.step() ? q.text(0) : std::string();
}

// The (trigger kind, occasion) pairs an event stands for. A signed contract
// also issued the invoices of its schedule: each is an invoice_issued.
std::vector<std::pair<std::string, Occasion>> occasions_of(sqlite3* db, const std::string& event_id, const std::string& lead_id,
                                                          const std::string& kind, const json& p) {
    std::vector<std::pair<std::string, Occasion>> out;
    auto str = [&](const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string(); };
    Occasion o{"lead", lead_id, event_id};
    if (kind == "brief_sent") {
        std::string b = latest_brief(db, lead_id);
        if (!b.empty()) o = {"brief", b, event_id};
    } else if (kind == "brief_submitted" || kind == "brief_saved") {
        if (!str("brief_id").empty()) o = {"brief", str("brief_id"), event_id};
        // A brief changed after its estimate is a revision, not a first answer.
        if (kind == "brief_submitted" && p.value("revised", false)) {
            out.push_back({"brief_revised", o});
            return out;
        }
    } else if (kind == "proposal_created") {
        o = {"proposal", str("proposal_id"), event_id};
    } else if (kind == "proposal_accepted") {
        o = {"contract", str("contract_id"), event_id};
    } else if (kind == "contract_signed" || kind == "stage_completed") {
        // The invoices issued at signing or at a stage's end: each its own
        // occasion. (A signing journaled before "issued_ids" issued its first.)
        if (kind == "contract_signed") o = {"contract", str("contract_id"), event_id};
        // A stage done is its project stage's occasion: one notice a stage.
        if (kind == "stage_completed") {
            Stmt s(db, "SELECT s.id FROM project_stages s JOIN projects p ON p.id = s.project_id WHERE p.lead_id = ?1 AND s.stage = ?2"
                       " ORDER BY p.created_at DESC LIMIT 1");
            s.bind(1, lead_id).bind(2, str("stage"));
            if (s.step()) o = {"project_stage", s.text(0), ""};
        }
        const bool first_only = kind == "contract_signed" && !p.contains("issued_ids");
        const char* key = kind == "contract_signed" && !first_only ? "issued_ids" : "invoice_ids";
        if (p.contains(key) && p[key].is_array())
            for (const json& id : p[key]) {
                if (!id.is_string()) continue;
                Stmt q(db, "SELECT 1 FROM invoices WHERE id = ?1 AND issued_on IS NOT NULL");
                q.bind(1, id.get<std::string>());
                if (q.step()) out.push_back({"invoice_issued", Occasion{"invoice", id.get<std::string>(), ""}});
                if (first_only) break;
            }
    } else if (kind == "invoice_issued") {
        // An invoice is issued once, by whichever path and device: its
        // occasion is the invoice itself.
        o = {"invoice", str("invoice_id"), ""};
    } else if (kind == "payment_recorded") {
        o = {"invoice", str("invoice_id"), event_id};
    } else if (kind == "act_issued") {
        o = {"act", str("act_id"), ""};
    } else if (kind == "act_signed") {
        o = {"act", str("act_id"), event_id};
    } else if (kind == "project_stage_started") {
        o = {"project_stage", str("stage_id"), ""};
    } else if (kind == "material_requested") {
        o = {"material", str("request_id"), ""};
    } else if (kind == "material_answered") {
        o = {"material", str("request_id"), event_id};
    } else if (kind == "document_sent" || kind == "document_opened") {
        o = {str("kind"), str("doc_id"), event_id};
    }
    if (o.id.empty()) o = {"lead", lead_id, event_id};
    out.insert(out.begin(), {kind, o});
    return out;
}

// -------------------------------------------------------------------------
// [SECTION] conditions
// -------------------------------------------------------------------------

// The document of a kind the occasion names, or the lead's newest one.
std::string doc_of(sqlite3* db, const Occasion& o, std::string_view lead_id, const char* kind, const char* table) {
    if (o.kind == kind) return o.id;
    Stmt q(db, (std::string("SELECT id FROM ") + table + " WHERE lead_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1").c_str());
    q.bind(1, lead_id);
    return q.step() ? q.text(0) : std::string();
}

bool one(sqlite3* db, const char* sql, std::string_view a) {
    Stmt q(db, sql);
    q.bind(1, a);
    return q.step();
}

// The project an occasion is about: its stage's or material's, or the lead's newest.
std::string project_of(sqlite3* db, const Occasion& o, std::string_view lead_id) {
    Stmt q(db, o.kind == "project_stage" ? "SELECT project_id FROM project_stages WHERE id = ?1"
               : o.kind == "material"    ? "SELECT project_id FROM material_requests WHERE id = ?1"
                                         : "SELECT id FROM projects WHERE lead_id = ?1 ORDER BY created_at DESC LIMIT 1");
    q.bind(1, o.kind == "project_stage" || o.kind == "material" ? std::string_view(o.id) : lead_id);
    return q.step() ? q.text(0) : std::string();
}

// The act an occasion is about, or the lead's newest.
std::string act_of(sqlite3* db, const Occasion& o, std::string_view lead_id) {
    if (o.kind == "act") return o.id;
    Stmt q(db, "SELECT id FROM acts WHERE lead_id = ?1 ORDER BY issued_at DESC, rowid DESC LIMIT 1");
    q.bind(1, lead_id);
    return q.step() ? q.text(0) : std::string();
}

// The first condition of `names` that does not hold, or "".
std::string failing(sqlite3* db, const json& names, std::string_view lead_id, const Occasion& o) {
    if (!names.is_array()) return "";
    for (const json& n : names) {
        if (!n.is_string()) continue;
        const std::string c = n.get<std::string>();
        bool ok = true;
        if (c == "lead_open") ok = one(db, "SELECT 1 FROM leads WHERE id = ?1 AND stage NOT IN ('won', 'lost')", lead_id);
        else if (c == "brief_unsubmitted") ok = !one(db, "SELECT 1 FROM briefs WHERE lead_id = ?1 AND status = 'submitted'", lead_id);
        else if (c == "proposal_unanswered")
            ok = one(db, "SELECT 1 FROM proposals WHERE id = ?1 AND status IN ('draft', 'sent')", doc_of(db, o, lead_id, "proposal", "proposals"));
        else if (c == "proposal_unopened")
            ok = !one(db, "SELECT 1 FROM doc_links WHERE kind = 'proposal' AND doc_id = ?1 AND open_count > 0",
                      doc_of(db, o, lead_id, "proposal", "proposals"));
        else if (c == "contract_unsigned")
            ok = one(db, "SELECT 1 FROM contracts WHERE id = ?1 AND status IN ('draft', 'sent')", doc_of(db, o, lead_id, "contract", "contracts"));
        else if (c == "invoice_unpaid")
            ok = one(db, "SELECT 1 FROM invoices WHERE id = ?1 AND status IN ('issued', 'partially_paid')",
                     doc_of(db, o, lead_id, "invoice", "invoices"));
        else if (c == "project_active") ok = one(db, "SELECT 1 FROM projects WHERE id = ?1 AND status = 'active'", project_of(db, o, lead_id));
        else if (c == "stage_planned")
            ok = o.kind == "project_stage" && one(db, "SELECT 1 FROM project_stages WHERE id = ?1 AND status = 'planned'", o.id);
        else if (c == "stage_needs_client")
            ok = o.kind == "project_stage" && one(db, "SELECT 1 FROM project_stages WHERE id = ?1 AND trim(client_provides) != ''", o.id);
        else if (c == "material_open") ok = o.kind == "material" && one(db, "SELECT 1 FROM material_requests WHERE id = ?1 AND status = 'open'", o.id);
        else if (c == "act_unsigned") ok = one(db, "SELECT 1 FROM acts WHERE id = ?1 AND status = 'issued'", act_of(db, o, lead_id));
        if (!ok) return c;
    }
    return "";
}

// -------------------------------------------------------------------------
// [SECTION] rendering
// -------------------------------------------------------------------------

struct Rendered {
    std::string recipient, reply_to, lang, subject, body, html;
    std::string skip;  // why nothing can be sent ("" when it can)
};

const char* const kMonthsRu[] = {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"};
const char* const kMonthsFr[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"};
const char* const kMonthsEn[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};

// "5 декабря 2026", "5 décembre 2026", "5 December 2026".
std::string long_date(std::string_view iso, Lang l) {
    if (iso.size() < 10) return std::string(iso);
    int m = std::stoi(std::string(iso.substr(5, 2))), d = std::stoi(std::string(iso.substr(8, 2)));
    if (m < 1 || m > 12) return std::string(iso);
    const char* name = (l == Lang::ru ? kMonthsRu : l == Lang::fr ? kMonthsFr : kMonthsEn)[m - 1];
    return std::to_string(d) + (l == Lang::fr && d == 1 ? "er" : "") + " " + name + " " + std::string(iso.substr(0, 4));
}

std::string money_text(int64_t minor, const std::string& currency, Lang l) {
    auto c = currency_from_code(currency);
    if (!c) return std::to_string(minor);
    return format(Money{minor, *c}, l);
}

// The template of `code` in `lang`, or in the studio's language, or any.
bool find_template(sqlite3* db, std::string_view code, std::string_view lang, std::string& subject, std::string& body) {
    Stmt q(db, "SELECT subject, body FROM templates WHERE kind = 'email' AND code = ?1"
               " ORDER BY lang = ?2 DESC, lang = 'en' DESC, version DESC LIMIT 1");
    q.bind(1, code).bind(2, lang);
    if (!q.step()) return false;
    subject = q.text(0);
    body = q.text(1);
    return true;
}

// What a template may use: {{client.name}}, {{studio.name}}, {{manager.name}},
// {{link}}, {{document.number}}, {{document.total}}, {{document.due_on}},
// {{document.days_overdue}}, {{payment.amount}}, {{lead.title}}.
json message_data(sqlite3* db, std::string_view lead_id, const Occasion& o, Lang lang, std::string_view now,
                  std::string_view base_url, bool make_links) {
    json d = json::object();
    Stmt l(db, "SELECT c.name, c.email, c.company, c.phone, l.title, l.owner_id, l.owner_name, l.stage FROM leads l"
               " JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    l.bind(1, lead_id);
    if (l.step()) {
        d["client"] = {{"name", l.text(0)}, {"email", l.text(1)}, {"company", l.text(2)}, {"phone", l.text(3)}};
        d["lead"] = {{"title", l.text(4)}, {"stage", l.text(7)}};
        std::string owner_email, owner_name = l.text(6);
        Stmt u(db, "SELECT email, name FROM users WHERE id = ?1 UNION ALL"
                   " SELECT email, name FROM (SELECT email, name FROM users ORDER BY role = 'owner' DESC, created_at LIMIT 1)");
        u.bind(1, l.text(5));
        if (u.step()) {
            owner_email = u.text(0);
            if (owner_name.empty()) owner_name = u.text(1);
        }
        d["manager"] = {{"name", owner_name}, {"email", owner_email}};
    }
    // The lead's studio (a replica may also hold its own first-start row).
    Stmt s(db, "SELECT s.name, s.email, s.phone, s.lang FROM leads l JOIN studio s ON s.id = l.studio_id WHERE l.id = ?1");
    s.bind(1, lead_id);
    if (s.step()) d["studio"] = {{"name", s.text(0)}, {"email", s.text(1)}, {"phone", s.text(2)}, {"lang", s.text(3)}};
    const std::string today = std::string(now.substr(0, 10));
    // A preview shows the link the document has, and makes none.
    auto link = [&](const std::string& kind, const std::string& id) {
        if (id.empty()) return std::string();
        if (make_links) return std::string(base_url) + "/c/" + link_for(db, kind, id, now);
        Stmt t(db, "SELECT token FROM doc_links WHERE kind = ?1 AND doc_id = ?2 AND revoked_at IS NULL"
                   " AND (expires_at IS NULL OR expires_at > ?3) ORDER BY created_at LIMIT 1");
        t.bind(1, kind).bind(2, id).bind(3, now);
        return t.step() ? std::string(base_url) + "/c/" + t.text(0) : std::string(base_url) + "/c/…";
    };
    json doc = {{"kind", o.kind}};
    if (o.kind == "brief") {
        d["link"] = link("brief", o.id);
    } else if (o.kind == "proposal" || o.kind == "contract") {
        Stmt q(db, o.kind == "proposal"
                       ? "SELECT coalesce(number, provisional_number, ''), total_minor, currency FROM proposals p JOIN estimates e ON e.id = p.estimate_id WHERE p.id = ?1"
                       : "SELECT coalesce(c.number, c.provisional_number, ''), e.total_minor, e.currency FROM contracts c"
                         " JOIN proposals p ON p.id = c.proposal_id JOIN estimates e ON e.id = p.estimate_id WHERE c.id = ?1");
        q.bind(1, o.id);
        if (q.step()) {
            doc["number"] = q.text(0);
            doc["total"] = money_text(q.int64(1), q.text(2), lang);
        }
        d["link"] = link(o.kind, o.id);
    } else if (o.kind == "invoice") {
        Stmt q(db, "SELECT coalesce(number, provisional_number, ''), total_minor, currency, coalesce(due_on, ''),"
                   " total_minor - coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0)"
                   " FROM invoices i WHERE id = ?1");
        q.bind(1, o.id);
        if (q.step()) {
            doc["number"] = q.text(0);
            doc["total"] = money_text(q.int64(1), q.text(2), lang);
            doc["left"] = money_text(q.int64(4), q.text(2), lang);
            doc["due_on"] = long_date(q.text(3), lang);
            if (!q.text(3).empty() && q.text(3) < today) {
                int64_t days = (to_epoch(today) - to_epoch(q.text(3))) / 86400;
                doc["days_overdue"] = days;
            }
            if (o.event.size()) {
                Stmt p(db, "SELECT payload_json FROM events WHERE id = ?1 AND kind = 'payment_recorded'");
                p.bind(1, o.event);
                if (p.step()) {
                    json pj = parse_json_or_discard(p.text(0));
                    if (pj.contains("amount_minor") && pj["amount_minor"].is_number_integer())
                        d["payment"] = {{"amount", money_text(pj["amount_minor"].get<int64_t>(), pj.value("currency", ""), lang)}};
                }
            }
        }
        d["link"] = link("invoice", o.id);
    } else if (o.kind == "act") {
        Stmt q(db, "SELECT a.number, a.stage, e.body_json, a.status, a.contract_id FROM acts a JOIN contracts c ON c.id = a.contract_id"
                   " JOIN proposals p ON p.id = c.proposal_id JOIN estimates e ON e.id = p.estimate_id WHERE a.id = ?1");
        q.bind(1, o.id);
        if (q.step()) {
            doc["number"] = q.text(0);
            doc["signed"] = q.text(3) == "signed";
            // The stage's name as the estimate gives it, in the message's language.
            json est = parse_json_or_discard(q.text(2));
            std::string stage = q.text(1), name = stage;
            if (stage.rfind("support:", 0) == 0) name = support::month_title(db, q.text(4), stage, lang);
            else if (est.is_object() && est.contains("names") && est["names"].contains("stages") && est["names"]["stages"].contains(stage)) {
                const json& n = est["names"]["stages"][stage];
                name = n.is_object() ? n.value(lang_code(lang), stage) : n.is_string() ? n.get<std::string>() : stage;
            }
            doc["stage"] = stage.empty() ? json(nullptr) : json(name);
        }
        d["link"] = link("act", o.id);
    }
    if (o.kind == "project_stage" || o.kind == "material") {
        const std::string project = project_of(db, o, lead_id);
        auto stage_json = [&](Stmt& q) {
            return json{{"name", q.text(0)}, {"start", long_date(q.text(1), lang)}, {"end", long_date(q.text(2), lang)},
                        {"provides", q.text(3).find_first_not_of(" \t\r\n") == std::string::npos ? json(nullptr) : json(q.text(3))}};
        };
        const char* stage_sql = "SELECT name, planned_start, planned_end, client_provides, position FROM project_stages";
        if (o.kind == "project_stage") {
            Stmt q(db, (std::string(stage_sql) + " WHERE id = ?1").c_str());
            q.bind(1, o.id);
            if (q.step()) {
                d["stage"] = stage_json(q);
                Stmt n(db, (std::string(stage_sql) + " WHERE project_id = ?1 AND position > ?2 ORDER BY position LIMIT 1").c_str());
                n.bind(1, project).bind(2, q.int64(4));
                if (n.step()) d["next"] = stage_json(n);
            }
        } else {
            Stmt q(db, "SELECT title, coalesce(due_on, ''), answer_text FROM material_requests WHERE id = ?1");
            q.bind(1, o.id);
            if (q.step()) {
                json files = json::array();
                Stmt f(db, "SELECT name, size FROM material_files WHERE request_id = ?1 ORDER BY uploaded_at, name, id");
                f.bind(1, o.id);
                while (f.step()) files.push_back({{"name", f.text(0)}, {"size", uploads::size_text(f.int64(1), lang_code(lang))}});
                d["material"] = {{"title", q.text(0)}, {"due_on", q.text(1).empty() ? json(nullptr) : json(long_date(q.text(1), lang))},
                                 {"answer", q.text(2)}, {"files", files}};
            }
        }
        if (!project.empty()) d["link"] = link("project", project);
    }
    d["document"] = doc;
    if (!make_links && !d.contains("link")) d["link"] = std::string(base_url) + "/c/…";  // a preview on a lead without that document
    return d;
}

Rendered render(sqlite3* db, const Rule& r, std::string_view lead_id, const Occasion& o, std::string_view now,
                std::string_view base_url, bool make_links, const EmailText* text = nullptr) {
    Rendered out;
    const std::string channel = r.spec.value("channel", "email");
    const std::string to = r.spec.value("to", channel == "task" ? "owner" : "client");
    Stmt l(db, "SELECT l.lang, c.email, coalesce((SELECT lang FROM studio s WHERE s.id = l.studio_id), 'ru') FROM leads l"
               " JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    l.bind(1, lead_id);
    if (!l.step()) {
        out.skip = "the lead no longer exists";
        return out;
    }
    out.lang = text && lang_from_code(text->lang) ? text->lang : to == "client" ? l.text(0) : l.text(2);
    if (out.lang.empty()) out.lang = "ru";
    const Lang lang = lang_from_code(out.lang).value_or(Lang::ru);
    json data = message_data(db, lead_id, o, lang, now, base_url, make_links);
    const std::string owner_email = data["manager"].value("email", "");
    out.reply_to = owner_email;
    if (channel == "webhook") {
        out.recipient = r.spec.value("url", "");
        json payload = {{"rule", r.code}, {"lead_id", std::string(lead_id)}, {"occasion", o.key()}, {"at", std::string(now)}, {"data", data}};
        if (!o.event.empty()) {
            Stmt e(db, "SELECT kind, actor_name, at, payload_json FROM events WHERE id = ?1");
            e.bind(1, o.event);
            if (e.step())
                payload["event"] = {{"id", o.event}, {"kind", e.text(0)}, {"actor", e.text(1)}, {"at", e.text(2)},
                                    {"payload", parse_json_or_discard(e.text(3))}};
        }
        out.body = payload.dump();
        return out;
    }
    if (channel == "email") {
        out.recipient = to == "client" ? l.text(1) : owner_email;
        if (out.recipient.empty())
            out.skip = to == "client" ? "the client has no e-mail address" : "the studio has no manager with an e-mail address";
    }
    std::string subject_tpl, body_tpl;
    const std::string tcode = r.spec.value("template", "");
    if (text) {
        subject_tpl = text->subject;
        body_tpl = text->body;
    } else if (!find_template(db, tcode, out.lang, subject_tpl, body_tpl)) {
        out.skip = "no e-mail template \"" + tcode + "\"";
        return out;
    }
    try {
        out.subject = render_text_template(subject_tpl, data);
        out.body = render_text_template(body_tpl, data);
    } catch (const std::exception& e) {
        out.subject.clear();
        out.body.clear();
        out.skip = std::string("the template \"") + tcode + "\" cannot be rendered: " + e.what();
        return out;
    }
    // Subjects are one line.
    std::replace(out.subject.begin(), out.subject.end(), '\n', ' ');
    std::replace(out.subject.begin(), out.subject.end(), '\r', ' ');
    if (channel == "email") out.html = mail::text_to_html(out.body, out.lang, data.contains("studio") ? data["studio"].value("name", "") : "");
    return out;
}

}  // namespace

// -------------------------------------------------------------------------
// [SECTION] tick
// -------------------------------------------------------------------------

namespace {

// Writes the rule's message for an occasion once; false if it was there.
bool schedule(sqlite3* db, const Rule& r, std::string_view lead_id, const Occasion& o, std::string_view due_at, std::string_view now) {
    const std::string key = o.key();
    Stmt ins(db, "INSERT INTO outbox(id, lead_id, rule, occasion, channel, status, due_at, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, 'scheduled', ?6, ?7) ON CONFLICT DO NOTHING");
    ins.bind(1, uuid_from("outbox|" + r.code + "|" + std::string(lead_id) + "|" + key)).bind(2, lead_id).bind(3, r.code).bind(4, key)
        .bind(5, r.spec.value("channel", "email")).bind(6, due_at).bind(7, now).step();
    return sqlite3_changes(db) > 0;
}

// The occasions of a timer that have come due by `now`: (lead, occasion,
// the time the timer fired).
struct Due {
    std::string lead_id;
    Occasion o;
    std::string fire_at;
};

// The tables whose new rows a timer looks at, and the rowid up to which the
// last evaluation saw them.
const char* const kTimerTables[] = {"events", "proposals", "contracts", "invoices", "project_stages", "material_requests", "acts", "change_log"};

// The occasions of a timer whose moment (anchor + days) came in (lower, now],
// and those of rows that arrived since the last evaluation (a replica's,
// synced late) whose moment has passed. Each query reads an index range:
// a steady evaluation looks at a minute's worth of documents.
std::vector<Due> timer_candidates(sqlite3* db, const Rule& r, std::string_view now, const std::string& lower,
                                  const std::map<std::string, int64_t>& seen) {
    std::vector<Due> out;
    const int64_t shift = r.days * 86400;
    const std::string limit = add_seconds(now, -shift);  // anchor <= limit  <=>  anchor + days <= now
    const std::string low = add_seconds(std::max(lower, r.active_from), -shift);
    std::string base, anchor, table;
    if (r.timer == "brief_sent") {
        table = "events";
        anchor = "e.at";
        base = "SELECT e.lead_id, 'brief', coalesce((SELECT id FROM briefs b WHERE b.lead_id = e.lead_id ORDER BY b.updated_at DESC,"
               " b.rowid DESC LIMIT 1), ''), e.id, e.at, e.at FROM events e JOIN leads l ON l.id = e.lead_id"
               " WHERE e.kind = 'brief_sent' AND l.stage = 'brief_sent' AND e.at <= ?1 AND e.at >= ?2"
               " AND e.id = (SELECT id FROM events x WHERE x.lead_id = e.lead_id AND x.kind = 'brief_sent' ORDER BY x.at DESC, x.rowid DESC LIMIT 1)";
    } else if (r.timer == "proposal_sent" || r.timer == "proposal_unopened") {
        table = "proposals";
        anchor = "e.created_at";
        base = "SELECT lead_id, 'proposal', id, '', created_at, created_at FROM proposals e WHERE status IN ('draft', 'sent')"
               " AND created_at <= ?1 AND created_at >= ?2";
    } else if (r.timer == "contract_sent") {
        table = "contracts";
        anchor = "e.created_at";
        base = "SELECT lead_id, 'contract', id, '', created_at, created_at FROM contracts e WHERE status IN ('draft', 'sent')"
               " AND created_at <= ?1 AND created_at >= ?2";
    } else if (r.timer == "invoice_due") {
        table = "invoices";
        anchor = "(e.due_on || 'T06:00:00Z')";
        // due_on bounds the index range; the exact moment is checked after.
        base = "SELECT lead_id, 'invoice', id, '', due_on || 'T06:00:00Z', issued_on FROM invoices e WHERE status IN ('issued', 'partially_paid')"
               " AND due_on IS NOT NULL AND due_on <= substr(?1, 1, 10) AND (due_on || 'T06:00:00Z') <= ?1 AND issued_on >= substr(?2, 1, 10)";
    } else if (r.timer == "stage_starts") {
        table = "project_stages";
        anchor = "(e.planned_start || 'T06:00:00Z')";
        base = "SELECT p.lead_id, 'project_stage', e.id, '', e.planned_start || 'T06:00:00Z', p.created_at FROM project_stages e"
               " JOIN projects p ON p.id = e.project_id WHERE e.status = 'planned' AND p.status = 'active'"
               " AND e.planned_start <= substr(?1, 1, 10) AND (e.planned_start || 'T06:00:00Z') <= ?1 AND p.created_at >= ?2";
    } else if (r.timer == "material_due") {
        table = "material_requests";
        anchor = "(e.due_on || 'T06:00:00Z')";
        base = "SELECT p.lead_id, 'material', e.id, '', e.due_on || 'T06:00:00Z', e.created_at FROM material_requests e"
               " JOIN projects p ON p.id = e.project_id WHERE e.status = 'open' AND e.due_on IS NOT NULL"
               " AND e.due_on <= substr(?1, 1, 10) AND (e.due_on || 'T06:00:00Z') <= ?1 AND e.created_at >= ?2";
    } else if (r.timer == "act_issued") {
        table = "acts";
        anchor = "e.issued_at";
        base = "SELECT lead_id, 'act', id, '', issued_at, issued_at FROM acts e WHERE status = 'issued' AND issued_at <= ?1 AND issued_at >= ?2";
    } else {
        return out;
    }
    auto it = seen.find(table);
    const int64_t wm = it == seen.end() ? 0 : it->second;
    it = seen.find("change_log");
    const int64_t logged = it == seen.end() ? 0 : it->second;
    // Rows changed since (a planned invoice issued on a device, offline,
    // synced after its reminders' moments): read by id, one at a time.
    std::vector<std::string> changed;
    {
        Stmt c(db, "SELECT DISTINCT row_id FROM change_log WHERE seq > ?1 AND tbl = ?2");
        c.bind(1, logged).bind(2, table);
        while (c.step()) changed.push_back(c.text(0));
    }
    for (size_t pass = 0; pass < 2 + changed.size(); ++pass) {
        std::string sql = base;
        if (pass == 0) {
            // The date column bounds the index range from below too.
            if (r.timer == "invoice_due" || r.timer == "material_due") sql += " AND e.due_on >= substr(?3, 1, 10)";
            else if (r.timer == "stage_starts") sql += " AND e.planned_start >= substr(?3, 1, 10)";
            sql += " AND " + anchor + " > ?3";
        } else if (pass == 1) {
            sql += " AND e.rowid > ?4";
        } else {
            sql += " AND e.id = ?4";
        }
        Stmt q(db, sql.c_str());
        q.bind(1, limit).bind(2, r.active_from);
        if (pass == 0) q.bind(3, low);
        else if (pass == 1) q.bind(4, wm);
        else q.bind(4, changed[pass - 2]);
        while (q.step()) {
            Due d{q.text(0), Occasion{q.text(1), q.text(2), q.text(3)}, add_seconds(q.text(4), shift)};
            if (d.o.id.empty()) d.o = {"lead", d.lead_id, d.o.event};
            // A reminder whose moment came before its document existed (an
            // invoice issued the day before it is due) is not sent.
            const std::string born = q.text(5);
            if (d.fire_at < (born.size() == 10 ? born + "T00:00:00Z" : born)) continue;
            out.push_back(std::move(d));
        }
    }
    return out;
}

}  // namespace

TickResult tick(sqlite3* db, std::string_view now, std::string_view base_url, bool timers) {
    if (!is_iso_time(now) || now.size() != 20) throw Error("automation: now: expected an ISO 8601 UTC time");
    TickResult res;
    Savepoint sp(db, "atelier_automation_tick");
    const std::vector<Rule> rs = enabled_rules(db);

    // New events of the journal, in the order they arrived (a replica's
    // events arrive late, with their own times).
    int64_t seen = 0;
    {
        std::string m = meta(db, "events_seen");
        if (!m.empty()) seen = std::stoll(m);
    }
    for (;;) {
        Stmt q(db, "SELECT rowid, id, lead_id, kind, at, payload_json FROM events WHERE rowid > ?1 ORDER BY rowid LIMIT 2000");
        q.bind(1, seen);
        int n = 0;
        while (q.step()) {
            ++n;
            seen = q.int64(0);
            ++res.events;
            const std::string eid = q.text(1), lead = q.text(2), kind = q.text(3), at = q.text(4);
            bool wanted = false;
            for (const Rule& r : rs) wanted = wanted || !r.event.empty();
            if (!wanted) continue;
            json payload = parse_json_or_discard(q.text(5));
            if (!payload.is_object()) payload = json::object();
            for (const auto& [k, o] : occasions_of(db, eid, lead, kind, payload)) {
                for (const Rule& r : rs) {
                    if (r.event != k || at < r.active_from) continue;
                    if (!r.kind_filter.empty() && r.kind_filter != o.kind) continue;
                    std::string due = r.delay_minutes ? add_seconds(at, r.delay_minutes * 60) : at;
                    if (schedule(db, r, lead, o, due, now)) ++res.scheduled;
                }
            }
        }
        if (n < 2000) break;
    }
    set_meta(db, "events_seen", std::to_string(seen));

    if (timers) {
        // Where the last evaluation of the timers stopped: its time, and the
        // rows of each table it had seen.
        const std::string lower = meta(db, "timers_until");
        std::map<std::string, int64_t> seen_rows, top;
        for (const char* t : kTimerTables) {
            std::string m = meta(db, (std::string("rows:") + t).c_str());
            seen_rows[t] = m.empty() ? 0 : std::stoll(m);
            Stmt q(db, (std::string("SELECT coalesce(max(rowid), 0) FROM ") + t).c_str());
            q.step();
            top[t] = q.int64(0);
        }
        for (const Rule& r : rs) {
            if (r.timer.empty()) continue;
            for (const Due& d : timer_candidates(db, r, now, lower, seen_rows))
                if (schedule(db, r, d.lead_id, d.o, d.fire_at, now)) ++res.scheduled;
        }
        if (lower < now) set_meta(db, "timers_until", now);
        for (const auto& [t, v] : top) set_meta(db, (std::string("rows:") + t).c_str(), std::to_string(v));
    }

    // What fell due: checked again, then rendered (or cancelled).
    std::map<std::string, std::optional<Rule>> rule_cache;
    for (;;) {
        Stmt q(db, "SELECT id, lead_id, rule, occasion FROM outbox WHERE status = 'scheduled' AND due_at <= ?1 ORDER BY due_at, rowid LIMIT 500");
        q.bind(1, now);
        struct Row {
            std::string id, lead, rule, occasion;
        };
        std::vector<Row> rows;
        while (q.step()) rows.push_back({q.text(0), q.text(1), q.text(2), q.text(3)});
        if (rows.empty()) break;
        for (const Row& row : rows) {
            auto it = rule_cache.find(row.rule);
            if (it == rule_cache.end()) it = rule_cache.emplace(row.rule, find_rule(db, row.rule)).first;
            const std::optional<Rule>& r = it->second;
            const Occasion o = Occasion::parse(row.occasion);
            std::string why;
            if (!r) why = "the rule no longer exists";
            else if (r->spec.contains("disabled")) why = "the rule is switched off";
            else if (std::string c = failing(db, r->spec.value("conditions", json::array()), row.lead, o); !c.empty())
                why = "condition no longer holds: " + c;
            Rendered m;
            if (why.empty()) {
                m = render(db, *r, row.lead, o, now, base_url, true);
                why = m.skip;
            }
            if (!why.empty()) {
                Stmt c(db, "UPDATE outbox SET status = 'cancelled', last_error = ?2 WHERE id = ?1");
                c.bind(1, row.id).bind(2, why).step();
                ++res.cancelled;
                continue;
            }
            const std::string channel = r->spec.value("channel", "email");
            if (channel == "task") {
                Stmt owner(db, "SELECT owner_id, owner_name FROM leads WHERE id = ?1");
                owner.bind(1, row.lead).step();
                Stmt t(db, "INSERT INTO tasks(id, lead_id, title, due_at, owner_id, owner_name, rule, created_by, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'system', ?4) ON CONFLICT DO NOTHING");
                t.bind(1, uuid_from("task|" + row.id)).bind(2, row.lead).bind(3, clip_utf8(m.subject.empty() ? m.body : m.subject, 500))
                    .bind(4, now);
                if (owner.is_null(0)) t.bind_null(5); else t.bind(5, owner.text(0));
                t.bind(6, owner.text(1)).bind(7, r->code).step();
                Stmt u(db, "UPDATE outbox SET status = 'sent', subject = ?2, body = ?3, lang = ?4, sent_at = ?5 WHERE id = ?1");
                u.bind(1, row.id).bind(2, m.subject).bind(3, m.body).bind(4, m.lang).bind(5, now).step();
                ++res.tasks;
                continue;
            }
            Stmt u(db, "UPDATE outbox SET status = 'queued', recipient = ?2, reply_to = ?3, lang = ?4, subject = ?5, body = ?6,"
                       " html = ?7, next_attempt_at = ?8 WHERE id = ?1");
            u.bind(1, row.id).bind(2, m.recipient).bind(3, m.reply_to).bind(4, m.lang).bind(5, m.subject).bind(6, m.body)
                .bind(7, m.html).bind(8, now).step();
            ++res.queued;
        }
    }
    sp.commit();
    return res;
}

json preview(sqlite3* db, std::string_view rule_code, std::string_view lead_id, std::string_view now, std::string_view base_url,
             const EmailText* text) {
    auto r = find_rule(db, rule_code);
    if (!r) throw not_found("preview: rule", "rule", std::string(rule_code));
    Stmt l(db, "SELECT 1 FROM leads WHERE id = ?1");
    l.bind(1, lead_id);
    if (!l.step()) throw not_found("preview: lead_id", "lead", std::string(lead_id));
    // The document the rule is about: the lead's newest of the trigger's kind.
    Occasion o{"lead", std::string(lead_id), ""};
    const std::string t = r->timer.empty() ? r->event : r->timer;
    const std::string kind = !r->kind_filter.empty() ? r->kind_filter
                             : t.find("brief") == 0 ? "brief" : t.find("proposal_accepted") == 0 ? "contract"
                             : t.find("proposal") == 0 ? "proposal" : t.find("contract") == 0 ? "contract"
                             : t.find("invoice") == 0 || t.find("payment") == 0 ? "invoice" : "lead";
    const bool stage_rule = t == "stage_starts" || t == "project_stage_started" || t == "stage_completed";
    if (kind == "brief") o = {"brief", latest_brief(db, lead_id), ""};
    else if (stage_rule || t.find("material") == 0) {
        // The project's current stage (or the next one for a notice before
        // it starts), its newest material request.
        const std::string project = project_of(db, Occasion{}, lead_id);
        Stmt q(db, stage_rule ? (t == "stage_starts" ? "SELECT id FROM project_stages WHERE project_id = ?1 AND status = 'planned' ORDER BY position LIMIT 1"
                                                     : "SELECT id FROM project_stages WHERE project_id = ?1 ORDER BY status = 'done', position LIMIT 1")
                              : "SELECT id FROM material_requests WHERE project_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1");
        q.bind(1, project);
        if (q.step()) o = {stage_rule ? "project_stage" : "material", q.text(0), ""};
    } else if (t.find("act") == 0) {
        std::string id = act_of(db, Occasion{}, lead_id);
        if (!id.empty()) o = {"act", id, ""};
    } else if (kind != "lead") {
        std::string id = doc_of(db, Occasion{}, lead_id, kind.c_str(), (kind + "s").c_str());
        if (!id.empty()) o = {kind, id, ""};
    }
    Savepoint sp(db, "atelier_preview");  // links made for the preview are rolled back
    Rendered m = render(db, *r, lead_id, o, now, base_url, false, text);
    json out = {{"rule", r->code}, {"channel", r->spec.value("channel", "email")}, {"recipient", m.recipient}, {"reply_to", m.reply_to},
                {"lang", m.lang}, {"subject", m.subject}, {"body", m.body}, {"html", m.html}};
    if (!m.skip.empty()) out["problem"] = m.skip;
    return out;
}

Outcome send_document(sqlite3* db, std::string_view kind, std::string_view doc_id, const Actor& by, std::string_view at) {
    if (!is_iso_time(at)) throw Error("send: at: expected an ISO 8601 UTC time");
    if (kind != "proposal" && kind != "contract" && kind != "invoice" && kind != "act")
        throw Error("send: kind: expected proposal, contract, invoice or act, got \"" + std::string(kind) + "\"");
    Stmt q(db, (std::string("SELECT lead_id, ") + (kind == "act" ? "number" : "coalesce(number, provisional_number, '')") +
                ", status FROM " + std::string(kind) + "s WHERE id = ?1").c_str());
    q.bind(1, doc_id);
    if (!q.step()) throw not_found("send: doc_id", std::string(kind).c_str(), std::string(doc_id));
    if (kind == "invoice" && q.text(2) == "draft") throw conflict("send: the invoice is planned, not issued: issue it first");
    if (q.text(2) == "superseded") throw conflict("send: this " + std::string(kind) + " was replaced by a newer version");
    Stmt e(db, "SELECT c.email FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    e.bind(1, q.text(0));
    if (!e.step() || e.text(0).empty()) throw Error("send: email: the client has no e-mail address; add one to the lead first");
    Savepoint sp(db, "atelier_send_document");
    Outcome o;
    o.kind = "document_sent";
    o.lead_id = q.text(0);
    Stmt st(db, "SELECT stage FROM leads WHERE id = ?1");
    st.bind(1, o.lead_id).step();
    o.stage_from = o.stage_to = st.text(0);
    o.event_id = record_event(db, o.lead_id, "document_sent", by, at,
                              json{{"kind", std::string(kind)}, {"doc_id", std::string(doc_id)}, {"number", q.text(1)}, {"to", e.text(0)}});
    o.made = {{"to", e.text(0)}};
    sp.commit();
    return o;
}

// -------------------------------------------------------------------------
// [SECTION] the outbox
// -------------------------------------------------------------------------

std::optional<Message> claim(sqlite3* db, std::string_view now, std::string_view channel) {
    Savepoint sp(db, "atelier_outbox_claim");
    for (;;) {
        // The head of each channel's queue, in the order messages fell due:
        // while the head waits for its retry, so does the rest of its channel.
        std::optional<Message> best;
        std::string best_due, best_occasion;
        for (const char* ch : {"email", "webhook"}) {
            if (!channel.empty() && channel != ch) continue;
            Stmt q(db, "SELECT id, coalesce(lead_id, ''), rule, channel, recipient, reply_to, lang, subject, body, html, attempts, occasion,"
                       " due_at, coalesce(next_attempt_at, due_at) FROM outbox WHERE status = 'queued' AND channel = ?1"
                       " ORDER BY due_at, rowid LIMIT 1");
            q.bind(1, ch);
            if (!q.step() || q.text(13) > now) continue;
            if (best && q.text(12) >= best_due) continue;
            best = Message{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8), q.text(9),
                           q.int64(10) + 1};
            best_due = q.text(12);
            best_occasion = q.text(11);
        }
        if (!best) {
            sp.commit();
            return std::nullopt;
        }
        Message& m = *best;
        // A message that waited (the mail server was down) is checked once
        // more: a reminder for an invoice paid meanwhile never goes.
        if (auto r = find_rule(db, m.rule); r && !m.lead_id.empty()) {
            std::string c = failing(db, r->spec.value("conditions", json::array()), m.lead_id, Occasion::parse(best_occasion));
            if (!c.empty()) {
                Stmt x(db, "UPDATE outbox SET status = 'cancelled', last_error = ?2 WHERE id = ?1");
                x.bind(1, m.id).bind(2, "condition no longer holds: " + c).step();
                continue;
            }
        }
        Stmt u(db, "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?1 AND status = 'queued'");
        u.bind(1, m.id).step();
        sp.commit();
        return m;
    }
}

void mark_sent(sqlite3* db, std::string_view id, std::string_view now) {
    Stmt u(db, "UPDATE outbox SET status = 'sent', sent_at = ?2, last_error = '' WHERE id = ?1");
    u.bind(1, id).bind(2, now).step();
}

void mark_retry(sqlite3* db, std::string_view id, std::string_view now, std::string_view error, int base_seconds) {
    Stmt a(db, "SELECT attempts FROM outbox WHERE id = ?1");
    a.bind(1, id);
    const int64_t attempts = a.step() ? a.int64(0) : 1;
    int64_t wait = std::max(1, base_seconds);
    for (int64_t i = 1; i < attempts && wait < 3600; ++i) wait *= 2;
    wait = std::min<int64_t>(wait, 3600);
    const std::string next = add_seconds(now, wait);
    Savepoint sp(db, "atelier_outbox_retry");
    Stmt u(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, last_error = ?3 WHERE id = ?1");
    u.bind(1, id).bind(2, next).bind(3, clip_utf8(error, 500)).step();
    // The server is down for everyone: the rest of the queue waits as long,
    // so that what was due first still goes first.
    Stmt rest(db, "UPDATE outbox SET next_attempt_at = ?2 WHERE status = 'queued' AND channel = (SELECT channel FROM outbox WHERE id = ?1)"
                  " AND coalesce(next_attempt_at, due_at) < ?2");
    rest.bind(1, id).bind(2, next).step();
    sp.commit();
}

void mark_failed(sqlite3* db, std::string_view id, std::string_view now, std::string_view error) {
    Stmt u(db, "UPDATE outbox SET status = 'failed', last_error = ?2, next_attempt_at = ?3 WHERE id = ?1");
    u.bind(1, id).bind(2, clip_utf8(error, 500)).bind(3, now).step();
}

int recover(sqlite3* db) {
    Stmt u(db, "UPDATE outbox SET status = 'queued' WHERE status = 'sending'");
    u.step();
    return sqlite3_changes(db);
}

void resend(sqlite3* db, std::string_view id, std::string_view now) {
    Stmt q(db, "SELECT status, channel FROM outbox WHERE id = ?1");
    q.bind(1, id);
    if (!q.step()) throw not_found("outbox: id", "message", std::string(id));
    if (q.text(0) != "failed" && q.text(0) != "cancelled")
        throw conflict("outbox: only a failed or cancelled message is sent again; this one is " + q.text(0));
    if (q.text(1) == "task") throw conflict("outbox: a task is not sent");
    Stmt b(db, "SELECT body FROM outbox WHERE id = ?1 AND body != ''");
    b.bind(1, id);
    if (!b.step()) throw conflict("outbox: this message was cancelled before it was written; nothing to send");
    Stmt u(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, attempts = 0 WHERE id = ?1");
    u.bind(1, id).bind(2, now).step();
}

void cancel(sqlite3* db, std::string_view id, std::string_view now, std::string_view by_name) {
    Stmt q(db, "SELECT status FROM outbox WHERE id = ?1");
    q.bind(1, id);
    if (!q.step()) throw not_found("outbox: id", "message", std::string(id));
    if (q.text(0) != "scheduled" && q.text(0) != "queued")
        throw conflict("outbox: only a scheduled or queued message can be cancelled; this one is " + q.text(0));
    Stmt u(db, "UPDATE outbox SET status = 'cancelled', last_error = ?2 WHERE id = ?1");
    u.bind(1, id).bind(2, "cancelled by " + std::string(by_name) + " at " + std::string(now)).step();
}

namespace {
json message_row(Stmt& q) {
    json m = {{"id", q.text(0)}, {"lead_id", q.is_null(1) ? json(nullptr) : json(q.text(1))}, {"rule", q.text(2)},
              {"channel", q.text(3)}, {"recipient", q.text(4)}, {"subject", q.text(5)}, {"body", q.text(6)},
              {"status", q.text(7)}, {"due_at", q.text(8)}, {"attempts", q.int64(9)}, {"last_error", q.text(10)},
              {"sent_at", q.is_null(11) ? json(nullptr) : json(q.text(11))}, {"created_at", q.text(12)}, {"lang", q.text(13)}};
    if (!q.is_null(14)) m["next_attempt_at"] = q.text(14);
    return m;
}
const char* const kMessageCols =
    "SELECT id, lead_id, rule, channel, recipient, subject, body, status, due_at, attempts, last_error, sent_at, created_at, lang,"
    " next_attempt_at FROM outbox";
}  // namespace

json outbox(sqlite3* db, std::string_view lead_id, std::string_view status, int limit) {
    json out = json::array();
    std::string sql = std::string(kMessageCols) + " WHERE (?1 = '' OR lead_id = ?1) AND (?2 = '' OR status = ?2)"
                      " ORDER BY coalesce(sent_at, due_at) DESC, id LIMIT ?3";
    Stmt q(db, sql.c_str());
    q.bind(1, std::string(lead_id)).bind(2, std::string(status)).bind(3, (int64_t)std::clamp(limit, 1, 5000));
    while (q.step()) out.push_back(message_row(q));
    return out;
}

json upcoming(sqlite3* db, std::string_view now, int days) {
    json out = json::array();
    std::string sql = std::string(kMessageCols) + " WHERE status = 'scheduled' AND due_at > ?1 AND due_at <= ?2 ORDER BY due_at, id LIMIT 1000";
    Stmt q(db, sql.c_str());
    q.bind(1, now).bind(2, add_seconds(now, (int64_t)days * 86400));
    while (q.step()) {
        json m = message_row(q);
        if (m["lead_id"].is_string()) {
            Stmt c(db, "SELECT c.name FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
            c.bind(1, m["lead_id"].get<std::string>());
            if (c.step()) m["client"] = c.text(0);
        }
        out.push_back(std::move(m));
    }
    return out;
}

// -------------------------------------------------------------------------
// [SECTION] views and tasks
// -------------------------------------------------------------------------

void record_view(sqlite3* db, std::string_view token, std::string_view now, int64_t views, std::string_view latest) {
    if (views < 1) return;
    if (latest.empty()) latest = now;
    Savepoint sp(db, "atelier_record_view");
    Stmt q(db, "SELECT kind, doc_id, lead_id, open_count, coalesce(last_opened_at, '') FROM doc_links WHERE token = ?1");
    q.bind(1, token);
    if (!q.step()) return;
    const std::string kind = q.text(0), doc = q.text(1), lead = q.text(2), last = q.text(4);
    const int64_t count = q.int64(3) + 1;
    Stmt u(db, "UPDATE doc_links SET open_count = open_count + ?4, first_opened_at = coalesce(first_opened_at, ?2),"
               " last_opened_at = ?3 WHERE token = ?1");
    u.bind(1, token).bind(2, now).bind(3, latest).bind(4, views).step();
    if (last.empty() || add_seconds(last, 3600) <= now)
        record_event(db, lead, "document_opened", client_actor(""), now,
                     json{{"kind", kind}, {"doc_id", doc}, {"count", count}, {"first", count == 1}});
    sp.commit();
}

std::string add_task(sqlite3* db, std::string_view lead_id, std::string_view title, std::string_view due_at, const Actor& by,
                     std::string_view at) {
    if (!is_iso_time(at)) throw Error("task: at: expected an ISO 8601 UTC time");
    if (!is_iso_time(due_at)) throw Error("task: due_at: expected a date or an ISO 8601 UTC time");
    const std::string due = due_at.size() == 10 ? std::string(due_at) + "T09:00:00Z" : std::string(due_at);
    if (title.find_first_not_of(" \t\n") == std::string_view::npos) throw Error("task: title: required");
    if (utf8_length(title) > 500 || !valid_utf8(title)) throw Error("task: title: at most 500 characters of text");
    std::string owner_id = by.id, owner_name = by.name;
    if (!lead_id.empty()) {
        Stmt l(db, "SELECT owner_id, owner_name FROM leads WHERE id = ?1");
        l.bind(1, lead_id);
        if (!l.step()) throw not_found("task: lead_id", "lead", std::string(lead_id));
    }
    std::string id = new_uuid();
    Stmt ins(db, "INSERT INTO tasks(id, lead_id, title, due_at, owner_id, owner_name, created_by, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ins.bind(1, id);
    if (lead_id.empty()) ins.bind_null(2); else ins.bind(2, lead_id);
    ins.bind(3, title).bind(4, due).bind(5, owner_id).bind(6, owner_name).bind(7, by.name).bind(8, at).step();
    return id;
}

void task_done(sqlite3* db, std::string_view task_id, const Actor& by, std::string_view at) {
    if (!is_iso_time(at)) throw Error("task: at: expected an ISO 8601 UTC time");
    Stmt q(db, "SELECT done_at, coalesce(lead_id, ''), title FROM tasks WHERE id = ?1");
    q.bind(1, task_id);
    if (!q.step()) throw not_found("task: id", "task", std::string(task_id));
    if (!q.is_null(0)) return;  // done before: nothing changes
    Savepoint sp(db, "atelier_task_done");
    Stmt u(db, "UPDATE tasks SET done_at = ?2 WHERE id = ?1");
    u.bind(1, task_id).bind(2, at).step();
    if (!q.text(1).empty()) record_event(db, q.text(1), "task_done", by, at, json{{"task_id", std::string(task_id)}, {"title", q.text(2)}});
    sp.commit();
}

void task_snooze(sqlite3* db, std::string_view task_id, std::string_view until, std::string_view at) {
    if (!is_iso_time(until)) throw Error("task: until: expected a date or an ISO 8601 UTC time");
    const std::string u8 = until.size() == 10 ? std::string(until) + "T09:00:00Z" : std::string(until);
    if (u8 <= at) throw Error("task: until: expected a time in the future");
    Stmt u(db, "UPDATE tasks SET snoozed_until = ?2 WHERE id = ?1 AND done_at IS NULL");
    u.bind(1, task_id).bind(2, u8).step();
    if (sqlite3_changes(db) == 0) throw not_found("task: id", "open task", std::string(task_id));
}

json tasks(sqlite3* db, std::string_view now) {
    json out = json::array();
    Stmt q(db, "SELECT t.id, t.lead_id, t.title, t.due_at, t.owner_name, t.rule, c.name, coalesce(t.snoozed_until, '')"
               " FROM tasks t LEFT JOIN leads l ON l.id = t.lead_id LEFT JOIN clients c ON c.id = l.client_id"
               " WHERE t.done_at IS NULL AND (t.snoozed_until IS NULL OR t.snoozed_until <= ?1)"
               " ORDER BY coalesce(t.snoozed_until, t.due_at), t.id LIMIT 1000");
    q.bind(1, now);
    while (q.step()) {
        // Put off: due when it was put off to.
        const std::string due = q.text(7).empty() ? q.text(3) : q.text(7);
        out.push_back({{"id", q.text(0)}, {"lead_id", q.is_null(1) ? json(nullptr) : json(q.text(1))}, {"title", q.text(2)},
                       {"due_at", due}, {"owner", q.text(4)}, {"rule", q.is_null(5) ? json(nullptr) : json(q.text(5))},
                       {"client", q.is_null(6) ? json(nullptr) : json(q.text(6))}, {"overdue", due < now}});
    }
    return out;
}

}  // namespace atelier::automation
