// atelier/leads.cpp — see leads.h.
#include "leads.h"

#include <vector>

#include "error.h"
#include "json_in.h"
#include "ids.h"
#include "money.h"
#include "store.h"

namespace atelier {

using nlohmann::json;

NewLead new_lead_from_json(const json& j) {
    if (!j.is_object()) throw Error("lead: expected a JSON object");
    NewLead l;
    std::vector<std::string> problems;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        std::string* dst = k == "client_name" ? &l.client_name
                         : k == "company"     ? &l.company
                         : k == "email"       ? &l.email
                         : k == "phone"       ? &l.phone
                         : k == "source"      ? &l.source
                         : k == "title"       ? &l.title
                         : k == "lang"        ? &l.lang
                         : k == "currency"    ? &l.currency
                                              : nullptr;
        if (dst) {
            if (v.is_null()) continue;
            if (!v.is_string()) { problems.push_back(k + ": expected a string"); continue; }
            *dst = v.get<std::string>();
        } else if (k == "amount_minor") {
            if (!v.is_number_integer()) { problems.push_back(k + ": expected an integer of minor units"); continue; }
            l.amount_minor = v.get<int64_t>();
        } else {
            problems.push_back(clip_utf8(k, 60) + ": unknown field");
        }
    }
    refuse_if_any("lead", problems);
    return l;
}

Intake intake_from_fields(const json& j) {
    if (!j.is_object()) throw Error("lead: expected a JSON object of fields");
    Intake in;
    in.utm = json::object();
    in.lead.source = "website";
    std::vector<std::string> problems;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        if (k == "website") {
            in.trapped = !(v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()));
            continue;
        }
        std::string* dst = k == "name" || k == "client_name" ? &in.lead.client_name
                         : k == "email"     ? &in.lead.email
                         : k == "phone"     ? &in.lead.phone
                         : k == "company"   ? &in.lead.company
                         : k == "message"   ? &in.lead.title
                         : k == "lang"      ? &in.lead.lang
                                            : nullptr;
        bool utm = k.rfind("utm_", 0) == 0;
        if (!dst && !utm) continue;  // the studio's fields and anything else
        const std::string name = clip_utf8(k, 40);
        if (v.is_null()) continue;
        if (!v.is_string()) { problems.push_back(name + ": expected a string, got " + describe(v)); continue; }
        const std::string& s = v.get_ref<const std::string&>();
        if (!valid_utf8(s) || !valid_utf8(k)) { problems.push_back(name + ": not UTF-8 text"); continue; }
        if (utm) {
            if (k.size() > 40) problems.push_back(name + ": a tag name of at most 40 characters");
            else if (utf8_length(s) > 200) problems.push_back(name + ": at most 200 characters");
            else if (in.utm.size() >= 20) problems.push_back(name + ": at most 20 utm_ tags");
            else if (!s.empty()) in.utm[k] = s;
            continue;
        }
        *dst = s;
    }
    if (in.lead.lang.empty()) in.lead.lang = "ru";
    refuse_if_any("lead", problems);
    return in;
}

