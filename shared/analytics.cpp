// atelier/analytics.cpp — see analytics.h.
#include "analytics.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "calendar.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "money.h"
#include "store.h"

namespace atelier::analytics {

using nlohmann::json;

namespace {

// The forward stages of the conveyor, in order.
const char* const kStages[] = {"new", "brief_sent", "brief_filled", "estimated", "proposal_sent", "contract_sent", "invoiced", "won"};
constexpr int kStageCount = 8;

int stage_index(const std::string& s) {
    for (int i = 0; i < kStageCount; ++i)
        if (s == kStages[i]) return i;
    return -1;
}

// "YYYY-MM-DD", checked, naming the argument.
std::string date_arg(const std::string& v, const char* name) {
    if (v.empty()) throw Error(std::string("report: ") + name + ": required, a date YYYY-MM-DD");
    if (v.size() != 10) throw Error(std::string("report: ") + name + ": expected a date YYYY-MM-DD, got \"" + clip_utf8(v, 40) + "\"");
    day_number(v, (std::string("report: ") + name).c_str());
    return v;
}

void period_args(const std::string& from, const std::string& to) {
    date_arg(from, "from");
    date_arg(to, "to");
    if (to < from) throw Error("report: to: " + to + " is before from (" + from + ")");
}

// The SQL of a lead's group, over `l` (leads).
std::string group_sql(const std::string& g) {
    if (g.empty() || g == "all") return "'all'";
    if (g == "source") return "CASE WHEN l.source = '' THEN '(none)' ELSE l.source END";
    if (g == "owner") return "CASE WHEN coalesce(l.owner_name, '') = '' THEN '(unassigned)' ELSE l.owner_name END";
    if (g == "month") return "substr(l.created_at, 1, 7)";
    throw Error("report: group_by: expected source, owner, month or nothing, got \"" + clip_utf8(g, 40) + "\"");
}

// Leads created from `from` to `to` (dates, both included): bound as ?1 and ?2.
const char* const kInPeriod = "l.created_at >= ?1 AND l.created_at < date(?2, '+1 day')";

// Seconds since 1970 of an ISO time ("2026-12-04T10:00:00Z" or a date).
int64_t secs(const std::string& iso) {
    if (iso.size() < 10) return 0;
    int64_t s = day_number(iso.substr(0, 10), "time") * 86400;
    if (iso.size() >= 19) s += std::stoll(iso.substr(11, 2)) * 3600 + std::stoll(iso.substr(14, 2)) * 60 + std::stoll(iso.substr(17, 2));
    return s;
}

// The median of values, rounded to one decimal; null when there are none.
json median(std::vector<double> v) {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    const double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return (double)(int64_t)(m * 10 + (m >= 0 ? 0.5 : -0.5)) / 10;
}

// a / b as a ratio rounded to 4 decimals; null when b is 0.
json ratio(int64_t a, int64_t b) {
    if (b == 0) return nullptr;
    return (double)((a * 10000 + b / 2) / b) / 10000;
}

// The lead's amount: its invoices (not void), else its newest estimate, else what was expected.
const char* const kLeadAmount =
    "coalesce((SELECT sum(total_minor) FROM invoices i WHERE i.lead_id = l.id AND i.status != 'void'),"
    " (SELECT total_minor FROM estimates e WHERE e.lead_id = l.id ORDER BY e.version DESC, e.created_at DESC LIMIT 1), l.amount_minor)";

// One lead's way through the conveyor, from stage_events.
struct Path {
    std::string id, grp, stage;
    int reached = 0;                  // the furthest forward stage
    int lost_from = -2;               // the stage it was lost in (-1: unknown), -2: not lost
    int64_t entered[kStageCount];     // first entry per stage, seconds; 0: never
    int64_t left[kStageCount];        // first move forward out of it; < 0: left by being lost
    bool won = false;
};

// The stage's index in SQL, over a column.
std::string stage_index_sql(const char* col) {
    std::string s = std::string("CASE ") + col;
    for (int i = 0; i < kStageCount; ++i) s += std::string(" WHEN '") + kStages[i] + "' THEN " + std::to_string(i);
    return s + " WHEN 'lost' THEN 100 ELSE -1 END";
}

// Every lead of the period with its stage moves, read in one pass: times as
// seconds and stages as indexes computed by SQLite, rows in any order.
std::vector<Path> paths(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by) {
    std::vector<Path> out;
    std::unordered_map<int64_t, size_t> at_row;
    {
        Stmt q(db, ("SELECT l.rowid, l.id, " + group_sql(group_by) + ", l.stage, CAST(strftime('%s', l.created_at) AS INTEGER) FROM leads l WHERE " +
                    kInPeriod + " ORDER BY l.created_at, l.rowid").c_str());
        q.bind(1, from).bind(2, to);
        while (q.step()) {
            Path p;
            p.id = q.text(1);
            p.grp = q.text(2);
            p.stage = q.text(3);
            std::fill(std::begin(p.entered), std::end(p.entered), 0);
            std::fill(std::begin(p.left), std::end(p.left), 0);
            p.entered[0] = q.int64(4);
            p.reached = std::max(0, stage_index(p.stage));
            p.won = p.stage == "won";
            at_row[q.int64(0)] = out.size();
            out.push_back(std::move(p));
        }
    }
    if (out.empty()) return out;
    Stmt q(db, ("SELECT l.rowid, " + stage_index_sql("s.from_stage") + ", " + stage_index_sql("s.to_stage") +
                ", CAST(strftime('%s', s.at) AS INTEGER) FROM leads l JOIN stage_events s ON s.lead_id = l.id WHERE " + kInPeriod).c_str());
    q.bind(1, from).bind(2, to);
    sqlite3_stmt* st = q.raw();
    while (q.step()) {
        auto it = at_row.find(sqlite3_column_int64(st, 0));
        if (it == at_row.end()) continue;
        Path& p = out[it->second];
        const int fi = sqlite3_column_int(st, 1), ti = sqlite3_column_int(st, 2);
        const int64_t t = sqlite3_column_int64(st, 3);
        if (ti == 100) {  // lost: the last loss counts
            p.lost_from = fi >= 0 && fi < kStageCount ? fi : -1;
            if (fi >= 0 && fi < kStageCount && p.left[fi] == 0) p.left[fi] = -1;
            continue;
        }
        if (ti < 0 || ti >= kStageCount) continue;
        if (p.entered[ti] == 0 || t < p.entered[ti]) p.entered[ti] = t;
        if (fi >= 0 && fi < kStageCount && ti > fi && (p.left[fi] <= 0 || t < p.left[fi])) p.left[fi] = t;
        p.reached = std::max(p.reached, ti);
    }
    return out;
}

std::vector<std::string> groups_of(const std::vector<Path>& ps) {
    std::set<std::string> g;
    for (const Path& p : ps) g.insert(p.grp);
    return {g.begin(), g.end()};
}

// A month's first and last day: "2026-11" → "2026-11-01", "2026-11-30".
std::string month_end(const std::string& month) {
    int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
    int next_y = m == 12 ? y + 1 : y, next_m = m == 12 ? 1 : m + 1;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-01", next_y, next_m);
    return iso_date(day_number(buf, "month") - 1);
}
std::string month_add(const std::string& month, int k) {
    int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2)) - 1 + k;
    y += m >= 0 ? m / 12 : (m - 11) / 12;
    m = ((m % 12) + 12) % 12;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m + 1);
    return buf;
}

}  // namespace

