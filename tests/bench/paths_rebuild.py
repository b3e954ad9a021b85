#!/usr/bin/python3
"""The report paths (lead_paths) rebuilt from scratch two ways: by the
schema's triggers (each lead's row, then its stage moves replayed one by
one), and by one set-based statement (aggregates over the stage moves):
the statement a merge runs after its rows (analytics::release_paths in
shared/analytics.cpp builds the same one over lead_paths_held; the unit
test "sync: a merge rebuilds the report paths it held" compares what it
gives with the triggers' rows).

    /usr/bin/python3 tests/bench/paths_rebuild.py [RUNS=5] [DEMO_LEADS=1000]

Two databases: the demo's year of history (DEMO_LEADS requests), and 25,000 new
leads with one stage move each (the rows of one merge of bench_sync). For
each: the median time of each rebuild of every lead, and whether the two
give the same rows, every column compared."""
import os
import sqlite3
import statistics
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = os.path.join(TOP, "build", "native", "atelier")
STAGES = ["new", "brief_sent", "brief_filled", "estimated", "proposal_sent", "contract_sent", "invoiced", "won"]
STEPS = ["intake", "brief", "estimate", "proposal", "contract", "invoice", "payment"]


def rank(expr):
    return "CASE %s %s ELSE -1 END" % (expr, " ".join("WHEN '%s' THEN %d" % (s, k) for k, s in enumerate(STAGES)))


def set_based_sql():
    """Every lead of temp.path_ids rebuilt: what the triggers' replay gives,
    as aggregates. e_k: the first time the lead reached stage k (e0 starts at
    its creation); x_k: the first move forward out of k, else -1 if it was
    lost from k; the loss: the last move to 'lost' by (at, rowid)."""
    t = "CAST(strftime('%s', at) AS INTEGER)"
    moves = ["max(%s) AS reached" % rank("to_stage")]
    moves += ["min(CASE WHEN to_stage = '%s' THEN %s END) AS e%d" % (s, t, k) for k, s in enumerate(STAGES)]
    for k, s in enumerate(STAGES[:7]):
        ahead = ", ".join("'%s'" % n for n in STAGES[k + 1:])
        moves.append("min(CASE WHEN from_stage = '%s' AND to_stage IN (%s) THEN %s END) AS f%d" % (s, ahead, t, k))
        moves.append("max(from_stage = '%s' AND to_stage = 'lost') AS l%d" % (s, k))
    ids = "SELECT id FROM temp.path_ids"
    m = "SELECT d.id AS lead_id, %s FROM temp.path_ids d LEFT JOIN stage_events ON lead_id = d.id GROUP BY d.id" % ", ".join(moves)
    lost = ("SELECT lead_id, coalesce(from_stage, '') AS stage, at FROM (SELECT lead_id, from_stage, at, row_number() OVER"
            " (PARTITION BY lead_id ORDER BY at DESC, rowid DESC) AS n FROM stage_events WHERE to_stage = 'lost'"
            " AND lead_id IN (%s)) WHERE n = 1" % ids)
    spent = "SELECT lead_id, %s FROM time_ledger WHERE lead_id IN (%s) GROUP BY lead_id" % (
        ", ".join("sum(CASE WHEN step = '%s' THEN seconds END) AS %s" % (s, s) for s in STEPS), ids)
    reason = ("(SELECT %s FROM events e WHERE e.lead_id = l.id AND +e.kind = 'lost' ORDER BY e.at DESC, e.rowid DESC LIMIT 1)")
    created = "CAST(strftime('%s', l.created_at) AS INTEGER)"
    cols = ["l.id", "l.created_at", "l.source", "l.owner_name", "l.currency", "l.amount_minor", "l.stage",
            "coalesce((SELECT sum(total_minor) FROM invoices i WHERE i.lead_id = l.id AND i.status != 'void'),"
            " (SELECT total_minor FROM estimates e WHERE e.lead_id = l.id ORDER BY e.version DESC, e.created_at DESC LIMIT 1),"
            " l.amount_minor)"]
    cols += ["coalesce(spent.%s, 0)" % s for s in STEPS]
    cols += ["max(max(0, %s), coalesce(m.reached, -1))" % rank("l.stage"), "lost.stage", "lost.at",
             reason % "json_extract(payload_json, '$.code')", reason % "at",
             "min(%s, coalesce(m.e0, %s))" % (created, created)]
    cols += ["m.e%d" % k for k in range(1, 8)]
    cols += ["CASE WHEN m.f%d IS NOT NULL THEN m.f%d WHEN m.l%d THEN -1 END" % (k, k, k) for k in range(7)]
    cols.append("NULL")
    target = ("id, created_at, source, owner_name, currency, amount_minor, stage, value_minor, %s, reached, lost_stage, lost_at,"
              " lost_reason, lost_reason_at, %s, %s" % (", ".join("t_" + s for s in STEPS),
                                                      ", ".join("e%d" % k for k in range(8)), ", ".join("x%d" % k for k in range(8))))
    return ["DELETE FROM lead_paths WHERE id IN (%s)" % ids,
            "INSERT INTO lead_paths(%s) WITH m AS (%s), lost AS (%s), spent AS (%s) SELECT %s FROM m"
            " JOIN leads l ON l.id = m.lead_id LEFT JOIN lost ON lost.lead_id = l.id"
            " LEFT JOIN spent ON spent.lead_id = l.id" % (target, m, lost, spent, ", ".join(cols))]


