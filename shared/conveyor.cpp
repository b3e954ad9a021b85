// atelier/conveyor.cpp — see conveyor.h.
#include "conveyor.h"
#include "projects.h"

#include "requisites.h"

#include <algorithm>
#include <map>

#include "automation.h"
#include "brief.h"
#include "documents.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "money.h"
#include "pipeline.h"
#include "store.h"
#include "workflow.h"

namespace atelier {

using nlohmann::json;

Actor client_actor(std::string_view name) { return Actor{"client", std::string(name), "online", false}; }
Actor system_actor() { return Actor{"system", "Atelier", "system", false}; }

json Outcome::json() const {
    nlohmann::json j = {{"event_id", event_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(event_id)},
                        {"kind", kind}, {"lead_id", lead_id}, {"made", made}};
    if (stage_from != stage_to) j["stage"] = {{"from", stage_from}, {"to", stage_to}};
    else j["stage"] = {{"from", stage_from}, {"to", stage_to}, {"changed", false}};
    return j;
}

std::string record_event(sqlite3* db, std::string_view lead_id, std::string_view kind, const Actor& by, std::string_view at,
                         const json& payload, std::string_view given_id) {
    const std::string id = given_id.empty() ? new_uuid() : std::string(given_id);
    Stmt ins(db, "INSERT INTO events(id, lead_id, kind, actor, actor_name, channel, at, payload_json)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ins.bind(1, id).bind(2, lead_id).bind(3, kind).bind(4, by.id).bind(5, by.name).bind(6, by.channel).bind(7, at)
        .bind(8, payload.dump()).step();
    return id;
}

namespace {

bool is_user(const Actor& a) { return a.id != "client" && a.id != "system"; }

void check_actor(const Actor& by, const char* op) {
    if (by.id.empty() || by.id.size() > 64) throw Error(std::string(op) + ": actor: expected a user id, \"client\" or \"system\"");
    if (by.name.size() > 200) throw Error(std::string(op) + ": actor: a name of at most 200 characters");
}

void check_at(std::string_view at, const char* op) {
    if (!is_iso_time(at)) throw Error(std::string(op) + ": at: expected an ISO 8601 UTC time, got \"" + std::string(at) + "\"");
}

std::string stage_of(sqlite3* db, std::string_view lead_id, const char* op) {
    Stmt q(db, "SELECT stage FROM leads WHERE id = ?1");
    q.bind(1, lead_id);
    if (!q.step()) throw not_found(std::string(op) + ": lead_id", "lead", std::string(lead_id));
    return q.text(0);
}

// The lead a row of `table` belongs to.
std::string lead_of(sqlite3* db, const char* table, std::string_view id, const char* op, const char* what) {
    Stmt q(db, (std::string("SELECT lead_id FROM ") + table + " WHERE id = ?1").c_str());
    q.bind(1, id);
    if (!q.step()) throw not_found(std::string(op) + ": " + what + "_id", what, std::string(id));
    return q.text(0);
}

// Writes the transition's event and says what happened to the stage.
Outcome finish(sqlite3* db, std::string_view lead_id, const char* kind, const Actor& by, std::string_view at,
               const std::string& from, json payload, json made, std::string_view event_id = {}) {
    Outcome o;
    o.kind = kind;
    o.lead_id = std::string(lead_id);
    o.stage_from = from;
    o.stage_to = stage_of(db, lead_id, kind);
    if (o.stage_from != o.stage_to) payload["stage"] = {{"from", o.stage_from}, {"to", o.stage_to}};
    o.event_id = record_event(db, lead_id, kind, by, at, payload, event_id);
    o.made = std::move(made);
    return o;
}

void check_acceptance(const Acceptance& how, const Actor& by, const char* op) {
    if (how.channel == "online" && by.id != "client")
        throw forbidden(std::string(op) + ": channel: only the client accepts online, on its own page; a manager records"
                        " an acceptance made by phone, email or paper");
    if (how.channel != "online" && by.id == "client")
        throw Error(std::string(op) + ": channel: the client's own acceptance is online");
    if (how.channel != "online" && by.name.find_first_not_of(" \t") == std::string::npos)
        throw Error(std::string(op) + ": actor: a recorded acceptance names the manager who records it");
}

json acceptance_payload(const Acceptance& how, const Actor& by) {
    json p = {{"channel", how.channel}, {"name", how.name}};
    if (!how.note.empty()) p["note"] = how.note;
    if (how.channel != "online") p["recorded_by"] = by.name;
    return p;
}

std::string doc_number(sqlite3* db, const char* table, std::string_view id) {
    Stmt q(db, (std::string("SELECT coalesce(number, provisional_number, '') FROM ") + table + " WHERE id = ?1").c_str());
    q.bind(1, id);
    return q.step() ? q.text(0) : std::string();
}

// The lead's signed contract: its id, its payment schedule and the
// estimate it was made from (the project's timeline). Empty id: none.
struct SignedContract {
    std::string id;
    json schedule, estimate;
};

SignedContract signed_contract(sqlite3* db, std::string_view lead_id) {
    Stmt c(db, "SELECT c.id, c.payment_schedule_json, e.body_json FROM contracts c JOIN proposals p ON p.id = c.proposal_id"
               " JOIN estimates e ON e.id = p.estimate_id WHERE c.lead_id = ?1 AND c.status = 'accepted'"
               " ORDER BY c.version DESC, c.rowid DESC LIMIT 1");
    c.bind(1, lead_id);
    if (!c.step()) return {};
    return {c.text(0), parse_json_or_discard(c.text(1)), parse_json_or_discard(c.text(2))};
}

std::string today_of(std::string_view at) { return std::string(at.substr(0, 10)); }

}  // namespace

namespace conveyor {

Outcome create(sqlite3* db, const NewLead& lead, const Actor& by, std::string_view at, std::string_view id) {
    check_actor(by, "lead_create");
    Savepoint sp(db, "atelier_conveyor");
    std::string lead_id = create_lead(db, lead, by.id, at, id);
    // The owner: the manager who made it, or for a request from the site the
    // studio's owner (a replica, which holds no accounts, leaves it empty).
    // A name given in SQL is a user only when the studio has such an account.
    bool person = is_user(by);
    if (person && by.channel == "sql") {
        Stmt u(db, "SELECT 1 FROM users WHERE id = ?1");
        u.bind(1, by.id);
        person = u.step();
    }
    std::string owner = person ? by.id : "", owner_name = person ? by.name : "";
    if (owner.empty()) {
        Stmt u(db, "SELECT id, name FROM users ORDER BY role = 'owner' DESC, created_at LIMIT 1");
        if (u.step()) owner = u.text(0), owner_name = u.text(1);
    }
    if (!owner.empty()) {
        Stmt up(db, "UPDATE leads SET owner_id = ?2, owner_name = ?3 WHERE id = ?1");
        up.bind(1, lead_id).bind(2, owner).bind(3, owner_name).step();
    }
    std::string currency = lead.currency;
    if (currency.empty()) {
        Stmt c(db, "SELECT currency FROM leads WHERE id = ?1");
        c.bind(1, lead_id);
        if (c.step()) currency = c.text(0);
    }
    json payload = {{"source", lead.source}, {"currency", currency}, {"lang", lead.lang}};
    if (!owner.empty()) payload["owner"] = {{"id", owner}, {"name", owner_name}};
    Outcome o = finish(db, lead_id, "lead_created", by, at, "", payload, json{{"lead_id", lead_id}});
    sp.commit();
    return o;
}

Outcome intake(sqlite3* db, const NewLead& lead, const json& utm, const Actor& by, std::string_view base_url,
               std::string_view at) {
    Savepoint sp(db, "atelier_conveyor_intake");
    Outcome o = create(db, lead, by, at);
    if (utm.is_object() && !utm.empty()) {
        Stmt u(db, "UPDATE leads SET utm_json = ?2 WHERE id = ?1");
        u.bind(1, o.lead_id).bind(2, utm.dump()).step();
    }
    if (!lead.email.empty()) {
        Outcome sent = send_brief(db, o.lead_id, "corporate", base_url, system_actor(), at);
        o.made["brief_token"] = sent.made["token"];
        o.stage_to = sent.stage_to;
    }
    sp.commit();
    return o;
}

Outcome send_brief(sqlite3* db, std::string_view lead_id, std::string_view code, std::string_view base_url, const Actor& by,
                   std::string_view at) {
    check_actor(by, "send_brief");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "send_brief");
    std::string token = atelier::send_brief(db, lead_id, code, base_url, by.id, at);
    Outcome o = finish(db, lead_id, "brief_sent", by, at, from, json{{"template", std::string(code)}}, json{{"token", token}});
    sp.commit();
    return o;
}

Outcome save_brief(sqlite3* db, std::string_view lead_id, std::string_view code, const json& answers, bool submit, const Actor& by,
                   std::string_view at) {
    check_actor(by, "brief");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "brief");
    const bool revised = brief_estimated(db, lead_id);
    std::string id = atelier::save_brief(db, lead_id, code, answers, submit, by.id, at);
    json payload = {{"brief_id", id}, {"template", std::string(code)}};
    if (revised) payload["revised"] = true;
    if (submit) {
        // The legal details the brief collects go to the client, over what
        // the studio had for the same country (bank details stay).
        json r = requisites_answer(latest_brief_template(db, code), answers);
        if (!r.empty()) {
            Stmt c(db, "SELECT c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
            c.bind(1, lead_id);
            json merged = c.step() ? parse_json_or_discard(c.text(0)) : json::object();
            if (!merged.is_object() || merged.value("country", "") != r.value("country", "")) merged = json::object();
            for (auto it = r.begin(); it != r.end(); ++it) merged[it.key()] = *it;
            set_requisites(db, lead_id, merged, by, at);
        }
    }
    Outcome o = finish(db, lead_id, submit ? "brief_submitted" : "brief_saved", by, at, from, payload,
                       json{{"brief_id", id}, {"revised", revised}});
    sp.commit();
    return o;
}

Outcome estimate(sqlite3* db, std::string_view lead_id, const json& options, const Actor& by, std::string_view at) {
    check_actor(by, "estimate");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "estimate");
    std::string id = estimate_lead(db, lead_id, options, by.id, at);
    Stmt q(db, "SELECT version, total_minor, currency FROM estimates WHERE id = ?1");
    q.bind(1, id).step();
    Outcome o = finish(db, lead_id, "estimated", by, at, from,
                       json{{"estimate_id", id}, {"version", q.int64(0)}, {"total_minor", q.int64(1)}, {"currency", q.text(2)}},
                       json{{"estimate_id", id}});
    sp.commit();
    return o;
}

Outcome propose(sqlite3* db, std::string_view estimate_id, const Actor& by, std::string_view at) {
    check_actor(by, "proposal");
    Savepoint sp(db, "atelier_conveyor");
    std::string lead = lead_of(db, "estimates", estimate_id, "proposal", "estimate");
    std::string from = stage_of(db, lead, "proposal");
    std::string id = create_proposal(db, estimate_id, by.id, at);
    Outcome o = finish(db, lead, "proposal_created", by, at, from, json{{"proposal_id", id}, {"estimate_id", std::string(estimate_id)}},
                       json{{"proposal_id", id}});
    sp.commit();
    return o;
}

Outcome accept(sqlite3* db, std::string_view proposal_id, const Acceptance& how, const Actor& by, std::string_view at) {
    check_actor(by, "accept");
    check_acceptance(how, by, "accept");
    Savepoint sp(db, "atelier_conveyor");
    std::string lead = lead_of(db, "proposals", proposal_id, "accept", "proposal");
    std::string from = stage_of(db, lead, "accept");
    accept_proposal(db, proposal_id, how.name, how.channel == "online" ? how.ip : "", at, how.channel, how.note, by.name);
    std::string contract = create_contract(db, proposal_id, by.id, at);
    json payload = acceptance_payload(how, by);
    payload["proposal_id"] = std::string(proposal_id);
    payload["number"] = doc_number(db, "proposals", proposal_id);
    payload["contract_id"] = contract;
    Outcome o = finish(db, lead, "proposal_accepted", by, at, from, payload, json{{"contract_id", contract}});
    sp.commit();
    return o;
}

Outcome sign(sqlite3* db, std::string_view contract_id, const Acceptance& how, const Actor& by, std::string_view at) {
    check_actor(by, "sign");
    check_acceptance(how, by, "sign");
    check_at(at, "sign");
    Savepoint sp(db, "atelier_conveyor");
    std::string lead = lead_of(db, "contracts", contract_id, "sign", "contract");
    std::string from = stage_of(db, lead, "sign");
    accept_contract(db, contract_id, how.name, how.channel == "online" ? how.ip : "", at, how.channel, how.note, by.name);
    auto ids = create_invoices(db, contract_id, today_of(at), kInvoiceDueDays, by.id, at);
    json payload = acceptance_payload(how, by);
    payload["contract_id"] = std::string(contract_id);
    payload["number"] = doc_number(db, "contracts", contract_id);
    payload["invoice_ids"] = ids;
    json issued = json::array();
    for (const std::string& id : ids) {
        Stmt q(db, "SELECT 1 FROM invoices WHERE id = ?1 AND status = 'issued'");
        q.bind(1, id);
        if (q.step()) issued.push_back(id);
    }
    payload["issued_ids"] = issued;
    const std::string project = projects::open(db, contract_id, at);
    payload["project_id"] = project;
    Outcome o = finish(db, lead, "contract_signed", by, at, from, payload, json{{"invoice_ids", ids}, {"project_id", project}});
    if (!project.empty()) projects::announce_start(db, project, by, at);
    sp.commit();
    return o;
}

Outcome complete_stage(sqlite3* db, std::string_view lead_id, std::string_view stage, const Actor& by, std::string_view at) {
    check_actor(by, "stage");
    check_at(at, "stage");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "stage");
    const SignedContract sc = signed_contract(db, lead_id);
    if (sc.id.empty()) throw Error("stage: the lead has no signed contract: its production stages start at signing", ErrorKind::conflict);
    const std::string& contract = sc.id;
    const json &schedule = sc.schedule, &est = sc.estimate;
    std::string ids;
    bool known = false;
    if (est.contains("timeline") && est["timeline"].is_array())
        for (const json& t : est["timeline"]) {
            const std::string id = t.value("stage", "");
            known = known || id == stage;
            ids += (ids.empty() ? "\"" : ", \"") + id + "\"";
        }
    if (!known) throw Error("stage: stage: expected one of the project's stages: " + ids);
    {
        Stmt done(db, "SELECT 1 FROM events WHERE lead_id = ?1 AND kind = 'stage_completed' AND json_extract(payload_json, '$.stage') = ?2");
        done.bind(1, lead_id).bind(2, stage);
        if (done.step()) throw Error("stage: the stage \"" + std::string(stage) + "\" is done already", ErrorKind::conflict);
    }
    // The planned payments due at this stage's end, in schedule order.
    json issued = json::array();
    Stmt q(db, "SELECT id, position FROM invoices WHERE contract_id = ?1 AND status = 'draft' ORDER BY position");
    q.bind(1, contract);
    std::vector<std::string> due;
    while (q.step()) {
        const int64_t pos = q.int64(1);
        if (schedule.is_array() && pos >= 1 && pos <= (int64_t)schedule.size() && schedule[(size_t)pos - 1].value("on", "") == stage)
            due.push_back(q.text(0));
    }
    for (const std::string& id : due) {
        issue_invoice(db, id, today_of(at), kInvoiceDueDays, by.id, at);
        issued.push_back(id);
    }
    // One event per stage, whichever device records it first.
    Outcome o = finish(db, lead_id, "stage_completed", by, at, from, json{{"stage", std::string(stage)}, {"invoice_ids", issued}},
                       json{{"invoice_ids", issued}}, uuid_from("stage_completed|" + std::string(lead_id) + "|" + std::string(stage)));
    projects::stage_done(db, contract, stage, at);
    // The stage's act, for the client to sign.
    o.made["act_id"] = issue_act(db, contract, stage, by, at).made["act_id"];
    sp.commit();
    return o;
}

