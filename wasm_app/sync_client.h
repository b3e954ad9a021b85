// wasm_app/sync_client.h — the app's side of sync with the studio's server.
//
// Once connected (the manager logs in once; the app gets an API token bound
// to its device id), the app pushes its own changes and pulls the others'
// whenever it is online: soon after each local change, every 30 seconds,
// when the browser comes back online, and on "Sync now". A push is resent
// until acknowledged (the server ignores duplicates), so a lost connection
// loses nothing. Offline, the manager can download the unsynced changes as a
// file for `atelier sync import`.
//
// Everything it remembers (token, watermarks, last sync, refusals) is in the
// database's sync_meta, so it survives reloads with the rest of the data.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "app_db.h"

namespace app {

class SyncClient {
public:
    bool connected(Db& db) const;
    // Logs in and asks for the device's token; the result arrives later.
    void connect(Db& db, const std::string& email, const std::string& password);
    void disconnect(Db& db);
    // A sync in `delay_ms` (0: now) if connected and not already running.
    void request(Db& db, int delay_ms = 0);
    // A local change was committed.
    void note_commit(Db& db);

    // A bank statement picked by the manager, imported by the server: the
    // answer (what was recorded, what waits) lands in bank_result(); the
    // manager's decisions on the uncertain lines go back the same way.
    void upload_statement(Db& db);
    void decide_line(Db& db, const std::string& line_id, const std::string& invoice_id);  // "" sets it aside
    const nlohmann::json& bank_result() const { return bank_result_; }
    // A file the client sent, fetched from the server on demand and offered
    // as a download; file_state() is "" (none asked), "loading", "done" or
    // the error.
    void fetch_file(Db& db, const std::string& file_id, const std::string& name);
    const std::string& file_state() const { return file_state_; }
    const std::string& bank_error() const { return bank_error_; }

    // From the browser glue.
    void on_http(Db& db, int id, int status, const std::string& body);
    void on_timer(Db& db);

    // The unsynced changes of this device, as a bundle file's text.
    std::string export_unsynced(Db& db);
    int64_t pending(Db& db);

    // The last successful sync (ISO time, "" before the first), read once per
    // change of the data like the pending count: the header draws it.
    const std::string& last_sync(Db& db);
    // connected() as of the same refresh (no query).
    bool connected_cached() const { return connected_; }

    bool busy() const { return step_ != Step::idle; }
    const std::string& error() const { return error_; }
    // For the screens and tests.
    nlohmann::json status(Db& db);

private:
    enum class Step { idle, login, token, push, pull, mail };
    Step step_ = Step::idle;
    int request_id_ = 0;
    double due_ms_ = 0;  // when the next sync should start; 0: none planned
    std::string error_;
    std::string csrf_;
    int64_t pending_until_ = 0;
    uint64_t pending_generation_ = 0;
    int64_t pending_count_ = 0;
    bool connected_ = false;
    std::string last_sync_;
    nlohmann::json bank_result_;
    std::string bank_error_, bank_deciding_;
    int bank_request_ = 0;
    std::string file_state_;
    int file_request_ = 0;
    void refresh(Db& db);
    void start(Db& db);
    void push(Db& db);
    void pull(Db& db);
    void finish(Db& db, const std::string& error);
    void send(Step step, const char* method, const std::string& url, const nlohmann::json& headers,
              const std::string& body);
    void add_refusal(Db& db, const nlohmann::json& r);
};

SyncClient& sync_client();

}  // namespace app
