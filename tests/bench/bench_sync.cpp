// Benchmark: sync. Changes merged per second by the authority (batches of
// 1,000 and of 100,000 changes), export time for a replica with 100,000
// leads, bytes per change in a bundle, and what recording the change log
// costs a write (the same writes with and without it, as interleaved pairs).
//
//   build/native/bench_sync [runs=5] [part: all | merge | writes | writes1]
//
// Files are in /dev/shm (or $ATELIER_BENCH_DIR), WAL with synchronous=NORMAL
// and a 16 MB page cache as the server runs them, on the server's own build
// of SQLite (server_sqlite in CMakeLists.txt). Prints medians of `runs`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <unistd.h>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "functions.h"
#include "leads.h"
#include "store.h"
#include "sync.h"
#include "workflow.h"

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace atelier;

namespace {

fs::path g_dir;


sqlite3* open_db(const std::string& name, bool attach_sync) {
    fs::path p = g_dir / name;
    fs::remove(p);
    fs::remove(p.string() + "-wal");
    fs::remove(p.string() + "-shm");
    sqlite3* db = nullptr;
    sqlite3_open(p.c_str(), &db);
    exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000;"
             " PRAGMA temp_store = MEMORY;");
    // ATELIER_BENCH_CHECKPOINT=N: SQLite's automatic checkpoint at N pages
    // of WAL instead of its default 1,000 (the server keeps the default).
    if (const char* pages = std::getenv("ATELIER_BENCH_CHECKPOINT"))
        exec(db, ("PRAGMA wal_autocheckpoint = " + std::to_string(std::atoi(pages))).c_str());
    cache_statements(db);
    migrate(db);
    ensure_studio(db, "2026-11-20T09:00:00Z");
    install_defaults(db, "2026-11-20T09:00:00Z");
    if (attach_sync) sync::attach(db);
    return db;
}

// The id of a new lead: the core's own (new_uuid(), as a studio's leads
// have), or with ATELIER_BENCH_NAMED_IDS=1 the given name ("lead-17"), as
// this benchmark made them before 2026-12-07.
std::string named_id(std::string name) { return std::getenv("ATELIER_BENCH_NAMED_IDS") ? name : std::string(); }

// A replica's day: n leads made (client, lead, first stage event) and each
// edited once; returns how many changes that made.
void make_leads(sqlite3* db, int n, const char* prefix) {
    exec(db, "BEGIN");
    for (int i = 0; i < n; ++i) {
        NewLead l;
        l.client_name = "Client " + std::to_string(i);
        l.email = "c" + std::to_string(i) + "@example.com";
        l.lang = "fr";
        l.currency = "EUR";
        create_lead(db, l, "bench", "2026-11-26T10:00:00Z", named_id(std::string(prefix) + std::to_string(i)));
    }
    exec(db, "UPDATE leads SET title = 'Site ' || rowid, amount_minor = 1000 * rowid");
    exec(db, "COMMIT");
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// ATELIER_BENCH_EACH=1: each merge's time, not only the median (to see a
// slow run apart from the others).
// ATELIER_BENCH_PROFILE=1: the merge's time per SQL statement (with its
// triggers), from SQLite's own profile callback, printed after each merge.
struct StatementProfile {
    std::map<std::string, std::pair<double, int64_t>> by_sql;  // seconds, runs
    static int on_profile(unsigned, void* self, void* stmt, void* ns) {
        auto* p = static_cast<StatementProfile*>(self);
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        auto& e = p->by_sql[sql ? std::string(sql).substr(0, 150) : "?"];
        e.first += (double)*static_cast<int64_t*>(ns) / 1e9;
        e.second += 1;
        return 0;
    }
    void attach(sqlite3* db) { sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, on_profile, this); }
    void print(double total) const {
        std::vector<std::pair<double, std::string>> rows;
        double in_sql = 0;
        for (const auto& [sql, e] : by_sql) {
            rows.push_back({e.first, sql + "  (" + std::to_string(e.second) + " runs)"});
            in_sql += e.first;
        }
        std::sort(rows.rbegin(), rows.rend());
        std::printf("  in SQL statements: %.3f s of %.3f s\n", in_sql, total);
        for (size_t i = 0; i < rows.size() && i < 12; ++i) std::printf("  %7.3f s  %s\n", rows[i].first, rows[i].second.c_str());
    }
};