Outcome issue_act(sqlite3* db, std::string_view contract_id, std::string_view stage, const Actor& by, std::string_view at) {
    check_actor(by, "act");
    check_at(at, "act");
    Savepoint sp(db, "atelier_conveyor");
    Stmt c(db, "SELECT lead_id, lang FROM contracts WHERE id = ?1");
    c.bind(1, contract_id);
    if (!c.step()) throw not_found("act: contract_id", "contract", std::string(contract_id));
    const std::string lead = c.text(0), ref = std::string(contract_id) + (stage.empty() ? "" : "/" + std::string(stage));
    const std::string id = uuid_from("act|" + ref);
    Outcome o;
    o.kind = "act_issued";
    o.lead_id = lead;
    o.stage_from = o.stage_to = stage_of(db, lead, "act");
    Stmt have(db, "SELECT number FROM acts WHERE id = ?1");
    have.bind(1, id);
    if (have.step()) {
        o.made = {{"act_id", id}, {"number", have.text(0)}};
        return o;
    }
    const Lang l = parse_lang(c.text(1));
    json d = document_data(db, "act", ref, l);  // refused when the contract is not signed or the stage not done
    const std::string number = d["doc"]["number"].get<std::string>();
    Stmt ins(db, "INSERT INTO acts(id, lead_id, contract_id, stage, number, lang, status, snapshot_html, issued_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'issued', ?7, ?8)");
    ins.bind(1, id).bind(2, lead).bind(3, contract_id).bind(4, stage).bind(5, number).bind(6, c.text(1))
        .bind(7, render_template(document_template(db, "act", l), d)).bind(8, at).step();
    o = finish(db, lead, "act_issued", by, at, o.stage_from, json{{"act_id", id}, {"stage", std::string(stage)}, {"number", number}},
               json{{"act_id", id}, {"number", number}}, uuid_from("act_issued|" + ref));
    sp.commit();
    return o;
}

