// atelier/analytics.cpp — see analytics.h.
#include "analytics.h"
#include "projects.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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

// The condition keeping one owner's or one source's leads, over `l`: `only`
// is "owner:NAME", "source:NAME" or empty (every lead), the name as the
// groups name it ("(unassigned)", "(none)"); bound as ?9 by bind_only.
std::string only_sql(const std::string& only) {
    if (only.empty()) return "";
    const size_t colon = only.find(':');
    const std::string field = only.substr(0, colon == std::string::npos ? only.size() : colon);
    if (colon == std::string::npos || (field != "owner" && field != "source") || colon + 1 == only.size())
        throw Error("report: only: expected owner:NAME or source:NAME, got \"" + clip_utf8(only, 40) + "\"");
    return " AND " + group_sql(field) + " = ?9";
}

void bind_only(Stmt& q, const std::string& only) {
    if (!only.empty()) q.bind(9, only.substr(only.find(':') + 1));
}

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
    const size_t n = v.size();
    std::nth_element(v.begin(), v.begin() + (ptrdiff_t)(n / 2), v.end());
    const double hi = v[n / 2];
    const double m = n % 2 ? hi : (*std::max_element(v.begin(), v.begin() + (ptrdiff_t)(n / 2)) + hi) / 2;
    return (double)(int64_t)(m * 10 + (m >= 0 ? 0.5 : -0.5)) / 10;
}

// a / b as a ratio rounded to 4 decimals; null when b is 0.
json ratio(int64_t a, int64_t b) {
    if (b == 0) return nullptr;
    return (double)((a * 10000 + b / 2) / b) / 10000;
}

constexpr int64_t kNone = INT64_MIN;

// One lead's way through the conveyor, as lead_paths keeps it.
struct Path {
    std::string id;                   // only when asked for
    int grp = 0;                      // index into Paths::groups
    int reached = 0;                  // the furthest forward stage
    int lost_from = -2;               // the stage it was lost in (-1: unknown), -2: not lost
    int64_t days[kStageCount];        // seconds from entering a stage to moving on; kNone: none
    bool won = false, lost = false;   // now
};

// Every lead of the period with its way through the stages, oldest first:
// one row of lead_paths each (the triggers of schema 11 keep it from the
// stage moves), read from its summary column (see the schema) and handed to
// `each` with its group's index in order of appearance. Returns the groups'
// names by that index.
template <class Each>
std::vector<std::string> each_path(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by,
                                   const std::string& only, bool ids, Each&& each) {
    Stmt q(db, ("SELECT " + group_sql(group_by) + ", l.summary" + (ids ? ", l.id" : "") + " FROM lead_paths l WHERE " + kInPeriod +
                only_sql(only) + " ORDER BY l.created_at, l.id").c_str());
    q.bind(1, from).bind(2, to);
    bind_only(q, only);
    sqlite3_stmt* st = q.raw();
    std::vector<std::string> groups;
    std::map<std::string, int> group_at;
    std::string last_group;
    int last_index = 0;
    Path p;
    while (q.step()) {
        const char* g = (const char*)sqlite3_column_text(st, 0);
        if (!g) g = "";
        if (groups.empty() || last_group != g) {
            last_group = g;
            auto [it, fresh] = group_at.emplace(last_group, (int)groups.size());
            if (fresh) groups.push_back(last_group);
            last_index = it->second;
        }
        p.grp = last_index;
        const char* c = (const char*)sqlite3_column_text(st, 1);
        if (!c) continue;
        char* end = nullptr;
        p.reached = std::max(0, (int)std::strtol(c, &end, 10));
        p.lost_from = (int)std::strtol(end, &end, 10);
        p.won = std::strtol(end, &end, 10) != 0;
        p.lost = std::strtol(end, &end, 10) != 0;
        for (int i = 0; i < kStageCount; ++i) {
            while (*end == ' ') ++end;
            if (*end == '.') {
                p.days[i] = kNone;
                ++end;
            } else {
                p.days[i] = std::strtoll(end, &end, 10);
            }
        }
        if (ids) p.id = (const char*)sqlite3_column_text(st, 2);
        each(p);
    }
    return groups;
}

