// atelier/support.cpp — see support.h.
#include "support.h"

#include <vector>

#include "calendar.h"
#include "documents.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "money.h"
#include "numbering.h"
#include "store.h"

namespace atelier::support {

using nlohmann::json;

namespace {

struct Ymd {
    int y, m, d;
};
Ymd ymd(const std::string& iso) { return {std::stoi(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)), std::stoi(iso.substr(8, 2))}; }
std::string iso(int y, int m, int d) {
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return b;
}

// The first billing day (day `day` of a month) strictly after `date`.
std::string bill_day_after(const std::string& date, int day) {
    Ymd v = ymd(date);
    if (v.d < day) return iso(v.y, v.m, day);
    return v.m == 12 ? iso(v.y + 1, 1, day) : iso(v.y, v.m + 1, day);
}

std::string day_before(const std::string& date) { return iso_date(day_number(date, "date") - 1); }

int64_t date_arg(std::string_view v, const char* field, std::vector<std::string>& problems) {
    try {
        if (v.size() != 10) throw Error(std::string(field) + ": expected a date YYYY-MM-DD, got \"" + clip_utf8(v, 40) + "\"");
        return day_number(std::string(v), field);
    } catch (const Error& e) {
        problems.push_back(std::string(e.what()).substr(9));  // without "atelier: "
        return 0;
    }
}

void check_at(std::string_view at, const char* op) {
    if (!is_iso_time(at)) throw Error(std::string(op) + ": at: expected an ISO 8601 UTC time, got \"" + clip_utf8(at, 40) + "\"");
}

struct Project {
    std::string lead, contract, currency, lang;
};
Project project_row(sqlite3* db, std::string_view project_id, const char* op) {
    Stmt q(db, "SELECT p.lead_id, p.contract_id, l.currency, l.lang FROM projects p JOIN leads l ON l.id = p.lead_id WHERE p.id = ?1");
    q.bind(1, project_id);
    if (!q.step()) throw not_found(std::string(op) + ": project_id", "project", std::string(project_id));
    return {q.text(0), q.text(1), q.text(2), q.text(3)};
}

// "15.03.2027", "15/03/2027", "2027-03-15".
std::string short_date(const std::string& iso_day, Lang l) {
    if (l == Lang::en) return iso_day;
    const char sep = l == Lang::ru ? '.' : '/';
    return iso_day.substr(8, 2) + sep + iso_day.substr(5, 2) + sep + iso_day.substr(0, 4);
}

std::string hours_text(int64_t minutes, Lang l) {
    // Centihours, rounded half up: 90 minutes → 1,5 h.
    return format_hours((minutes * 100 + 30) / 60, l);
}

}  // namespace

std::string month_title(sqlite3* db, std::string_view contract_id, std::string_view stage, Lang l) {
    if (stage.rfind("support:", 0) != 0) return "";
    Stmt q(db, "SELECT rp.starts_on, rp.ends_on FROM retainer_periods rp JOIN retainers r ON r.id = rp.retainer_id"
               " JOIN projects p ON p.id = r.project_id WHERE p.contract_id = ?1 AND rp.period = ?2");
    q.bind(1, contract_id).bind(2, stage.substr(8));
    const char* word = l == Lang::ru ? "Техническая поддержка" : l == Lang::fr ? "Maintenance et support" : "Support and maintenance";
    if (!q.step()) return std::string(word) + " " + std::string(stage.substr(8));
    return std::string(word) + (l == Lang::fr ? " : " : ": ") + short_date(q.text(0), l) + " – " + short_date(q.text(1), l);
}

