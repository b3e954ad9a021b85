// sqlite_ext/reports.cpp — the reports (analytics.h) as eponymous
// table-valued functions, in every host:
//
//   SELECT * FROM atelier_funnel('2026-01-01', '2026-12-31', 'source');
//   SELECT stage, entered FROM atelier_funnel WHERE "from" = '2026-01-01' AND "to" = '2026-03-31';
//
// Each is a virtual table whose arguments are hidden columns. The whole
// result is computed in xFilter from the arguments alone (time is an
// argument, never read), so the same query gives the same rows anywhere.
// Bad arguments are an SQL error naming the function and the argument.
#include "functions.h"

#include <cstring>
#include <string>
#include <vector>

#include "analytics.h"
#include "error.h"

namespace {

namespace an = atelier::analytics;

struct ReportTab {
    sqlite3_vtab base;
    sqlite3* db;
    const an::Report* report;
    std::string fn;  // "atelier_funnel"
};

struct ReportCursor {
    sqlite3_vtab_cursor base;
    an::Table table;
    std::vector<std::string> args;
    std::vector<bool> given;
    size_t row = 0;
};

int set_error(sqlite3_vtab* tab, const std::string& msg) {
    sqlite3_free(tab->zErrMsg);
    tab->zErrMsg = sqlite3_mprintf("%s", msg.c_str());
    return SQLITE_ERROR;
}

int x_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char** err) {
    const auto* r = static_cast<const an::Report*>(aux);
    std::string sql = "CREATE TABLE x(";
    for (size_t i = 0; i < r->columns.size(); ++i) sql += std::string(i ? ", " : "") + "\"" + r->columns[i] + "\"";
    for (const char* a : r->arguments) sql += std::string(", \"") + a + "\" HIDDEN";
    sql += ")";
    int rc = sqlite3_declare_vtab(db, sql.c_str());
    if (rc != SQLITE_OK) {
        *err = sqlite3_mprintf("%s", sqlite3_errmsg(db));
        return rc;
    }
    auto* t = new (std::nothrow) ReportTab{};
    if (!t) return SQLITE_NOMEM;
    t->db = db;
    t->report = r;
    t->fn = std::string("atelier_") + r->name;
    *out = &t->base;
    return SQLITE_OK;
}

int x_disconnect(sqlite3_vtab* v) {
    delete reinterpret_cast<ReportTab*>(v);
    return SQLITE_OK;
}

// Arguments are the hidden columns, matched by equality; idxNum says which
// were given (bit i: argument i), in argv in argument order.
int x_best_index(sqlite3_vtab* v, sqlite3_index_info* info) {
    auto* t = reinterpret_cast<ReportTab*>(v);
    const int first_hidden = (int)t->report->columns.size();
    const int nargs = (int)t->report->arguments.size();
    std::vector<int> at(nargs, -1);
    for (int i = 0; i < info->nConstraint; ++i) {
        const auto& c = info->aConstraint[i];
        const int a = c.iColumn - first_hidden;
        if (a < 0 || a >= nargs || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (!c.usable) return SQLITE_CONSTRAINT;  // wait for a plan where the argument is known
        at[a] = i;
    }
    int mask = 0, n = 0;
    for (int a = 0; a < nargs; ++a) {
        if (at[a] < 0) continue;
        mask |= 1 << a;
        info->aConstraintUsage[at[a]].argvIndex = ++n;
        info->aConstraintUsage[at[a]].omit = 1;
    }
    info->idxNum = mask;
    info->estimatedCost = 1000;
    info->estimatedRows = 100;
    return SQLITE_OK;
}

int x_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
    auto* c = new (std::nothrow) ReportCursor{};
    if (!c) return SQLITE_NOMEM;
    *out = &c->base;
    return SQLITE_OK;
}

int x_close(sqlite3_vtab_cursor* cur) {
    delete reinterpret_cast<ReportCursor*>(cur);
    return SQLITE_OK;
}