Outcome sign_act(sqlite3* db, std::string_view act_id, const Acceptance& how, const Actor& by, std::string_view at) {
    check_actor(by, "act");
    check_at(at, "act");
    if (how.channel != "online" && how.channel != "phone" && how.channel != "email" && how.channel != "paper")
        throw Error("act: channel: expected online, phone, email or paper, got \"" + clip_utf8(how.channel, 40) + "\"");
    check_acceptance(how, by, "act");
    std::string name = how.name;
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) throw Error("act: name: required (who signs the act)");
    if (utf8_length(name) > 200) throw Error("act: name: at most 200 characters");
    Savepoint sp(db, "atelier_conveyor");
    Stmt q(db, "SELECT lead_id, contract_id, stage, status, lang, number FROM acts WHERE id = ?1");
    q.bind(1, act_id);
    if (!q.step()) throw not_found("act: act_id", "act", std::string(act_id));
    const std::string lead = q.text(0), contract = q.text(1), stage = q.text(2), number = q.text(5);
    if (q.text(3) == "signed") throw Error("act: the act " + number + " is signed already", ErrorKind::conflict);
    const std::string from = stage_of(db, lead, "act");
    Stmt up(db, "UPDATE acts SET status = 'signed', signed_at = ?2, signed_by = ?3, signed_channel = ?4, signed_ip = nullif(?5, ''),"
                " recorded_by = CASE WHEN ?4 = 'online' THEN NULL ELSE ?6 END WHERE id = ?1");
    up.bind(1, act_id).bind(2, at).bind(3, name).bind(4, how.channel).bind(5, how.channel == "online" ? how.ip : "").bind(6, by.name).step();
    const Lang l = parse_lang(q.text(4));
    const std::string ref = contract + (stage.empty() ? "" : "/" + stage);
    Stmt snap(db, "UPDATE acts SET snapshot_html = ?2 WHERE id = ?1");
    snap.bind(1, act_id).bind(2, render_template(document_template(db, "act", l), document_data(db, "act", ref, l))).step();
    json payload = acceptance_payload(how, by);
    payload["name"] = name;
    payload["act_id"] = std::string(act_id);
    payload["stage"] = stage;
    payload["number"] = number;
    Outcome o = finish(db, lead, "act_signed", by, at, from, payload, json{{"act_id", std::string(act_id)}});
    sp.commit();
    return o;
}