json view(sqlite3* db, std::string_view project_id) {
    project_row(db, project_id, "retainer");
    json out = {{"project_id", std::string(project_id)}, {"retainer", nullptr}, {"months", json::array()}, {"hours", json::array()}};
    Stmt r(db, "SELECT id, status, currency, fee_minor, hours_included, hour_rate_minor, day, starts_on, stopped_on, updated_at"
               " FROM retainers WHERE project_id = ?1");
    r.bind(1, project_id);
    if (r.step()) {
        out["retainer"] = {{"id", r.text(0)}, {"status", r.text(1)}, {"currency", r.text(2)}, {"fee_minor", r.int64(3)},
                           {"hours_included", r.int64(4)}, {"hour_rate_minor", r.int64(5)}, {"day", r.int64(6)}, {"starts_on", r.text(7)},
                           {"stopped_on", r.is_null(8) ? json(nullptr) : json(r.text(8))}, {"updated_at", r.text(9)}};
        const std::string last = r.text(8);
        // The next month to bill, for the manager to see what comes.
        Stmt m(db, "SELECT max(ends_on) FROM retainer_periods WHERE retainer_id = ?1");
        m.bind(1, r.text(0));
        m.step();
        const std::string from = m.is_null(0) ? r.text(7) : iso_date(day_number(m.text(0), "ends_on") + 1);
        const std::string next_bill = bill_day_after(from, (int)r.int64(6));
        if (r.is_null(8) || from <= last) out["retainer"]["next"] = {{"starts_on", from}, {"ends_on", day_before(next_bill)}, {"billed_on", next_bill}};
        Stmt p(db, "SELECT rp.period, rp.starts_on, rp.ends_on, rp.minutes, rp.extra_minutes, rp.invoice_id, rp.act_id, rp.billed_on,"
                   " coalesce(i.number, i.provisional_number, ''), i.total_minor, i.status, coalesce(a.number, ''), coalesce(a.status, '')"
                   " FROM retainer_periods rp LEFT JOIN invoices i ON i.id = rp.invoice_id LEFT JOIN acts a ON a.id = rp.act_id"
                   " WHERE rp.retainer_id = ?1 ORDER BY rp.period DESC");
        p.bind(1, r.text(0));
        while (p.step())
            out["months"].push_back({{"period", p.text(0)}, {"starts_on", p.text(1)}, {"ends_on", p.text(2)}, {"minutes", p.int64(3)},
                                     {"extra_minutes", p.int64(4)}, {"invoice_id", p.is_null(5) ? json(nullptr) : json(p.text(5))},
                                     {"act_id", p.is_null(6) ? json(nullptr) : json(p.text(6))}, {"billed_on", p.text(7)},
                                     {"invoice_number", p.text(8)}, {"total_minor", p.is_null(9) ? json(0) : json(p.int64(9))},
                                     {"invoice_status", p.text(10)}, {"act_number", p.text(11)}, {"act_status", p.text(12)}});
    }
    Stmt h(db, "SELECT h.id, h.worked_on, h.minutes, h.note, h.user_name, rp.period FROM hours_log h"
               " LEFT JOIN retainer_periods rp ON rp.id = h.billed_in WHERE h.project_id = ?1"
               " ORDER BY h.billed_in IS NOT NULL, h.worked_on DESC, h.created_at DESC LIMIT 500");
    h.bind(1, project_id);
    while (h.step())
        out["hours"].push_back({{"id", h.text(0)}, {"worked_on", h.text(1)}, {"minutes", h.int64(2)}, {"note", h.text(3)},
                                {"by", h.text(4)}, {"billed_in", h.is_null(5) ? json(nullptr) : json(h.text(5))}});
    return out;
}