json Table::json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
        nlohmann::json o = nlohmann::json::object();
        for (size_t i = 0; i < columns.size() && i < r.size(); ++i) o[columns[i]] = r[i];
        out.push_back(std::move(o));
    }
    return out;
}

const std::vector<Report>& reports() {
    static const std::vector<Report> all = {
        {"funnel", {"grp", "stage", "entered", "advanced", "lost", "conversion_next", "conversion_won", "median_days"}, {"from", "to", "group_by"}, 2},
        {"lost_reasons", {"grp", "stage", "reason", "leads", "amount_minor", "currency"}, {"from", "to", "group_by"}, 2},
        {"win_rate", {"grp", "leads", "won", "lost", "win_rate", "avg_won_minor", "currency", "median_days_to_won"}, {"from", "to", "group_by"}, 2},
        {"forecast", {"month", "currency", "leads", "expected_minor", "weighted_minor"}, {"from_month", "months"}, 2},
        {"revenue", {"month", "currency", "invoiced_minor", "paid_minor", "outstanding_minor"}, {"from", "to"}, 2},
        {"receivables", {"bucket", "currency", "invoices", "amount_minor"}, {"at"}, 1},
        {"proposals", {"grp", "made", "opened", "accepted", "open_rate", "accept_rate", "median_hours_to_open", "median_hours_to_accept"},
         {"from", "to", "group_by"}, 2},
        {"time", {"grp", "step", "leads", "minutes", "minutes_per_request", "baseline_minutes"}, {"from", "to", "group_by"}, 2},
    };
    return all;
}

