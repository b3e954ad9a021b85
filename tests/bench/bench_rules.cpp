// How long one evaluation of the notification rules takes over a studio of
// N leads: a steady tick (timers scanned, nothing new), and a tick that
// reads 1,000 new events and renders their messages.
//
//   build/native/bench_rules [leads] [runs]
//
// The leads are copies of one lead taken through the whole conveyor (brief,
// estimate, proposal, contract, invoices), spread over a year: stages, dates
// and invoice due dates vary, so that the timers have real candidates.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "automation.h"
#include "bench_util.h"
#include "conveyor.h"
#include "demo.h"
#include "store.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;

namespace {

std::vector<std::string> columns(sqlite3* db, const char* table) {
    std::vector<std::string> out;
    Stmt q(db, (std::string("SELECT name FROM pragma_table_info('") + table + "')").c_str());
    while (q.step()) out.push_back(q.text(0));
    return out;
}

// Copies every row of `table` of the template lead n times, ids suffixed.
void clone(sqlite3* db, const char* table, const char* where, int n) {
    static const std::vector<std::string> ids = {"id", "lead_id", "client_id", "estimate_id", "proposal_id", "contract_id",
                                                 "invoice_id", "number", "provisional_number", "reference"};
    std::string cols, sel;
    for (const std::string& c : columns(db, table)) {
        cols += (cols.empty() ? "" : ", ") + c;
        bool suffixed = std::find(ids.begin(), ids.end(), c) != ids.end();
        sel += (sel.empty() ? "" : ", ") + (suffixed ? "CASE WHEN " + c + " IS NULL THEN NULL ELSE " + c + " || '-' || k.n END" : c);
    }
    std::string sql = "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < " + std::to_string(n) +
                      ") INSERT INTO " + table + "(" + cols + ") SELECT " + sel + " FROM " + table + ", k WHERE " + where;
    exec(db, sql.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const int leads = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int runs = argc > 2 ? std::atoi(argv[2]) : 21;
    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    exec(db, "PRAGMA foreign_keys = OFF");
    cache_statements(db);
    migrate(db);
    seed_demo(db);
    install_defaults(db, "2026-01-01T00:00:00Z");
    const Actor anna{"user-anna", "Anna", "app", false};
    NewLead l = new_lead_from_json(json{{"client_name", "Template"}, {"email", "t@example.org"}});
    std::string lead = conveyor::create(db, l, anna, "2026-01-02T09:00:00Z").lead_id;
    json answers = {{"company", "X"}, {"activity", "Y"}, {"goals", {"leads"}}, {"pages", 2}, {"languages", 1},
                    {"design_level", "template"}, {"urgency", "normal"}};
    conveyor::save_brief(db, lead, "landing", answers, true, anna, "2026-01-02T10:00:00Z");
    std::string est = conveyor::estimate(db, lead, json{{"start_date", "2026-01-05"}}, anna, "2026-01-02T11:00:00Z").made["estimate_id"];
    std::string prop = conveyor::propose(db, est, anna, "2026-01-02T11:05:00Z").made["proposal_id"];
    std::string contract = conveyor::accept(db, prop, Acceptance{"online", "T", "", ""}, client_actor("T"), "2026-01-03T10:00:00Z").made["contract_id"];
    conveyor::sign(db, contract, Acceptance{"online", "T", "", ""}, client_actor("T"), "2026-01-04T10:00:00Z");
    automation::tick(db, "2026-01-04T10:00:00Z", "https://studio.test");

    auto t0 = std::chrono::steady_clock::now();
    {
        Savepoint sp(db, "fill");
        const std::string w = "id = '" + lead + "'";
        const std::string lw = "lead_id = '" + lead + "'";
        clone(db, "clients", ("id = (SELECT client_id FROM leads WHERE " + w + ")").c_str(), leads - 1);
        clone(db, "leads", w.c_str(), leads - 1);
        for (const char* t : {"briefs", "estimates", "proposals", "contracts", "invoices", "events"}) clone(db, t, lw.c_str(), leads - 1);
        // A year of leads at every stage: creation dates spread, a share
        // still waiting on the client, invoices due all through the year.
        exec(db, "UPDATE leads SET stage = CASE abs(random()) % 5 WHEN 0 THEN 'brief_sent' WHEN 1 THEN 'proposal_sent'"
                 " WHEN 2 THEN 'contract_sent' WHEN 3 THEN 'invoiced' ELSE 'won' END");
        exec(db, "UPDATE proposals SET status = CASE WHEN (SELECT stage FROM leads WHERE id = lead_id) = 'proposal_sent' THEN 'sent' ELSE 'accepted' END,"
                 " created_at = strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', '+' || (abs(random()) % 360) || ' days')");
        exec(db, "UPDATE contracts SET status = CASE WHEN (SELECT stage FROM leads WHERE id = lead_id) = 'contract_sent' THEN 'sent' ELSE 'accepted' END,"
                 " created_at = strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', '+' || (abs(random()) % 360) || ' days')");
        exec(db, "UPDATE invoices SET status = CASE WHEN (SELECT stage FROM leads WHERE id = lead_id) = 'invoiced' THEN 'issued' ELSE 'paid' END,"
                 " issued_on = date('2026-01-01', '+' || (abs(random()) % 330) || ' days')");
        exec(db, "UPDATE invoices SET due_on = date(issued_on, '+7 days')");
        exec(db, "UPDATE events SET at = strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', '+' || (abs(random()) % 360) || ' days')");
        exec(db, "ANALYZE");
        sp.commit();
    }
    const double fill = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Stmt c(db, "SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM invoices WHERE status = 'issued'), (SELECT count(*) FROM events)");
    c.step();
    std::printf("studio: %lld leads, %lld unpaid invoices, %lld events (filled in %.1f s)\n", (long long)c.int64(0), (long long)c.int64(1),
                (long long)c.int64(2), fill);

    // The first tick at the end of the year catches up with the year (every
    // reminder whose moment came): measured once, then the steady ticks.
    auto t1 = std::chrono::steady_clock::now();
    auto first = automation::tick(db, "2026-12-31T12:00:00Z", "https://studio.test");
    std::printf("catch-up tick: %.0f ms (%s)\n", 1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count(),
                first.json().dump().c_str());
    int minute = 0;
    auto next_now = [&] {
        ++minute;
        char buf[32];
        std::snprintf(buf, sizeof buf, "2026-12-31T%02d:%02d:00Z", 12 + minute / 60, minute % 60);
        return std::string(buf);
    };
    double steady = median_seconds(runs, [&] { automation::tick(db, next_now(), "https://studio.test", true); });
    double events_only = median_seconds(runs, [&] { automation::tick(db, next_now(), "https://studio.test", false); });
    std::printf("steady tick, timers scanned: %.1f ms (median of %d)\n", steady * 1000, runs);
    std::printf("tick after a write, events only: %.2f ms (median of %d)\n", events_only * 1000, runs);

    // 1,000 new events: the leads that pay an invoice in one minute.
    std::vector<std::string> invoices;
    {
        Stmt q(db, "SELECT id FROM invoices WHERE status = 'issued' LIMIT 1000");
        while (q.step()) invoices.push_back(q.text(0));
    }
    for (const std::string& id : invoices)
        conveyor::pay(db, id, 0, "", "2026-12-31", "bank_transfer", anna, "2026-12-31T18:00:00Z");
    auto t2 = std::chrono::steady_clock::now();
    auto r = automation::tick(db, "2026-12-31T18:00:30Z", "https://studio.test", false);
    std::printf("tick reading %zu payments: %.0f ms (%s)\n", invoices.size(),
                1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count(), r.json().dump().c_str());
    release_statements(db);
    sqlite3_close(db);
    return 0;
}