int64_t count(sqlite3* db, const char* sql) {
    Stmt q(db, sql);
    q.step();
    return q.int64(0);
}

// The writes whose cost the change log adds to: a new lead through the core
// (3 rows), then two updates of it; `per_tx` writes per transaction.
double writes(bool with_log, int n, int per_tx) {
    sqlite3* db = open_db(with_log ? "w-log.db" : "w-plain.db", with_log);
    auto t0 = Clock::now();
    for (int i = 0; i < n; i += per_tx) {
        exec(db, "BEGIN");
        for (int k = i; k < std::min(n, i + per_tx); ++k) {
            NewLead l;
            l.client_name = "Client " + std::to_string(k);
            l.lang = "ru";
            std::string id = create_lead(db, l, "bench", "2026-11-26T10:00:00Z", named_id("w" + std::to_string(k)));
            Stmt u(db, "UPDATE leads SET title = ?2, amount_minor = ?3 WHERE id = ?1");
            u.bind(1, id).bind(2, "Сайт " + std::to_string(k)).bind(3, (int64_t)k * 100).step();
            Stmt v(db, "UPDATE leads SET notes = 'перезвонить' WHERE id = ?1");
            v.bind(1, id).step();
        }
        exec(db, "COMMIT");
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    release_statements(db);
    sqlite3_close(db);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    if (runs < 1) runs = 1;
    const std::string part = argc > 2 ? argv[2] : "all";
    sqlite3_auto_extension((void (*)())atelier_auto_init);
    // Memory-backed files when there are (/dev/shm): the figures then measure
    // SQLite and Atelier, not the disk's mood; ATELIER_BENCH_DIR overrides.
    fs::path base = std::getenv("ATELIER_BENCH_DIR") ? fs::path(std::getenv("ATELIER_BENCH_DIR"))
                    : fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    g_dir = base / ("atelier-bench-sync-" + std::to_string(::getpid()));
    fs::create_directories(g_dir);

    if (part == "writes" || part == "writes1") goto writes_part;
    {
    // A replica with 100,000 leads.
    sqlite3* replica = open_db("replica.db", true);
    sync::make_replica(replica);
    auto t0 = Clock::now();
    make_leads(replica, 100000, "lead-");
    double made = std::chrono::duration<double>(Clock::now() - t0).count();
    int64_t total = count(replica, "SELECT count(*) FROM change_log WHERE device = atelier_device()");
    std::printf("replica: 100,000 leads, %lld changes, made in %.2f s\n", (long long)total, made);

    std::string all;
    double export_s = median_seconds(runs, [&] {
        sync::ExportOptions o;
        o.own_only = true;
        all = sync::export_changes(replica, o);
    });
    std::printf("export of %lld changes (100,000 leads): %.3f s, %.1f MB, %.0f bytes per change\n", (long long)total,
                export_s, all.size() / 1e6, (double)all.size() / (double)total);

    // Batches as a replica pushes them.
    auto batches = [&](int64_t size, int64_t limit_changes) {
        std::vector<std::string> out;
        int64_t since = 0, taken = 0;
        while (taken < limit_changes) {
            sync::ExportOptions o;
            o.since = since;
            o.limit = size;
            o.own_only = true;
            std::string b = sync::export_changes(replica, o);
            auto j = nlohmann::json::parse(b);
            if (j["changes"].empty()) break;
            taken += (int64_t)j["changes"].size();
            since = j["until"].get<int64_t>();
            out.push_back(std::move(b));
        }
        return out;
    };
    for (int64_t size : {1000, 100000}) {
        std::vector<std::string> bs = batches(size, size == 1000 ? 100000 : 100000);
        int64_t n = 0, cells = 0;
        for (const auto& b : bs) {
            auto j = nlohmann::json::parse(b);
            n += (int64_t)j["changes"].size();
            for (const auto& ch : j["changes"]) cells += ch.contains("cells") ? (int64_t)ch["cells"].size() : 1;
        }
        std::vector<double> t;
        for (int r = 0; r < runs; ++r) {
            sqlite3* server = open_db("server.db", true);
            StatementProfile profile;
            const bool profiling = std::getenv("ATELIER_BENCH_PROFILE") && r == 0;
            if (profiling) profile.attach(server);
            auto s0 = Clock::now();
            for (const auto& b : bs) sync::apply(server, b);
            t.push_back(std::chrono::duration<double>(Clock::now() - s0).count());
            if (std::getenv("ATELIER_BENCH_EACH")) std::printf("  merge %d of %d: %.3f s\n", r + 1, runs, t.back());
            if (profiling) {
                sqlite3_trace_v2(server, 0, nullptr, nullptr);
                profile.print(t.back());
            }
            if (r == 0 && count(server, "SELECT count(*) FROM leads") != 100000 - 0 && n >= total)
                std::printf("  (check: %lld leads)\n", (long long)count(server, "SELECT count(*) FROM leads"));
            release_statements(server);
            sqlite3_close(server);
        }
        std::sort(t.begin(), t.end());
        double med = t[t.size() / 2];
        std::printf("merge, batches of %lld: %lld changes (%lld cells) in %.3f s = %.0f changes/s, %.0f cells/s\n",
                    (long long)size, (long long)n, (long long)cells, med, (double)n / med, (double)cells / med);
    }

    release_statements(replica);
    sqlite3_close(replica);
    }
writes_part:
    if (part == "merge") goto done;
    // The change log's cost: the same writes with and without it, as
    // interleaved pairs (which side goes first alternates), after one pair
    // not counted. The figure is the median of the pairs' ratios, so that a
    // machine slowing down or speeding up during the run moves both sides of
    // a pair alike. At least 11 pairs.
    for (int per_tx : {1, 1000}) {
        if (part == "writes1" && per_tx != 1) continue;
        const int n = per_tx == 1 ? 2000 : 20000;
        const char* only = std::getenv("ATELIER_BENCH_ONLY");  // "plain" or "log": one side per process
        if (only) {
            const bool log = std::string(only) == "log";
            std::vector<double> t;
            for (int r = 0; r < runs; ++r) t.push_back(writes(log, n, per_tx));
            std::printf("writes (%d leads made and edited twice, %d per transaction), %s only: %.3f s\n", n, per_tx, only,
                        median(t));
            continue;
        }
        const int pairs = std::max(runs, 11);
        writes(false, n, per_tx);
        writes(true, n, per_tx);
        std::vector<double> with, without, ratio;
        for (int r = 0; r < pairs; ++r) {
            double a, b;
            if (r % 2 == 0) { a = writes(false, n, per_tx); b = writes(true, n, per_tx); }
            else { b = writes(true, n, per_tx); a = writes(false, n, per_tx); }
            without.push_back(a);
            with.push_back(b);
            ratio.push_back(b / a);
        }
        std::vector<double> sorted = ratio;
        std::sort(sorted.begin(), sorted.end());
        std::printf("writes (%d leads made and edited twice, %d per transaction), %d interleaved pairs: without log %.3f s, "
                    "with log %.3f s, ratio median %.2f (pairs from %.2f to %.2f)\n",
                    n, per_tx, pairs, median(without), median(with), median(ratio), sorted.front(), sorted.back());
    }
done:
    fs::remove_all(g_dir);
    return 0;
}