// A month k months after "2026-11" (k may be negative).
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
        {"funnel", {"grp", "stage", "entered", "advanced", "lost", "conversion_next", "conversion_won", "median_days"}, {"from", "to", "group_by", "only"}, 2},
        {"lost_reasons", {"grp", "stage", "reason", "leads", "amount_minor", "currency"}, {"from", "to", "group_by", "only"}, 2},
        {"win_rate", {"grp", "leads", "won", "lost", "win_rate", "avg_won_minor", "currency", "median_days_to_won"}, {"from", "to", "group_by", "only"}, 2},
        {"forecast", {"month", "currency", "leads", "expected_minor", "weighted_minor"}, {"from_month", "months"}, 2},
        {"revenue", {"month", "currency", "invoiced_minor", "paid_minor", "outstanding_minor"}, {"from", "to"}, 2},
        {"receivables", {"bucket", "currency", "invoices", "amount_minor"}, {"at"}, 1},
        {"proposals", {"grp", "made", "opened", "accepted", "open_rate", "accept_rate", "median_hours_to_open", "median_hours_to_accept"},
         {"from", "to", "group_by", "only"}, 2},
        {"time", {"grp", "step", "leads", "minutes", "minutes_per_request", "baseline_minutes"}, {"from", "to", "group_by", "only"}, 2},
        {"projects_late", {"project_id", "lead_id", "client", "stage", "reason", "since", "days"}, {"today"}, 1},
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
    if (name == "funnel") return funnel(db, arg(0), arg(1), arg(2), arg(3));
    if (name == "lost_reasons") return lost_reasons(db, arg(0), arg(1), arg(2), arg(3));
    if (name == "win_rate") return win_rate(db, arg(0), arg(1), arg(2), arg(3));
    if (name == "revenue") return revenue(db, arg(0), arg(1));
    if (name == "receivables") return receivables(db, arg(0));
    if (name == "proposals") return proposals(db, arg(0), arg(1), arg(2), arg(3));
    if (name == "time") return time(db, arg(0), arg(1), arg(2), arg(3));
    if (name == "projects_late") return projects::late(db, arg(0));
    if (name == "forecast") {
        const std::string m = arg(1);
        char* end = nullptr;
        long n = m.empty() ? -1 : std::strtol(m.c_str(), &end, 10);
        if (m.empty() || *end || n < 1 || n > 60) throw Error("report: months: expected 1 to 60, got \"" + clip_utf8(m, 20) + "\"");
        return forecast(db, arg(0), (int)n);
    }
    throw Error("report: expected funnel, lost_reasons, win_rate, forecast, revenue, receivables, proposals, time or projects_late, got \"" +
                clip_utf8(name, 40) + "\"");
}

Table funnel(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by, const std::string& only) {
    period_args(from, to);
    group_sql(group_by);
    struct Acc {
        int64_t entered = 0, advanced = 0, lost = 0, won = 0;
        std::vector<double> days;
    };
    std::vector<std::array<Acc, kStageCount>> by;
    const std::vector<std::string> groups = each_path(db, from, to, group_by, only, false, [&](const Path& p) {
        if ((size_t)p.grp >= by.size()) by.resize((size_t)p.grp + 1);
        auto& g = by[(size_t)p.grp];
        for (int s = 0; s <= p.reached && s < kStageCount; ++s) {
            Acc& a = g[(size_t)s];
            ++a.entered;
            if (p.reached > s) ++a.advanced;
            if (p.lost_from == s && p.reached == s) ++a.lost;
            if (p.won) ++a.won;
            if (p.days[s] != kNone) a.days.push_back((double)p.days[s] / 86400);
        }
    });
    // Groups in the alphabet's order.
    std::vector<size_t> order(groups.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return groups[a] < groups[b]; });
    Table t{{"grp", "stage", "entered", "advanced", "lost", "conversion_next", "conversion_won", "median_days"}, {}};
    for (size_t g : order)
        for (int s = 0; s < kStageCount; ++s) {
            const Acc& a = by[g][(size_t)s];
            t.rows.push_back({groups[g], kStages[s], a.entered, a.advanced, a.lost,
                              s == kStageCount - 1 ? json(nullptr) : ratio(a.advanced, a.entered), ratio(a.won, a.entered), median(a.days)});
        }
    return t;
}