Outcome edit_contacts(sqlite3* db, std::string_view lead_id, const json& changes, const Actor& by, std::string_view at) {
    check_actor(by, "contacts");
    check_at(at, "contacts");
    if (!changes.is_object()) throw Error("contacts: expected an object of client_name, company, email, phone, lang, currency");
    Savepoint sp(db, "atelier_conveyor");
    Stmt q(db, "SELECT c.id, c.name, coalesce(c.company, ''), coalesce(c.email, ''), coalesce(c.phone, ''), l.lang, l.currency"
               " FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    q.bind(1, lead_id);
    if (!q.step()) throw not_found("contacts: lead_id", "lead", std::string(lead_id));
    const std::string client = q.text(0);
    NewLead now;
    now.client_name = q.text(1);
    now.company = q.text(2);
    now.email = q.text(3);
    now.phone = q.text(4);
    now.lang = q.text(5);
    now.currency = q.text(6);
    const NewLead before = now;
    for (const auto& [k, v] : changes.items()) {
        std::string* dst = k == "client_name" ? &now.client_name : k == "company" ? &now.company : k == "email" ? &now.email
                         : k == "phone" ? &now.phone : k == "lang" ? &now.lang : k == "currency" ? &now.currency : nullptr;
        if (!dst) throw Error("contacts: " + k + ": unknown field, expected client_name, company, email, phone, lang or currency");
        if (!v.is_string()) throw Error("contacts: " + k + ": expected text");
        std::string t = v.get<std::string>();
        t.erase(0, t.find_first_not_of(" \t"));
        t.erase(t.find_last_not_of(" \t") + 1);
        *dst = t;
    }
    auto problems = lead_problems(now);
    refuse_if_any("contacts", problems);
    json payload = json::object();
    auto diff = [&](const char* name, const std::string& a, const std::string& b) {
        if (a != b) payload[name] = {{"from", a}, {"to", b}};
    };
    diff("client_name", before.client_name, now.client_name);
    diff("company", before.company, now.company);
    diff("email", before.email, now.email);
    diff("phone", before.phone, now.phone);
    diff("lang", before.lang, now.lang);
    diff("currency", before.currency, now.currency);
    if (now.currency.empty()) throw Error("contacts: currency: expected RUB, EUR or USD");
    if (before.currency != now.currency) {
        // The price is agreed in the currency of the signed contract.
        Stmt c(db, "SELECT 1 FROM contracts WHERE lead_id = ?1 AND status = 'accepted'");
        c.bind(1, lead_id);
        if (c.step()) throw conflict("contacts: currency: the contract is signed in " + before.currency + "; the currency stays");
    }
    Outcome o;
    o.kind = "contacts_changed";
    o.lead_id = std::string(lead_id);
    o.stage_from = o.stage_to = stage_of(db, lead_id, "contacts");
    if (payload.empty()) return o;  // nothing changed
    Stmt up(db, "UPDATE clients SET name = ?2, company = ?3, email = ?4, phone = ?5, lang = ?6 WHERE id = ?1");
    up.bind(1, client).bind(2, now.client_name).bind(3, now.company).bind(4, now.email).bind(5, now.phone).bind(6, now.lang).step();
    Stmt ul(db, "UPDATE leads SET updated_at = ?2, lang = ?3, currency = ?4 WHERE id = ?1");
    ul.bind(1, lead_id).bind(2, at).bind(3, now.lang).bind(4, now.currency).step();
    o = finish(db, lead_id, "contacts_changed", by, at, o.stage_from, {{"fields", payload}}, json::object());
    sp.commit();
    return o;
}

Outcome set_requisites(sqlite3* db, std::string_view lead_id, const json& r, const Actor& by, std::string_view at) {
    check_actor(by, "requisites");
    check_at(at, "requisites");
    auto problems = requisites_problems(r, false);
    refuse_if_any("requisites", problems);
    Savepoint sp(db, "atelier_conveyor");
    Stmt q(db, "SELECT c.id, c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    q.bind(1, lead_id);
    if (!q.step()) throw not_found("requisites: lead_id", "lead", std::string(lead_id));
    const std::string client = q.text(0);
    json before = parse_json_or_discard(q.text(1));
    Outcome o;
    o.kind = "requisites_changed";
    o.lead_id = std::string(lead_id);
    o.stage_from = o.stage_to = stage_of(db, lead_id, "requisites");
    if (before == r) return o;  // nothing changed
    Stmt up(db, "UPDATE clients SET requisites_json = ?2 WHERE id = ?1");
    up.bind(1, client).bind(2, r.dump()).step();
    json changed = json::array();
    for (auto it = r.begin(); it != r.end(); ++it)
        if (!before.is_object() || !before.contains(it.key()) || before[it.key()] != *it) changed.push_back(it.key());
    o = finish(db, lead_id, "requisites_changed", by, at, o.stage_from, {{"fields", changed}}, json::object());
    sp.commit();
    return o;
}

Outcome issue(sqlite3* db, std::string_view invoice_id, const Actor& by, std::string_view at, std::string_view issued_on,
              int due_days) {
    check_actor(by, "invoice");
    check_at(at, "invoice");
    Savepoint sp(db, "atelier_conveyor");
    std::string lead = lead_of(db, "invoices", invoice_id, "invoice", "invoice");
    std::string from = stage_of(db, lead, "invoice");
    std::string on = issued_on.empty() ? today_of(at) : std::string(issued_on);
    std::string number = issue_invoice(db, invoice_id, on, due_days, by.id, at);
    Stmt q(db, "SELECT position, total_minor, currency, due_on FROM invoices WHERE id = ?1");
    q.bind(1, invoice_id).step();
    Outcome o = finish(db, lead, "invoice_issued", by, at, from,
                       json{{"invoice_id", std::string(invoice_id)}, {"number", number}, {"position", q.int64(0)},
                            {"total_minor", q.int64(1)}, {"currency", q.text(2)}, {"due_on", q.text(3)}},
                       json{{"invoice_id", std::string(invoice_id)}, {"number", number}});
    sp.commit();
    return o;
}

Outcome pay(sqlite3* db, std::string_view invoice_id, int64_t amount, std::string_view reference, std::string_view received_on,
            std::string_view method, const Actor& by, std::string_view at) {
    check_actor(by, "payment");
    check_at(at, "payment");
    if (amount < 0) throw Error("payment: amount_minor: must be positive");
    Savepoint sp(db, "atelier_conveyor");
    std::string lead = lead_of(db, "invoices", invoice_id, "payment", "invoice");
    std::string from = stage_of(db, lead, "payment");
    Stmt q(db, "SELECT total_minor - coalesce((SELECT sum(amount_minor) FROM payments WHERE invoice_id = ?1), 0), currency"
               " FROM invoices WHERE id = ?1");
    q.bind(1, invoice_id).step();
    const int64_t rest = q.int64(0);
    const std::string currency = q.text(1);
    if (amount == 0) {
        if (rest <= 0) throw conflict("payment: amount_minor: nothing is left to pay on this invoice");
        amount = rest;
    }
    // A reference made from what was paid before: the same click twice is one payment.
    std::string ref = reference.empty() ? "auto-" + std::string(invoice_id) + "-" + std::to_string(rest) + "-" + std::to_string(amount)
                                        : std::string(reference);
    {
        Stmt dup(db, "SELECT 1 FROM payments WHERE reference = ?1 AND invoice_id = ?2 AND amount_minor = ?3");
        dup.bind(1, ref).bind(2, invoice_id).bind(3, amount);
        if (dup.step()) {
            Outcome same;
            same.kind = "payment_recorded";
            same.lead_id = lead;
            same.stage_from = same.stage_to = from;
            same.made = {{"status", record_payment(db, invoice_id, amount, ref, received_on.empty() ? today_of(at) : std::string(received_on),
                                                   method, at)}, {"duplicate", true}};
            sp.commit();
            return same;  // recorded before: nothing changes, no second event
        }
    }
    std::string status = record_payment(db, invoice_id, amount, ref, received_on.empty() ? today_of(at) : std::string(received_on),
                                        method, at);
    Outcome o = finish(db, lead, "payment_recorded", by, at, from,
                       json{{"invoice_id", std::string(invoice_id)}, {"number", doc_number(db, "invoices", invoice_id)},
                            {"amount_minor", amount}, {"currency", currency}, {"reference", ref},
                            {"method", method.empty() ? "bank_transfer" : std::string(method)}, {"status", status}},
                       json{{"status", status}, {"reference", ref}});
    sp.commit();
    return o;
}

Outcome win(sqlite3* db, std::string_view lead_id, std::string_view reason, const Actor& by, std::string_view at) {
    check_actor(by, "win");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "win");
    if (!stage_allowed(from, "won"))
        throw conflict("win: the lead is at '" + from + "': a lead is won once its contract is signed and invoiced");
    Stmt q(db, "SELECT count(*), coalesce(sum(total_minor - coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0)), 0)"
               " FROM invoices i WHERE lead_id = ?1 AND status NOT IN ('paid', 'void')");
    q.bind(1, lead_id).step();
    const int64_t unpaid = q.int64(0), unpaid_minor = q.int64(1);
    if (unpaid > 0) {
        if (!by.owner)
            throw forbidden("win: " + std::to_string(unpaid) + " invoice(s) are not paid: record the payments, or the owner closes"
                            " the lead as won with a reason");
        if (reason.find_first_not_of(" \t") == std::string_view::npos)
            throw Error("win: reason: closing a lead with unpaid invoices needs the owner's reason");
    }
    if (reason.size() > 1000) throw Error("win: reason: at most 1000 characters");
    move_lead(db, lead_id, "won", by.id, reason, at);
    json payload = json::object();
    if (!reason.empty()) payload["reason"] = std::string(reason);
    if (unpaid > 0) payload["unpaid"] = {{"invoices", unpaid}, {"minor", unpaid_minor}};
    Outcome o = finish(db, lead_id, "won", by, at, from, payload, json::object());
    sp.commit();
    return o;
}

Outcome lose(sqlite3* db, std::string_view lead_id, std::string_view code, std::string_view text, const Actor& by,
             std::string_view at) {
    check_actor(by, "lose");
    if (text.size() > 1000) throw Error("lose: text: at most 1000 characters");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "lose");
    Stmt r(db, "SELECT CASE (SELECT lang FROM leads WHERE id = ?2) WHEN 'fr' THEN label_fr WHEN 'en' THEN label_en ELSE label_ru END"
               " FROM lost_reasons WHERE code = ?1 AND active = 1");
    r.bind(1, code).bind(2, lead_id);
    if (!r.step()) {
        std::string codes;
        for (const json& x : lost_reasons(db)) codes += (codes.empty() ? "" : ", ") + x["code"].get<std::string>();
        throw Error("lose: reason: expected one of " + codes + ", got \"" + std::string(code) + "\"");
    }
    const bool blank = text.find_first_not_of(" \t") == std::string_view::npos;
    if (code == "other" && blank) throw Error("lose: text: the reason \"other\" needs a few words");
    std::string reason = r.text(0) + (blank ? "" : " — " + std::string(text));
    if (!stage_allowed(from, "lost")) throw conflict("lose: the lead is " + from + " and cannot be lost");
    move_lead(db, lead_id, "lost", by.id, reason, at);
    json payload = {{"code", std::string(code)}};
    if (!blank) payload["text"] = std::string(text);
    Outcome o = finish(db, lead_id, "lost", by, at, from, payload, json::object());
    sp.commit();
    return o;
}

