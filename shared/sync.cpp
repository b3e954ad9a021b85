// atelier/sync.cpp — see sync.h.
#include "sync.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "analytics.h"
#include "brief.h"
#include "documents.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "json_writer.h"
#include "numbering.h"
#include "pricing.h"
#include "store.h"

namespace atelier::sync {

using nlohmann::json;

namespace {

constexpr int kBundleVersion = 1;
constexpr size_t kMaxValueBytes = 1 << 20;   // one cell
constexpr size_t kMaxRowIdBytes = 200;
constexpr int64_t kMaxDriftMs = 5 * 60 * 1000;  // a replica's clock may run this far ahead
constexpr size_t kHlcSize = 46;                  // 24 time + '-' + 4 count + '-' + 16 device

struct Column {
    std::string name;
    char type;  // 'T' text, 'I' integer, '*' any
    std::string key;  // the name as a JSON object key, with its colon
};

struct Table {
    std::string name, pk;
    std::vector<Column> columns;
    // The rows that refer to this table's rows: (child table, its column).
    std::vector<std::pair<std::string, std::string>> referrers;
    int rank = 0;
    size_t pk_index = 0;  // columns[pk_index] is the primary key
    const Column* column(std::string_view n) const {
        for (const Column& c : columns)
            if (c.name == n) return &c;
        return nullptr;
    }
};

// Per connection: what attach() learned, and whether writes are logged now
// (not while a bundle is being applied: those changes are logged as received).
struct Conn {
    std::string device;
    bool authority = true;
    bool logging = true;
    std::vector<Table> tables;
    const Table* table(std::string_view n) const {
        for (const Table& t : tables)
            if (t.name == n) return &t;
        return nullptr;
    }
};

std::mutex g_mu;
std::unordered_map<sqlite3*, std::shared_ptr<Conn>> g_conns;

std::shared_ptr<Conn> conn_of(sqlite3* db) {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_conns.find(db);
    return it == g_conns.end() ? nullptr : it->second;
}

Conn& need(sqlite3* db) {
    auto c = conn_of(db);
    if (!c) throw Error("sync: this connection is not attached (call attach after migrate)");
    return *c;
}

// The process-wide clock: every connection of one process shares it, so two
// connections to one file never stamp the same value.
std::mutex g_clock_mu;
int64_t g_clock_ms = 0;
int g_clock_count = 0;

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string format_hlc(int64_t ms, int count, std::string_view device) {
    // The date and time up to the second change once a second: keep them.
    thread_local int64_t cached_secs = -1;
    thread_local char prefix[24];
    int64_t secs = ms / 1000;
    if (secs != cached_secs) {
        std::time_t t = (std::time_t)secs;
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_secs = secs;
    }
    static const char* hex = "0123456789abcdef";
    char buf[kHlcSize + 1];
    std::memcpy(buf, prefix, 20);
    int frac = (int)(ms % 1000);
    buf[20] = (char)('0' + frac / 100);
    buf[21] = (char)('0' + frac / 10 % 10);
    buf[22] = (char)('0' + frac % 10);
    buf[23] = 'Z';
    buf[24] = '-';
    for (int i = 0; i < 4; ++i) buf[25 + i] = hex[(count >> (12 - 4 * i)) & 15];
    buf[29] = '-';
    std::memcpy(buf + 30, device.data(), std::min<size_t>(device.size(), 16));
    return std::string(buf, 30 + std::min<size_t>(device.size(), 16));
}

bool is_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return !s.empty();
}

// Parses a clock; false when it is malformed. (Every change of a bundle
// passes here: no allocation.)
bool parse_hlc(std::string_view h, int64_t* ms, int* count, std::string_view* device) {
    if (h.size() != kHlcSize || h[23] != 'Z' || h[19] != '.' || h[24] != '-' || h[29] != '-') return false;
    char iso[20];
    std::memcpy(iso, h.data(), 19);
    iso[19] = 'Z';
    if (!is_iso_time(std::string_view(iso, 20))) return false;
    for (size_t i = 20; i < 23; ++i)
        if (h[i] < '0' || h[i] > '9') return false;
    if (!is_hex(h.substr(25, 4)) || !is_hex(h.substr(30, 16))) return false;
    auto num = [&](size_t from, size_t n) {
        int v = 0;
        for (size_t i = from; i < from + n; ++i) v = v * 10 + (h[i] - '0');
        return v;
    };
    std::tm tm{};
    tm.tm_year = num(0, 4) - 1900;
    tm.tm_mon = num(5, 2) - 1;
    tm.tm_mday = num(8, 2);
    tm.tm_hour = num(11, 2);
    tm.tm_min = num(14, 2);
    tm.tm_sec = num(17, 2);
    *ms = (int64_t)timegm(&tm) * 1000 + num(20, 3);
    int c = 0;
    for (size_t i = 25; i < 29; ++i) c = c * 16 + (h[i] <= '9' ? h[i] - '0' : h[i] - 'a' + 10);
    *count = c;
    *device = h.substr(30, 16);
    return true;
}

std::string tick(std::string_view device) {
    std::lock_guard<std::mutex> lock(g_clock_mu);
    int64_t now = wall_ms();
    if (now > g_clock_ms) {
        g_clock_ms = now;
        g_clock_count = 0;
    } else if (++g_clock_count > 0xFFFF) {
        ++g_clock_ms;
        g_clock_count = 0;
    }
    return format_hlc(g_clock_ms, g_clock_count, device);
}

// Receiving a clock moves ours past it: what this device writes next is
// newer than everything it has seen.
void observe(std::string_view hlc) {
    int64_t ms = 0;
    int count = 0;
    std::string_view dev;
    if (!parse_hlc(hlc, &ms, &count, &dev)) return;
    std::lock_guard<std::mutex> lock(g_clock_mu);
    if (ms > g_clock_ms || (ms == g_clock_ms && count > g_clock_count)) {
        g_clock_ms = ms;
        g_clock_count = count;
    }
}

std::string random_device_id() {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)random_u64());
    return buf;
}

std::string quote_id(std::string_view n) { return "\"" + std::string(n) + "\""; }

// ---- SQL functions used by the triggers ----------------------------------

void fn_hlc(sqlite3_context* ctx, int, sqlite3_value**) {
    auto* c = static_cast<Conn*>(sqlite3_user_data(ctx));
    std::string h = tick(c->device);
    sqlite3_result_text(ctx, h.data(), (int)h.size(), SQLITE_TRANSIENT);
}
void fn_device(sqlite3_context* ctx, int, sqlite3_value**) {
    auto* c = static_cast<Conn*>(sqlite3_user_data(ctx));
    sqlite3_result_text(ctx, c->device.data(), (int)c->device.size(), SQLITE_TRANSIENT);
}
void fn_on(sqlite3_context* ctx, int, sqlite3_value**) {
    sqlite3_result_int(ctx, static_cast<Conn*>(sqlite3_user_data(ctx))->logging ? 1 : 0);
}

void write_value(JsonWriter& w, sqlite3_value* v) {
    switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER: w.value((int64_t)sqlite3_value_int64(v)); break;
        case SQLITE_FLOAT: {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", sqlite3_value_double(v));
            w.raw(buf);
            break;
        }
        case SQLITE_NULL: w.null(); break;
        default:
            w.value(std::string_view((const char*)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v)));
    }
}

bool same_value(sqlite3_value* a, sqlite3_value* b) {
    int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
    if (ta != tb) return false;
    switch (ta) {
        case SQLITE_NULL: return true;
        case SQLITE_INTEGER: return sqlite3_value_int64(a) == sqlite3_value_int64(b);
        case SQLITE_FLOAT: return sqlite3_value_double(a) == sqlite3_value_double(b);
        default: {
            int na = sqlite3_value_bytes(a), nb = sqlite3_value_bytes(b);
            if (na != nb) return false;
            if (na == 0) return true;  // an empty text or blob may have a null pointer
            return std::memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b), (size_t)na) == 0;
        }
    }
}

// The table a cell function is called for: its first argument is the
// table's rank, and the arguments after it are that table's columns in
// order (the triggers are written from the same list).
const Table* cells_table(sqlite3_context* ctx, int argc, sqlite3_value** argv, int per_column) {
    const auto* c = static_cast<const Conn*>(sqlite3_user_data(ctx));
    const int64_t rank = argc > 0 ? sqlite3_value_int64(argv[0]) : -1;
    if (rank < 0 || rank >= (int64_t)c->tables.size() ||
        (size_t)(argc - 1) != c->tables[(size_t)rank].columns.size() * (size_t)per_column) {
        sqlite3_result_error(ctx, "sync: a cell function was called with another table's columns (attach sync again)", -1);
        return nullptr;
    }
    return &c->tables[(size_t)rank];
}

// atelier_sync_changed(rank, old, new, ...): the changed cells as a JSON
// object, NULL when nothing changed.
void fn_changed(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    const Table* t = cells_table(ctx, argc, argv, 2);
    if (!t) return;
    thread_local std::string buf;
    JsonWriter w(buf);
    bool any = false;
    w.begin_object();
    for (size_t i = 0; i < t->columns.size(); ++i) {
        sqlite3_value* before = argv[1 + 2 * i];
        sqlite3_value* after = argv[2 + 2 * i];
        if (same_value(before, after)) continue;
        w.key_json(t->columns[i].key);
        write_value(w, after);
        any = true;
    }
    w.end_object();
    if (!any) {
        sqlite3_result_null(ctx);
        return;
    }
    std::string_view out = w.view();
    sqlite3_result_text(ctx, out.data(), (int)out.size(), SQLITE_TRANSIENT);
}

// atelier_sync_cells(rank, value, ...): every cell (a new row).
void fn_cells(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    const Table* t = cells_table(ctx, argc, argv, 1);
    if (!t) return;
    thread_local std::string buf;
    JsonWriter w(buf);
    w.begin_object();
    for (size_t i = 0; i < t->columns.size(); ++i) {
        w.key_json(t->columns[i].key);
        write_value(w, argv[1 + i]);
    }
    w.end_object();
    std::string_view out = w.view();
    sqlite3_result_text(ctx, out.data(), (int)out.size(), SQLITE_TRANSIENT);
}

void conn_destroy(void* p) {
    std::lock_guard<std::mutex> lock(g_mu);
    for (auto it = g_conns.begin(); it != g_conns.end(); ++it)
        if (it->second.get() == p) {
            g_conns.erase(it);
            return;
        }
}

const std::vector<std::string> kTables = {
    "studio",   "clients",   "leads",    "stage_events", "brief_templates", "briefs",        "price_lists",
    "estimates", "proposals", "contracts", "invoices",    "payments",        "templates", "outbox", "doc_links",
    "events",   "lost_reasons", "rules", "tasks", "calendar_days", "acts", "stage_weights", "time_ledger",
    "projects", "project_stages", "material_requests", "retainers", "retainer_periods", "hours_log", "material_files"};

std::vector<Table> read_tables(sqlite3* db) {
    // Two statements for every table's columns and foreign keys, not two per
    // table: each runs whenever a connection attaches (the app's start).
    std::string names = "[";
    for (const std::string& name : kTables) names += (names.size() > 1 ? ",\"" : "\"") + name + "\"";
    names += "]";
    std::vector<Table> out(kTables.size());
    for (size_t i = 0; i < kTables.size(); ++i) {
        out[i].name = kTables[i];
        out[i].rank = (int)i;
    }
    Stmt q(db, "SELECT t.key, c.name, upper(c.type), c.pk FROM json_each(?1) t, pragma_table_info(t.value, 'main') c"
               " ORDER BY t.key, c.cid");
    q.bind(1, names);
    while (q.step()) {
        Table& t = out[(size_t)q.int64(0)];
        std::string type = q.text(2);
        char kind = type == "TEXT" ? 'T' : type == "INTEGER" ? 'I' : '*';
        JsonWriter key;
        key.value(q.text(1));
        t.columns.push_back({q.text(1), kind, key.str() + ":"});
        if (q.int64(3) == 1) {
            t.pk = q.text(1);
            t.pk_index = t.columns.size() - 1;
        }
    }
    for (const Table& t : out) {
        if (t.columns.empty()) throw Error("sync: table " + t.name + " is missing (run migrate first)");
        if (t.columns.size() > 255) throw Error("sync: table " + t.name + " has more than 255 columns");
    }
    Stmt f(db, "SELECT t.key, k.\"table\", k.\"from\" FROM json_each(?1) t, pragma_foreign_key_list(t.value, 'main') k"
               " ORDER BY t.key, k.id, k.seq");
    f.bind(1, names);
    while (f.step())
        for (Table& parent : out)
            if (parent.name == f.text(1)) parent.referrers.push_back({out[(size_t)f.int64(0)].name, f.text(2)});
    return out;
}

