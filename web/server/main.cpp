// web/server/main.cpp — the `atelier` command line.
//
//   atelier serve [--db PATH] [--host ADDR] [--port N] [--www DIR] [--base-url URL]
//                 [--cors-origin ORIGIN]... [--trusted-proxy ADDR]... [--intake-per-minute N]
//                 [--owner-email E] [--owner-password P]
//                 [--smtp-url URL] [--mail-from ADDR] [--retry-seconds N] [--rules-every N]
//                 [--no-demo] [--quiet]
//                 (SMTP credentials: ATELIER_SMTP_USER, ATELIER_SMTP_PASSWORD)
//   atelier migrate [--db PATH]
//   atelier backup DEST [--db PATH]
//   atelier sync import FILE [--db PATH]    apply a bundle exported by the app
//   atelier sync export [--since N] [--db PATH]
//   atelier sync digest [--db PATH]
//   atelier bank import FILE [--csv MAPPING] [--db PATH]   a bank statement (1CClientBankExchange,
//                                           or CSV read by a saved mapping) matched to invoices
//   atelier doctor [--db PATH] [--smtp-url URL]   integrity, schema, WAL, disk and mail, with what to fix
//   atelier version
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "server.h"
#include "store.h"
#include "functions.h"
#include "version.h"

namespace {

int usage(const char* msg) {
    if (msg) std::fprintf(stderr, "atelier: %s\n", msg);
    std::fprintf(stderr,
                 "usage: atelier serve [--db PATH] [--host ADDR] [--port N] [--www DIR] [--base-url URL]\n"
                 "                     [--cors-origin ORIGIN]... [--trusted-proxy ADDR]... [--intake-per-minute N]\n"
                 "                     [--owner-email E] [--owner-password P] [--no-demo] [--demo-history N] [--quiet]\n"
                 "                     [--smtp-url smtp://HOST:PORT] [--mail-from ADDR] [--retry-seconds N] [--rules-every N]\n"
                 "       atelier migrate [--db PATH]\n"
                 "       atelier backup DEST [--db PATH]\n"
                 "       atelier sync import FILE [--db PATH]\n"
                 "       atelier sync export [--since N] [--db PATH]\n"
                 "       atelier sync digest [--db PATH]\n"
                 "       atelier bank import FILE [--csv MAPPING] [--db PATH]\n"
                 "       atelier doctor [--db PATH] [--smtp-url URL]\n"
                 "       atelier version\n");
    return 2;
}

bool parse_port(const char* s, int* out) {
    char* end = nullptr;
    long v = std::strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 65535) return false;
    *out = (int)v;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage("missing command");
    std::string cmd = argv[1];
    if (cmd == "version" || cmd == "--version") {
        std::printf("atelier %s\n", ATELIER_VERSION);
        return 0;
    }
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        usage(nullptr);
        return 0;
    }
    if (cmd != "serve" && cmd != "migrate" && cmd != "backup" && cmd != "sync" && cmd != "bank" && cmd != "doctor")
        return usage(("unknown command \"" + cmd + "\"").c_str());
    std::string backup_dest, sync_cmd, sync_file, bank_file, bank_mapping;
    int64_t sync_since = 0;
    int first_opt = 2;
    if (cmd == "backup") {
        if (argc < 3 || argv[2][0] == '-') return usage("backup: expected a destination file");
        backup_dest = argv[2];
        first_opt = 3;
    }
    if (cmd == "sync") {
        if (argc < 3) return usage("sync: expected import FILE, export or digest");
        sync_cmd = argv[2];
        first_opt = 3;
        if (sync_cmd == "import") {
            if (argc < 4 || argv[3][0] == '-') return usage("sync import: expected the bundle file");
            sync_file = argv[3];
            first_opt = 4;
        } else if (sync_cmd != "export" && sync_cmd != "digest") {
            return usage(("sync: unknown subcommand \"" + sync_cmd + "\" (import FILE, export, digest)").c_str());
        }
    }

    if (cmd == "bank") {
        if (argc < 4 || std::string(argv[2]) != "import" || argv[3][0] == '-') return usage("bank: expected import FILE");
        bank_file = argv[3];
        first_opt = 4;
    }

    atelier::ServeOptions opt;
    opt.www = std::getenv("ATELIER_WWW") ? std::getenv("ATELIER_WWW") : ATELIER_DEFAULT_WWW;
    if (const char* p = std::getenv("ATELIER_DB")) opt.db_path = p;
    if (const char* p = std::getenv("ATELIER_PORT"); p && !parse_port(p, &opt.port))
        return usage((std::string("ATELIER_PORT: expected a port number 1-65535, got \"") + p + "\"").c_str());
    if (const char* p = std::getenv("ATELIER_BASE_URL")) opt.base_url = p;
    if (const char* p = std::getenv("ATELIER_OWNER_PASSWORD")) opt.owner_password = p;
    for (int i = first_opt; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--db") {
            const char* v = value();
            if (!v || !*v) return usage("--db: expected a file path");
            opt.db_path = v;
        } else if (a == "--csv" && cmd == "bank") {
            const char* v = value();
            if (!v || !*v) return usage("--csv: expected the name of a saved column mapping");
            bank_mapping = v;
        } else if (a == "--since" && sync_cmd == "export") {
            const char* v = value();
            char* end = nullptr;
            long long n = v ? std::strtoll(v, &end, 10) : -1;
            if (!v || !*v || *end || n < 0) return usage("--since: expected a change sequence number (0 for all)");
            sync_since = n;
        } else if (a == "--port" && cmd == "serve") {
            const char* v = value();
            if (!v || !parse_port(v, &opt.port))
                return usage((std::string("--port: expected a port number 1-65535, got \"") + (v ? v : "") + "\"").c_str());
        } else if (a == "--host" && cmd == "serve") {
            const char* v = value();
            if (!v || !*v) return usage("--host: expected an address");
            opt.host = v;
        } else if (a == "--www" && cmd == "serve") {
            const char* v = value();
            if (!v || !*v) return usage("--www: expected a folder");
            opt.www = v;
        } else if (a == "--no-demo" && cmd == "serve") {
            opt.demo = false;
        } else if (a == "--demo-history" && cmd == "serve") {
            const char* v = value();
            char* end = nullptr;
            long n = v ? std::strtol(v, &end, 10) : -1;
            if (!v || !*v || *end || n < 0 || n > 5000)
                return usage((std::string("--demo-history: expected a number of requests 0-5000, got \"") + (v ? v : "") + "\"").c_str());
            opt.demo_history = (int)n;
        } else if (a == "--owner-email" && cmd == "serve") {
            const char* v = value();
            if (!v || !std::strchr(v, '@')) return usage("--owner-email: expected an e-mail address");
            opt.owner_email = v;
        } else if (a == "--owner-password" && cmd == "serve") {
            const char* v = value();
            if (!v || std::strlen(v) < 10) return usage("--owner-password: expected at least 10 characters");
            opt.owner_password = v;
        } else if (a == "--smtp-url" && (cmd == "serve" || cmd == "doctor")) {
            const char* v = value();
            if (!v || (std::strncmp(v, "smtp://", 7) != 0 && std::strncmp(v, "smtps://", 8) != 0))
                return usage("--smtp-url: expected smtp://host:port or smtps://host:port");
            opt.smtp_url = v;
        } else if (a == "--mail-from" && cmd == "serve") {
            const char* v = value();
            if (!v || !std::strchr(v, '@') || std::strpbrk(v, " <>\r\n,")) return usage("--mail-from: expected an e-mail address");
            opt.mail_from = v;
        } else if ((a == "--retry-seconds" || a == "--rules-every") && cmd == "serve") {
            const char* v = value();
            char* end = nullptr;
            long n = v ? std::strtol(v, &end, 10) : 0;
            if (!v || !*v || *end || n < 1 || n > 86400) return usage((a + ": expected a number of seconds 1-86400").c_str());
            (a == "--retry-seconds" ? opt.retry_seconds : opt.rules_every) = (int)n;
        } else if (a == "--quiet" && cmd == "serve") {
            opt.log_requests = false;
        } else if (a == "--base-url" && cmd == "serve") {
            const char* v = value();
            if (!v || (std::strncmp(v, "http://", 7) != 0 && std::strncmp(v, "https://", 8) != 0))
                return usage("--base-url: expected a URL starting with http:// or https://");
            opt.base_url = v;
        } else if (a == "--cors-origin" && cmd == "serve") {
            const char* v = value();
            if (!v || !*v) return usage("--cors-origin: expected an origin such as https://studio.example");
            opt.cors_origins.push_back(v);
        } else if (a == "--trusted-proxy" && cmd == "serve") {
            const char* v = value();
            if (!v || !*v || std::strpbrk(v, " ,/")) return usage("--trusted-proxy: expected the proxy's address, such as 127.0.0.1");
            opt.trusted_proxies.push_back(v);
        } else if (a == "--intake-per-minute" && cmd == "serve") {
            const char* v = value();
            char* end = nullptr;
            long n = v ? std::strtol(v, &end, 10) : 0;
            if (!v || !*v || *end || n < 1 || n > 100000) return usage("--intake-per-minute: expected a number 1-100000");
            opt.intake_per_minute = (int)n;
        } else {
            return usage(("unknown option \"" + a + "\" for " + cmd).c_str());
        }
    }

    if (cmd == "backup") return atelier::backup(opt.db_path, backup_dest);
    if (cmd == "doctor") return atelier::doctor(opt);
    if (cmd == "sync") return atelier::sync_command(opt.db_path, sync_cmd, sync_file, sync_since);
    if (cmd == "bank") return atelier::bank_command(opt.db_path, bank_file, bank_mapping);
    if (cmd == "migrate") {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(opt.db_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
            std::fprintf(stderr, "atelier: cannot open database %s: %s\n", opt.db_path.c_str(), sqlite3_errmsg(db));
            sqlite3_close(db);
            return 1;
        }
        try {
            int v = atelier::migrate(db);
            std::printf("%s: schema version %d\n", opt.db_path.c_str(), v);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            sqlite3_close(db);
            return 1;
        }
        sqlite3_close(db);
        return 0;
    }
    return atelier::serve(opt);
}