Table lost_reasons(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by, const std::string& only) {
    period_args(from, to);
    // Counted here: SQLite would sort every lost lead to group them.
    Stmt q(db, ("SELECT " + group_sql(group_by) + ", coalesce(l.lost_stage, ''), coalesce(l.lost_reason, 'other'), l.currency, l.value_minor"
                " FROM lead_paths l WHERE l.stage = 'lost' AND " + std::string(kInPeriod) + only_sql(only)).c_str());
    q.bind(1, from).bind(2, to);
    bind_only(q, only);
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::pair<int64_t, int64_t>> by;
    while (q.step()) {
        auto& a = by[{q.text(0), q.text(1), q.text(2), q.text(3)}];
        ++a.first;
        a.second += q.int64(4);
    }
    struct Row {
        std::string g, st, r, cur;
        int64_t n, sum;
    };
    std::vector<Row> rows;
    for (const auto& [k, a] : by) rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), a.first, a.second});
    // Stages in the conveyor's order, the most frequent reason first.
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return std::make_tuple(std::cref(a.g), stage_index(a.st), std::cref(a.st), -a.n, std::cref(a.r), std::cref(a.cur)) <
               std::make_tuple(std::cref(b.g), stage_index(b.st), std::cref(b.st), -b.n, std::cref(b.r), std::cref(b.cur));
    });
    Table t{{"grp", "stage", "reason", "leads", "amount_minor", "currency"}, {}};
    for (const Row& r : rows) t.rows.push_back({r.g, r.st, r.r, r.n, r.sum, r.cur});
    return t;
}