Outcome move(sqlite3* db, std::string_view lead_id, std::string_view to, std::string_view reason, const Actor& by,
             std::string_view at) {
    if (to == "won") return win(db, lead_id, reason, by, at);
    if (to == "lost") {
        // A reason that is a code of the list is that code; any other text is "other".
        Stmt c(db, "SELECT 1 FROM lost_reasons WHERE code = ?1 AND active = 1");
        c.bind(1, reason);
        if (c.step()) return lose(db, lead_id, reason, "", by, at);
        if (reason.empty()) throw Error("lead_move: reason: a lead moved to 'lost' needs a reason");
        return lose(db, lead_id, "other", reason, by, at);
    }
    check_actor(by, "lead_move");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "lead_move");
    auto r = move_lead(db, lead_id, to, by.id, reason, at);
    json payload = json::object();
    if (!reason.empty()) payload["reason"] = std::string(reason);
    Outcome o = finish(db, lead_id, "stage_moved", by, at, from, payload, json{{"stage_event_id", r.event_id}});
    sp.commit();
    return o;
}

Outcome set_owner(sqlite3* db, std::string_view lead_id, std::string_view owner_id, std::string_view owner_name, const Actor& by,
                  std::string_view at) {
    check_actor(by, "owner");
    check_at(at, "owner");
    if (!is_user(by)) throw forbidden("owner: only a member of the studio gives a lead to someone");
    if (owner_id.empty() || owner_id.size() > 64) throw Error("owner: owner_id: expected a user id");
    if (owner_name.find_first_not_of(" \t") == std::string_view::npos || owner_name.size() > 200)
        throw Error("owner: name: expected the owner's name (at most 200 characters)");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "owner");
    Stmt was(db, "SELECT coalesce(owner_id, ''), owner_name FROM leads WHERE id = ?1");
    was.bind(1, lead_id).step();
    json payload = {{"from", {{"id", was.text(0)}, {"name", was.text(1)}}}, {"to", {{"id", std::string(owner_id)}, {"name", std::string(owner_name)}}}};
    Stmt up(db, "UPDATE leads SET owner_id = ?2, owner_name = ?3, updated_at = ?4 WHERE id = ?1");
    up.bind(1, lead_id).bind(2, owner_id).bind(3, owner_name).bind(4, at).step();
    Outcome o = finish(db, lead_id, "owner_changed", by, at, from, payload, json::object());
    sp.commit();
    return o;
}

Outcome note(sqlite3* db, std::string_view lead_id, std::string_view text, const Actor& by, std::string_view at) {
    check_actor(by, "note");
    check_at(at, "note");
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) throw Error("note: text: required");
    if (!valid_utf8(text) || utf8_length(text) > 5000) throw Error("note: text: at most 5000 characters of text");
    Savepoint sp(db, "atelier_conveyor");
    std::string from = stage_of(db, lead_id, "note");
    Outcome o = finish(db, lead_id, "note_added", by, at, from, json{{"text", std::string(text)}}, json::object());
    sp.commit();
    return o;
}

}  // namespace conveyor

