// Each report over a studio of 100,000 requests with their stage history,
// losses, invoices, payments and time ledger (reports_studio.sql), through
// the SQL table-valued function as a host calls it (reports_queries.txt).
// Prints the median of 7 runs per report; bench_app_reports.mjs runs the
// same in the app.
//   build/native/bench_reports [leads]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "analytics.h"
#include "bench_util.h"
#include "demo.h"
#include "functions.h"
#include "store.h"
#include "workflow.h"

using namespace atelier;

static std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "bench_reports: cannot read %s\n", path.c_str());
        std::exit(1);
    }
    std::ostringstream out;
    out << f.rdbuf();
    return out.str();
}

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    cache_statements(db);
    migrate(db);
    seed_demo(db);
    install_defaults(db, "2026-01-01T00:00:00Z");
    atelier_register_functions(db);
    // The studio of reports_studio.sql, @N@ requests.
    std::string studio = read_file(std::string(ATELIER_BENCH_DIR) + "/reports_studio.sql");
    for (size_t at; (at = studio.find("@N@")) != std::string::npos;) studio.replace(at, 3, std::to_string(n));
    exec(db, studio.c_str());
    std::printf("%d requests, %lld stage events, %lld invoices\n", n, (long long)[&] { Stmt q(db, "SELECT count(*) FROM stage_events"); q.step(); return q.int64(0); }(),
                (long long)[&] { Stmt q(db, "SELECT count(*) FROM invoices"); q.step(); return q.int64(0); }());
    // BENCH_REPORTS_DB=path keeps the studio in a file, to look at its plans.
    if (const char* keep = std::getenv("BENCH_REPORTS_DB")) exec(db, ("VACUUM INTO '" + std::string(keep) + "'").c_str());
    // The queries of reports_queries.txt: "name|SQL" a line.
    std::vector<std::pair<std::string, std::string>> queries;
    {
        std::istringstream lines(read_file(std::string(ATELIER_BENCH_DIR) + "/reports_queries.txt"));
        for (std::string line; std::getline(lines, line);)
            if (const size_t bar = line.find('|'); bar != std::string::npos) queries.emplace_back(line.substr(0, bar), line.substr(bar + 1));
    }
    std::printf("| report | median, ms |\n| --- | --- |\n");
    // BENCH_REPORTS_ONLY=funnel runs the reports whose name starts so (to profile one).
    const char* only = std::getenv("BENCH_REPORTS_ONLY");
    const int runs = std::getenv("BENCH_REPORTS_RUNS") ? std::atoi(std::getenv("BENCH_REPORTS_RUNS")) : 7;
    for (const auto& q : queries) {
        if (only && q.first.rfind(only, 0) != 0) continue;
        const double s = median_seconds(runs, [&] {
            Stmt st(db, q.second.c_str());
            st.step();
        });
        std::printf("| %s | %.1f |\n", q.first.c_str(), s * 1000);
    }
    release_statements(db);
    sqlite3_close(db);
    return 0;
}