const Report* find_report(std::string_view name) {
    for (const Report& r : reports())
        if (name == r.name) return &r;
    return nullptr;
}

Table run(sqlite3* db, std::string_view name, const std::vector<std::string>& a) {
    auto arg = [&](size_t i) { return i < a.size() ? a[i] : std::string(); };
    if (name == "funnel") return funnel(db, arg(0), arg(1), arg(2));
    if (name == "lost_reasons") return lost_reasons(db, arg(0), arg(1), arg(2));
    if (name == "win_rate") return win_rate(db, arg(0), arg(1), arg(2));
    if (name == "revenue") return revenue(db, arg(0), arg(1));
    if (name == "receivables") return receivables(db, arg(0));
    if (name == "proposals") return proposals(db, arg(0), arg(1), arg(2));
    if (name == "time") return time(db, arg(0), arg(1), arg(2));
    if (name == "forecast") {
        const std::string m = arg(1);
        char* end = nullptr;
        long n = m.empty() ? -1 : std::strtol(m.c_str(), &end, 10);
        if (m.empty() || *end || n < 1 || n > 60) throw Error("report: months: expected 1 to 60, got \"" + clip_utf8(m, 20) + "\"");
        return forecast(db, arg(0), (int)n);
    }
    throw Error("report: expected funnel, lost_reasons, win_rate, forecast, revenue, receivables, proposals or time, got \"" +
                clip_utf8(name, 40) + "\"");
}

Table funnel(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by) {
    period_args(from, to);
    group_sql(group_by);
    const std::vector<Path> ps = paths(db, from, to, group_by);
    Table t{{"grp", "stage", "entered", "advanced", "lost", "conversion_next", "conversion_won", "median_days"}, {}};
    for (const std::string& g : groups_of(ps)) {
        for (int s = 0; s < kStageCount; ++s) {
            int64_t entered = 0, advanced = 0, lost = 0, won = 0;
            std::vector<double> days;
            for (const Path& p : ps) {
                if (p.grp != g || p.reached < s) continue;
                ++entered;
                if (p.reached > s) ++advanced;
                if (p.lost_from == s && p.reached == s) ++lost;
                if (p.won) ++won;
                if (p.entered[s] > 0 && p.left[s] > 0) days.push_back((double)(p.left[s] - p.entered[s]) / 86400);
            }
            t.rows.push_back({g, kStages[s], entered, advanced, lost, s == kStageCount - 1 ? json(nullptr) : ratio(advanced, entered),
                              ratio(won, entered), median(days)});
        }
    }
    return t;
}