int x_filter(sqlite3_vtab_cursor* cur, int mask, const char*, int argc, sqlite3_value** argv) {
    auto* c = reinterpret_cast<ReportCursor*>(cur);
    auto* t = reinterpret_cast<ReportTab*>(cur->pVtab);
    const an::Report& r = *t->report;
    c->args.assign(r.arguments.size(), "");
    c->given.assign(r.arguments.size(), false);
    c->table = an::Table{};
    c->row = 0;
    int k = 0;
    for (size_t a = 0; a < r.arguments.size() && k < argc; ++a) {
        if (!(mask & (1 << a))) continue;
        sqlite3_value* v = argv[k++];
        const int type = sqlite3_value_type(v);
        if (type == SQLITE_NULL) continue;
        if (type != SQLITE_TEXT && type != SQLITE_INTEGER)
            return set_error(cur->pVtab, "atelier: " + t->fn + ": " + r.arguments[a] + ": expected text" +
                                             (std::strcmp(r.arguments[a], "months") == 0 ? " or an integer" : ""));
        c->args[a] = reinterpret_cast<const char*>(sqlite3_value_text(v));
        c->given[a] = true;
    }
    for (int a = 0; a < r.required; ++a)
        if (!c->given[(size_t)a])
            return set_error(cur->pVtab, "atelier: " + t->fn + ": " + r.arguments[(size_t)a] + ": required (" + t->fn + "(" +
                                             [&] {
                                                 std::string s;
                                                 for (size_t i = 0; i < r.arguments.size(); ++i)
                                                     s += std::string(i ? ", " : "") + ((int)i < r.required ? "" : "[") + r.arguments[i] +
                                                          ((int)i < r.required ? "" : "]");
                                                 return s;
                                             }() + "))");
    try {
        c->table = an::run(t->db, r.name, c->args);
    } catch (const std::exception& e) {
        std::string m = e.what();
        // "atelier: report: from: ..." → "atelier: atelier_funnel: from: ...".
        const std::string pre = "atelier: report: ";
        if (m.rfind(pre, 0) == 0) m = "atelier: " + t->fn + ": " + m.substr(pre.size());
        return set_error(cur->pVtab, m);
    }
    return SQLITE_OK;
}

int x_next(sqlite3_vtab_cursor* cur) {
    ++reinterpret_cast<ReportCursor*>(cur)->row;
    return SQLITE_OK;
}

int x_eof(sqlite3_vtab_cursor* cur) {
    auto* c = reinterpret_cast<ReportCursor*>(cur);
    return c->row >= c->table.rows.size();
}

int x_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
    auto* c = reinterpret_cast<ReportCursor*>(cur);
    const size_t ncols = c->table.columns.size();
    if ((size_t)i >= ncols) {
        const size_t a = (size_t)i - ncols;
        if (a < c->args.size() && c->given[a]) sqlite3_result_text(ctx, c->args[a].c_str(), -1, SQLITE_TRANSIENT);
        else sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    const nlohmann::json& v = c->table.rows[c->row][(size_t)i];
    if (v.is_number_integer()) sqlite3_result_int64(ctx, v.get<int64_t>());
    else if (v.is_number()) sqlite3_result_double(ctx, v.get<double>());
    else if (v.is_string()) sqlite3_result_text(ctx, v.get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
    else sqlite3_result_null(ctx);
    return SQLITE_OK;
}

int x_rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* out) {
    *out = (sqlite3_int64)reinterpret_cast<ReportCursor*>(cur)->row + 1;
    return SQLITE_OK;
}

sqlite3_module report_module() {
    sqlite3_module m{};
    m.iVersion = 0;
    m.xCreate = nullptr;  // eponymous only: atelier_funnel(...) with no CREATE VIRTUAL TABLE
    m.xConnect = x_connect;
    m.xBestIndex = x_best_index;
    m.xDisconnect = x_disconnect;
    m.xDestroy = x_disconnect;
    m.xOpen = x_open;
    m.xClose = x_close;
    m.xFilter = x_filter;
    m.xNext = x_next;
    m.xEof = x_eof;
    m.xColumn = x_column;
    m.xRowid = x_rowid;
    return m;
}

const sqlite3_module kReportModule = report_module();

}  // namespace

int atelier_register_reports(sqlite3* db) {
    for (const an::Report& r : an::reports()) {
        const std::string name = std::string("atelier_") + r.name;
        int rc = sqlite3_create_module_v2(db, name.c_str(), &kReportModule, const_cast<an::Report*>(&r), nullptr);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}