std::vector<std::string> lead_problems(const NewLead& l) {
    std::vector<std::string> p;
    auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; };
    if (blank(l.client_name)) p.push_back("client_name: required");
    if (utf8_length(l.client_name) > 200) p.push_back("client_name: at most 200 characters");
    if (!l.email.empty()) {
        auto at = l.email.find('@');
        if (at == std::string::npos || at == 0 || l.email.find('.', at) == std::string::npos ||
            l.email.back() == '.' || l.email.find(' ') != std::string::npos || l.email.size() > 254)
            p.push_back("email: \"" + clip_utf8(l.email, 60) + "\" is not an e-mail address");
    }
    if (!l.phone.empty()) {
        int digits = 0;
        bool bad = false;
        for (char c : l.phone) {
            if (c >= '0' && c <= '9') ++digits;
            else if (!(c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.')) bad = true;
        }
        if (bad || digits < 5 || digits > 15) p.push_back("phone: \"" + clip_utf8(l.phone, 60) + "\" is not a phone number");
    }
    if (!lang_from_code(l.lang)) p.push_back("lang: unknown language \"" + clip_utf8(l.lang, 20) + "\", expected ru, fr or en");
    if (!l.currency.empty() && !currency_from_code(l.currency))
        p.push_back("currency: unknown currency \"" + clip_utf8(l.currency, 20) + "\", expected RUB, EUR or USD");
    if (l.amount_minor < 0) p.push_back("amount_minor: must not be negative");
    if (l.amount_minor > kMaxAmountMinor) p.push_back("amount_minor: at most " + std::to_string(kMaxAmountMinor));
    for (const auto& [name, s] : {std::pair<const char*, const std::string*>{"client_name", &l.client_name}, {"company", &l.company},
                                  {"email", &l.email}, {"phone", &l.phone}, {"source", &l.source}, {"title", &l.title}})
        if (!valid_utf8(*s)) p.push_back(std::string(name) + ": not UTF-8 text");
    if (utf8_length(l.company) > 200) p.push_back("company: at most 200 characters");
    if (utf8_length(l.source) > 100) p.push_back("source: at most 100 characters");
    if (utf8_length(l.title) > 5000) p.push_back("title: at most 5000 characters");
    return p;
}

std::string currency_for(sqlite3* db, std::string_view lang) {
    Stmt q(db, "SELECT json_extract(currency_rules_json, '$.' || ?1), currency FROM studio ORDER BY created_at LIMIT 1");
    q.bind(1, lang);
    if (!q.step()) return lang == "ru" ? "RUB" : "EUR";
    if (!q.is_null(0) && currency_from_code(q.text(0))) return q.text(0);
    return q.text(1);
}

std::string ensure_studio(sqlite3* db, std::string_view at) {
    Stmt q(db, "SELECT id FROM studio ORDER BY created_at LIMIT 1");
    if (q.step()) return q.text(0);
    // One studio per database: the same id everywhere, so that replicas made
    // apart from each other merge into one studio.
    std::string id = uuid_from("studio");
    Stmt ins(db, "INSERT INTO studio(id, name, created_at) VALUES (?1, ?2, ?3)");
    ins.bind(1, id).bind(2, "Atelier").bind(3, at).step();
    return id;
}

std::string create_lead(sqlite3* db, const NewLead& l, std::string_view actor, std::string_view at,
                        std::string_view id) {
    auto problems = lead_problems(l);
    if (!is_iso_time(at)) problems.push_back("at: expected an ISO 8601 UTC time");
    if (actor.empty()) problems.push_back("actor: required");
    refuse_if_any("lead", problems);
    Savepoint sp(db, "atelier_create_lead");
    std::string studio = ensure_studio(db, at);
    std::string lead_id = id.empty() ? new_uuid() : std::string(id);
    std::string client_id = uuid_from("client|" + lead_id, lead_id);
    Stmt c(db, "INSERT INTO clients(id, studio_id, name, company, email, phone, lang, created_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    c.bind(1, client_id).bind(2, studio).bind(3, l.client_name).bind(4, l.company).bind(5, l.email)
        .bind(6, l.phone).bind(7, l.lang).bind(8, at).step();
    Stmt ld(db, "INSERT INTO leads(id, studio_id, client_id, title, source, stage, lang, amount_minor, currency,"
                " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'new', ?6, ?7, ?8, ?9, ?9)");
    ld.bind(1, lead_id).bind(2, studio).bind(3, client_id).bind(4, l.title).bind(5, l.source).bind(6, l.lang)
        .bind(7, l.amount_minor).bind(8, l.currency.empty() ? currency_for(db, l.lang) : l.currency).bind(9, at).step();
    Stmt ev(db, "INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor) VALUES (?1, ?2, NULL, 'new', ?3, ?4)");
    ev.bind(1, uuid_from("created|" + lead_id, lead_id)).bind(2, lead_id).bind(3, at).bind(4, actor).step();
    sp.commit();
    return lead_id;
}

json leads_json(sqlite3* db, int64_t limit) {
    Stmt q(db, "SELECT l.id, c.name, c.company, c.email, c.phone, l.source, l.title, l.stage, l.lang,"
               " l.amount_minor, l.currency, l.created_at, l.updated_at, l.lost_reason"
               " FROM leads l JOIN clients c ON c.id = l.client_id"
               " ORDER BY l.created_at DESC, l.id LIMIT ?1");
    q.bind(1, limit);
    json out = json::array();
    while (q.step()) {
        json row = {{"id", q.text(0)},           {"client", q.text(1)},     {"company", q.text(2)},
                    {"email", q.text(3)},        {"phone", q.text(4)},      {"source", q.text(5)},
                    {"title", q.text(6)},        {"stage", q.text(7)},      {"lang", q.text(8)},
                    {"amount_minor", q.int64(9)}, {"currency", q.text(10)}, {"created_at", q.text(11)},
                    {"updated_at", q.text(12)}};
        if (!q.is_null(13)) row["lost_reason"] = q.text(13);
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace atelier