Table lost_reasons(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by) {
    period_args(from, to);
    const std::string sql =
        "SELECT " + group_sql(group_by) +
        " AS g, coalesce((SELECT from_stage FROM stage_events s WHERE s.lead_id = l.id AND s.to_stage = 'lost' ORDER BY s.at DESC, s.rowid DESC LIMIT 1), '') AS st,"
        " coalesce((SELECT json_extract(payload_json, '$.code') FROM events e WHERE e.lead_id = l.id AND +e.kind = 'lost' ORDER BY e.at DESC, e.rowid DESC LIMIT 1), 'other') AS r,"
        " count(*), sum(" + std::string(kLeadAmount) + "), l.currency FROM leads l WHERE l.stage = 'lost' AND " + kInPeriod +
        " GROUP BY g, st, r, l.currency ORDER BY g, st, count(*) DESC, r, l.currency";
    Stmt q(db, sql.c_str());
    q.bind(1, from).bind(2, to);
    Table t{{"grp", "stage", "reason", "leads", "amount_minor", "currency"}, {}};
    while (q.step()) t.rows.push_back({q.text(0), q.text(1), q.text(2), q.int64(3), q.int64(4), q.text(5)});
    // Stages in the conveyor's order, not the alphabet's.
    std::stable_sort(t.rows.begin(), t.rows.end(), [](const std::vector<json>& a, const std::vector<json>& b) {
        return std::make_tuple(a[0].get<std::string>(), stage_index(a[1].get<std::string>())) <
               std::make_tuple(b[0].get<std::string>(), stage_index(b[1].get<std::string>()));
    });
    return t;
}

Table win_rate(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by) {
    period_args(from, to);
    if (group_by.empty()) throw Error("report: group_by: required for the win rate: source, owner or month");
    // Amounts and days only for the won: the rest are counted.
    const std::string sql = "SELECT " + group_sql(group_by) + ", l.currency, l.stage, CASE WHEN l.stage = 'won' THEN " + std::string(kLeadAmount) +
                            " END, l.created_at, CASE WHEN l.stage = 'won' THEN (SELECT min(at) FROM stage_events s WHERE s.lead_id = l.id AND s.to_stage = 'won') END"
                            " FROM leads l WHERE " + kInPeriod;
    Stmt q(db, sql.c_str());
    q.bind(1, from).bind(2, to);
    struct Acc {
        int64_t leads = 0, won = 0, lost = 0, won_sum = 0;
        std::vector<double> days;
    };
    std::map<std::pair<std::string, std::string>, Acc> by;
    while (q.step()) {
        Acc& a = by[{q.text(0), q.text(1)}];
        ++a.leads;
        const std::string stage = q.text(2);
        if (stage == "won") {
            ++a.won;
            a.won_sum += q.int64(3);
            if (!q.is_null(5)) a.days.push_back((double)(secs(q.text(5)) - secs(q.text(4))) / 86400);
        } else if (stage == "lost") {
            ++a.lost;
        }
    }
    Table t{{"grp", "leads", "won", "lost", "win_rate", "avg_won_minor", "currency", "median_days_to_won"}, {}};
    for (const auto& [k, a] : by)
        t.rows.push_back({k.first, a.leads, a.won, a.lost, ratio(a.won, a.won + a.lost),
                          a.won ? json(div_round_half_away(a.won_sum, a.won)) : json(nullptr), k.second, median(a.days)});
    return t;
}

Table revenue(sqlite3* db, const std::string& from, const std::string& to) {
    period_args(from, to);
    Table t{{"month", "currency", "invoiced_minor", "paid_minor", "outstanding_minor"}, {}};
    std::map<std::pair<std::string, std::string>, std::array<int64_t, 3>> by;
    {
        // Invoiced in the month, and what of it is still unpaid at `to`.
        Stmt q(db, "SELECT substr(i.issued_on, 1, 7), i.currency, i.total_minor,"
                   " i.total_minor - coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = i.id AND p.received_on <= ?2), 0)"
                   " FROM invoices i WHERE i.issued_on >= ?1 AND i.issued_on <= ?2 AND i.number IS NOT NULL AND i.status != 'void'");
        q.bind(1, from).bind(2, to);
        while (q.step()) {
            auto& a = by[{q.text(0), q.text(1)}];
            a[0] += q.int64(2);
            a[2] += std::max<int64_t>(0, q.int64(3));
        }
    }
    {
        Stmt q(db, "SELECT substr(p.received_on, 1, 7), i.currency, sum(p.amount_minor) FROM payments p JOIN invoices i ON i.id = p.invoice_id"
                   " WHERE p.received_on >= ?1 AND p.received_on <= ?2 GROUP BY 1, 2");
        q.bind(1, from).bind(2, to);
        while (q.step()) by[{q.text(0), q.text(1)}][1] += q.int64(2);
    }
    // Every month of the period, each currency that has any figure.
    std::set<std::string> currencies;
    for (const auto& [k, a] : by) currencies.insert(k.second);
    for (std::string m = from.substr(0, 7); m <= to.substr(0, 7); m = month_add(m, 1))
        for (const std::string& c : currencies) {
            auto it = by.find({m, c});
            const std::array<int64_t, 3> a = it == by.end() ? std::array<int64_t, 3>{0, 0, 0} : it->second;
            t.rows.push_back({m, c, a[0], a[1], a[2]});
        }
    return t;
}