json set_retainer(sqlite3* db, std::string_view project_id, const json& terms, const Actor& by, std::string_view at) {
    check_at(at, "retainer");
    const Project p = project_row(db, project_id, "retainer");
    if (!terms.is_object()) throw Error("retainer: expected an object {\"fee_minor\", \"hours_included\", \"hour_rate_minor\", \"day\", \"starts_on\"}");
    Stmt cur(db, "SELECT fee_minor, hours_included, hour_rate_minor, day, starts_on, status FROM retainers WHERE project_id = ?1");
    cur.bind(1, project_id);
    const bool exists = cur.step();
    std::vector<std::string> problems;
    static const char* const known[] = {"fee_minor", "hours_included", "hour_rate_minor", "day", "starts_on"};
    for (const auto& [k, v] : terms.items()) {
        bool ok = false;
        for (const char* n : known) ok = ok || k == n;
        if (!ok) problems.push_back(k + ": unknown field (fee_minor, hours_included, hour_rate_minor, day, starts_on)");
    }
    auto whole = [&](const char* k, int64_t lo, int64_t hi, int64_t fallback, bool have_fallback) -> int64_t {
        if (!terms.contains(k)) {
            if (!have_fallback) problems.push_back(std::string(k) + ": required");
            return fallback;
        }
        const json& v = terms[k];
        if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
            problems.push_back(std::string(k) + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                               (std::string(k).find("minor") != std::string::npos ? " (minor units: kopecks, cents)" : ""));
            return fallback;
        }
        return v.get<int64_t>();
    };
    const int64_t kMaxMoney = 100000000000;  // a billion in major units
    const int64_t fee = whole("fee_minor", 0, kMaxMoney, exists ? cur.int64(0) : 0, exists);
    const int64_t included = whole("hours_included", 0, 744, exists ? cur.int64(1) : 0, exists);
    const int64_t rate = whole("hour_rate_minor", 0, kMaxMoney, exists ? cur.int64(2) : 0, exists);
    const int64_t day = whole("day", 1, 28, exists ? cur.int64(3) : 1, exists);
    std::string starts_on = exists ? cur.text(4) : std::string();
    if (terms.contains("starts_on")) {
        if (!terms["starts_on"].is_string()) problems.push_back("starts_on: expected a date YYYY-MM-DD");
        else {
            date_arg(terms["starts_on"].get<std::string>(), "starts_on", problems);
            starts_on = terms["starts_on"].get<std::string>();
        }
    } else if (!exists) {
        problems.push_back("starts_on: required");
    }
    refuse_if_any("retainer", problems);
    const std::string id = uuid_from("retainer|" + std::string(project_id));
    Savepoint sp(db, "atelier_retainer");
    if (exists && terms.contains("starts_on") && starts_on != cur.text(4)) {
        Stmt billed(db, "SELECT 1 FROM retainer_periods WHERE retainer_id = ?1 LIMIT 1");
        billed.bind(1, id);
        if (billed.step()) throw conflict("retainer: starts_on: the retainer has billed months already; its start cannot move");
    }
    Stmt up(db, "INSERT INTO retainers(id, project_id, lead_id, status, currency, fee_minor, hours_included, hour_rate_minor, day, starts_on,"
                " created_at, updated_at) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)"
                " ON CONFLICT(project_id) DO UPDATE SET fee_minor = ?5, hours_included = ?6, hour_rate_minor = ?7, day = ?8, starts_on = ?9,"
                " status = 'active', stopped_on = NULL, updated_at = ?10");
    up.bind(1, id).bind(2, project_id).bind(3, p.lead).bind(4, p.currency).bind(5, fee).bind(6, included).bind(7, rate).bind(8, day)
        .bind(9, starts_on).bind(10, at).step();
    record_event(db, p.lead, "retainer_set", by, at,
                 json{{"project_id", std::string(project_id)}, {"fee_minor", fee}, {"hours_included", included}, {"hour_rate_minor", rate},
                      {"day", day}, {"starts_on", starts_on}});
    sp.commit();
    return view(db, project_id);
}

json stop_retainer(sqlite3* db, std::string_view project_id, std::string_view on, const Actor& by, std::string_view at) {
    check_at(at, "retainer");
    const Project p = project_row(db, project_id, "retainer");
    std::vector<std::string> problems;
    date_arg(on, "on", problems);
    refuse_if_any("retainer", problems);
    Stmt r(db, "SELECT id, day, starts_on, status FROM retainers WHERE project_id = ?1");
    r.bind(1, project_id);
    if (!r.step()) throw Error("retainer: the project has no retainer", ErrorKind::not_found);
    if (r.text(3) == "stopped") throw conflict("retainer: the retainer is stopped already");
    // The end of the month running on `on`.
    const std::string from = std::string(on) < r.text(2) ? r.text(2) : std::string(on);
    const std::string last = day_before(bill_day_after(from, (int)r.int64(1)));
    Savepoint sp(db, "atelier_retainer");
    Stmt up(db, "UPDATE retainers SET status = 'stopped', stopped_on = ?2, updated_at = ?3 WHERE id = ?1");
    up.bind(1, r.text(0)).bind(2, last).bind(3, at).step();
    record_event(db, p.lead, "retainer_stopped", by, at, json{{"project_id", std::string(project_id)}, {"last_day", last}});
    sp.commit();
    return view(db, project_id);
}