Table win_rate(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by, const std::string& only) {
    period_args(from, to);
    if (group_by.empty()) throw Error("report: group_by: required for the win rate: source, owner or month");
    // Amounts and days only for the won: the rest are counted.
    const std::string sql = "SELECT " + group_sql(group_by) + ", l.currency, l.stage, l.value_minor, CASE WHEN l.stage = 'won' THEN l.e7 - CAST(strftime('%s', l.created_at) AS INTEGER) END FROM lead_paths l WHERE " + kInPeriod + only_sql(only);
    Stmt q(db, sql.c_str());
    q.bind(1, from).bind(2, to);
    bind_only(q, only);
    struct Acc {
        int64_t leads = 0, won = 0, lost = 0, won_sum = 0;
        std::vector<double> days;
    };
    // A few groups and currencies: found by a look along a short list.
    std::vector<std::pair<std::pair<std::string, std::string>, Acc>> found;
    sqlite3_stmt* st = q.raw();
    auto text = [&](int i) { const unsigned char* v = sqlite3_column_text(st, i); return v ? (const char*)v : ""; };
    while (q.step()) {
        const char *g = text(0), *cur = text(1);
        Acc* acc = nullptr;
        for (auto& f : found)
            if (f.first.first == g && f.first.second == cur) {
                acc = &f.second;
                break;
            }
        if (!acc) {
            found.push_back({{g, cur}, Acc{}});
            acc = &found.back().second;
        }
        Acc& a = *acc;
        ++a.leads;
        const char* stage = text(2);
        if (std::strcmp(stage, "won") == 0) {
            ++a.won;
            a.won_sum += sqlite3_column_int64(st, 3);
            if (sqlite3_column_type(st, 4) != SQLITE_NULL) a.days.push_back((double)sqlite3_column_int64(st, 4) / 86400);
        } else if (std::strcmp(stage, "lost") == 0) {
            ++a.lost;
        }
    }
    std::map<std::pair<std::string, std::string>, Acc> by(std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
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

Table proposals(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by, const std::string& only) {
    period_args(from, to);
    const std::string sql = "SELECT " + group_sql(group_by) + ", p.created_at, p.accepted_at,"
                            " (SELECT min(first_opened_at) FROM doc_links d WHERE d.kind = 'proposal' AND d.doc_id = p.id)"
                            " FROM proposals p JOIN leads l ON l.id = p.lead_id WHERE p.created_at >= ?1 AND p.created_at < date(?2, '+1 day')" + only_sql(only);
    Stmt q(db, sql.c_str());
    q.bind(1, from).bind(2, to);
    bind_only(q, only);
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
    std::map<std::string, int64_t, std::less<>> weight;
    {
        Stmt w(db, "SELECT stage, percent FROM stage_weights");
        while (w.step()) weight[w.text(0)] = w.int64(1);
    }
    // (month, currency) → leads, expected, weighted. A lead counts once per
    // month: signed projects by name (few), open leads (many) by the buckets
    // their own schedule touched, each lead being read once.
    struct Bucket {
        std::set<std::string> signed_leads;
        int64_t leads = 0, expected = 0, weighted = 0;
    };
    std::map<std::pair<std::string, std::string>, Bucket> by;
    Bucket* last = nullptr;
    std::pair<std::string, std::string> last_key;
    std::vector<Bucket*> touched;  // by the open lead being read
    auto add = [&](std::string month, const std::string& cur, const std::string& lead, int64_t amount, int64_t pct, bool open) {
        if (month < from_month) month = from_month;  // late money is expected now
        if (month > last_month || amount <= 0) return;
        if (!last || last_key.first != month || last_key.second != cur) {
            last_key = {month, cur};
            last = &by[last_key];
        }
        if (!open) {
            if (last->signed_leads.insert(lead).second) ++last->leads;
        } else if (std::find(touched.begin(), touched.end(), last) == touched.end()) {
            touched.push_back(last);
            if (last->signed_leads.empty() || !last->signed_leads.count(lead)) ++last->leads;
        }
        last->expected += amount;
        last->weighted += div_round_half_away(mul_minor(amount, pct), 100);
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
                add(q.is_null(3) ? from_month : q.text(3).substr(0, 7), q.text(1), q.text(0), q.int64(2), pct, false);
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
            add(iso_date(day_number(signed_on, "signed") + days * 7 / 5).substr(0, 7), q.text(1), q.text(0), q.int64(2), pct, false);
        }
    }
    // Open leads before signing: the newest estimate's schedule from the first month on, weighted by their stage.
    // Read as three scans joined here (a lookup per open lead costs more than all of them).
    std::unordered_set<std::string> signed_leads;
    {
        Stmt q(db, "SELECT DISTINCT lead_id FROM contracts WHERE status = 'accepted'");
        while (q.step()) signed_leads.insert(q.text(0));
    }
    struct Newest {
        std::string currency, body;
        int64_t total;
    };
    std::unordered_map<std::string, Newest> newest;
    {
        Stmt q(db, "SELECT e.lead_id, e.currency, e.total_minor, e.body_json FROM estimates e JOIN lead_paths l ON l.id = e.lead_id"
                   " WHERE l.stage NOT IN ('won', 'lost', 'invoiced') ORDER BY e.lead_id, e.version DESC, e.created_at DESC");
        while (q.step())
            if (!newest.count(q.text(0))) newest[q.text(0)] = {q.text(1), q.text(3), q.int64(2)};
    }
    {
        Stmt q(db, "SELECT l.id, l.stage, l.currency, l.amount_minor FROM lead_paths l WHERE l.stage NOT IN ('won', 'lost', 'invoiced')");
        sqlite3_stmt* st = q.raw();
        std::string id;
        while (q.step()) {
            id.assign((const char*)sqlite3_column_text(st, 0));
            if (signed_leads.count(id)) continue;
            touched.clear();
            auto w = weight.find((const char*)sqlite3_column_text(st, 1));
            const int64_t pct = w == weight.end() ? 0 : w->second;
            auto n = newest.find(id);
            if (n == newest.end()) {
                add(from_month, (const char*)sqlite3_column_text(st, 2), id, sqlite3_column_int64(st, 3), pct, true);
                continue;
            }
            const json est = parse_json_or_discard(n->second.body);
            if (!est.is_object() || !est.contains("payment_schedule") || !est["payment_schedule"].is_array()) {
                add(from_month, n->second.currency, id, n->second.total, pct, true);
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
                add(iso_date(day_number(first, "from_month") + days * 7 / 5).substr(0, 7), n->second.currency, id, p.value("amount", (int64_t)0), pct, true);
            }
        }
    }
    Table t{{"month", "currency", "leads", "expected_minor", "weighted_minor"}, {}};
    for (const auto& [k, a] : by) t.rows.push_back({k.first, k.second, a.leads, a.expected, a.weighted});
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

Table time(sqlite3* db, const std::string& from, const std::string& to, const std::string& group_by, const std::string& only) {
    period_args(from, to);
    static const char* const kSteps[] = {"intake", "brief", "estimate", "proposal", "contract", "invoice", "payment"};
    // Summed here, not by GROUP BY: SQLite would sort every lead first.
    std::map<std::string, int64_t> leads;
    std::map<std::pair<std::string, std::string>, int64_t> secs_by;
    // The seconds per step are at the end of the lead's summary (see the schema).
    Stmt q(db, ("SELECT " + group_sql(group_by) + ", l.summary FROM lead_paths l WHERE " + kInPeriod + only_sql(only)).c_str());
    q.bind(1, from).bind(2, to);
    bind_only(q, only);
    sqlite3_stmt* st = q.raw();
    std::string last;
    std::array<int64_t, 8>* acc = nullptr;
    std::map<std::string, std::array<int64_t, 8>> by;
    while (q.step()) {
        const char* g = (const char*)sqlite3_column_text(st, 0);
        if (!g) g = "";
        if (!acc || last != g) {
            last = g;
            acc = &by.emplace(last, std::array<int64_t, 8>{}).first->second;
        }
        ++(*acc)[0];
        const char* c = (const char*)sqlite3_column_text(st, 1);
        c = c ? std::strchr(c, '|') : nullptr;
        if (!c) continue;
        char* end = const_cast<char*>(c + 1);
        for (int i = 0; i < 7; ++i) (*acc)[(size_t)i + 1] += std::strtoll(end, &end, 10);
    }
    for (const auto& [g, a] : by) {
        leads[g] = a[0];
        for (int i = 0; i < 7; ++i) secs_by[{g, kSteps[i]}] = a[(size_t)i + 1];
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
        const int s = stage_index(key);
        std::vector<std::pair<int, std::string>> hits;
        const std::vector<std::string> groups = each_path(db, arg(0), arg(1), arg(2), arg(3), true, [&](const Path& p) {
            const bool in = report == "funnel" ? (s >= 0 && p.reached >= s) || (key == "lost" && p.lost_from != -2)
                                               : key == "won" ? p.won : key == "lost" ? p.lost : true;
            if (in) hits.emplace_back(p.grp, p.id);
        });
        for (const auto& [g, id] : hits)
            if (grp.empty() || groups[(size_t)g] == grp) out.push_back(id);
        std::reverse(out.begin(), out.end());
        return out;
    }
    if (report == "lost_reasons") {
        period_args(arg(0), arg(1));
        const size_t slash = key.find('/');
        const std::string stage = key.substr(0, slash), reason = slash == std::string::npos ? "" : key.substr(slash + 1);
        Stmt q(db, ("SELECT l.id FROM lead_paths l WHERE l.stage = 'lost' AND " + std::string(kInPeriod) + " AND " + group_sql(arg(2)) +
                    " = ?3 AND (?4 = '' OR coalesce(l.lost_stage, '') = ?4) AND (?5 = '' OR coalesce(l.lost_reason, 'other') = ?5)" + only_sql(arg(3)) +
                    " ORDER BY l.created_at DESC").c_str());
        q.bind(1, arg(0)).bind(2, arg(1)).bind(3, grp.empty() ? "all" : grp).bind(4, stage).bind(5, reason);
        bind_only(q, arg(3));
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

// ---- the report paths held for a merge ------------------------------------

namespace {

const char* const kPathSteps[] = {"intake", "brief", "estimate", "proposal", "contract", "invoice", "payment"};

std::string stage_rank(const std::string& expr) {
    std::string out = "CASE " + expr;
    for (int k = 0; k < 8; ++k) out += " WHEN '" + std::string(kStages[k]) + "' THEN " + std::to_string(k);
    return out + " ELSE -1 END";
}

// The paths of the leads in lead_paths_held, from scratch, as the triggers'
// replay of each lead's moves gives them: eN the first time the lead
// reached stage N (e0 from its creation), xN the first move forward out of
// N, else -1 if it was lost from N; its loss the last move to 'lost' by
// (at, rowid); its worth and the manager's time as the rebuild reads them.
// The moves' aggregates give one row per held lead (a lead with no move
// too, its aggregates null) and drive the statement: nothing is indexed
// for the statement to join them.
std::string rebuild_held_sql() {
    const std::string t = "CAST(strftime('%s', at) AS INTEGER)";
    const std::string ids = "SELECT id FROM lead_paths_held";
    std::string moves = "max(" + stage_rank("to_stage") + ") AS reached";
    for (int k = 0; k < 8; ++k)
        moves += ", min(CASE WHEN to_stage = '" + std::string(kStages[k]) + "' THEN " + t + " END) AS e" + std::to_string(k);
    for (int k = 0; k < 7; ++k) {
        std::string ahead;
        for (int n = k + 1; n < 8; ++n) ahead += (ahead.empty() ? "'" : ", '") + std::string(kStages[n]) + "'";
        const std::string from = "from_stage = '" + std::string(kStages[k]) + "'";
        moves += ", min(CASE WHEN " + from + " AND to_stage IN (" + ahead + ") THEN " + t + " END) AS f" + std::to_string(k);
        moves += ", max(" + from + " AND to_stage = 'lost') AS l" + std::to_string(k);
    }
    std::string spent;
    for (const char* s : kPathSteps) spent += std::string(spent.empty() ? "" : ", ") + "sum(CASE WHEN step = '" + s + "' THEN seconds END) AS " + s;
    const std::string reason = " FROM events e WHERE e.lead_id = l.id AND +e.kind = 'lost' ORDER BY e.at DESC, e.rowid DESC LIMIT 1)";
    const std::string created = "CAST(strftime('%s', l.created_at) AS INTEGER)";
    std::string cols =
        "l.id, l.created_at, l.source, l.owner_name, l.currency, l.amount_minor, l.stage, "
        "coalesce((SELECT sum(total_minor) FROM invoices i WHERE i.lead_id = l.id AND i.status != 'void'), "
        "(SELECT total_minor FROM estimates e WHERE e.lead_id = l.id ORDER BY e.version DESC, e.created_at DESC LIMIT 1), l.amount_minor)";
    std::string target = "id, created_at, source, owner_name, currency, amount_minor, stage, value_minor";
    for (const char* s : kPathSteps) {
        cols += ", coalesce(spent." + std::string(s) + ", 0)";
        target += ", t_" + std::string(s);
    }
    cols += ", max(max(0, " + stage_rank("l.stage") + "), coalesce(m.reached, -1)), lost.stage, lost.at, "
            "(SELECT json_extract(payload_json, '$.code')" + reason + ", (SELECT at" + reason +
            ", min(" + created + ", coalesce(m.e0, " + created + "))";
    target += ", reached, lost_stage, lost_at, lost_reason, lost_reason_at, e0";
    for (int k = 1; k < 8; ++k) {
        cols += ", m.e" + std::to_string(k);
        target += ", e" + std::to_string(k);
    }
    for (int k = 0; k < 7; ++k) {
        const std::string K = std::to_string(k);
        cols += ", CASE WHEN m.f" + K + " IS NOT NULL THEN m.f" + K + " WHEN m.l" + K + " THEN -1 END";
        target += ", x" + K;
    }
    cols += ", NULL";
    target += ", x7";
    return "INSERT INTO lead_paths(" + target + ") WITH m AS (SELECT d.id AS lead_id, " + moves +
           " FROM lead_paths_held d LEFT JOIN stage_events ON lead_id = d.id GROUP BY d.id),"
           " lost AS (SELECT lead_id, coalesce(from_stage, '') AS stage, at FROM (SELECT lead_id, from_stage, at,"
           " row_number() OVER (PARTITION BY lead_id ORDER BY at DESC, rowid DESC) AS n FROM stage_events WHERE to_stage = 'lost'"
           " AND lead_id IN (" + ids + ")) WHERE n = 1), spent AS (SELECT lead_id, " + spent + " FROM time_ledger WHERE lead_id IN (" +
           ids + ") GROUP BY lead_id) SELECT " + cols +
           " FROM m JOIN leads l ON l.id = m.lead_id LEFT JOIN lost ON lost.lead_id = l.id LEFT JOIN spent ON spent.lead_id = l.id";
}

}  // namespace

void hold_paths(sqlite3* db) { exec(db, "INSERT INTO lead_paths_held(id) VALUES ('') ON CONFLICT DO NOTHING"); }

void release_paths(sqlite3* db) {
    exec(db, "DELETE FROM lead_paths_held WHERE id = ''");
    {
        Stmt any(db, "SELECT 1 FROM lead_paths_held LIMIT 1");
        if (!any.step()) return;
    }
    static const std::string rebuild = rebuild_held_sql();
    exec(db, "DELETE FROM lead_paths WHERE id IN (SELECT id FROM lead_paths_held)");
    Stmt(db, rebuild.c_str()).step();
    exec(db, "DELETE FROM lead_paths_held");
}

}  // namespace atelier::analytics