Table receivables(sqlite3* db, const std::string& at) {
    date_arg(at, "at");
    Stmt q(db, "SELECT i.currency, i.due_on, i.total_minor - coalesce((SELECT sum(amount_minor) FROM payments p"
               " WHERE p.invoice_id = i.id AND p.received_on <= ?1), 0) FROM invoices i"
               " WHERE i.number IS NOT NULL AND i.status != 'void' AND i.issued_on <= ?1");
    q.bind(1, at);
    static const char* const kBuckets[] = {"not_due", "0-30", "31-60", "61-90", "90+"};
    std::map<std::pair<int, std::string>, std::pair<int64_t, int64_t>> by;
    const int64_t today = day_number(at, "at");
    while (q.step()) {
        const int64_t rest = q.int64(2);
        if (rest <= 0) continue;
        const int64_t late = q.is_null(1) ? 0 : today - day_number(q.text(1), "due_on");
        const int b = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
        auto& a = by[{b, q.text(0)}];
        ++a.first;
        a.second += rest;
    }
    Table t{{"bucket", "currency", "invoices", "amount_minor"}, {}};
    for (const auto& [k, a] : by) t.rows.push_back({kBuckets[k.first], k.second, a.first, a.second});
    return t;
}

Table proposals(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by) {
    period_args(from, to);
    const std::string sql = "SELECT " + group_sql(group_by) + ", p.created_at, p.accepted_at,"
                            " (SELECT min(first_opened_at) FROM doc_links d WHERE d.kind = 'proposal' AND d.doc_id = p.id)"
                            " FROM proposals p JOIN leads l ON l.id = p.lead_id WHERE p.created_at >= ?1 AND p.created_at < date(?2, '+1 day')";
    Stmt q(db, sql.c_str());
    q.bind(1, from).bind(2, to);
    struct Acc {
        int64_t made = 0, opened = 0, accepted = 0;
        std::vector<double> to_open, to_accept;
    };
    std::map<std::string, Acc> by;
    while (q.step()) {
        Acc& a = by[q.text(0)];
        ++a.made;
        const int64_t made = secs(q.text(1));
        if (!q.is_null(3)) {
            ++a.opened;
            a.to_open.push_back((double)(secs(q.text(3)) - made) / 3600);
        }
        if (!q.is_null(2)) {
            ++a.accepted;
            a.to_accept.push_back((double)(secs(q.text(2)) - made) / 3600);
        }
    }
    Table t{{"grp", "made", "opened", "accepted", "open_rate", "accept_rate", "median_hours_to_open", "median_hours_to_accept"}, {}};
    for (const auto& [g, a] : by)
        t.rows.push_back({g, a.made, a.opened, a.accepted, ratio(a.opened, a.made), ratio(a.accepted, a.made), median(a.to_open), median(a.to_accept)});
    return t;
}