std::string log_hours(sqlite3* db, std::string_view project_id, std::string_view worked_on, int64_t minutes, std::string_view note,
                      const Actor& by, std::string_view at) {
    check_at(at, "hours");
    project_row(db, project_id, "hours");
    std::vector<std::string> problems;
    date_arg(worked_on, "worked_on", problems);
    if (minutes < 1 || minutes > 1440) problems.push_back("minutes: expected 1 to 1440 (a day)");
    if (!valid_utf8(note) || utf8_length(note) > 500) problems.push_back("note: expected UTF-8 text of at most 500 characters");
    refuse_if_any("hours", problems);
    const std::string id = new_uuid();
    Stmt ins(db, "INSERT INTO hours_log(id, project_id, worked_on, minutes, note, user_id, user_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ins.bind(1, id).bind(2, project_id).bind(3, worked_on).bind(4, minutes).bind(5, note).bind(6, by.id).bind(7, by.name).bind(8, at).step();
    return id;
}

json bill(sqlite3* db, std::string_view today_sv, std::string_view at) {
    check_at(at, "retainer");
    std::vector<std::string> problems;
    date_arg(today_sv, "today", problems);
    refuse_if_any("retainer", problems);
    const std::string today(today_sv);
    json out = json::array();
    struct R {
        std::string id, project, lead, contract, currency, lang, starts_on, stopped_on, contract_number, tax_mode;
        int64_t fee, included, rate, day, bp;
    };
    std::vector<R> rs;
    {
        Stmt q(db, "SELECT r.id, r.project_id, r.lead_id, p.contract_id, r.currency, c.lang, r.starts_on, coalesce(r.stopped_on, ''),"
                   " coalesce(c.number, c.provisional_number, ''), e.body_json, r.fee_minor, r.hours_included, r.hour_rate_minor, r.day"
                   " FROM retainers r JOIN projects p ON p.id = r.project_id JOIN contracts c ON c.id = p.contract_id"
                   " JOIN proposals pr ON pr.id = c.proposal_id JOIN estimates e ON e.id = pr.estimate_id ORDER BY r.created_at, r.id");
        while (q.step()) {
            json est = parse_json_or_discard(q.text(9));
            const json tax = est.is_object() && est.contains("tax") && est["tax"].is_object() ? est["tax"] : json::object();
            rs.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8),
                          tax.value("mode", std::string("no_vat")), q.int64(10), q.int64(11), q.int64(12), q.int64(13),
                          tax.value("rate_bp", (int64_t)0)});
        }
    }
    for (const R& r : rs) {
        // Where billing stands: the day after the last billed month, or the start.
        Stmt m(db, "SELECT max(ends_on) FROM retainer_periods WHERE retainer_id = ?1");
        m.bind(1, r.id);
        m.step();
        std::string from = m.is_null(0) ? r.starts_on : iso_date(day_number(m.text(0), "ends_on") + 1);
        for (;;) {
            const std::string billed_on = bill_day_after(from, (int)r.day);
            if (billed_on > today) break;
            if (!r.stopped_on.empty() && from > r.stopped_on) break;
            const std::string ends_on = day_before(billed_on), period = billed_on.substr(0, 7);
            const std::string pid = uuid_from("retainer_period|" + r.id + "|" + period);
            Savepoint sp(db, "atelier_retainer_bill");
            // The hours of the month: logged up to its last day, not billed yet.
            Stmt h(db, "SELECT coalesce(sum(minutes), 0) FROM hours_log WHERE project_id = ?1 AND billed_in IS NULL AND worked_on <= ?2");
            h.bind(1, r.project).bind(2, ends_on).step();
            const int64_t minutes = h.int64(0), extra = std::max<int64_t>(0, minutes - r.included * 60);
            const int64_t extra_amount = div_round_half_away(mul_minor(extra, r.rate, "hour_rate_minor"), 60);
            const int64_t total = add_minor(r.fee, extra_amount);
            Stmt ins(db, "INSERT INTO retainer_periods(id, retainer_id, period, starts_on, ends_on, minutes, extra_minutes, billed_on, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
            ins.bind(1, pid).bind(2, r.id).bind(3, period).bind(4, from).bind(5, ends_on).bind(6, minutes).bind(7, extra).bind(8, today)
                .bind(9, at).step();
            Stmt mark(db, "UPDATE hours_log SET billed_in = ?3 WHERE project_id = ?1 AND billed_in IS NULL AND worked_on <= ?2");
            mark.bind(1, r.project).bind(2, ends_on).bind(3, pid).step();
            json made = {{"retainer_id", r.id}, {"period", period}, {"starts_on", from}, {"ends_on", ends_on}, {"minutes", minutes},
                         {"extra_minutes", extra}, {"invoice_id", nullptr}, {"act_id", nullptr}};
            if (total > 0) {
                // The invoice: the month's fee, and the hours beyond those included.
                json lines = json::array();
                json fee_text = json::object(), extra_text = json::object(), hours = json::object(), unit = json::object();
                for (Lang l : {Lang::ru, Lang::fr, Lang::en}) {
                    const char* under = l == Lang::ru ? " по договору № " : l == Lang::fr ? " selon le contrat n° " : " under contract No. ";
                    fee_text[lang_code(l)] = month_title(db, r.contract, "support:" + period, l) + under + r.contract_number;
                    extra_text[lang_code(l)] = l == Lang::ru ? "Работы сверх включённых в абонемент часов (" + std::to_string(r.included) + " ч)"
                                               : l == Lang::fr ? "Heures au-delà du forfait (" + std::to_string(r.included) + " h)"
                                                               : "Hours beyond those included (" + std::to_string(r.included) + " h)";
                    hours[lang_code(l)] = hours_text(extra, l);
                    unit[lang_code(l)] = l == Lang::ru ? "ч" : "h";
                }
                const json month = {{"from", from}, {"to", ends_on}};
                if (r.fee > 0) lines.push_back({{"text", fee_text}, {"amount", r.fee}, {"period", month}});
                if (extra_amount > 0) lines.push_back({{"text", extra_text}, {"amount", extra_amount}, {"period", month}, {"quantity", hours}, {"unit", unit}, {"price", r.rate}});
                const bool vat = r.tax_mode != "no_vat";
                const int64_t tax = vat ? div_round_half_away(mul_minor(total, r.bp), 10000 + r.bp) : 0;
                const std::string invoice = uuid_from("invoice|support|" + pid);
                const DocNumber n = document_number(db, "invoice", std::stoi(today.substr(0, 4)));
                const std::string due = add_working_days(today, kInvoiceDueDays, load_calendar(db, calendar_country_of(r.currency)));
                Stmt iv(db, "INSERT INTO invoices(id, lead_id, contract_id, number, provisional_number, status, lang, currency, lines_json,"
                            " subtotal_minor, tax_minor, total_minor, issued_on, due_on, created_at, updated_at, position)"
                            " VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?5, ''), 'issued', ?6, ?7, ?8, ?9, ?10, ?9, ?11, ?12, ?13, ?13, 0)");
                iv.bind(1, invoice).bind(2, r.lead).bind(3, r.contract).bind(4, n.number).bind(5, n.provisional).bind(6, r.lang)
                    .bind(7, r.currency).bind(8, lines.dump()).bind(9, total).bind(10, tax).bind(11, today).bind(12, due).bind(13, at).step();
                Stmt snap(db, "UPDATE invoices SET snapshot_html = ?2 WHERE id = ?1");
                snap.bind(1, invoice).bind(2, document_html(db, "invoice", invoice, parse_lang(r.lang))).step();
                Stmt link(db, "UPDATE retainer_periods SET invoice_id = ?2 WHERE id = ?1");
                link.bind(1, pid).bind(2, invoice).step();
                record_event(db, r.lead, "invoice_issued", system_actor(), at,
                             json{{"invoice_id", invoice}, {"number", n.number.empty() ? n.provisional : n.number}, {"retainer_period", period}},
                             uuid_from("invoice_issued|" + invoice));
                // The act of the month's services.
                const std::string stage = "support:" + period, ref = r.contract + "/" + stage, act = uuid_from("act|" + ref);
                const std::string act_number = r.contract_number + "/" + period;
                const Lang al = parse_lang(r.lang);
                Stmt ai(db, "INSERT INTO acts(id, lead_id, contract_id, stage, number, lang, status, snapshot_html, issued_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'issued', '', ?7)");
                ai.bind(1, act).bind(2, r.lead).bind(3, r.contract).bind(4, stage).bind(5, act_number).bind(6, r.lang).bind(7, at).step();
                Stmt as(db, "UPDATE acts SET snapshot_html = ?2 WHERE id = ?1");
                as.bind(1, act).bind(2, render_template(document_template(db, "act", al), document_data(db, "act", ref, al))).step();
                Stmt la(db, "UPDATE retainer_periods SET act_id = ?2 WHERE id = ?1");
                la.bind(1, pid).bind(2, act).step();
                record_event(db, r.lead, "act_issued", system_actor(), at, json{{"act_id", act}, {"stage", stage}, {"number", act_number}},
                             uuid_from("act_issued|" + ref));
                made["invoice_id"] = invoice;
                made["act_id"] = act;
            }
            sp.commit();
            out.push_back(made);
            from = billed_on;
        }
    }
    return out;
}

}  // namespace atelier::support