json next_action(sqlite3* db, std::string_view lead_id, std::string_view today) {
    std::string stage = stage_of(db, lead_id, "next_action");
    Stmt s(db, "SELECT coalesce(max(at), '') FROM stage_events WHERE lead_id = ?1");
    s.bind(1, lead_id).step();
    json out = {{"stage", stage}, {"since", s.text(0)}};
    auto set = [&](const char* action, const char* who) { out["action"] = action; out["who"] = who; };
    if (stage == "new") set("send_brief", "manager");
    else if (stage == "brief_sent") set("fill_brief", "client");
    else if (stage == "brief_filled") set("estimate", "manager");
    else if (stage == "estimated") set("send_proposal", "manager");
    else if (stage == "proposal_sent") {
        set("accept_proposal", "client");
        Stmt p(db, "SELECT id FROM proposals WHERE lead_id = ?1 AND status IN ('draft', 'sent') ORDER BY version DESC LIMIT 1");
        p.bind(1, lead_id);
        if (p.step()) out["proposal_id"] = p.text(0);
        else set("send_proposal", "manager");
    } else if (stage == "contract_sent") {
        set("sign_contract", "client");
        Stmt c(db, "SELECT id FROM contracts WHERE lead_id = ?1 AND status IN ('draft', 'sent') ORDER BY version DESC LIMIT 1");
        c.bind(1, lead_id);
        if (c.step()) out["contract_id"] = c.text(0);
    } else if (stage == "invoiced") {
        Stmt i(db, "SELECT id, coalesce(number, provisional_number, ''), status, coalesce(issued_on, ''), coalesce(due_on, ''),"
                   " total_minor - coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = invoices.id), 0)"
                   " FROM invoices WHERE lead_id = ?1 AND status IN ('issued', 'partially_paid', 'draft')"
                   " ORDER BY status = 'draft', position, created_at LIMIT 1");
        i.bind(1, lead_id);
        if (!i.step()) set("close_won", "manager");
        else if (i.text(2) == "draft") {
            // Due at a stage's end: the studio's work comes first.
            Stmt on(db, "SELECT json_extract(c.payment_schedule_json, '$[' || (v.position - 1) || '].on') FROM invoices v"
                        " JOIN contracts c ON c.id = v.contract_id WHERE v.id = ?1");
            on.bind(1, i.text(0));
            const std::string stage_on = on.step() && !on.is_null(0) ? on.text(0) : "";
            if (!stage_on.empty() && stage_on != "signing") {
                set("complete_stage", "studio");
                out["stage_id"] = stage_on;
            } else set("issue_invoice", "manager");
            out["invoice_id"] = i.text(0);
        } else {
            set("pay_invoice", "client");
            out["invoice_id"] = i.text(0);
            out["number"] = i.text(1);
            out["due_on"] = i.text(4);
            out["left_minor"] = i.int64(5);
            out["overdue"] = !i.text(4).empty() && i.text(4) < today;
            if (!i.text(3).empty()) out["since"] = i.text(3);
        }
    } else set("none", "");
    return out;
}

json waiting_on_manager(sqlite3* db, std::string_view today, std::string_view owner_id, int limit) {
    std::vector<json> found;
    Stmt q(db, "SELECT l.id, c.name, coalesce(l.owner_name, '') FROM leads l JOIN clients c ON c.id = l.client_id"
               // The stages where the next step can be the manager's
               // (brief_sent and contract_sent wait on the client).
               " WHERE l.stage IN ('new', 'brief_filled', 'estimated', 'proposal_sent', 'invoiced')"
               " AND (?1 = '' OR coalesce(l.owner_id, '') IN ('', ?1))");
    q.bind(1, owner_id);
    while (q.step()) {
        json na = next_action(db, q.text(0), today);
        if (na.value("who", "") != "manager") continue;
        na["id"] = q.text(0);
        na["client"] = q.text(1);
        na["owner_name"] = q.text(2);
        found.push_back(std::move(na));
    }
    std::stable_sort(found.begin(), found.end(), [](const json& a, const json& b) {
        return std::make_pair(a.value("since", ""), a.value("id", "")) < std::make_pair(b.value("since", ""), b.value("id", ""));
    });
    json out = json::array();
    for (json& j : found) {
        if ((int)out.size() >= limit) break;
        out.push_back(std::move(j));
    }
    return out;
}

json lost_reasons(sqlite3* db) {
    json out = json::array();
    Stmt q(db, "SELECT code, label_ru, label_fr, label_en FROM lost_reasons WHERE active = 1 ORDER BY position, code");
    while (q.step()) out.push_back({{"code", q.text(0)}, {"label", {{"ru", q.text(1)}, {"fr", q.text(2)}, {"en", q.text(3)}}}});
    return out;
}

namespace {

// The signed project's stages: its estimate's timeline, each with when it
// was done and the payments of the schedule due at its end.
json project_of(sqlite3* db, std::string_view lead_id) {
    const SignedContract sc = signed_contract(db, lead_id);
    if (sc.id.empty()) return nullptr;
    const std::string& contract = sc.id;
    const json &schedule = sc.schedule, &est = sc.estimate;
    std::map<std::string, std::string> done;
    Stmt ev(db, "SELECT json_extract(payload_json, '$.stage'), at FROM events WHERE lead_id = ?1 AND kind = 'stage_completed'");
    ev.bind(1, lead_id);
    while (ev.step()) done[ev.text(0)] = ev.text(1);
    std::map<int64_t, std::pair<std::string, std::string>> invoices;  // position → (id, status)
    Stmt iv(db, "SELECT position, id, status FROM invoices WHERE contract_id = ?1 AND status != 'void'");
    iv.bind(1, contract);
    while (iv.step()) invoices[iv.int64(0)] = {iv.text(1), iv.text(2)};
    std::map<std::string, json> acts;  // stage ("" the whole project) → {id, number, status}
    Stmt ac(db, "SELECT stage, id, number, status FROM acts WHERE contract_id = ?1");
    ac.bind(1, contract);
    while (ac.step()) acts[ac.text(0)] = {{"id", ac.text(1)}, {"number", ac.text(2)}, {"status", ac.text(3)}};
    // The project's plan: each stage's dates and status as the studio keeps them.
    std::map<std::string, json> plan;
    std::string project_id, project_status;
    {
        Stmt pj(db, "SELECT p.id, p.status, s.stage, s.planned_start, s.planned_end, s.status FROM projects p"
                    " JOIN project_stages s ON s.project_id = p.id WHERE p.contract_id = ?1");
        pj.bind(1, contract);
        while (pj.step()) {
            project_id = pj.text(0);
            project_status = pj.text(1);
            plan[pj.text(2)] = {{"planned_start", pj.text(3)}, {"planned_end", pj.text(4)}, {"status", pj.text(5)}};
        }
    }
    json stages = json::array();
    const json names = est.contains("names") && est["names"].is_object() ? est["names"].value("stages", json::object()) : json::object();
    if (est.contains("timeline") && est["timeline"].is_array())
        for (const json& t : est["timeline"]) {
            const std::string sid = t.value("stage", "");
            json st = {{"id", sid}, {"name", names.value(sid, json::object())}, {"start", t.value("start", "")}, {"end", t.value("end", "")},
                       {"done_at", done.count(sid) ? json(done[sid]) : json(nullptr)}, {"payments", json::array()},
                       {"act", acts.count(sid) ? acts[sid] : json(nullptr)}};
            if (plan.count(sid)) st.update(plan[sid]);
            if (schedule.is_array())
                for (size_t k = 0; k < schedule.size(); ++k) {
                    if (schedule[k].value("on", k == 0 ? "signing" : "") != sid) continue;
                    auto inv = invoices.find((int64_t)k + 1);
                    st["payments"].push_back({{"position", k + 1}, {"percent", schedule[k].value("percent", 0)},
                                              {"amount_minor", schedule[k].value("amount", (int64_t)0)},
                                              {"invoice_id", inv == invoices.end() ? json(nullptr) : json(inv->second.first)},
                                              {"status", inv == invoices.end() ? "" : inv->second.second}});
                }
            stages.push_back(std::move(st));
        }
    return json{{"contract_id", contract}, {"stages", stages}, {"act", acts.count("") ? acts[""] : json(nullptr)},
                {"project_id", project_id.empty() ? json(nullptr) : json(project_id)}, {"status", project_status}};
}

}  // namespace