std::string trigger_sql(const Table& t, const std::string& device) {
    // The cell functions take the table's rank, then its columns' values in
    // the order of Table::columns: the names are theirs to add.
    std::string all = std::to_string(t.rank), changed = all;
    for (const Column& c : t.columns) {
        std::string q = quote_id(c.name);
        all += ", new." + q;
        changed += ", old." + q + ", new." + q;
    }
    std::string pk = quote_id(t.pk);
    std::string pre = "CREATE TEMP TRIGGER IF NOT EXISTS atelier_sync_" + t.name;
    std::string on = " ON main." + quote_id(t.name) + " WHEN atelier_sync_on() BEGIN INSERT INTO change_log(hlc, device, tbl, row_id, cells) ";
    // The device id is this file's constant: written into the trigger. The
    // update's changed cells are computed once: a subquery with a LIMIT is
    // not flattened, so its column is not evaluated again for the WHERE.
    const std::string dev = "'" + device + "'";
    return pre + "_i AFTER INSERT" + on + "VALUES (atelier_hlc(), " + dev + ", '" + t.name + "', new." + pk +
           ", atelier_sync_cells(" + all + ")); END;\n" +
           pre + "_u AFTER UPDATE" + on + "SELECT atelier_hlc(), " + dev + ", '" + t.name + "', new." + pk +
           ", c FROM (SELECT atelier_sync_changed(" + changed + ") AS c LIMIT 1) WHERE c IS NOT NULL; END;\n" +
           pre + "_d AFTER DELETE" + on + "VALUES (atelier_hlc(), " + dev + ", '" + t.name + "', old." + pk +
           ", NULL); END;\n";
}

// Sets conn->logging for a scope.
struct Logging {
    Conn& c;
    bool saved;
    Logging(Conn& conn, bool on) : c(conn), saved(conn.logging) { c.logging = on; }
    ~Logging() { c.logging = saved; }
};

std::string change_id(std::string_view hlc, std::string_view table, std::string_view row) {
    std::string seed;
    seed.reserve(hlc.size() + table.size() + row.size() + 2);
    seed.append(hlc).append("|").append(table).append("|").append(row);
    return uuid_from(seed);
}

}  // namespace

const std::vector<std::string>& tables() { return kTables; }

std::string meta(sqlite3* db, std::string_view key, std::string_view fallback) {
    Stmt q(db, "SELECT value FROM sync_meta WHERE key = ?1");
    q.bind(1, key);
    return q.step() ? q.text(0) : std::string(fallback);
}

void set_meta(sqlite3* db, std::string_view key, std::string_view value) {
    Stmt q(db, "INSERT INTO sync_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.bind(1, key).bind(2, value).step();
}

bool attached(sqlite3* db) { return conn_of(db) != nullptr; }

void attach(sqlite3* db) {
    if (attached(db)) return;
    if (schema_version(db) < 4) throw Error("sync: the database needs schema version 4 or later (run migrate first)");
    auto c = std::make_shared<Conn>();
    c->tables = read_tables(db);
    Savepoint sp(db, "atelier_sync_attach");
    std::string device = meta(db, "device");
    bool fresh = device.empty();
    if (fresh) {
        device = random_device_id();
        set_meta(db, "device", device);
        set_meta(db, "role", "authority");
    }
    c->device = device;
    c->authority = meta(db, "role", "authority") == "authority";
    {
        std::lock_guard<std::mutex> lock(g_mu);
        g_conns[db] = c;
    }
    const int flags = SQLITE_UTF8;
    Conn* p = c.get();
    int rc = sqlite3_create_function_v2(db, "atelier_hlc", 0, flags, p, fn_hlc, nullptr, nullptr, conn_destroy);
    if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "atelier_device", 0, flags, p, fn_device, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "atelier_sync_on", 0, flags, p, fn_on, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "atelier_sync_changed", -1, flags, p, fn_changed, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "atelier_sync_cells", -1, flags, p, fn_cells, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        std::lock_guard<std::mutex> lock(g_mu);
        g_conns.erase(db);
        throw Error(std::string("sync: cannot register the clock functions: ") + sqlite3_errmsg(db));
    }
    // The clock resumes after the newest change this file holds.
    {
        Stmt q(db, "SELECT max(hlc) FROM (SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1000)");
        if (q.step() && !q.is_null(0)) observe(q.text(0));
    }
    for (const Table& t : c->tables) exec(db, trigger_sql(t, device).c_str());
    if (fresh) {
        // Rows written before the file had a device become changes now, at
        // the oldest clock there is: they are what the file started with (a
        // new database's defaults, a server's data from before sync), and
        // any edit made anywhere since wins over them. So a device that joins
        // never overwrites the studio's details with its own first-start
        // defaults.
        const std::string baseline = "'" + format_hlc(0, 0, device) + "'";
        int64_t first = 0;
        {
            Stmt q(db, "SELECT coalesce(max(seq), 0) FROM change_log");
            q.step();
            first = q.int64(0);
        }
        for (const Table& t : c->tables) {
            std::string all = std::to_string(t.rank);
            for (const Column& col : t.columns) all += ", " + quote_id(col.name);
            exec(db, ("INSERT INTO change_log(hlc, device, tbl, row_id, cells) SELECT " + baseline + ", atelier_device(), '" +
                      t.name + "', " + quote_id(t.pk) + ", atelier_sync_cells(" + all + ") FROM main." +
                      quote_id(t.name) + " ORDER BY rowid")
                         .c_str());
        }
        // One clock value each, a millisecond apart, in the order written.
        Stmt q(db, "SELECT seq FROM change_log WHERE seq > ?1 ORDER BY seq");
        q.bind(1, first);
        std::vector<int64_t> seqs;
        while (q.step()) seqs.push_back(q.int64(0));
        Stmt up(db, "UPDATE change_log SET hlc = ?2 WHERE seq = ?1");
        for (size_t k = 0; k < seqs.size(); ++k) {
            up.bind(1, seqs[k]).bind(2, format_hlc((int64_t)k + 1, 0, device)).step();
            up.reset();
        }
    }
    sp.commit();
}

std::string device_id(sqlite3* db) { return need(db).device; }

bool is_authority(sqlite3* db) {
    auto c = conn_of(db);
    if (c) return c->authority;
    return meta(db, "role", "authority") == "authority";
}

void make_replica(sqlite3* db) {
    Conn& c = need(db);
    set_meta(db, "role", "replica");
    c.authority = false;
    // What this file started with (its first-start defaults, at the oldest
    // clocks) goes below even the authority's own starting data: a device
    // that joins takes the studio as the server has it, whatever the order
    // of the two devices' ids. Its real edits, made later, still win.
    const std::string baseline_end = format_hlc(1000000000, 0, "");  // the baseline's clocks are a few ms after 1970
    Savepoint sp(db, "atelier_sync_replica");
    std::vector<int64_t> seqs;
    {
        Stmt q(db, "SELECT seq FROM change_log WHERE device = ?1 AND hlc < ?2 ORDER BY seq");
        q.bind(1, c.device).bind(2, baseline_end);
        while (q.step()) seqs.push_back(q.int64(0));
    }
    // At 1970-01-01T00:00:00.000, one counter value each, in the order written.
    Stmt u(db, "UPDATE change_log SET hlc = ?2 WHERE seq = ?1");
    Stmt r(db, "UPDATE change_rows SET hlc = ?2 WHERE seq = ?1");
    for (size_t k = 0; k < seqs.size(); ++k) {
        const std::string hlc = format_hlc(0, (int)std::min<size_t>(k, 0xffff), c.device);
        u.bind(1, seqs[k]).bind(2, hlc).step();
        u.reset();
        r.bind(1, seqs[k]).bind(2, hlc).step();
        r.reset();
    }
    sp.commit();
}

std::string next_hlc(sqlite3* db) { return tick(need(db).device); }

int64_t pending_changes(sqlite3* db) {
    Conn& c = need(db);
    int64_t pushed = std::stoll(meta(db, "pushed_seq", "0"));
    Stmt q(db, "SELECT count(*) FROM change_log WHERE seq > ?1 AND device = ?2");
    q.bind(1, pushed).bind(2, c.device);
    q.step();
    return q.int64(0);
}

std::string export_changes(sqlite3* db, const ExportOptions& o) {
    Conn& c = need(db);
    std::string sql = "SELECT seq, hlc, tbl, row_id, cells FROM change_log WHERE seq > ?1";
    if (o.own_only) sql += " AND device = ?2";
    if (!o.skip_device.empty()) sql += " AND device != ?3";
    sql += " ORDER BY seq";
    if (o.limit > 0) sql += " LIMIT ?4";
    Stmt q(db, sql.c_str());
    q.bind(1, o.since);
    if (o.own_only) q.bind(2, c.device);
    if (!o.skip_device.empty()) q.bind(3, o.skip_device);
    if (o.limit > 0) q.bind(4, o.limit < INT64_MAX ? o.limit + 1 : o.limit);  // one more tells whether more follow
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("format").value("atelier-sync").key("version").value(kBundleVersion);
    w.key("schema").value(schema_version(db)).key("device").value(c.device).key("since").value(o.since);
    w.key("changes").begin_array();
    int64_t until = o.since, n = 0;
    bool more = false;
    while (q.step()) {
        if (o.limit > 0 && n == o.limit) {
            more = true;
            break;
        }
        ++n;
        until = q.int64(0);
        std::string hlc = q.text(1), table = q.text(2), row = q.text(3);
        w.begin_object();
        w.key("id").value(change_id(hlc, table, row));
        w.key("hlc").value(hlc).key("table").value(table).key("row").value(row);
        if (q.is_null(4))
            w.key("delete").value(true);
        else
            w.key("cells").raw(q.text(4));
        w.end_object();
    }
    w.end_array();
    w.key("until").value(until).key("more").value(more);
    w.end_object();
    return std::string(w.view());
}

