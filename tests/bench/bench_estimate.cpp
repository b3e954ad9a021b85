// Benchmark: estimates per second, natively and through SQL, against the same
// pricing written as plain SQL (json_each joins) on the same SQLite library.
//
//   build/native/bench_estimate [N=100000] [runs=5]
//
// Prints the median of `runs` timings for each way, checks that the three
// agree on every brief's subtotal, and prints the figures for BENCHMARKS.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "functions.h"
#include "pricing.h"
#include "store.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

static std::vector<std::string> make_briefs(int n) {
    std::mt19937_64 rng(42);
    auto pick = [&](int k) { return (int)(rng() % (uint64_t)k); };
    const char* sections[] = {"about", "services", "portfolio", "news", "blog", "team", "faq", "careers", "contacts"};
    const char* integrations[] = {"crm", "payment", "delivery", "erp", "analytics", "mailing"};
    const char* levels[] = {"template", "custom", "premium"};
    const char* urgency[] = {"normal", "fast", "rush"};
    std::vector<std::string> out;
    out.reserve((size_t)n);
    for (int i = 0; i < n; ++i) {
        json a = {{"pages", 1 + pick(40)}, {"content_pages", pick(200)}, {"languages", 1 + pick(3)},
                  {"design_level", levels[pick(3)]}, {"urgency", urgency[pick(3)]}, {"seo", pick(2) == 1}};
        if (pick(3) == 0) { a["needs_catalogue"] = true; a["catalogue_items"] = pick(3000); }
        json s = json::array(), in = json::array();
        for (const char* x : sections) if (pick(2)) s.push_back(x);
        for (const char* x : integrations) if (pick(3) == 0) in.push_back(x);
        a["sections"] = s;
        a["integrations"] = in;
        out.push_back(a.dump());
    }
    return out;
}


int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    std::string sql_path = argc > 3 ? argv[3] : "tests/bench/plain_pricing.sql";
    std::ifstream sf(sql_path);
    if (!sf) { std::fprintf(stderr, "cannot read %s\n", sql_path.c_str()); return 1; }
    std::stringstream ss;
    ss << sf.rdbuf();
    const std::string plain_sql = ss.str();

    const std::string& pl_text = atelier::default_price_list_rub();
    auto pl = atelier::compile_price_list_text(pl_text);
    auto briefs = make_briefs(n);

    // 1. Native: parse the brief text and compute the estimate JSON.
    std::vector<int64_t> native_subtotals((size_t)n);
    size_t bytes = 0;
    double t_native = median_seconds(runs, [&] {
        bytes = 0;
        for (int i = 0; i < n; ++i) {
            std::string e = atelier::estimate_json(*pl, json::parse(briefs[(size_t)i]));
            bytes += e.size();
        }
    });
    for (int i = 0; i < n; ++i)
        native_subtotals[(size_t)i] = json::parse(atelier::estimate_json(*pl, json::parse(briefs[(size_t)i])))["subtotal"];

    // A table of briefs in an in-memory database.
    sqlite3_auto_extension((void (*)())atelier_auto_init);
    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    atelier::exec(db, "CREATE TABLE briefs(id INTEGER PRIMARY KEY, answers TEXT NOT NULL); CREATE TABLE pl(body TEXT)");
    {
        atelier::Savepoint sp(db, "load");
        atelier::Stmt ins(db, "INSERT INTO briefs(id, answers) VALUES (?1, ?2)");
        for (int i = 0; i < n; ++i) {
            ins.bind(1, (int64_t)i + 1).bind(2, briefs[(size_t)i]);
            ins.step();
            ins.reset();
        }
        atelier::Stmt p(db, "INSERT INTO pl(body) VALUES (?1)");
        p.bind(1, pl_text).step();
        sp.commit();
    }

    // 2. Through SQL, price list as a bound parameter (auxdata keeps it compiled).
    double t_sql = median_seconds(runs, [&] {
        atelier::Stmt q(db, "SELECT count(atelier_estimate(answers, ?1)) FROM briefs");
        q.bind(1, pl_text);
        q.step();
    });
    // 2b. Through SQL, price list from a table (the per-connection cache keeps it compiled).
    double t_sql_sub = median_seconds(runs, [&] {
        atelier::Stmt q(db, "SELECT count(atelier_estimate(answers, (SELECT body FROM pl))) FROM briefs");
        q.step();
    });
    std::vector<int64_t> sql_subtotals;
    {
        atelier::Stmt q(db, "SELECT json_extract(atelier_estimate(answers, ?1), '$.subtotal') FROM briefs ORDER BY id");
        q.bind(1, pl_text);
        while (q.step()) sql_subtotals.push_back(q.int64(0));
    }

    // 3. Plain SQL with json_each joins, no extension functions involved.
    std::vector<int64_t> plain_subtotals;
    double t_plain = median_seconds(std::max(1, runs / 2), [&] {
        plain_subtotals.assign((size_t)n, 0);
        atelier::Stmt q(db, plain_sql.c_str());
        q.bind(1, pl_text);
        while (q.step()) plain_subtotals[(size_t)q.int64(0) - 1] = q.int64(1);
    });

    int mismatches = 0;
    for (int i = 0; i < n; ++i)
        if (native_subtotals[(size_t)i] != sql_subtotals[(size_t)i] || native_subtotals[(size_t)i] != plain_subtotals[(size_t)i])
            ++mismatches;
    sqlite3_close(db);

    std::printf("briefs: %d, runs: %d (median), estimate JSON: %zu bytes on average\n", n, runs, bytes / (size_t)n);
    std::printf("native       %8.3f s  %10.0f estimates/s\n", t_native, n / t_native);
    std::printf("sql (param)  %8.3f s  %10.0f estimates/s\n", t_sql, n / t_sql);
    std::printf("sql (table)  %8.3f s  %10.0f estimates/s\n", t_sql_sub, n / t_sql_sub);
    std::printf("plain sql    %8.3f s  %10.0f estimates/s  (%.1fx slower than atelier_estimate)\n", t_plain, n / t_plain,
                t_plain / t_sql);
    std::printf("subtotals that differ between the three: %d\n", mismatches);
    return mismatches ? 1 : 0;
}