Table forecast(sqlite3* db, const std::string& from_month, int months) {
    if (from_month.size() != 7 || from_month[4] != '-')
        throw Error("report: from_month: expected a month YYYY-MM, got \"" + clip_utf8(from_month, 20) + "\"");
    date_arg(from_month + "-01", "from_month");
    if (months < 1 || months > 60) throw Error("report: months: expected 1 to 60");
    const std::string first = from_month + "-01", last_month = month_add(from_month, months - 1);
    std::map<std::string, int64_t> weight;
    {
        Stmt w(db, "SELECT stage, percent FROM stage_weights");
        while (w.step()) weight[w.text(0)] = w.int64(1);
    }
    // (month, currency) → leads, expected, weighted
    std::map<std::pair<std::string, std::string>, std::tuple<std::set<std::string>, int64_t, int64_t>> by;
    auto add = [&](std::string month, const std::string& cur, const std::string& lead, int64_t amount, int64_t pct) {
        if (month < from_month) month = from_month;  // late money is expected now
        if (month > last_month || amount <= 0) return;
        auto& a = by[{month, cur}];
        std::get<0>(a).insert(lead);
        std::get<1>(a) += amount;
        std::get<2>(a) += div_round_half_away(mul_minor(amount, pct), 100);
    };
    // Signed projects: issued invoices by their due date, planned ones by their stage's end.
    {
        Stmt q(db, "SELECT i.lead_id, i.currency, i.total_minor - coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0),"
                   " i.due_on, i.status, i.position, c.payment_schedule_json, c.accepted_at, e.body_json, l.stage"
                   " FROM invoices i JOIN contracts c ON c.id = i.contract_id JOIN leads l ON l.id = i.lead_id"
                   " JOIN proposals p ON p.id = c.proposal_id JOIN estimates e ON e.id = p.estimate_id"
                   " WHERE i.status IN ('draft', 'issued', 'partially_paid') AND l.stage NOT IN ('lost')");
        while (q.step()) {
            const int64_t pct = weight.count(q.text(9)) ? weight[q.text(9)] : 100;
            if (q.text(4) != "draft") {
                add(q.is_null(3) ? from_month : q.text(3).substr(0, 7), q.text(1), q.text(0), q.int64(2), pct);
                continue;
            }
            // A planned payment falls due at the end of its stage, counted from the signing.
            const json schedule = parse_json_or_discard(q.text(6));
            const json est = parse_json_or_discard(q.text(8));
            const int64_t pos = q.int64(5);
            std::string on = schedule.is_array() && pos >= 1 && pos <= (int64_t)schedule.size() ? schedule[(size_t)pos - 1].value("on", "") : "";
            int64_t days = 0;
            if (est.contains("timeline") && est["timeline"].is_array())
                for (const json& s : est["timeline"]) {
                    days += s.value("days", (int64_t)0);
                    if (s.value("stage", "") == on) break;
                }
            const std::string signed_on = q.is_null(7) ? first : q.text(7).substr(0, 10);
            add(iso_date(day_number(signed_on, "signed") + days * 7 / 5).substr(0, 7), q.text(1), q.text(0), q.int64(2), pct);
        }
    }
    // Open leads before signing: the newest estimate's schedule from the first month on, weighted by their stage.
    {
        Stmt q(db, "SELECT l.id, l.stage, coalesce(e.currency, l.currency), coalesce(e.total_minor, l.amount_minor), e.body_json FROM leads l"
                   " LEFT JOIN estimates e ON e.id = (SELECT id FROM estimates x WHERE x.lead_id = l.id ORDER BY x.version DESC, x.created_at DESC LIMIT 1)"
                   " WHERE l.stage NOT IN ('won', 'lost', 'invoiced') AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.lead_id = l.id AND c.status = 'accepted')");
        while (q.step()) {
            const std::string stage = q.text(1);
            const int64_t pct = weight.count(stage) ? weight[stage] : 0;
            const json est = q.is_null(4) ? json() : parse_json_or_discard(q.text(4));
            const int64_t total = q.int64(3);
            if (!est.is_object() || !est.contains("payment_schedule") || !est["payment_schedule"].is_array()) {
                add(from_month, q.text(2), q.text(0), total, pct);
                continue;
            }
            for (const json& p : est["payment_schedule"]) {
                const std::string on = p.value("on", "signing");
                int64_t days = 0;
                if (on != "signing" && est.contains("timeline"))
                    for (const json& s : est["timeline"]) {
                        days += s.value("days", (int64_t)0);
                        if (s.value("stage", "") == on) break;
                    }
                add(iso_date(day_number(first, "from_month") + days * 7 / 5).substr(0, 7), q.text(2), q.text(0), p.value("amount", (int64_t)0), pct);
            }
        }
    }
    Table t{{"month", "currency", "leads", "expected_minor", "weighted_minor"}, {}};
    for (const auto& [k, a] : by) t.rows.push_back({k.first, k.second, (int64_t)std::get<0>(a).size(), std::get<1>(a), std::get<2>(a)});
    return t;
}