std::string ApplyResult::json() const {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("changes").value(changes).key("applied").value(applied).key("duplicates").value(duplicates);
    w.key("pending").value(pending).key("until").value(until).key("more").value(more);
    w.key("refusals").begin_array();
    for (const Refusal& r : refusals) {
        w.begin_object();
        w.key("change_id").value(r.change_id).key("table").value(r.table).key("row").value(r.row);
        w.key("column").value(r.column).key("reason").value(r.reason);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return std::string(w.view());
}

namespace {

// A scalar of a bundle as read: its JSON type and its text (a string's
// characters, unescaped; a number's spelling), and a number's value.
struct Scalar {
    json::value_t type = json::value_t::null;
    std::string_view text;
    int64_t i = 0;  // an integer (an unsigned one as SQLite would store it), or a boolean as 0/1
    double d = 0;   // a float
};

// One cell of a change as read: its column, JSON type and value. index is
// the column's place in its table once the change is checked (-1: a column
// this database does not have).
struct CellInfo {
    std::string_view column;
    json::value_t type;  // the value's, or object/array (refused: no value)
    int index = -1;
    Scalar value;
};

// One change of a bundle. Its texts point into the bundle or into the
// reader's own copies (of strings that had escapes): both outlive a merge.
struct Change {
    std::string_view id, hlc, device, table, row;
    const Table* t = nullptr;
    bool is_object = true, del = false, has_cells = false, cells_object = false;
    const char* bad_field = nullptr;  // a field of the wrong type ("id", "hlc", ...)
    std::string_view cells;           // the cells object, compact
    size_t first_cell = 0, n_cells = 0;
    CellInfo* info_begin = nullptr;
    CellInfo* begin() const { return info_begin; }
    CellInfo* end() const { return info_begin + n_cells; }
};

// Reads a bundle in one pass into flat changes, without a document tree and
// without copying what needs no unescaping: ids, clocks, rows, columns and
// values are views of the bundle's text. The grammar is RFC 8259's, UTF-8
// checked; unknown fields are skipped, so a newer bundle format can add
// some. A cells object is kept as it came when it is already in the form
// this file writes (no spaces, the writer's escapes), and written again
// compactly otherwise.
class BundleReader {
public:
    json header = json::object();  // the scalar fields of the top object
    bool top_object = false, changes_array = false;
    std::vector<Change> changes;
    std::vector<CellInfo> cells;
    std::string syntax_error;

    explicit BundleReader(std::string_view text) : b_(text.data()), p_(text.data()), e_(text.data() + text.size()) {}

    // False when the text is not JSON; syntax_error says where.
    bool read() {
        try {
            ws();
            if (p_ < e_ && *p_ == '{') top();
            else skip_value();
            ws();
            if (p_ != e_) bad();
        } catch (const Bad& x) {
            syntax_error = "not valid JSON at byte " + std::to_string(x.at + 1) + " (truncated or damaged)";
            return false;
        }
        for (Change& x : changes) x.info_begin = cells.data() + x.first_cell;
        return true;
    }

private:
    struct Bad {
        size_t at;
    };
    const char* b_;
    const char* p_;
    const char* e_;
    std::deque<std::string> owned_;  // strings unescaped, cells written again
    std::string stack_;              // containers being skipped

    [[noreturn]] void bad() const { throw Bad{(size_t)(p_ - b_)}; }
    // Skips white space; true when there was some.
    bool ws() {
        const char* s = p_;
        while (p_ < e_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
        return p_ != s;
    }
    void expect(char c) {
        if (p_ >= e_ || *p_ != c) bad();
        ++p_;
    }
    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    unsigned u4() {
        if (e_ - p_ < 4) bad();
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            int h = hex(p_[k]);
            if (h < 0) bad();
            v = v * 16 + (unsigned)h;
        }
        p_ += 4;
        return v;
    }
    // One UTF-8 sequence starting at p_ (a byte >= 0x80), as Unicode allows it.
    void utf8() {
        const unsigned char c = (unsigned char)*p_;
        int n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c == 0xE0) n = 2, lo = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC) n = 2;
        else if (c == 0xED) n = 2, hi = 0x9F;
        else if (c >= 0xEE && c <= 0xEF) n = 2;
        else if (c == 0xF0) n = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) n = 3;
        else if (c == 0xF4) n = 3, hi = 0x8F;
        else bad();
        if (e_ - p_ <= n) bad();
        for (int k = 1; k <= n; ++k) {
            const unsigned char x = (unsigned char)p_[k];
            if (x < (k == 1 ? lo : 0x80) || x > (k == 1 ? hi : 0xBF)) {
                p_ += k;
                bad();
            }
        }
        p_ += n + 1;
    }
    static void put_utf8(std::string& s, unsigned cp) {
        if (cp < 0x80) s += (char)cp;
        else if (cp < 0x800) s += (char)(0xC0 | cp >> 6), s += (char)(0x80 | (cp & 0x3F));
        else if (cp < 0x10000)
            s += (char)(0xE0 | cp >> 12), s += (char)(0x80 | (cp >> 6 & 0x3F)), s += (char)(0x80 | (cp & 0x3F));
        else
            s += (char)(0xF0 | cp >> 18), s += (char)(0x80 | (cp >> 12 & 0x3F)), s += (char)(0x80 | (cp >> 6 & 0x3F)),
                s += (char)(0x80 | (cp & 0x3F));
    }
    // A string at p_ (its opening quote). `compact` turns false when its
    // escapes are not the ones this file's writer uses.
    std::string_view string(bool& compact) {
        expect('"');
        const char* s = p_;
        for (;;) {
            if (p_ >= e_) bad();
            const unsigned char c = (unsigned char)*p_;
            if (c == '"') {
                std::string_view out(s, (size_t)(p_ - s));
                ++p_;
                return out;
            }
            if (c == '\\') break;
            if (c < 0x20) bad();
            if (c < 0x80) ++p_;
            else utf8();
        }
        // Escapes: the characters are copied out, unescaped.
        std::string& out = owned_.emplace_back(s, (size_t)(p_ - s));
        for (;;) {
            if (p_ >= e_) bad();
            const unsigned char c = (unsigned char)*p_;
            if (c == '"') {
                ++p_;
                return out;
            }
            if (c < 0x20) bad();
            if (c >= 0x80) {
                const char* from = p_;
                utf8();
                out.append(from, (size_t)(p_ - from));
                continue;
            }
            if (c != '\\') {
                out += (char)c;
                ++p_;
                continue;
            }
            if (e_ - p_ < 2) bad();
            const char k = p_[1];
            p_ += 2;
            switch (k) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/', compact = false; break;
                case 'b': out += '\b', compact = false; break;
                case 'f': out += '\f', compact = false; break;
                case 'n': out += '\n', compact = false; break;
                case 'r': out += '\r', compact = false; break;
                case 't': out += '\t', compact = false; break;
                case 'u': {
                    const char* at = p_;
                    unsigned cp = u4();
                    // The writer's form: \u00xx, lower case, for a control character only.
                    if (cp >= 0x20 || at[0] != '0' || at[1] != '0' || (at[2] >= 'A' && at[2] <= 'F') || (at[3] >= 'A' && at[3] <= 'F'))
                        compact = false;
                    if (cp >= 0xDC00 && cp <= 0xDFFF) bad();
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (e_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') bad();
                        p_ += 2;
                        unsigned low = u4();
                        if (low < 0xDC00 || low > 0xDFFF) bad();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    put_utf8(out, cp);
                    break;
                }
                default: p_ -= 1, bad();
            }
        }
    }
    // A number at p_, as nlohmann reads one: an integer (unsigned when not
    // negative) unless it has a fraction or an exponent or does not fit.
    Scalar number(bool& compact) {
        const char* s = p_;
        bool neg = false, integral = true;
        if (*p_ == '-') neg = true, ++p_;
        if (p_ >= e_) bad();
        if (*p_ == '0') ++p_;
        else if (*p_ >= '1' && *p_ <= '9')
            while (p_ < e_ && *p_ >= '0' && *p_ <= '9') ++p_;
        else bad();
        if (p_ < e_ && *p_ == '.') {
            integral = false;
            ++p_;
            if (p_ >= e_ || *p_ < '0' || *p_ > '9') bad();
            while (p_ < e_ && *p_ >= '0' && *p_ <= '9') ++p_;
        }
        if (p_ < e_ && (*p_ == 'e' || *p_ == 'E')) {
            integral = false;
            ++p_;
            if (p_ < e_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (p_ >= e_ || *p_ < '0' || *p_ > '9') bad();
            while (p_ < e_ && *p_ >= '0' && *p_ <= '9') ++p_;
        }
        Scalar v;
        v.text = std::string_view(s, (size_t)(p_ - s));
        if (integral) {
            uint64_t u = 0;
            bool fits = true;
            for (const char* q = s + (neg ? 1 : 0); q < p_; ++q) {
                const unsigned dgt = (unsigned)(*q - '0');
                if (u > (UINT64_MAX - dgt) / 10) {
                    fits = false;
                    break;
                }
                u = u * 10 + dgt;
            }
            if (fits && !neg) {
                v.type = json::value_t::number_unsigned;
                v.i = (int64_t)u;
                return v;
            }
            if (fits && neg && u <= (uint64_t)INT64_MAX + 1) {
                v.type = json::value_t::number_integer;
                v.i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
                if (u == 0) compact = false;  // "-0" is written "0"
                return v;
            }
        }
        std::string lit(v.text);
        char* end = nullptr;
        v.d = std::strtod(lit.c_str(), &end);
        if (!std::isfinite(v.d)) {
            p_ = s;
            bad();
        }
        v.type = json::value_t::number_float;
        return v;
    }
    bool literal(const char* word) {
        const size_t n = std::strlen(word);
        if ((size_t)(e_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
        p_ += n;
        return true;
    }
    // A scalar at p_; false (nothing read) at an object or an array.
    bool scalar(Scalar& v, bool& compact) {
        if (p_ >= e_) bad();
        switch (*p_) {
            case '{':
            case '[': return false;
            case '"':
                v.type = json::value_t::string;
                v.text = string(compact);
                return true;
            case 't':
                if (!literal("true")) bad();
                v.type = json::value_t::boolean, v.text = "true", v.i = 1;
                return true;
            case 'f':
                if (!literal("false")) bad();
                v.type = json::value_t::boolean, v.text = "false", v.i = 0;
                return true;
            case 'n':
                if (!literal("null")) bad();
                v.type = json::value_t::null;
                return true;
            default: v = number(compact); return true;
        }
    }
    // Any value at p_, checked and passed over (no recursion: any depth).
    void skip_value() {
        bool unused = true;
        stack_.clear();
        for (;;) {
            ws();
            if (p_ >= e_) bad();
            if (*p_ == '{' || *p_ == '[') {
                stack_ += *p_++;
                ws();
                if (p_ < e_ && *p_ == (stack_.back() == '{' ? '}' : ']')) {
                    ++p_;
                    stack_.pop_back();
                } else {
                    if (stack_.back() == '{') {
                        string(unused);
                        ws();
                        expect(':');
                    }
                    continue;
                }
            } else {
                Scalar v;
                scalar(v, unused);
            }
            // After a value: the next one of its container, or the end of it.
            for (;;) {
                if (stack_.empty()) return;
                ws();
                if (p_ >= e_) bad();
                if (*p_ == ',') {
                    ++p_;
                    if (stack_.back() == '{') {
                        ws();
                        string(unused);
                        ws();
                        expect(':');
                    }
                    break;
                }
                expect(stack_.back() == '{' ? '}' : ']');
                stack_.pop_back();
            }
        }
    }
    json json_of(const Scalar& v) const {
        switch (v.type) {
            case json::value_t::string: return std::string(v.text);
            case json::value_t::boolean: return v.i != 0;
            case json::value_t::number_unsigned: return (uint64_t)v.i;
            case json::value_t::number_integer: return v.i;
            case json::value_t::number_float: return v.d;
            default: return nullptr;
        }
    }
    // Members of an object at p_ (its opening brace): each key's value is
    // read by `member`, which leaves p_ after it.
    template <class Member>
    void members(Member member) {
        bool unused = true;
        expect('{');
        ws();
        if (p_ < e_ && *p_ == '}') {
            ++p_;
            return;
        }
        for (;;) {
            ws();
            std::string_view k = string(unused);
            ws();
            expect(':');
            ws();
            member(k);
            ws();
            if (p_ < e_ && *p_ == ',') {
                ++p_;
                continue;
            }
            expect('}');
            return;
        }
    }
    void top() {
        top_object = true;
        members([&](std::string_view k) {
            bool unused = true;
            Scalar v;
            if (k == "changes") {
                if (p_ < e_ && *p_ == '[') {
                    changes_array = true;
                    change_list();
                } else {
                    changes_array = false;
                    skip_value();
                }
            } else if (scalar(v, unused)) {
                header[std::string(k)] = json_of(v);
            } else {
                skip_value();
            }
        });
    }
    void change_list() {
        expect('[');
        ws();
        if (p_ < e_ && *p_ == ']') {
            ++p_;
            return;
        }
        for (;;) {
            ws();
            if (p_ < e_ && *p_ == '{') {
                change();
            } else {
                skip_value();
                changes.emplace_back().is_object = false;
            }
            ws();
            if (p_ < e_ && *p_ == ',') {
                ++p_;
                continue;
            }
            expect(']');
            return;
        }
    }
    void change() {
        Change x;
        members([&](std::string_view k) {
            bool unused = true;
            Scalar v;
            std::string_view* field = k == "id" ? &x.id : k == "hlc" ? &x.hlc : k == "table" ? &x.table : k == "row" ? &x.row : nullptr;
            if (field) {
                const char* name = k == "id" ? "id" : k == "hlc" ? "hlc" : k == "table" ? "table" : "row";
                if (!scalar(v, unused)) skip_value();
                if (v.type == json::value_t::string) *field = v.text;
                else if (!x.bad_field) x.bad_field = name;
            } else if (k == "delete") {
                if (scalar(v, unused)) x.del = v.type == json::value_t::boolean && v.i == 1;
                else skip_value();
            } else if (k == "cells") {
                x.has_cells = true;
                if (p_ < e_ && *p_ == '{') {
                    x.cells_object = true;
                    cell_object(x);
                } else {
                    skip_value();
                }
            } else {
                skip_value();
            }
        });
        changes.push_back(x);
    }
    void cell_object(Change& x) {
        const char* from = p_;
        bool compact = true;
        x.first_cell = cells.size();
        expect('{');
        compact &= !ws();
        if (p_ < e_ && *p_ == '}') {
            ++p_;
        } else {
            for (;;) {
                compact &= !ws();
                CellInfo ci;
                ci.column = string(compact);
                compact &= !ws();
                expect(':');
                compact &= !ws();
                if (scalar(ci.value, compact)) {
                    ci.type = ci.value.type;
                } else {
                    ci.type = *p_ == '{' ? json::value_t::object : json::value_t::array;
                    compact = false;
                    skip_value();
                }
                cells.push_back(ci);
                compact &= !ws();
                if (p_ < e_ && *p_ == ',') {
                    ++p_;
                    continue;
                }
                expect('}');
                break;
            }
        }
        x.n_cells = cells.size() - x.first_cell;
        if (compact) {
            x.cells = std::string_view(from, (size_t)(p_ - from));
            return;
        }
        JsonWriter w;
        w.begin_object();
        for (size_t k = x.first_cell; k < cells.size(); ++k) {
            const CellInfo& ci = cells[k];
            w.key(ci.column);
            switch (ci.type) {
                case json::value_t::string: w.value(ci.value.text); break;
                case json::value_t::boolean: w.raw(ci.value.i ? "true" : "false"); break;
                case json::value_t::number_unsigned: w.raw(std::to_string((uint64_t)ci.value.i)); break;
                case json::value_t::number_integer: w.raw(std::to_string(ci.value.i)); break;
                case json::value_t::number_float: w.raw(ci.value.text); break;
                default: w.null();
            }
        }
        w.end_object();
        x.cells = owned_.emplace_back(w.str());
    }
};

const char* type_word(json::value_t t) {
    switch (t) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::string: return "string";
        case json::value_t::object: return "object";
        case json::value_t::array: return "array";
        case json::value_t::binary: return "binary";
        default: return "number";
    }
}

// The prepared statements of one apply, by SQL text.
// The statements of one merge, by SQL text. They come from and go back to
// the host's statement cache (cache_statements()) when it has one, so that a
// server merging batch after batch prepares each upsert, with its triggers
// compiled in, once rather than once per batch.
class Statements {
public:
    explicit Statements(sqlite3* db) : db_(db) {}
    sqlite3_stmt* get(const std::string& sql) {
        auto it = map_.find(sql);
        if (it != map_.end()) {
            sqlite3_stmt* s = it->second->raw();
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
        auto st = std::make_unique<Stmt>(db_, sql.c_str());
        sqlite3_stmt* s = st->raw();
        map_.emplace(sql, std::move(st));
        return s;
    }

    // A statement found by a short key (a table and its set of columns)
    // rather than by its SQL text, which is built only the first time.
    template <class MakeSql>
    sqlite3_stmt* keyed(const std::string& key, MakeSql make_sql) {
        auto it = keyed_.find(key);
        if (it == keyed_.end()) it = keyed_.emplace(key, get(make_sql())).first;
        sqlite3_stmt* s = it->second;
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }

    bool parked = false;  // park_dependents() put rows in sync_pending

private:
    sqlite3* db_;
    std::unordered_map<std::string, std::unique_ptr<Stmt>> map_;
    std::unordered_map<std::string, sqlite3_stmt*> keyed_;
};

// Brings change_rows up to date with the log: the writes since the last
// merge, indexed in one sorted batch (much cheaper than one index update per
// write, which is why writes do not do it).
void index_log(sqlite3* db) {
    int64_t done = 0;
    {
        Stmt q(db, "SELECT value FROM sync_meta WHERE key = 'indexed_seq'");
        if (q.step()) done = std::stoll(q.text(0));
    }
    Stmt last(db, "SELECT coalesce(max(seq), 0) FROM change_log");
    last.step();
    int64_t top = last.int64(0);
    if (top <= done) return;
    Stmt ins(db, "INSERT INTO change_rows(tbl, row_id, hlc, seq) SELECT tbl, row_id, hlc, seq FROM change_log"
                 " WHERE seq > ?1 AND seq <= ?2 ORDER BY tbl, row_id, hlc ON CONFLICT DO NOTHING");
    ins.bind(1, done).bind(2, top).step();
    Stmt up(db, "INSERT INTO sync_meta(key, value) VALUES ('indexed_seq', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    up.bind(1, std::to_string(top)).step();
}

void bind_json(sqlite3_stmt* s, int i, const json& v) {
    if (v.is_null()) sqlite3_bind_null(s, i);
    else if (v.is_string()) {
        const std::string& t = v.get_ref<const std::string&>();
        sqlite3_bind_text(s, i, t.data(), (int)t.size(), SQLITE_TRANSIENT);
    } else if (v.is_boolean()) sqlite3_bind_int(s, i, v.get<bool>() ? 1 : 0);
    else if (v.is_number_integer()) sqlite3_bind_int64(s, i, v.get<int64_t>());
    else if (v.is_number_unsigned()) sqlite3_bind_int64(s, i, (int64_t)v.get<uint64_t>());
    else if (v.is_number_float()) sqlite3_bind_double(s, i, v.get<double>());
    else sqlite3_bind_null(s, i);
}

// A JSON scalar as a bundle's scalar (its text a view of the value's).
Scalar scalar_of(const json& v) {
    Scalar x;
    x.type = v.type();
    switch (v.type()) {
        case json::value_t::string: x.text = v.get_ref<const std::string&>(); break;
        case json::value_t::boolean: x.i = v.get<bool>() ? 1 : 0; break;
        case json::value_t::number_integer: x.i = v.get<int64_t>(); break;
        case json::value_t::number_unsigned: x.i = (int64_t)v.get<uint64_t>(); break;
        case json::value_t::number_float: x.d = v.get<double>(); break;
        default: x.type = json::value_t::null;
    }
    return x;
}

// Binds a value for one step: a text is not copied (it outlives the step).
void bind_scalar(sqlite3_stmt* s, int i, const Scalar& v) {
    switch (v.type) {
        case json::value_t::string: sqlite3_bind_text(s, i, v.text.data(), (int)v.text.size(), SQLITE_STATIC); break;
        case json::value_t::boolean: sqlite3_bind_int(s, i, (int)v.i); break;
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: sqlite3_bind_int64(s, i, v.i); break;
        case json::value_t::number_float: sqlite3_bind_double(s, i, v.d); break;
        default: sqlite3_bind_null(s, i);
    }
}

json column_json(sqlite3_stmt* s, int i) {
    switch (sqlite3_column_type(s, i)) {
        case SQLITE_NULL: return nullptr;
        case SQLITE_INTEGER: return (int64_t)sqlite3_column_int64(s, i);
        case SQLITE_FLOAT: return sqlite3_column_double(s, i);
        default: return std::string((const char*)sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i));
    }
}

// Reads a stored change's cells (a flat JSON object) into `out`, a later
// value of a column replacing an earlier one.
class CellsReader : public nlohmann::json_sax<json> {
public:
    explicit CellsReader(std::map<std::string, json>& out) : out_(out) {}
    bool null() override { return put(json(nullptr)); }
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t v) override { return put(json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
    bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
    bool string(string_t& v) override { return put(json(std::move(v))); }
    bool binary(binary_t&) override { return put(json(nullptr)); }
    bool start_object(std::size_t) override { return ++depth_ == 1; }
    bool end_object() override { --depth_; return true; }
    bool start_array(std::size_t) override { return false; }
    bool end_array() override { return false; }
    bool key(string_t& k) override { key_ = std::move(k); return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
        throw Error(std::string("sync: a stored change is damaged: ") + e.what());
    }

private:
    bool put(json v) {
        out_[key_] = std::move(v);
        return true;
    }
    std::map<std::string, json>& out_;
    std::string key_;
    int depth_ = 0;
};

// The state of one row, folded from its changes in clock order.
struct Folded {
    bool known = false;  // any change at all
    bool alive = false;
    std::map<std::string, json> cells;
};

Folded fold(Statements& st, const std::string& table, const std::string& row) {
    sqlite3_stmt* q = st.get("SELECT r.hlc, l.cells FROM change_rows r JOIN change_log l ON l.seq = r.seq"
                             " WHERE r.tbl = ?1 AND r.row_id = ?2 ORDER BY r.hlc");
    sqlite3_bind_text(q, 1, table.data(), (int)table.size(), SQLITE_STATIC);
    sqlite3_bind_text(q, 2, row.data(), (int)row.size(), SQLITE_STATIC);
    Folded f;
    std::string last_write, last_delete;
    while (sqlite3_step(q) == SQLITE_ROW) {
        f.known = true;
        std::string hlc((const char*)sqlite3_column_text(q, 0));
        if (sqlite3_column_type(q, 1) == SQLITE_NULL) {
            last_delete = hlc;
            continue;
        }
        last_write = hlc;
        CellsReader reader(f.cells);
        const char* p = (const char*)sqlite3_column_text(q, 1);
        json::sax_parse(p, p + sqlite3_column_bytes(q, 1), &reader);
    }
    sqlite3_reset(q);
    f.alive = !last_write.empty() && last_write > last_delete;
    return f;
}

// The same for a row whose every change arrived in this batch (nothing of
// it in the log before): folded from the bundle's cells, read once already,
// into `cells` by column index (pointers into the changes; a column from a
// newer schema left out).
Folded fold_new(std::vector<const Change*> mine, std::vector<const Scalar*>& cells) {
    std::sort(mine.begin(), mine.end(), [](const Change* a, const Change* b) { return a->hlc < b->hlc; });
    Folded f;
    const std::string_view* last_write = nullptr;
    const std::string_view* last_delete = nullptr;
    for (const Change* x : mine) {
        f.known = true;
        if (x->del) {
            last_delete = &x->hlc;
            continue;
        }
        last_write = &x->hlc;
        for (const CellInfo& ci : *x)
            if (ci.index >= 0) cells[(size_t)ci.index] = &ci.value;
    }
    f.alive = last_write && (!last_delete || *last_write > *last_delete);
    return f;
}

// A row stands in its table when its changes say it is alive and every row
// it refers to stands. So before a row goes, the rows that refer to it go
// too and wait in sync_pending: their own changes decide whether they come
// back if the parent does (a newer edit resurrects it). This keeps a
// replica's tables a function of the changes it holds, whatever their order.
void park_dependents(sqlite3* db, const Conn& c, Statements& st, const Table& t, const std::string& row, int depth = 0) {
    if (depth > 8) return;
    for (const auto& [child_name, col] : t.referrers) {
        const Table* child = c.table(child_name);
        if (!child) continue;
        std::vector<std::string> rows;
        sqlite3_stmt* q = st.get("SELECT " + quote_id(child->pk) + " FROM main." + quote_id(child_name) + " WHERE " +
                                 quote_id(col) + " = ?1");
        sqlite3_bind_text(q, 1, row.data(), (int)row.size(), SQLITE_TRANSIENT);
        while (sqlite3_step(q) == SQLITE_ROW) rows.push_back((const char*)sqlite3_column_text(q, 0));
        sqlite3_reset(q);
        for (const std::string& r : rows) {
            park_dependents(db, c, st, *child, r, depth + 1);
            sqlite3_stmt* d = st.get("DELETE FROM main." + quote_id(child_name) + " WHERE " + quote_id(child->pk) + " = ?1");
            sqlite3_bind_text(d, 1, r.data(), (int)r.size(), SQLITE_TRANSIENT);
            int rc = sqlite3_step(d);
            sqlite3_reset(d);
            check(db, rc, "sync: parking a dependent row");
            sqlite3_stmt* p = st.get("INSERT INTO sync_pending(tbl, row_id, reason) VALUES (?1, ?2, 'a row it refers to was deleted')"
                                     " ON CONFLICT(tbl, row_id) DO NOTHING");
            sqlite3_bind_text(p, 1, child_name.data(), (int)child_name.size(), SQLITE_TRANSIENT);
            sqlite3_bind_text(p, 2, r.data(), (int)r.size(), SQLITE_TRANSIENT);
            sqlite3_step(p);
            sqlite3_reset(p);
            st.parked = true;
        }
    }
}

// A row's folded state, ready to be written: whether it stands, and its
// cells by column index (pointers into the changes of a row new to the
// batch, or into `held`, the values of a row folded from the log).
struct RowImage {
    Folded f;
    std::vector<const Scalar*> cells;
    std::vector<Scalar> held;
    std::string key;  // the table's rank, then the indexes of the columns set
};

void image_of(Statements& st, const Table& t, const std::string& row, const std::vector<const Change*>* only, RowImage& im) {
    im.cells.assign(t.columns.size(), nullptr);
    im.held.clear();
    im.f = only ? fold_new(*only, im.cells) : fold(st, t.name, row);
    if (!im.f.known || !im.f.alive) return;
    im.held.reserve(im.f.cells.size() + 1);
    if (!only)
        for (const auto& kv : im.f.cells)
            if (const Column* col = t.column(kv.first))
                im.cells[(size_t)(col - t.columns.data())] = &im.held.emplace_back(scalar_of(kv.second));
    Scalar& pk = im.held.emplace_back();
    pk.type = json::value_t::string;
    pk.text = row;
    im.cells[t.pk_index] = &pk;
    im.key.assign(1, (char)t.rank);
    for (size_t k = 0; k < im.cells.size(); ++k)
        if (im.cells[k]) im.key += (char)k;
}

// The upsert of `rows` rows of one table and set of columns (`key`).
sqlite3_stmt* upsert(Statements& st, const Table& t, const std::string& key, size_t rows) {
    return st.keyed(key + std::string(1, '\0') + std::to_string(rows), [&] {
        std::string cols, one, set;
        for (size_t k = 1; k < key.size(); ++k) {
            const std::string& name = t.columns[(size_t)(unsigned char)key[k]].name;
            cols += (cols.empty() ? "" : ", ") + quote_id(name);
            one += one.empty() ? "?" : ", ?";
            if (name != t.pk) set += (set.empty() ? "" : ", ") + quote_id(name) + " = excluded." + quote_id(name);
        }
        std::string vals;
        for (size_t r = 0; r < rows; ++r) vals += (r ? ", (" : "(") + one + ")";
        return "INSERT INTO main." + quote_id(t.name) + "(" + cols + ") VALUES " + vals + " ON CONFLICT(" + quote_id(t.pk) + ") DO " +
               (set.empty() ? std::string("NOTHING") : "UPDATE SET " + set);
    });
}

// Writes rows of one table and shape with one statement. Returns "" or,
// when a row cannot stand yet (a constraint), the reason; the statement
// then wrote none of them.
std::string write_images(sqlite3* db, Statements& st, const Table& t, const RowImage* const* images, size_t n) {
    sqlite3_stmt* s = upsert(st, t, images[0]->key, n);
    int i = 0;
    for (size_t r = 0; r < n; ++r)
        for (const Scalar* v : images[r]->cells)
            if (v) bind_scalar(s, ++i, *v);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return "";
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) return sqlite3_errmsg(db);
    check(db, rc, "sync: apply");
    return "";
}

// Writes a row's folded state into its table. Returns "" or, when the row
// cannot stand yet (a constraint), the reason.
// Takes a row out of its table, the rows that refer to it set aside first;
// "" or, when a constraint keeps it, SQLite's reason.
std::string remove_row(sqlite3* db, const Conn& c, Statements& st, const Table& t, const std::string& row) {
    park_dependents(db, c, st, t, row);
    sqlite3_stmt* s = st.get("DELETE FROM main." + quote_id(t.name) + " WHERE " + quote_id(t.pk) + " = ?1");
    sqlite3_bind_text(s, 1, row.data(), (int)row.size(), SQLITE_STATIC);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return "";
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) return sqlite3_errmsg(db);
    check(db, rc, "sync: apply");
    return "";
}

std::string materialize(sqlite3* db, const Conn& c, Statements& st, const Table& t, const std::string& row,
                        const std::vector<const Change*>* only = nullptr) {
    RowImage im;
    image_of(st, t, row, only, im);
    if (!im.f.known) return "";
    if (im.f.alive) {
        const RowImage* one = &im;
        return write_images(db, st, t, &one, 1);
    }
    return remove_row(db, c, st, t, row);
}

bool is_json_column(const std::string& name) { return name.size() > 5 && name.compare(name.size() - 5, 5, "_json") == 0; }

// Current values of a row (for the authority's refusals): all its columns,
// or with `json_only` its *_json columns alone.
std::map<std::string, json> row_values(Statements& st, const Table& t, const std::string& row, bool json_only = false) {
    std::map<std::string, json> out;
    // Keyed apart from the upserts, whose keys begin with a table's rank (below 32).
    sqlite3_stmt* q = st.keyed(std::string(json_only ? "j" : "*") + (char)t.rank, [&] {
        std::string cols;
        for (const Column& c : t.columns)
            if (!json_only || is_json_column(c.name)) cols += (cols.empty() ? "" : ", ") + quote_id(c.name);
        return "SELECT " + cols + " FROM main." + quote_id(t.name) + " WHERE " + quote_id(t.pk) + " = ?1";
    });
    sqlite3_bind_text(q, 1, row.data(), (int)row.size(), SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(q); ++i) out[sqlite3_column_name(q, i)] = column_json(q, i);
    sqlite3_reset(q);
    return out;
}

// The unique groups a replica can collide on while offline: the version
// counter of a lead's estimates and of editable templates.
const std::map<std::string, std::vector<std::string>> kVersionGroups = {
    {"estimates", {"lead_id"}},
    {"price_lists", {"studio_id", "name"}},
    {"brief_templates", {"code"}},
    {"templates", {"kind", "code", "lang"}},
};

// What a replica sent that no host could use: a template that does not
// render (or is nested too deep), a *_json column that is not JSON within
// the core's bounds. Column -> reason.
std::map<std::string, std::string> unusable_cells(const Table& t, const std::map<std::string, json>& row) {
    std::map<std::string, std::string> out;
    for (const auto& [col, v] : row) {
        if (!v.is_string()) continue;
        const std::string& text = v.get_ref<const std::string&>();
        if (t.name == "templates" && col == "body") {
            try {
                render_template(text, json::object());
            } catch (const Error& e) {
                out[col] = std::string("the template cannot be used: ") + (e.what() + 9);
            }
        } else if (is_json_column(col)) {
            if (parse_json_or_discard(text).is_discarded()) {
                out[col] = "not JSON, or nested deeper than " + std::to_string(kJsonMaxDepth) + " levels";
            } else if (col == "body_json" && (t.name == "price_lists" || t.name == "brief_templates")) {
                // Checked as the settings screens check them.
                try {
                    if (t.name == "price_lists") compile_price_list_text(text);
                    else check_brief_template(parse_json(text, "brief_template"));
                } catch (const Error& e) {
                    out[col] = std::string(t.name == "price_lists" ? "the price list" : "the brief template") +
                               " cannot be used: " + (e.what() + 9);
                }
            }
        }
    }
    return out;
}

// Whether every *_json cell these changes of a row carry is JSON within the
// core's bounds (what unusable_cells() asks of a *_json column).
bool json_cells_usable(const Table& t, const std::vector<const Change*>& changes) {
    for (const Change* x : changes)
        for (const CellInfo& ci : *x)
            if (ci.index >= 0 && ci.type == json::value_t::string && is_json_column(t.columns[(size_t)ci.index].name) &&
                parse_json_or_discard(ci.value.text).is_discarded())
                return false;
    return true;
}

bool has_checked_cells(const Table& t) {
    if (t.name == "templates") return true;
    for (const Column& c : t.columns)
        if (is_json_column(c.name)) return true;
    return false;
}

const char* series_of(const std::string& table) {
    if (table == "proposals") return "proposal";
    if (table == "contracts") return "contract";
    if (table == "invoices") return "invoice";
    return nullptr;
}

// A table the authority guards for its *_json cells alone: what it checks
// of a row reads those columns and nothing else.
bool guarded_for_json_only(const Table& t) {
    return !series_of(t.name) && t.name != "templates" && t.name != "price_lists" && t.name != "brief_templates" &&
           t.name != "payments" && t.name != "doc_links" && t.name != "outbox" && t.name != "rules";
}

int year_of(const std::string& iso) {
    if (iso.size() >= 4 && iso[0] >= '0' && iso[0] <= '9') return std::stoi(iso.substr(0, 4));
    return 2000;
}

std::string value_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

}  // namespace

