// atelier/web/server/doctor.cpp — `atelier doctor --db PATH`: what an
// operator checks before and after an upgrade, a restore or a bad night,
// each finding with what to do about it. Reads only; creates nothing.
#include <sys/statvfs.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "server.h"
#include "store.h"

namespace atelier {

namespace {

struct Finding {
    const char* level;  // "ok", "warn", "fail"
    std::string what, fix;
};

std::string mb(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
    return buf;
}

std::string folder_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// Connects to the SMTP server and reads its greeting, sending nothing.
std::string smtp_reachable(const std::string& url) {
    CURL* c = curl_easy_init();
    if (!c) return "libcurl cannot start";
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? "" : curl_easy_strerror(rc);
}

}  // namespace

int doctor(const ServeOptions& opt) {
    std::vector<Finding> out;
    struct stat st {};
    if (::stat(opt.db_path.c_str(), &st) != 0) {
        std::printf("FAIL  database %s: no such file\n      → start `atelier serve --db %s` to create it, or restore it "
                    "(`litestream restore -o %s REPLICA_URL`, or copy a backup)\n",
                    opt.db_path.c_str(), opt.db_path.c_str(), opt.db_path.c_str());
        return 1;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(opt.db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::printf("FAIL  database %s: cannot open: %s\n      → check the file's owner and permissions\n", opt.db_path.c_str(),
                    sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    sqlite3_busy_timeout(db, 5000);
    try {
        // Integrity: every page and index.
        {
            std::string problems;
            int n = 0;
            Stmt q(db, "PRAGMA integrity_check(20)");
            while (q.step())
                if (q.text(0) != "ok") problems += (n++ ? "; " : "") + q.text(0);
            if (problems.empty()) out.push_back({"ok", "integrity: every page and index checked", ""});
            else
                out.push_back({"fail", "integrity: " + problems,
                               "stop the server and restore the database from its replica (`litestream restore`) or the last "
                               "`atelier backup`"});
        }
        // Schema.
        {
            const int v = schema_version(db), latest = latest_schema_version();
            if (v == latest) out.push_back({"ok", "schema version " + std::to_string(v), ""});
            else if (v < latest)
                out.push_back({"warn", "schema version " + std::to_string(v) + ", this atelier has " + std::to_string(latest),
                               "run `atelier migrate --db " + opt.db_path + "` (atelier serve also migrates when it starts)"});
            else
                out.push_back({"fail", "schema version " + std::to_string(v) + " is newer than this atelier's " + std::to_string(latest),
                               "install the atelier that wrote this database, or a newer one"});
        }
        // WAL: what atelier serve and Litestream expect.
        {
            Stmt q(db, "PRAGMA journal_mode");
            q.step();
            const std::string mode = q.text(0);
            if (mode == "wal") out.push_back({"ok", "journal mode wal", ""});
            else out.push_back({"warn", "journal mode " + mode, "start `atelier serve` once: it sets WAL, which Litestream needs"});
            struct stat w {};
            const double wal = ::stat((opt.db_path + "-wal").c_str(), &w) == 0 ? (double)w.st_size : 0;
            if (wal > 256e6)
                out.push_back({"warn", "write-ahead log " + mb(wal), "a checkpoint is held back: look for a long-running reader"});
            else out.push_back({"ok", "database " + mb((double)st.st_size) + ", write-ahead log " + mb(wal), ""});
        }
        // Disk.
        {
            struct statvfs fs {};
            if (::statvfs(folder_of(opt.db_path).c_str(), &fs) == 0) {
                const double free = (double)fs.f_bavail * (double)fs.f_frsize, total = (double)fs.f_blocks * (double)fs.f_frsize;
                const std::string what = "disk: " + mb(free) + " free of " + mb(total);
                if (free < 100e6 || free < 2.0 * (double)st.st_size)
                    out.push_back({"fail", what, "free disk space: a checkpoint or a backup needs room for a copy of the database"});
                else if (total > 0 && free / total < 0.10) out.push_back({"warn", what, "free disk space soon (under 10 % left)"});
                else out.push_back({"ok", what, ""});
            }
        }
        // Mail.
        {
            if (opt.smtp_url.empty()) {
                out.push_back({"warn", "mail: no SMTP server given (--smtp-url): e-mails wait in the outbox",
                               "run `atelier serve --smtp-url smtp://HOST:587 --mail-from ADDR` (credentials: ATELIER_SMTP_USER, "
                               "ATELIER_SMTP_PASSWORD); check it with `atelier doctor --smtp-url …`"});
            } else {
                const std::string err = smtp_reachable(opt.smtp_url);
                if (err.empty()) out.push_back({"ok", "mail: " + opt.smtp_url + " answers", ""});
                else out.push_back({"fail", "mail: " + opt.smtp_url + ": " + err, "check the host, the port and the firewall"});
            }
            Stmt f(db, "SELECT count(*), coalesce(max(created_at), '') FROM outbox WHERE status = 'failed'");
            f.step();
            if (f.int64(0) > 0)
                out.push_back({"warn", "mail: " + std::to_string(f.int64(0)) + " message(s) failed, the newest made at " + f.text(1),
                               "open Today in the app: each says why; fix the address and \"Send again\""});
            Stmt q(db, "SELECT count(*), coalesce(CAST(strftime('%s', 'now') - strftime('%s', min(due_at)) AS INTEGER), 0)"
                       " FROM outbox WHERE status = 'queued' AND due_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
            q.step();
            if (q.int64(0) > 0 && q.int64(1) > 3600)
                out.push_back({"warn", "mail: " + std::to_string(q.int64(0)) + " message(s) due and not sent, the oldest for " +
                                           std::to_string(q.int64(1) / 60) + " minutes",
                               "is the server running with --smtp-url? see its log for \"kind\":\"mail\" lines"});
            else out.push_back({"ok", "mail: nothing waiting for over an hour", ""});
        }
    } catch (const std::exception& e) {
        out.push_back({"fail", std::string("database: ") + e.what(), "is this an Atelier database? restore it from a backup"});
    }
    sqlite3_close(db);
    int fails = 0, warns = 0;
    for (const Finding& f : out) {
        const std::string level = f.level == std::string("ok") ? "ok  " : f.level == std::string("warn") ? "WARN" : "FAIL";
        std::printf("%s  %s\n", level.c_str(), f.what.c_str());
        if (!f.fix.empty()) std::printf("      → %s\n", f.fix.c_str());
        fails += f.level == std::string("fail");
        warns += f.level == std::string("warn");
    }
    std::printf("%s: %d problem(s), %d warning(s)\n", opt.db_path.c_str(), fails, warns);
    return fails ? 1 : 0;
}

}  // namespace atelier