def open_db(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(EXT)
    db.execute("PRAGMA journal_mode = WAL")
    for p in ["synchronous = NORMAL", "foreign_keys = ON", "cache_size = -16000", "temp_store = MEMORY"]:
        db.execute("PRAGMA " + p)
    db.execute("SELECT atelier_migrate()")
    return db


def timed(db, statements):
    """Runs the statements in a transaction (the caller rolls it back); seconds."""
    db.execute("BEGIN")
    t0 = time.perf_counter()
    for s in statements:
        db.execute(s)
    dt = time.perf_counter() - t0
    return dt


def compare(db, name, runs):
    db.execute("CREATE TEMP TABLE IF NOT EXISTS path_ids(id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM temp.path_ids")
    db.execute("INSERT INTO temp.path_ids SELECT id FROM leads")
    n = db.execute("SELECT count(*) FROM temp.path_ids").fetchone()[0]
    by_triggers, set_based = [], []
    every_row = "SELECT * FROM lead_paths ORDER BY id"
    differ = 0
    for r in range(runs):
        by_triggers.append(timed(db, ["DELETE FROM lead_paths", "INSERT INTO lead_path_rebuilds SELECT id FROM leads"]))
        replayed = db.execute(every_row).fetchall() if r == 0 else None
        db.execute("ROLLBACK")
        set_based.append(timed(db, set_based_sql()))
        if r == 0:
            rebuilt = db.execute(every_row).fetchall()
            differ = sum(1 for a, b in zip(replayed, rebuilt) if a != b) + abs(len(replayed) - len(rebuilt))
        db.execute("ROLLBACK")
    print("%s (%d leads): by the triggers %.3f s, set-based %.3f s (%.1f us a lead), the same rows: %s (median of %d)" %
          (name, n, statistics.median(by_triggers), statistics.median(set_based), statistics.median(set_based) / n * 1e6,
           "yes" if differ == 0 else "NO, %d differ" % differ, runs))
    return differ == 0


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    demo_leads = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    work = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    ok = True
    try:
        db = open_db(os.path.join(work, "demo.db"))
        db.execute("SELECT atelier_seed_demo('2026-12-07T00:00:00Z', '', ?)", (demo_leads,))
        ok &= compare(db, "the demo's year of history", runs)
        db.close()
        db = open_db(os.path.join(work, "merge.db"))
        db.execute("INSERT INTO studio(id, name, created_at) VALUES ('s', 'Studio', '2026-11-20T09:00:00Z')")
        db.execute("BEGIN")
        db.execute("CREATE TEMP TABLE numbers AS WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n"
                   " WHERE value < 25000) SELECT value FROM n")
        db.execute("INSERT INTO clients(id, studio_id, name, created_at) SELECT 'c' || value, 's', 'Client ' || value,"
                   " '2026-11-26T10:00:00Z' FROM temp.numbers")
        db.execute("INSERT INTO leads(id, studio_id, client_id, title, amount_minor, created_at, updated_at) SELECT 'l' || value,"
                   " 's', 'c' || value, 'Site ' || value, value * 100, '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z'"
                   " FROM temp.numbers")
        db.execute("INSERT INTO stage_events(id, lead_id, to_stage, at, actor) SELECT 'm' || value, 'l' || value, 'new',"
                   " '2026-11-26T10:00:00Z', 'bench' FROM temp.numbers")
        db.execute("COMMIT")
        ok &= compare(db, "25,000 new leads with one move each", runs)
        db.close()
    finally:
        for f in os.listdir(work):
            os.remove(os.path.join(work, f))
        os.rmdir(work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
