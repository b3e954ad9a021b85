// web/server/server.cpp — see server.h.
#include "server.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "demo.h"
#include "error.h"
#include "functions.h"
#include "ids.h"
#include "leads.h"
#include "store.h"
#include "version.h"
#include "workflow.h"

namespace atelier {

namespace {

using nlohmann::json;

// One connection, serialised by a mutex: SQLite writes are serial anyway,
// and reads of a studio's data are short.
struct Database {
    sqlite3* db = nullptr;
    std::mutex mu;
    ~Database() { sqlite3_close(db); }
};

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& msg) {
    send_json(res, status, json{{"error", msg}});
}

bool is_dir(const std::string& p) {
    struct stat st{};
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

int serve(const ServeOptions& opt) {
    sqlite3_auto_extension((void (*)())atelier_auto_init);
    Database d;
    if (sqlite3_open_v2(opt.db_path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "atelier: cannot open database %s: %s\n", opt.db_path.c_str(), sqlite3_errmsg(d.db));
        return 1;
    }
    try {
        exec(d.db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        int v = migrate(d.db);
        bool seeded = opt.demo && seed_demo(d.db);
        ensure_studio(d.db, now_iso());
        install_defaults(d.db, now_iso());
        std::fprintf(stderr, "atelier: database %s, schema version %d%s\n", opt.db_path.c_str(), v,
                     seeded ? ", demo data created" : "");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atelier: cannot use database %s: %s\n", opt.db_path.c_str(), e.what());
        return 1;
    }

    httplib::Server svr;
    svr.set_tcp_nodelay(true);
    // SO_REUSEADDR only: the library's default SO_REUSEPORT would let a second
    // server bind the same port silently instead of failing.
    svr.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
    svr.set_file_extension_and_mimetype_mapping("data", "application/octet-stream");
    svr.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
    if (is_dir(opt.www)) {
        svr.set_mount_point("/", opt.www);
    } else {
        std::fprintf(stderr, "atelier: warning: app folder %s not found; the app is not served (build it with scripts/build.sh)\n",
                     opt.www.c_str());
    }

    svr.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, json{{"status", "ok"}, {"version", ATELIER_VERSION}, {"schema", schema_version(d.db)}});
    });
    svr.Get("/api/leads", [&](const httplib::Request& req, httplib::Response& res) {
        int64_t limit = -1;
        if (req.has_param("limit")) {
            const std::string v = req.get_param_value("limit");
            char* end = nullptr;
            long long n = std::strtoll(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 0) return send_error(res, 400, "limit: expected a non-negative integer");
            limit = n;
        }
        std::lock_guard<std::mutex> lock(d.mu);
        send_json(res, 200, leads_json(d.db, limit));
    });
    svr.Post("/api/leads", [&](const httplib::Request& req, httplib::Response& res) {
        auto body = json::parse(req.body, nullptr, false);
        if (body.is_discarded()) return send_error(res, 400, "atelier: lead: malformed JSON body");
        try {
            NewLead l = new_lead_from_json(body);
            std::lock_guard<std::mutex> lock(d.mu);
            std::string id = create_lead(d.db, l, "api", now_iso());
            send_json(res, 201, json{{"id", id}});
        } catch (const Error& e) {
            send_error(res, 400, e.what());
        }
    });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            send_error(res, 500, e.what());
        } catch (...) {
            send_error(res, 500, "atelier: internal error");
        }
    });

    if (!svr.bind_to_port(opt.host.c_str(), opt.port)) {
        std::fprintf(stderr, "atelier: cannot listen on %s:%d (port busy or address unavailable)\n", opt.host.c_str(),
                     opt.port);
        return 1;
    }

    // Stop cleanly on SIGINT/SIGTERM: a thread waits for the signal, then
    // stops the server, which finishes the requests in flight.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::atomic<bool> signalled{false};
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&set, &sig);
        signalled = true;
        svr.stop();
    });

    std::printf("Atelier is running: http://%s:%d/\n", opt.host.c_str(), opt.port);
    std::fflush(stdout);
    svr.listen_after_bind();
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);  // listen failed: release the waiter
    stopper.join();
    std::fprintf(stderr, "atelier: stopped\n");
    return 0;
}

}  // namespace atelier