std::string step_of_stage(std::string_view stage) {
    if (stage == "new") return "intake";
    if (stage == "brief_sent") return "brief";
    if (stage == "brief_filled") return "estimate";
    if (stage == "estimated" || stage == "proposal_sent") return "proposal";
    if (stage == "contract_sent") return "contract";
    if (stage == "invoiced") return "invoice";
    if (stage == "won") return "payment";
    return "other";
}

int baseline_minutes(std::string_view step) {
    if (step == "intake" || step == "brief") return 5;
    if (step == "estimate") return 20;
    if (step == "proposal") return 40;
    if (step == "contract") return 30;
    if (step == "invoice") return 10;
    if (step == "total") return 110;
    return 0;
}

void add_time(sqlite3* db, const std::string& user_id, const std::string& device, const std::string& lead_id, const std::string& step,
              const std::string& day, int64_t seconds, std::string_view at) {
    static const char* const kSteps[] = {"intake", "brief", "estimate", "proposal", "contract", "invoice", "payment", "other"};
    bool known = false;
    for (const char* s : kSteps) known = known || step == s;
    if (!known) throw Error("time: step: expected intake, brief, estimate, proposal, contract, invoice, payment or other, got \"" + clip_utf8(step, 40) + "\"");
    if (user_id.empty() || user_id.size() > 64) throw Error("time: user_id: expected a user id");
    day_number(day, "time: day");
    if (seconds < 0 || seconds > 86400) throw Error("time: seconds: expected 0 to 86400, got " + std::to_string(seconds));
    if (seconds == 0) return;
    const std::string id = uuid_from("time|" + user_id + "|" + device + "|" + lead_id + "|" + step + "|" + day);
    Stmt up(db, "INSERT INTO time_ledger(id, user_id, device, lead_id, step, day, seconds, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                " ON CONFLICT(id) DO UPDATE SET seconds = seconds + excluded.seconds, updated_at = excluded.updated_at");
    up.bind(1, id).bind(2, user_id).bind(3, device).bind(5, step).bind(6, day).bind(7, seconds).bind(8, std::string(at));
    if (lead_id.empty()) up.bind_null(4); else up.bind(4, lead_id);
    up.step();
}

Table time(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by) {
    period_args(from, to);
    static const char* const kSteps[] = {"intake", "brief", "estimate", "proposal", "contract", "invoice", "payment"};
    const std::string g = group_sql(group_by);
    std::map<std::string, int64_t> leads;
    {
        Stmt q(db, ("SELECT " + g + ", count(*) FROM leads l WHERE " + kInPeriod + " GROUP BY 1").c_str());
        q.bind(1, from).bind(2, to);
        while (q.step()) leads[q.text(0)] = q.int64(1);
    }
    std::map<std::pair<std::string, std::string>, int64_t> secs_by;
    {
        Stmt q(db, ("SELECT " + g + ", t.step, sum(t.seconds) FROM time_ledger t JOIN leads l ON l.id = t.lead_id WHERE " + kInPeriod +
                    " GROUP BY 1, 2").c_str());
        q.bind(1, from).bind(2, to);
        while (q.step()) secs_by[{q.text(0), q.text(1)}] = q.int64(2);
    }
    Table t{{"grp", "step", "leads", "minutes", "minutes_per_request", "baseline_minutes"}, {}};
    auto minutes = [](int64_t s) { return (double)((s * 10 + 30) / 60) / 10; };
    for (const auto& [grp, n] : leads) {
        int64_t total = 0;
        for (const char* s : kSteps) {
            auto it = secs_by.find({grp, s});
            const int64_t v = it == secs_by.end() ? 0 : it->second;
            total += v;
            t.rows.push_back({grp, s, n, minutes(v), n ? json(minutes((v + n / 2) / n)) : json(nullptr), baseline_minutes(s)});
        }
        t.rows.push_back({grp, "total", n, minutes(total), n ? json(minutes((total + n / 2) / n)) : json(nullptr), baseline_minutes("total")});
    }
    return t;
}

std::vector<std::string> drill(sqlite3* db, std::string_view report, const std::vector<std::string>& a, const std::string& grp,
                               const std::string& key) {
    auto arg = [&](size_t i) { return i < a.size() ? a[i] : std::string(); };
    std::vector<std::string> out;
    if (report == "funnel" || report == "win_rate") {
        period_args(arg(0), arg(1));
        for (const Path& p : paths(db, arg(0), arg(1), arg(2))) {
            if (!grp.empty() && p.grp != grp) continue;
            const int s = stage_index(key);
            const bool in = report == "funnel" ? (s >= 0 && p.reached >= s) || (key == "lost" && p.lost_from != -2)
                                               : key == "won" ? p.won : key == "lost" ? p.stage == "lost" : true;
            if (in) out.push_back(p.id);
        }
        std::reverse(out.begin(), out.end());
        return out;
    }
    if (report == "lost_reasons") {
        period_args(arg(0), arg(1));
        const size_t slash = key.find('/');
        const std::string stage = key.substr(0, slash), reason = slash == std::string::npos ? "" : key.substr(slash + 1);
        Stmt q(db, ("SELECT l.id FROM leads l WHERE l.stage = 'lost' AND " + std::string(kInPeriod) + " AND " + group_sql(arg(2)) +
                    " = ?3 AND (?4 = '' OR coalesce((SELECT from_stage FROM stage_events s WHERE s.lead_id = l.id AND s.to_stage = 'lost' ORDER BY s.at DESC, s.rowid DESC LIMIT 1), '') = ?4)"
                    " AND (?5 = '' OR coalesce((SELECT json_extract(payload_json, '$.code') FROM events e WHERE e.lead_id = l.id AND +e.kind = 'lost'"
                    " ORDER BY e.at DESC, e.rowid DESC LIMIT 1), 'other') = ?5) ORDER BY l.created_at DESC").c_str());
        q.bind(1, arg(0)).bind(2, arg(1)).bind(3, grp.empty() ? "all" : grp).bind(4, stage).bind(5, reason);
        while (q.step()) out.push_back(q.text(0));
        return out;
    }
    if (report == "receivables") {
        const Table t = receivables(db, arg(0));
        Stmt q(db, "SELECT i.lead_id, i.due_on FROM invoices i WHERE i.number IS NOT NULL AND i.status != 'void' AND i.issued_on <= ?1"
                   " AND i.total_minor > coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = i.id AND p.received_on <= ?1), 0)"
                   " ORDER BY i.due_on");
        q.bind(1, arg(0));
        const int64_t today = day_number(arg(0), "at");
        std::set<std::string> seen;
        while (q.step()) {
            const int64_t late = q.is_null(1) ? 0 : today - day_number(q.text(1), "due_on");
            const char* b = late <= 0 ? "not_due" : late <= 30 ? "0-30" : late <= 60 ? "31-60" : late <= 90 ? "61-90" : "90+";
            if ((key.empty() || key == b) && seen.insert(q.text(0)).second) out.push_back(q.text(0));
        }
        return out;
    }
    throw Error("report: drill: expected funnel, win_rate, lost_reasons or receivables, got \"" + clip_utf8(report, 40) + "\"");
}

}  // namespace atelier::analytics
