// Each report over a studio of 100,000 requests with their stage history,
// losses, invoices, payments and time ledger (made with SQL, the shapes the
// conveyor writes), through the SQL table-valued function as a host calls
// it. Prints the median of 7 runs per report.
//   build/native/bench_reports [leads]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analytics.h"
#include "bench_util.h"
#include "demo.h"
#include "functions.h"
#include "store.h"
#include "workflow.h"

using namespace atelier;

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
    // Requests over two years, each a way through the conveyor with times.
    exec(db, "BEGIN");
    exec(db, ("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " + std::to_string(n) + ")"
              " INSERT INTO clients(id, studio_id, name, created_at) SELECT 'c' || i, (SELECT id FROM studio), 'Client ' || i,"
              " '2025-01-01T00:00:00Z' FROM k").c_str());
    exec(db, ("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " + std::to_string(n) + ")"
              " INSERT INTO leads(id, studio_id, client_id, title, source, stage, lang, amount_minor, currency, created_at, updated_at, owner_id, owner_name)"
              " SELECT 'l' || i, (SELECT id FROM studio), 'c' || i, '', CASE i % 5 WHEN 0 THEN 'referral' WHEN 1 THEN 'phone' ELSE 'website' END,"
              " CASE WHEN i % 7 = 0 THEN 'won' WHEN i % 3 = 0 THEN 'lost' ELSE 'brief_sent' END, 'ru', 100000 * (i % 50 + 1),"
              " CASE WHEN i % 4 = 0 THEN 'EUR' ELSE 'RUB' END,"
              " strftime('%Y-%m-%dT%H:%M:%SZ', '2025-01-01', '+' || (i * 631 % 63072000) || ' seconds'),"
              " '2025-01-01T00:00:00Z', 'u' || (i % 2), CASE i % 2 WHEN 0 THEN 'Anna' ELSE 'Boris' END FROM k").c_str());
    // Stage history: new, brief_sent, then won through every stage, or lost.
    exec(db, "INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor) SELECT 's0' || id, id, NULL, 'new', created_at, 'a' FROM leads WHERE id LIKE 'l%'");
    exec(db, "INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor) SELECT 's1' || id, id, 'new', 'brief_sent',"
             " strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+1 day'), 'a' FROM leads WHERE id LIKE 'l%'");
    const char* const path[] = {"brief_sent", "brief_filled", "estimated", "proposal_sent", "contract_sent", "invoiced", "won"};
    for (int k = 1; k < 7; ++k)
        exec(db, ("INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor) SELECT 's" + std::to_string(k + 1) + "' || id, id, '" +
                  path[k - 1] + "', '" + path[k] + "', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+" + std::to_string(2 + k * 3) +
                  " days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%'").c_str());
    exec(db, "INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor) SELECT 'sl' || id, id, 'brief_sent', 'lost',"
             " strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+9 days'), 'a' FROM leads WHERE stage = 'lost' AND id LIKE 'l%'");
    exec(db, "INSERT INTO events(id, lead_id, kind, actor, at, payload_json) SELECT 'el' || id, id, 'lost', 'a',"
             " strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+9 days'), json_object('code', CASE rowid % 3 WHEN 0 THEN 'no_answer' WHEN 1 THEN 'too_expensive' ELSE 'competitor' END)"
             " FROM leads WHERE stage = 'lost' AND id LIKE 'l%'");
    // The won ones: an invoice each, most paid; time in the ledger.
    exec(db, "INSERT INTO invoices(id, lead_id, number, status, currency, total_minor, issued_on, due_on, created_at, updated_at)"
             " SELECT 'i' || id, id, 'B-' || id, CASE WHEN rowid % 5 = 0 THEN 'issued' ELSE 'paid' END, currency, amount_minor,"
             " date(created_at, '+20 days'), date(created_at, '+27 days'), created_at, created_at FROM leads WHERE stage = 'won' AND id LIKE 'l%'");
    exec(db, "INSERT INTO payments(id, invoice_id, amount_minor, currency, method, reference, received_on, created_at)"
             " SELECT 'p' || id, id, total_minor, currency, 'bank_transfer', 'p' || id, date(issued_on, '+3 days'), created_at FROM invoices WHERE status = 'paid'");
    exec(db, "INSERT INTO time_ledger(id, user_id, device, lead_id, step, day, seconds, updated_at)"
             " SELECT 't' || id, owner_id, 'd', id, 'intake', substr(created_at, 1, 10), 60 + rowid % 120, created_at FROM leads WHERE id LIKE 'l%'");
    exec(db, "COMMIT");
    std::printf("%d requests, %lld stage events, %lld invoices\n", n, (long long)[&] { Stmt q(db, "SELECT count(*) FROM stage_events"); q.step(); return q.int64(0); }(),
                (long long)[&] { Stmt q(db, "SELECT count(*) FROM invoices"); q.step(); return q.int64(0); }());
    // BENCH_REPORTS_DB=path keeps the studio in a file, to look at its plans.
    if (const char* keep = std::getenv("BENCH_REPORTS_DB")) exec(db, ("VACUUM INTO '" + std::string(keep) + "'").c_str());
    const char* const queries[][2] = {
        {"funnel", "SELECT count(*) FROM atelier_funnel('2025-01-01', '2026-12-31')"},
        {"funnel by source", "SELECT count(*) FROM atelier_funnel('2025-01-01', '2026-12-31', 'source')"},
        {"lost_reasons", "SELECT count(*) FROM atelier_lost_reasons('2025-01-01', '2026-12-31', 'owner')"},
        {"win_rate by owner", "SELECT count(*) FROM atelier_win_rate('2025-01-01', '2026-12-31', 'owner')"},
        {"forecast 6 months", "SELECT count(*) FROM atelier_forecast('2026-12', 6)"},
        {"revenue 2 years", "SELECT count(*) FROM atelier_revenue('2025-01-01', '2026-12-31')"},
        {"receivables", "SELECT count(*) FROM atelier_receivables('2026-12-04')"},
        {"proposals", "SELECT count(*) FROM atelier_proposals('2025-01-01', '2026-12-31')"},
        {"time", "SELECT count(*) FROM atelier_time('2025-01-01', '2026-12-31', 'owner')"},
        {"funnel, one month", "SELECT count(*) FROM atelier_funnel('2026-11-01', '2026-11-30')"},
    };
    std::printf("| report | median, ms |\n| --- | --- |\n");
    // BENCH_REPORTS_ONLY=funnel runs the reports whose name starts so (to profile one).
    const char* only = std::getenv("BENCH_REPORTS_ONLY");
    const int runs = std::getenv("BENCH_REPORTS_RUNS") ? std::atoi(std::getenv("BENCH_REPORTS_RUNS")) : 7;
    for (const auto& q : queries) {
        if (only && std::string(q[0]).rfind(only, 0) != 0) continue;
        const double s = median_seconds(runs, [&] {
            Stmt st(db, q[1]);
            st.step();
        });
        std::printf("| %s | %.1f |\n", q[0], s * 1000);
    }
    release_statements(db);
    sqlite3_close(db);
    return 0;
}