// A row of one of the synced tables: (table rank, row id).
using RowKey = std::pair<int, std::string>;
struct RowKeyHash {
    size_t operator()(const RowKey& k) const { return std::hash<std::string>()(k.second) * 31 + (size_t)k.first; }
};

ApplyResult apply(sqlite3* db, std::string_view text, const ApplyOptions& o) {
    Conn& c = need(db);
    const int64_t now = o.now_ms ? o.now_ms : wall_ms();
    auto fail = [](const std::string& where, const std::string& what) -> Error {
        return Error("sync: " + where + ": " + what + " (nothing was applied)");
    };
    BundleReader reader(text);
    if (!reader.read()) throw fail("bundle", reader.syntax_error);
    if (!reader.top_object) throw fail("bundle", "expected a JSON object");
    const json& b = reader.header;
    if (!b.contains("format") || b["format"] != "atelier-sync") throw fail("format", "expected \"atelier-sync\"");
    if (!b.contains("version") || !b["version"].is_number_integer() || b["version"].get<int64_t>() != kBundleVersion)
        throw fail("version", "expected " + std::to_string(kBundleVersion));
    if (!b.contains("schema") || !b["schema"].is_number_integer()) throw fail("schema", "expected an integer");
    int64_t schema = b["schema"].get<int64_t>();
    int ours = schema_version(db);
    // The authority refuses what it cannot fully hold; a replica behind the
    // authority's schema keeps syncing what it knows.
    const bool lenient = !c.authority && schema > ours;
    if (schema > ours && !lenient)
        throw fail("schema", "the bundle was made by schema version " + std::to_string(schema) +
                                 " and this database has version " + std::to_string(ours) +
                                 "; upgrade Atelier here before syncing");
    if (schema < 4) throw fail("schema", "expected 4 or later, got " + std::to_string(schema));
    if (!b.contains("device") || !b["device"].is_string() || b["device"].get<std::string>().size() != 16 ||
        !is_hex(b["device"].get<std::string>()))
        throw fail("device", "expected 16 hex digits");
    const std::string bundle_device = b["device"].get<std::string>();
    if (c.authority && bundle_device == c.device) throw fail("device", "the bundle claims this database's own device id");
    if (!o.device.empty() && bundle_device != o.device)
        throw fail("device", "the bundle is from device " + bundle_device + " but was pushed with the token of device " + o.device);
    if (!reader.changes_array) throw fail("changes", "expected an array");

    ApplyResult r;
    if (b.contains("until") && b["until"].is_number_integer()) r.until = b["until"].get<int64_t>();
    if (b.contains("more") && b["more"].is_boolean()) r.more = b["more"].get<bool>();

    // Everything is checked before anything is written.
    std::vector<Change> changes;
    changes.reserve(reader.changes.size());
    std::string_view max_hlc;
    for (size_t i = 0; i < reader.changes.size(); ++i) {
        Change& x = reader.changes[i];
        // Where a refusal points; built only for one.
        auto at = [i] { return "changes[" + std::to_string(i) + "]"; };
        if (!x.is_object) throw fail(at(), "expected an object");
        if (x.bad_field) throw fail(at() + "." + x.bad_field, "expected a string");
        if (x.id.empty()) throw fail(at() + ".id", "expected a string");
        if (x.hlc.empty()) throw fail(at() + ".hlc", "expected a string");
        if (x.table.empty()) throw fail(at() + ".table", "expected a string");
        int64_t ms;
        int count;
        std::string_view dev;
        if (!parse_hlc(x.hlc, &ms, &count, &dev))
            throw fail(at() + ".hlc", "not a clock value (\"" + std::string(x.hlc.substr(0, 60)) + "\")");
        x.device = dev;
        const Table* t = x.t = c.table(x.table);
        if (!t) {
            // A replica older than the authority skips what it cannot hold.
            if (lenient) continue;
            throw fail(at() + ".table", "unknown table \"" + std::string(x.table.substr(0, 60)) + "\"");
        }
        if (x.row.empty() || x.row.size() > kMaxRowIdBytes) throw fail(at() + ".row", "expected 1 to 200 characters");
        if (x.id != change_id(x.hlc, x.table, x.row)) throw fail(at() + ".id", "does not match the change's clock, table and row");
        if (c.authority) {
            if (x.device == c.device) throw fail(at() + ".hlc", "claims this database's own device id " + c.device);
            if (x.device != bundle_device)
                throw fail(at() + ".hlc", "written by device " + std::string(x.device) + ", but the bundle is from device " + bundle_device +
                                            " (a replica sends only its own changes)");
            if (ms > now + kMaxDriftMs)
                throw fail(at() + ".hlc", "the clock of device " + std::string(x.device) + " is " + std::to_string((ms - now) / 60000) +
                                            " min ahead of this server (at most 5 min); correct the device's clock");
        }
        if (x.del) {
            if (x.has_cells) throw fail(at(), "a delete carries no cells");
        } else {
            if (!x.cells_object || x.n_cells == 0) throw fail(at() + ".cells", "expected an object of columns");
            // Cells come in the table's column order when a host wrote them:
            // each column is looked for after the previous one first.
            size_t next = 0;
            for (CellInfo& ci : x) {
                auto cat = [&] { return at() + ".cells." + std::string(ci.column.substr(0, 60)); };
                const Column* col = next < t->columns.size() && t->columns[next].name == ci.column ? &t->columns[next] : t->column(ci.column);
                if (!col) {
                    if (lenient) continue;
                    throw fail(cat(), "unknown column of " + std::string(x.table));
                }
                ci.index = (int)(col - t->columns.data());
                next = (size_t)ci.index + 1;
                if (ci.type == json::value_t::null) continue;
                if (col->type == 'T' && ci.type != json::value_t::string)
                    throw fail(cat(), std::string("expected text or null, got ") + type_word(ci.type));
                if (col->type == 'I' && ci.type != json::value_t::number_integer && ci.type != json::value_t::number_unsigned)
                    throw fail(cat(), std::string("expected an integer or null, got ") + type_word(ci.type));
                if (ci.type == json::value_t::object || ci.type == json::value_t::array || ci.type == json::value_t::binary)
                    throw fail(cat(), "expected a scalar");
                if (ci.type == json::value_t::string && ci.value.text.size() > kMaxValueBytes) throw fail(cat(), "value larger than 1 MiB");
                if (ci.column == t->pk && (ci.type != json::value_t::string || ci.value.text != x.row))
                    throw fail(cat(), "differs from the change's row id");
            }
        }
        if (x.hlc > max_hlc) max_hlc = x.hlc;
        changes.push_back(std::move(x));
    }
    r.changes = (int64_t)changes.size();
    if (!max_hlc.empty()) observe(max_hlc);

    Savepoint sp(db, "atelier_sync_apply");
    Statements st(db);
    std::vector<const Change*> fresh;
    // Each row of the batch: whether the log held any of its changes before
    // it, and the changes of it applied now. A row with no history is folded
    // from these, in memory.
    struct RowState {
        bool had_history = false;
        std::vector<const Change*> applied;
    };
    std::unordered_map<RowKey, RowState, RowKeyHash> rows;
    rows.reserve(changes.size());
    std::vector<const RowKey*> touched;  // the rows changed, sorted below by (table rank, row)
    {
        Logging quiet(c, false);
        index_log(db);
        sqlite3_stmt* seen = st.get("SELECT 1 FROM change_rows WHERE tbl = ?1 AND row_id = ?2 LIMIT 1");
        sqlite3_stmt* ins = st.get("INSERT INTO change_log(hlc, device, tbl, row_id, cells) VALUES (?1, ?2, ?3, ?4, ?5)");
        sqlite3_stmt* idx = st.get("INSERT INTO change_rows(tbl, row_id, hlc, seq) VALUES (?1, ?2, ?3, ?4)"
                                   " ON CONFLICT DO NOTHING");
        sqlite3_stmt* undo = st.get("DELETE FROM change_log WHERE seq = ?1");
        for (const Change& x : changes) {
            auto [h, first] = rows.try_emplace(RowKey{x.t->rank, std::string(x.row)});
            if (first) {
                sqlite3_reset(seen);
                sqlite3_bind_text(seen, 1, x.table.data(), (int)x.table.size(), SQLITE_STATIC);
                sqlite3_bind_text(seen, 2, x.row.data(), (int)x.row.size(), SQLITE_STATIC);
                int rc = sqlite3_step(seen);
                if (rc != SQLITE_ROW) check(db, rc, "sync: change index");
                h->second.had_history = rc == SQLITE_ROW;
                sqlite3_reset(seen);
            }
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, x.hlc.data(), (int)x.hlc.size(), SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, x.device.data(), (int)x.device.size(), SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, x.table.data(), (int)x.table.size(), SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, x.row.data(), (int)x.row.size(), SQLITE_STATIC);
            if (!x.del) sqlite3_bind_text(ins, 5, x.cells.data(), (int)x.cells.size(), SQLITE_STATIC);
            else sqlite3_bind_null(ins, 5);
            check(db, sqlite3_step(ins), "sync: change log");
            int64_t seq = sqlite3_last_insert_rowid(db);
            sqlite3_reset(idx);
            sqlite3_bind_text(idx, 1, x.table.data(), (int)x.table.size(), SQLITE_STATIC);
            sqlite3_bind_text(idx, 2, x.row.data(), (int)x.row.size(), SQLITE_STATIC);
            sqlite3_bind_text(idx, 3, x.hlc.data(), (int)x.hlc.size(), SQLITE_STATIC);
            sqlite3_bind_int64(idx, 4, seq);
            check(db, sqlite3_step(idx), "sync: change index");
            if (sqlite3_changes(db) == 0) {  // here already: a resend
                sqlite3_reset(undo);
                sqlite3_bind_int64(undo, 1, seq);
                check(db, sqlite3_step(undo), "sync: change log");
                ++r.duplicates;
                continue;
            }
            ++r.applied;
            fresh.push_back(&x);
            if (h->second.applied.empty()) touched.push_back(&h->first);
            h->second.applied.push_back(&x);
        }
        std::sort(touched.begin(), touched.end(), [](const RowKey* a, const RowKey* b) { return *a < *b; });
        // Everything in the log up to here is in change_rows.
        Stmt top(db, "INSERT INTO sync_meta(key, value) SELECT 'indexed_seq', coalesce(max(seq), 0) FROM change_log WHERE true"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        top.step();
    }

    // What the authority protects: the values before this batch.
    struct Guard {
        const Table* t;
        std::string row;
        std::map<std::string, json> before;
        bool accepted;
        bool json_only;  // before and after hold the *_json columns only
    };
    std::vector<Guard> guards;
    if (c.authority) {
        for (const RowKey* tr : touched) {
            const Table& t = c.tables[(size_t)tr->first];
            if (!series_of(t.name) && !has_checked_cells(t) && t.name != "payments" && t.name != "doc_links" && t.name != "outbox" &&
                t.name != "rules")
                continue;
            const bool json_only = guarded_for_json_only(t);
            // A row with no change in the log before this batch is not in
            // its table (the tables follow the log): where the values before
            // serve only to put back a usable *_json value, nothing to read.
            const RowState& state = rows.at(*tr);
            const bool unread = json_only && !state.had_history;
            // Nor after it, when every *_json cell it was sent is usable: the
            // row then holds those cells or its columns' defaults.
            if (unread && json_cells_usable(t, state.applied)) continue;
            Guard g{&t, tr->second, unread ? std::map<std::string, json>{} : row_values(st, t, tr->second, json_only), false, json_only};
            auto s = g.before.find("status");
            g.accepted = s != g.before.end() && s->second == "accepted" && t.name != "invoices";
            guards.push_back(std::move(g));
        }
    }

    std::vector<std::pair<const Table*, std::string>> materialized;
    {
        Logging quiet(c, false);
        bool any_pending = false;
        {
            Stmt q(db, "SELECT 1 FROM sync_pending LIMIT 1");
            any_pending = q.step();
        }
        // The report paths of the rows written are rebuilt once, after them.
        const bool hold = ours >= 15;
        if (hold) analytics::hold_paths(db);
        // A row written, or waiting for `why`.
        auto settled = [&](const Table& t, const std::string& row, const std::string& why) {
            if (st.parked) any_pending = true;
            sqlite3_stmt* s;
            if (why.empty()) {
                materialized.push_back({&t, row});
                if (!any_pending) return true;
                s = st.get("DELETE FROM sync_pending WHERE tbl = ?1 AND row_id = ?2");
            } else {
                any_pending = true;
                // A row that stood and cannot stand as its changes now say
                // (what it refers to is not here, a unique value is taken)
                // waits out of its table, as the rows of a deleted one do:
                // whichever replica had it before, all show the same.
                remove_row(db, c, st, t, row);  // a constraint that keeps it leaves it as it was
                s = st.get("INSERT INTO sync_pending(tbl, row_id, reason) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT(tbl, row_id) DO UPDATE SET reason = excluded.reason");
                sqlite3_bind_text(s, 3, why.data(), (int)why.size(), SQLITE_TRANSIENT);
            }
            sqlite3_bind_text(s, 1, t.name.data(), (int)t.name.size(), SQLITE_STATIC);
            sqlite3_bind_text(s, 2, row.data(), (int)row.size(), SQLITE_STATIC);
            check(db, sqlite3_step(s), "sync: pending");
            sqlite3_reset(s);
            return why.empty();
        };
        auto settle = [&](const Table& t, const std::string& row, const std::vector<const Change*>* only = nullptr) {
            return settled(t, row, materialize(db, c, st, t, row, only));
        };
        // Rows that stand, of one table and set of columns, are written
        // together by one statement, up to kRun at a time. A statement that
        // cannot write them all (a row whose parent has not arrived, a
        // unique value taken) wrote none: its rows are written one by one,
        // and only those that cannot stand wait.
        constexpr size_t kRun = 64;
        std::vector<RowImage> images(kRun);
        std::vector<const RowImage*> run;
        std::vector<const std::string*> run_rows;
        const Table* run_table = nullptr;
        auto flush = [&] {
            size_t done = 0;
            while (done < run.size()) {
                const size_t left = run.size() - done;
                const size_t n = left >= 64 ? 64 : left >= 16 ? 16 : left >= 4 ? 4 : 1;
                const std::string why = write_images(db, st, *run_table, run.data() + done, n);
                for (size_t k = done; k < done + n; ++k)
                    settled(*run_table, *run_rows[k], why.empty() || n == 1 ? why : write_images(db, st, *run_table, &run[k], 1));
                done += n;
            }
            run.clear();
            run_rows.clear();
        };
        for (const RowKey* tr : touched) {
            const Table& t = c.tables[(size_t)tr->first];
            const RowState& state = rows.at(*tr);
            if (!run.empty() && (run.size() == kRun || run_table != &t)) flush();
            RowImage& im = images[run.size()];
            image_of(st, t, tr->second, state.had_history ? nullptr : &state.applied, im);
            if (!im.f.known) continue;
            if (!im.f.alive) {
                // A delete: after the rows before it, on its own.
                flush();
                settle(t, tr->second, state.had_history ? nullptr : &state.applied);
                continue;
            }
            if (!run.empty() && run.back()->key != im.key) {
                flush();
                images[0] = std::move(im);
                run.push_back(&images[0]);
            } else {
                run.push_back(&im);
            }
            run_rows.push_back(&tr->second);
            run_table = &t;
        }
        flush();
        // Rows that waited may stand now; repeat while something moves.
        for (int pass = 0; pass < 64; ++pass) {
            struct Waiting {
                std::string table, row, reason;
            };
            std::vector<Waiting> waiting;
            {
                Stmt q(db, "SELECT tbl, row_id, reason FROM sync_pending ORDER BY tbl, row_id");
                while (q.step()) waiting.push_back({q.text(0), q.text(1), q.text(2)});
            }
            bool progress = false;
            for (const auto& w : waiting) {
                const Table* t = c.table(w.table);
                if (t && settle(*t, w.row)) progress = true;
            }
            if (!progress && c.authority) {
                // Two replicas took the same version number offline: the
                // later arrival gets the next one (always upwards, so a
                // replica holding the other row never waits on a swap).
                for (const auto& w : waiting) {
                    if (w.reason.find("UNIQUE") == std::string::npos) continue;
                    auto g = kVersionGroups.find(w.table);
                    if (g == kVersionGroups.end()) continue;
                    const Table* t = c.table(w.table);
                    Folded f = fold(st, t->name, w.row);
                    if (!f.alive) continue;
                    std::string sql = "SELECT coalesce(max(version), 0) + 1 FROM main." + quote_id(t->name) + " WHERE 1";
                    for (size_t k = 0; k < g->second.size(); ++k)
                        sql += " AND " + quote_id(g->second[k]) + " IS ?" + std::to_string(k + 1);
                    sqlite3_stmt* q = st.get(sql);
                    for (size_t k = 0; k < g->second.size(); ++k) {
                        auto cell = f.cells.find(g->second[k]);
                        bind_json(q, (int)k + 1, cell == f.cells.end() ? json(nullptr) : cell->second);
                    }
                    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 1;
                    sqlite3_reset(q);
                    auto cur = f.cells.find("version");
                    if (cur != f.cells.end() && cur->second == json(v)) continue;
                    std::string cells = "{\"version\":" + std::to_string(v) + "}";
                    Stmt ins(db, "INSERT INTO change_log(hlc, device, tbl, row_id, cells) VALUES (?1, ?2, ?3, ?4, ?5)");
                    ins.bind(1, tick(c.device)).bind(2, c.device).bind(3, t->name).bind(4, w.row).bind(5, cells).step();
                    index_log(db);
                    if (settle(*t, w.row)) progress = true;
                }
            }
            if (!progress) break;
        }
        if (hold) analytics::release_paths(db);
    }

    if (c.authority) {
        // A document the client accepted stays as accepted; a number is the
        // authority's to give. Anything else is written back with a newer
        // clock, so every replica ends with the authority's value.
        std::map<std::string, std::string> refused_cols;  // "table|row|col" -> reason
        std::set<std::string> restored;  // invoices that stand again with their contract
        std::vector<std::pair<const Table*, std::string>> snapshots;  // new documents with a device's printed copy
        for (const Guard& g : guards) {
            std::map<std::string, json> after = row_values(st, *g.t, g.row, g.json_only);
            if (after.empty()) continue;
            std::vector<std::string> restore;
            // Content no host could use: the previous value comes back; a
            // new row gets an empty one ('{}', or the template it replaces).
            std::map<std::string, json> replacement;
            for (const auto& [col, reason] : unusable_cells(*g.t, after)) {
                auto prev = g.before.find(col);
                json back;
                if (prev != g.before.end() && unusable_cells(*g.t, {{col, prev->second}}).empty()) {
                    back = prev->second;
                } else if (g.t->name == "price_lists" || g.t->name == "brief_templates") {
                    const bool pl = g.t->name == "price_lists";
                    Stmt q(db, pl ? "SELECT body_json FROM price_lists WHERE currency = ?1 AND id != ?2 ORDER BY version DESC LIMIT 1"
                                  : "SELECT body_json FROM brief_templates WHERE code = ?1 AND id != ?2 ORDER BY version DESC LIMIT 1");
                    q.bind(1, value_text(after[pl ? "currency" : "code"])).bind(2, g.row);
                    back = q.step() ? json(q.text(0))
                           : pl ? json(value_text(after["currency"]) == "EUR" ? default_price_list_eur() : default_price_list_rub())
                                : json("{}");
                } else if (g.t->name == "templates") {
                    Stmt q(db, "SELECT body FROM templates WHERE kind = ?1 AND code = ?2 AND lang = ?3 AND id != ?4"
                               " ORDER BY version DESC LIMIT 1");
                    q.bind(1, value_text(after["kind"])).bind(2, value_text(after["code"])).bind(3, value_text(after["lang"]))
                        .bind(4, g.row);
                    back = q.step() ? json(q.text(0)) : json("");
                } else {
                    back = "{}";
                }
                replacement[col] = back;
                restore.push_back(col);
                refused_cols[g.t->name + "|" + g.row + "|" + col] = reason;
            }
            // What only the server writes: client links (a new one from a
            // device is taken back), printed copies of documents, and what an
            // issued invoice or a recorded payment says.
            if (g.t->name == "doc_links" && g.before.empty()) {
                Stmt del(db, "DELETE FROM main.doc_links WHERE token = ?1");
                del.bind(1, g.row).step();
                refused_cols["doc_links|" + g.row + "|token"] = "client links are made by the server";
                continue;
            }
            // The rules decide what leaves the studio and where to: the owner's.
            if (g.t->name == "rules" && !o.owner) {
                const char* why = "only the studio's owner changes the notification rules";
                if (g.before.empty()) {
                    Stmt del(db, "DELETE FROM main.rules WHERE code = ?1");
                    del.bind(1, g.row).step();
                    refused_cols["rules|" + g.row + "|code"] = why;
                    continue;
                }
                for (const auto& kv : g.before)
                    if (after[kv.first] != kv.second) {
                        restore.push_back(kv.first);
                        refused_cols["rules|" + g.row + "|" + kv.first] = why;
                    }
            }
            // Messages are written by the server's rules: a device asks for
            // one with an event (document_sent), never with a row of its own.
            if (g.t->name == "outbox" && g.before.empty()) {
                Stmt del(db, "DELETE FROM main.outbox WHERE id = ?1");
                del.bind(1, g.row).step();
                refused_cols["outbox|" + g.row + "|id"] = "messages are made by the server's rules; send a document from its card";
                continue;
            }
            static const std::map<std::string, std::set<std::string>> kServerOnly = {
                {"doc_links", {"token", "kind", "doc_id", "lead_id", "created_at", "expires_at", "revoked_at"}},
                {"payments", {"invoice_id", "amount_minor", "currency", "reference", "received_on", "method"}},
                {"invoices", {"lead_id", "contract_id", "lines_json", "subtotal_minor", "tax_minor", "total_minor", "currency",
                              "issued_on", "due_on", "position", "snapshot_html"}},
                {"proposals", {"snapshot_html"}},
                {"outbox", {"lead_id", "rule", "occasion", "channel", "recipient", "reply_to", "lang", "subject", "body", "html",
                            "due_at", "attempts", "next_attempt_at", "created_at", "sent_at"}},
                {"contracts", {"snapshot_html"}},
            };
            // A planned invoice (a draft) is issued on a device: its dates and
            // printed copy are new, the copy rendered by the server.
            const bool issuing = g.t->name == "invoices" && !g.before.empty() && g.before.at("status") == "draft";
            if (issuing && after["status"] != "draft") snapshots.push_back({g.t, g.row});
            if (auto so = kServerOnly.find(g.t->name); so != kServerOnly.end() && !g.before.empty()) {
                for (const auto& col : so->second) {
                    if (issuing && (col == "issued_on" || col == "due_on" || col == "snapshot_html")) continue;
                    auto b0 = g.before.find(col);
                    if (b0 == g.before.end() || after[col] == b0->second || replacement.count(col)) continue;
                    restore.push_back(col);
                    // Accepted by the manager offline: the server prints the accepted copy.
                    if (col == "snapshot_html" && g.t->name != "invoices" && after["status"] == "accepted" &&
                        g.before.at("status") != "accepted")
                        snapshots.push_back({g.t, g.row});
                    refused_cols[g.t->name + "|" + g.row + "|" + col] =
                        col == "snapshot_html" ? "printed copies of documents are made by the server"
                        : g.t->name == "payments" ? "a recorded payment does not change; record a correction instead"
                        : g.t->name == "invoices" ? "an issued invoice does not change; void it and issue a new one"
                        : g.t->name == "outbox"   ? "a message is written by the server; cancel it or send it again"
                                                  : "client links are the server's";
                }
            }
            if (g.before.empty() && series_of(g.t->name) && after.count("snapshot_html") && !after["snapshot_html"].is_null())
                snapshots.push_back({g.t, g.row});
            for (const auto& kv : g.before) {
                if (!series_of(g.t->name) || replacement.count(kv.first)) continue;
                if (std::find(restore.begin(), restore.end(), kv.first) != restore.end()) continue;
                bool protect = g.accepted || kv.first == "number";
                if (!protect || after[kv.first] == kv.second) continue;
                restore.push_back(kv.first);
                std::string reason = g.accepted
                    ? "the client accepted this " + std::string(series_of(g.t->name)) + " on " +
                          value_text(g.before.at("accepted_at")) + "; it can no longer change (make a new version instead)"
                    : "document numbers are given only by the server";
                refused_cols[g.t->name + "|" + g.row + "|" + kv.first] = reason;
            }
            if (series_of(g.t->name) && g.before.empty() && after.count("number") && !after["number"].is_null()) {
                restore.push_back("number");
                refused_cols[g.t->name + "|" + g.row + "|number"] = "document numbers are given only by the server";
            }
            if (restore.empty()) continue;
            std::string set;
            for (size_t k = 0; k < restore.size(); ++k)
                set += (k ? ", " : "") + quote_id(restore[k]) + " = ?" + std::to_string(k + 2);
            Stmt up(db, ("UPDATE main." + quote_id(g.t->name) + " SET " + set + " WHERE " + quote_id(g.t->pk) + " = ?1").c_str());
            up.bind(1, g.row);
            for (size_t k = 0; k < restore.size(); ++k) {
                auto r2 = replacement.find(restore[k]);
                auto it = g.before.find(restore[k]);
                bind_json(up.raw(), (int)k + 2, r2 != replacement.end() ? r2->second : it == g.before.end() ? json(nullptr) : it->second);
            }
            up.step();
        }
        // One live contract per lead: when two managers each took the lead
        // to a contract offline, the one the server has already numbered
        // stays (else the one made first); the other is withdrawn
        // (superseded) and its unpaid invoices void, before they get
        // numbers. The device that made it is told.
        {
            std::set<std::string> leads;
            std::set<RowKey> money;  // the payments, contracts and invoices written
            auto is_money = [](const Table& t) { return t.name == "payments" || t.name == "contracts" || t.name == "invoices"; };
            for (const RowKey* tr : touched)
                if (is_money(c.tables[(size_t)tr->first])) money.insert(*tr);
            for (const auto& m : materialized)
                if (is_money(*m.first)) money.insert({m.first->rank, m.second});
            for (const RowKey& tr : money) {
                const Table& t = c.tables[(size_t)tr.first];
                if (t.name == "payments") {
                    Stmt q(db, "SELECT i.lead_id FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.id = ?1");
                    q.bind(1, tr.second);
                    if (q.step()) leads.insert(q.text(0));
                    continue;
                }
                if (t.name != "contracts" && t.name != "invoices") continue;
                auto v = row_values(st, t, tr.second);
                if (v["lead_id"].is_string()) leads.insert(v["lead_id"].get<std::string>());
            }
            const std::string now_at = format_hlc(now, 0, c.device).substr(0, 19) + "Z";
            for (const std::string& lead : leads) {
                Stmt q(db, "SELECT id, coalesce(number, provisional_number, id) FROM contracts WHERE lead_id = ?1"
                           " AND status NOT IN ('superseded', 'declined') ORDER BY number IS NULL, created_at, id");
                q.bind(1, lead);
                std::vector<std::pair<std::string, std::string>> live;
                while (q.step()) live.push_back({q.text(0), q.text(1)});
                for (size_t k = 1; k < live.size(); ++k) {
                    const std::string reason = "another manager's contract of this lead reached the studio first (" + live[0].second +
                                               "); this one is withdrawn and its unpaid invoices are void";
                    Stmt w(db, "UPDATE contracts SET status = 'superseded', updated_at = ?2 WHERE id = ?1");
                    w.bind(1, live[k].first).bind(2, now_at).step();
                    refused_cols["contracts|" + live[k].first + "|status"] = reason;
                    Stmt inv(db, "SELECT id FROM invoices WHERE contract_id = ?1 AND status != 'void'");
                    inv.bind(1, live[k].first);
                    std::vector<std::string> void_ids;
                    while (inv.step()) void_ids.push_back(inv.text(0));
                    for (const std::string& id : void_ids) {
                        Stmt v(db, "UPDATE invoices SET status = 'void', updated_at = ?2 WHERE id = ?1");
                        v.bind(1, id).bind(2, now_at).step();
                        refused_cols["invoices|" + id + "|status"] = reason;
                    }
                }
                // Invoices of a withdrawn contract do not stand, whenever they arrive.
                {
                    Stmt late(db, "SELECT id FROM invoices WHERE lead_id = ?1 AND status != 'void' AND contract_id IN"
                                  " (SELECT id FROM contracts WHERE status IN ('superseded', 'declined'))");
                    late.bind(1, lead);
                    std::vector<std::string> ids;
                    while (late.step()) ids.push_back(late.text(0));
                    for (const std::string& id : ids) {
                        Stmt v(db, "UPDATE invoices SET status = 'void', updated_at = ?2 WHERE id = ?1");
                        v.bind(1, id).bind(2, now_at).step();
                        if (!refused_cols.count("invoices|" + id + "|status"))
                            refused_cols["invoices|" + id + "|status"] = "the contract of this invoice was withdrawn; the invoice is void";
                    }
                }
                // A contract that stands again (a device's later change of
                // its status won over its withdrawal) gets back the invoices
                // voided with it: per line of its schedule with no standing
                // invoice, the one voided last. Only the authority voids an
                // invoice, and only with its contract.
                {
                    Stmt back(db, "SELECT v.id, v.contract_id, v.position, v.number IS NULL, v.total_minor,"
                                  " (SELECT coalesce(sum(amount_minor), 0) FROM payments p WHERE p.invoice_id = v.id)"
                                  " FROM invoices v JOIN contracts c ON c.id = v.contract_id AND c.status NOT IN ('superseded', 'declined')"
                                  " WHERE v.lead_id = ?1 AND v.status = 'void' AND NOT EXISTS (SELECT 1 FROM invoices s"
                                  " WHERE s.contract_id = v.contract_id AND s.position = v.position AND s.status != 'void')"
                                  " ORDER BY v.contract_id, v.position, v.updated_at DESC, v.id");
                    back.bind(1, lead);
                    std::vector<std::pair<std::string, std::string>> stand;  // invoice, status
                    std::string line;
                    while (back.step()) {
                        const std::string key = back.text(1) + "|" + std::to_string(back.int64(2));
                        if (key == line) continue;
                        line = key;
                        const int64_t total = back.int64(4), paid = back.int64(5);
                        stand.push_back({back.text(0), paid >= total && total > 0 ? "paid"
                                                       : paid > 0                 ? "partially_paid"
                                                       : back.int64(3)            ? "draft"
                                                                                  : "issued"});
                    }
                    for (const auto& [id, status] : stand) {
                        Stmt up(db, "UPDATE invoices SET status = ?2, updated_at = ?3 WHERE id = ?1");
                        up.bind(1, id).bind(2, status).bind(3, now_at).step();
                        restored.insert(id);
                        if (!refused_cols.count("invoices|" + id + "|status"))
                            refused_cols["invoices|" + id + "|status"] = "the contract of this invoice stands again; so does the invoice";
                    }
                }
                // A payment recorded against a void invoice belongs to the
                // standing invoice of the same line of the schedule.
                Stmt pay(db, "SELECT p.id, l.id, l.total_minor FROM payments p JOIN invoices v ON v.id = p.invoice_id"
                             " JOIN invoices l ON l.lead_id = v.lead_id AND l.position = v.position AND l.status != 'void'"
                             " JOIN contracts c ON c.id = l.contract_id AND c.status NOT IN ('superseded', 'declined')"
                             " WHERE v.lead_id = ?1 AND v.status = 'void'");
                pay.bind(1, lead);
                std::vector<std::pair<std::string, std::string>> moves;
                while (pay.step()) moves.push_back({pay.text(0), pay.text(1)});
                for (const auto& [payment, to] : moves) {
                    Stmt mv(db, "UPDATE payments SET invoice_id = ?2 WHERE id = ?1");
                    mv.bind(1, payment).bind(2, to).step();
                    refused_cols["payments|" + payment + "|invoice_id"] =
                        "the invoice of this payment was withdrawn with its contract; the payment now counts for the standing invoice of the same line";
                    Stmt up(db, "UPDATE invoices SET status = CASE WHEN (SELECT coalesce(sum(amount_minor), 0) FROM payments WHERE invoice_id = ?1)"
                                " >= total_minor THEN 'paid' ELSE 'partially_paid' END, updated_at = ?2 WHERE id = ?1");
                    up.bind(1, to).bind(2, now_at).step();
                }
            }
        }
        // A new document's printed copy is the server's own rendering.
        for (const auto& [t, row] : snapshots) {
            Stmt lang(db, ("SELECT lang, status FROM main." + quote_id(t->name) + " WHERE id = ?1").c_str());
            lang.bind(1, row);
            if (!lang.step()) continue;
            std::string l = lang.text(0), status = lang.text(1);
            Stmt clear(db, ("UPDATE main." + quote_id(t->name) + " SET snapshot_html = NULL WHERE id = ?1").c_str());
            clear.bind(1, row).step();
            if (t->name == "invoices" || status == "accepted") {
                std::string html;
                try {
                    html = document_html(db, series_of(t->name), row, parse_lang(l));
                } catch (const Error&) {
                }
                Stmt set(db, ("UPDATE main." + quote_id(t->name) + " SET snapshot_html = nullif(?2, '') WHERE id = ?1").c_str());
                set.bind(1, row).bind(2, html).step();
            }
        }
        // An invoice's status follows its payments (and a void one stays void).
        {
            std::set<std::string> invoices;
            for (const Guard& g : guards) {
                if (g.t->name == "invoices") invoices.insert(g.row);
                if (g.t->name == "payments") {
                    Stmt q(db, "SELECT invoice_id FROM payments WHERE id = ?1");
                    q.bind(1, g.row);
                    if (q.step()) invoices.insert(q.text(0));
                    auto b0 = g.before.find("invoice_id");
                    if (b0 != g.before.end() && b0->second.is_string()) invoices.insert(b0->second.get<std::string>());
                }
            }
            const std::string now_at = format_hlc(now, 0, c.device).substr(0, 19) + "Z";
            for (const std::string& id : invoices) {
                Stmt q(db, "SELECT status, total_minor, (SELECT coalesce(sum(amount_minor), 0) FROM payments WHERE invoice_id = ?1)"
                           " FROM invoices WHERE id = ?1");
                q.bind(1, id);
                if (!q.step()) continue;
                std::string status = q.text(0);
                int64_t total = q.int64(1), paid = q.int64(2);
                // Void stays void, also when a device recorded a payment
                // against it: that payment counts once the standing invoice
                // of its line exists (see above).
                bool was_void = status == "void";
                for (const Guard& g : guards)
                    if (g.t->name == "invoices" && g.row == id && g.before.count("status") && g.before.at("status") == "void" &&
                        !restored.count(id))
                        was_void = true;
                std::string want = was_void                       ? "void"
                                   : paid >= total && total > 0   ? "paid"
                                   : paid > 0                     ? "partially_paid"
                                   : status == "draft"            ? "draft"
                                                                  : "issued";
                if (want == status) continue;
                Stmt up(db, "UPDATE invoices SET status = ?2, updated_at = ?3 WHERE id = ?1");
                up.bind(1, id).bind(2, want).bind(3, now_at).step();
                if (!refused_cols.count("invoices|" + id + "|status"))
                    refused_cols["invoices|" + id + "|status"] = "an invoice's status follows its payments";
            }
        }
        if (!refused_cols.empty()) {
            std::string at = format_hlc(now, 0, c.device).substr(0, 19) + "Z";
            for (const Change* x : fresh) {
                for (const CellInfo& ci : *x) {
                    auto f = refused_cols.find(std::string(x->table) + "|" + std::string(x->row) + "|" + std::string(ci.column));
                    if (f == refused_cols.end()) continue;
                    r.refusals.push_back({std::string(x->id), std::string(x->table), std::string(x->row), std::string(ci.column), f->second});
                    Stmt rec(db, "INSERT INTO sync_refusals(at, device, change_id, tbl, row_id, col, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
                    rec.bind(1, at).bind(2, x->device).bind(3, x->id).bind(4, x->table).bind(5, x->row).bind(6, ci.column)
                        .bind(7, f->second).step();
                }
            }
        }
        // Documents made offline get their numbers now, in the order they were made.
        std::vector<std::tuple<std::string, std::string, const Table*, std::string>> unnumbered;
        std::vector<std::pair<const Table*, std::string>> candidates = materialized;
        {
            // Invoices held back by an earlier batch (see below) come again.
            const Table* inv_t = c.table("invoices");
            Stmt q(db, "SELECT id FROM invoices WHERE number IS NULL AND status NOT IN ('void', 'draft')");
            while (q.step()) candidates.push_back({inv_t, q.text(0)});
        }
        for (const auto& m : candidates) {
            if (!series_of(m.first->name)) continue;
            auto v = row_values(st, *m.first, m.second);
            if (v.empty() || !v["number"].is_null()) continue;
            if (m.first->name == "proposals" && v["status"] != "accepted") continue;
            if (v["status"] == "void" || v["status"] == "draft" || (m.first->name == "contracts" && v["status"] == "superseded")) continue;
            // In the order made; the invoices of one schedule in its order.
            char pos[16];
            std::snprintf(pos, sizeof pos, "%06lld", (long long)(v["position"].is_number_integer() ? v["position"].get<int64_t>() : 0));
            unnumbered.push_back({value_text(v["created_at"]) + "|" + value_text(v["contract_id"]) + "|" + pos, m.second, m.first,
                                  value_text(v["provisional_number"])});
        }
        std::sort(unnumbered.begin(), unnumbered.end(), [](const auto& a, const auto& b2) {
            return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b2), std::get<1>(b2));
        });
        unnumbered.erase(std::unique(unnumbered.begin(), unnumbered.end(),
                                     [](const auto& a, const auto& b2) { return std::get<1>(a) == std::get<1>(b2); }),
                         unnumbered.end());
        for (const auto& u : unnumbered) {
            const Table* t = std::get<2>(u);
            const std::string& row = std::get<1>(u);
            auto v = row_values(st, *t, row);
            if (t->name == "invoices" && v["position"].is_number_integer() && v["position"].get<int64_t>() > 1) {
                // Numbers follow the schedule: an invoice waits for the ones
                // before it (a batch may bring the balance before the deposit).
                Stmt before(db, "SELECT count(*) FROM invoices WHERE contract_id = ?1 AND position < ?2 AND number IS NOT NULL");
                before.bind(1, value_text(v["contract_id"])).bind(2, v["position"].get<int64_t>());
                before.step();
                if (before.int64(0) < v["position"].get<int64_t>() - 1) continue;
            }
            std::string date = t->name == "invoices" && v["issued_on"].is_string() ? v["issued_on"].get<std::string>()
                               : t->name == "proposals" && v["accepted_at"].is_string() ? v["accepted_at"].get<std::string>()
                                                                                          : std::get<0>(u);
            std::string number = next_number(db, series_of(t->name), year_of(date));
            const std::string& prov = std::get<3>(u);
            Stmt up(db, ("UPDATE main." + quote_id(t->name) + " SET number = ?2 WHERE id = ?1").c_str());
            up.bind(1, row).bind(2, number).step();
            // Its own printed copy said "draft — number on issue": now the number.
            Stmt own(db, ("UPDATE main." + quote_id(t->name) + " SET snapshot_html = replace(replace(replace(snapshot_html, ?2, ?5),"
                          " ?3, ?5), ?4, ?5) WHERE id = ?1 AND snapshot_html IS NOT NULL").c_str());
            own.bind(1, row).bind(2, draft_number_label(Lang::ru)).bind(3, draft_number_label(Lang::fr))
                .bind(4, draft_number_label(Lang::en)).bind(5, number).step();
            if (!prov.empty()) {
                // The provisional number printed in the lead's documents becomes the real one.
                std::string lead = value_text(v["lead_id"]);
                for (const char* tb : {"proposals", "contracts", "invoices"}) {
                    Stmt fix(db, (std::string("UPDATE main.") + tb + " SET snapshot_html = replace(snapshot_html, ?2, ?3)"
                                  " WHERE lead_id = ?1 AND instr(snapshot_html, ?2) > 0").c_str());
                    fix.bind(1, lead).bind(2, prov).bind(3, number).step();
                }
                Stmt lines(db, "UPDATE main.invoices SET lines_json = replace(lines_json, ?2, ?3) WHERE lead_id = ?1 AND instr(lines_json, ?2) > 0");
                lines.bind(1, lead).bind(2, prov).bind(3, number).step();
            }
        }
    }
    index_log(db);  // the authority's own writes of this merge
    {
        Stmt q(db, "SELECT count(*) FROM sync_pending");
        q.step();
        r.pending = q.int64(0);
    }
    sp.commit();
    return r;
}