json lead_view(sqlite3* db, std::string_view id, std::string_view today) {
    Stmt q(db, "SELECT l.id, c.name, c.company, c.email, c.phone, l.source, l.title, l.stage, l.lost_reason, l.lang,"
               " l.amount_minor, l.currency, l.utm_json, l.created_at, l.updated_at, l.notes, coalesce(l.owner_id, ''), l.owner_name,"
               " c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    q.bind(1, id);
    if (!q.step()) throw not_found("lead: lead_id", "lead", std::string(id));
    json requisites = parse_json_or_discard(q.text(18));
    json j = {{"id", q.text(0)}, {"client", q.text(1)}, {"company", q.text(2)}, {"email", q.text(3)}, {"phone", q.text(4)},
              {"source", q.text(5)}, {"title", q.text(6)}, {"message", q.text(6)}, {"stage", q.text(7)},
              {"lost_reason", q.is_null(8) ? json(nullptr) : json(q.text(8))}, {"lang", q.text(9)},
              {"amount_minor", q.int64(10)}, {"currency", q.text(11)}, {"utm", parse_json_or_discard(q.text(12))},
              {"created_at", q.text(13)}, {"updated_at", q.text(14)}, {"notes", q.text(15)},
              {"owner", q.text(16).empty() ? json(nullptr) : json{{"id", q.text(16)}, {"name", q.text(17)}}},
              {"requisites", requisites.is_object() ? requisites : json::object()}};
    json stages = json::array();
    Stmt e(db, "SELECT from_stage, to_stage, at, actor, reason FROM stage_events WHERE lead_id = ?1 ORDER BY at, rowid");
    e.bind(1, id);
    while (e.step())
        stages.push_back({{"from", e.is_null(0) ? json(nullptr) : json(e.text(0))}, {"to", e.text(1)}, {"at", e.text(2)},
                          {"actor", e.text(3)}, {"reason", e.is_null(4) ? json(nullptr) : json(e.text(4))}});
    j["stages"] = stages;
    json events = json::array();
    Stmt ev(db, "SELECT id, kind, actor, actor_name, channel, at, payload_json FROM events WHERE lead_id = ?1 ORDER BY at, rowid");
    ev.bind(1, id);
    while (ev.step())
        events.push_back({{"id", ev.text(0)}, {"kind", ev.text(1)}, {"actor", ev.text(2)}, {"actor_name", ev.text(3)},
                          {"channel", ev.text(4)}, {"at", ev.text(5)}, {"payload", parse_json_or_discard(ev.text(6))}});
    j["events"] = events;
    Stmt b(db, "SELECT b.id, bt.code, b.status, b.answers_json, coalesce(b.submitted_at, ''),"
               " (SELECT count(*) FROM briefs x WHERE x.lead_id = b.lead_id) FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id"
               " WHERE b.lead_id = ?1 ORDER BY b.updated_at DESC, b.rowid DESC LIMIT 1");
    b.bind(1, id);
    j["brief"] = b.step() ? json{{"id", b.text(0)}, {"template", b.text(1)}, {"status", b.text(2)},
                                 {"answers", parse_json_or_discard(b.text(3))}, {"submitted_at", b.text(4)}, {"versions", b.int64(5)}}
                          : json(nullptr);
    if (j["brief"].is_object()) {
        // The link the client was sent: it opens the newest version.
        Stmt l(db, "SELECT token FROM doc_links WHERE kind = 'brief' AND lead_id = ?1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1");
        l.bind(1, id);
        if (l.step()) j["brief"]["link"] = "/c/" + l.text(0);
        // Every version, oldest first: what each one changed from the one
        // before, and which estimates were made from it.
        json history = json::array();
        json previous = json::object();
        Stmt h(db, "SELECT b.id, b.status, b.answers_json, b.updated_at, coalesce(b.submitted_at, ''), bt.body_json,"
                   " (SELECT json_group_array(e.version) FROM (SELECT version FROM estimates WHERE brief_id = b.id ORDER BY version) e)"
                   " FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id WHERE b.lead_id = ?1 ORDER BY b.updated_at, b.rowid");
        h.bind(1, id);
        while (h.step()) {
            json answers = parse_json_or_discard(h.text(2));
            if (!answers.is_object()) answers = json::object();
            json changed = history.empty() ? json::array() : json(changed_answers(parse_json_or_discard(h.text(5)), previous, answers));
            history.push_back({{"id", h.text(0)}, {"version", static_cast<int64_t>(history.size()) + 1}, {"status", h.text(1)},
                               {"updated_at", h.text(3)}, {"submitted_at", h.text(4)}, {"answers", answers}, {"changed", changed},
                               {"estimates", parse_json_or_discard(h.text(6))}});
            previous = std::move(answers);
        }
        j["brief"]["history"] = history;
    }
    // The two newest estimates: the card shows the newest and what changed.
    Stmt es(db, "SELECT id, version, body_json, overrides_json FROM estimates WHERE lead_id = ?1 ORDER BY version DESC LIMIT 2");
    es.bind(1, id);
    j["estimate"] = nullptr;
    j["previous_estimate"] = nullptr;
    if (es.step()) {
        j["estimate"] = {{"id", es.text(0)}, {"version", es.int64(1)}, {"body", parse_json_or_discard(es.text(2))},
                         {"overrides", parse_json_or_discard(es.text(3))}};
        if (es.step()) j["previous_estimate"] = {{"id", es.text(0)}, {"version", es.int64(1)}, {"body", parse_json_or_discard(es.text(2))}};
    }
    // In the order made; the invoices of a schedule in its order.
    json docs = json::array();
    // Made in one second (a transition makes several), they keep the conveyor's order.
    Stmt dq(db, "SELECT 'estimate', id, version, NULL, NULL, total_minor, created_at, 0, NULL, NULL, NULL, NULL, NULL, 1 FROM estimates WHERE lead_id = ?1"
                " UNION ALL SELECT 'proposal', id, version, status, coalesce(number, provisional_number), NULL, created_at, 0,"
                "   accepted_channel, accepted_by, accepted_at, recorded_by, NULL, 2 FROM proposals WHERE lead_id = ?1"
                " UNION ALL SELECT 'contract', id, version, status, coalesce(number, provisional_number), NULL, created_at, 0,"
                "   accepted_channel, accepted_by, accepted_at, recorded_by, NULL, 3 FROM contracts WHERE lead_id = ?1"
                " UNION ALL SELECT 'invoice', id, 1, status, coalesce(number, provisional_number), total_minor, created_at, position,"
                "   NULL, NULL, NULL, NULL, due_on, 4 FROM invoices WHERE lead_id = ?1"
                " UNION ALL SELECT 'act', id, 1, status, number, NULL, issued_at, 0,"
                "   signed_channel, signed_by, signed_at, recorded_by, NULL, 5 FROM acts WHERE lead_id = ?1"
                " ORDER BY 7, 14, 8, 3");
    dq.bind(1, id);
    while (dq.step()) {
        json doc = {{"kind", dq.text(0)}, {"id", dq.text(1)}, {"version", dq.int64(2)}};
        if (!dq.is_null(3)) doc["status"] = dq.text(3);
        if (!dq.is_null(4)) doc["number"] = dq.text(4);
        if (!dq.is_null(5)) doc["total_minor"] = dq.int64(5);
        if (dq.text(0) == "invoice") doc["position"] = dq.int64(7);
        if (!dq.is_null(8))
            doc["acceptance"] = {{"channel", dq.text(8)}, {"name", dq.text(9)}, {"at", dq.text(10)},
                                 {"recorded_by", dq.is_null(11) ? json(nullptr) : json(dq.text(11))}};
        if (!dq.is_null(12)) doc["due_on"] = dq.text(12);
        if (dq.text(0) != "estimate") {
            Stmt l(db, "SELECT token, (SELECT sum(open_count) FROM doc_links x WHERE x.kind = ?1 AND x.doc_id = ?2),"
                       " (SELECT max(last_opened_at) FROM doc_links x WHERE x.kind = ?1 AND x.doc_id = ?2)"
                       " FROM doc_links WHERE kind = ?1 AND doc_id = ?2 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1");
            l.bind(1, dq.text(0)).bind(2, dq.text(1));
            if (l.step()) {
                doc["link"] = "/c/" + l.text(0);
                // How often the client opened it, and when last.
                doc["views"] = {{"count", l.int64(1)}, {"last", l.is_null(2) ? json(nullptr) : json(l.text(2))}};
            }
        }
        docs.push_back(doc);
    }
    j["documents"] = docs;
    j["project"] = project_of(db, id);
    json pays = json::array();
    Stmt p(db, "SELECT p.invoice_id, p.amount_minor, p.currency, p.reference, p.method, p.received_on FROM payments p"
               " JOIN invoices i ON i.id = p.invoice_id WHERE i.lead_id = ?1 ORDER BY p.received_on, p.created_at");
    p.bind(1, id);
    while (p.step())
        pays.push_back({{"invoice_id", p.text(0)}, {"amount_minor", p.int64(1)}, {"currency", p.text(2)}, {"reference", p.text(3)},
                        {"method", p.text(4)}, {"received_on", p.text(5)}});
    j["payments"] = pays;
    // What the rules sent or will send, and the lead's open tasks.
    j["messages"] = automation::outbox(db, id, "", 100);
    json tasks = json::array();
    Stmt t(db, "SELECT id, title, coalesce(snoozed_until, due_at), owner_name, rule FROM tasks WHERE lead_id = ?1 AND done_at IS NULL"
               " ORDER BY coalesce(snoozed_until, due_at), rowid");
    t.bind(1, id);
    while (t.step())
        tasks.push_back({{"id", t.text(0)}, {"title", t.text(1)}, {"due_at", t.text(2)}, {"owner", t.text(3)},
                         {"rule", t.is_null(4) ? json(nullptr) : json(t.text(4))}});
    j["tasks"] = tasks;
    j["next_action"] = next_action(db, id, today);
    return j;
}

PriceListRow active_price_list(sqlite3* db, std::string_view currency) {
    Stmt p(db, "SELECT id, body_json, version FROM price_lists WHERE currency = ?1 AND active = 1 ORDER BY version DESC, created_at DESC LIMIT 1");
    p.bind(1, currency);
    if (!p.step()) throw Error("price_list: currency: no active price list in " + std::string(currency), ErrorKind::not_found);
    return PriceListRow{p.text(0), p.text(1), p.int64(2)};
}

std::string latest_template(sqlite3* db, std::string_view kind, std::string_view lang) {
    Stmt q(db, "SELECT body FROM templates WHERE kind = ?1 AND lang = ?2 ORDER BY version DESC LIMIT 1");
    q.bind(1, kind).bind(2, lang);
    return q.step() ? q.text(0) : std::string();
}

json latest_brief_template(sqlite3* db, std::string_view code) {
    Stmt q(db, "SELECT body_json FROM brief_templates WHERE code = ?1 ORDER BY version DESC LIMIT 1");
    q.bind(1, code);
    return q.step() ? parse_json_or_discard(q.text(0)) : json::object();
}

std::string latest_document(sqlite3* db, std::string_view kind) {
    const char* sql = kind == "proposal" ? "SELECT id FROM proposals ORDER BY created_at DESC LIMIT 1"
                    : kind == "contract" ? "SELECT id FROM contracts ORDER BY created_at DESC LIMIT 1"
                    : kind == "invoice"  ? "SELECT id FROM invoices ORDER BY created_at DESC LIMIT 1"
                    : kind == "act"      ? "SELECT id FROM acts ORDER BY issued_at DESC LIMIT 1"
                                         : nullptr;
    if (!sql) throw Error("document: kind: expected proposal, contract, invoice or act, got \"" + std::string(kind) + "\"");
    Stmt q(db, sql);
    return q.step() ? q.text(0) : std::string();
}

std::vector<std::string> brief_template_codes(sqlite3* db) {
    std::vector<std::string> out;
    Stmt q(db, "SELECT code FROM brief_templates GROUP BY code ORDER BY min(created_at), code");
    while (q.step()) out.push_back(q.text(0));
    return out;
}

}  // namespace atelier