namespace {

struct Hash128 {
    uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
    void add(const void* p, size_t n) {
        const unsigned char* s = static_cast<const unsigned char*>(p);
        for (size_t i = 0; i < n; ++i) {
            a = (a ^ s[i]) * 0x100000001b3ull;
            b = (b ^ s[i]) * 0x100000001b3ull;
            b ^= b >> 29;
        }
    }
    void add_tagged(char tag, const void* p, size_t n) {
        add(&tag, 1);
        uint64_t len = n;
        add(&len, sizeof len);
        add(p, n);
    }
    std::string hex() const {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
        return buf;
    }
};

void digest_table(sqlite3* db, const Table& t, Hash128& h) {
    h.add_tagged('t', t.name.data(), t.name.size());
    std::string cols;
    for (const Column& c : t.columns) cols += (cols.empty() ? "" : ", ") + quote_id(c.name);
    Stmt q(db, ("SELECT " + cols + " FROM main." + quote_id(t.name) + " ORDER BY " + quote_id(t.pk)).c_str());
    sqlite3_stmt* s = q.raw();
    while (q.step()) {
        h.add("r", 1);
        for (int i = 0; i < (int)t.columns.size(); ++i) {
            switch (sqlite3_column_type(s, i)) {
                case SQLITE_NULL: h.add_tagged('n', "", 0); break;
                case SQLITE_INTEGER: {
                    int64_t v = sqlite3_column_int64(s, i);
                    h.add_tagged('i', &v, sizeof v);
                    break;
                }
                case SQLITE_FLOAT: {
                    double v = sqlite3_column_double(s, i);
                    h.add_tagged('f', &v, sizeof v);
                    break;
                }
                default: h.add_tagged('s', sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i));
            }
        }
    }
}

}  // namespace

std::string digest(sqlite3* db, std::string_view table) {
    Conn& c = need(db);
    Hash128 h;
    if (!table.empty()) {
        const Table* t = c.table(table);
        if (!t) throw Error("sync: digest: table: \"" + std::string(table) + "\" is not synced");
        digest_table(db, *t, h);
        return h.hex();
    }
    // The studio's records. The time ledger is not in the whole digest: every
    // device adds to it while it is used, so two replicas equal in all else
    // differ there for the seconds between two syncs (its own digest:
    // digest(db, "time_ledger")).
    for (const Table& t : c.tables)
        if (t.name != "time_ledger") digest_table(db, t, h);
    return h.hex();
}

}  // namespace atelier::sync
