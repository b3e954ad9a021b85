// web/server/server.h — `atelier serve`: the studio's HTTP server.
//
// Serves the manager app's files (the wasm build, its HTML shell) from a
// folder, and a JSON API over one embedded SQLite database:
//   GET  /healthz        {"status":"ok","version":...,"schema":N}
//   GET  /api/leads      the leads, newest first
//   POST /api/leads      lead intake (JSON or form-encoded) for the studio's site form:
//                        honeypot, per-address rate limit, CORS for script posts from configured origins;
//                        a lead with an e-mail gets the brief link queued in the outbox
//   GET  /c/<token>      a client link: the brief form, or a proposal, contract or invoice
//   POST /c/<token>      the brief saved or submitted; a proposal or contract accepted
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace atelier {

struct ServeOptions {
    std::string db_path = "atelier.db";
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string www;                        // folder of static files
    bool demo = true;                       // seed demo data into a new database
    int demo_history = 290;                 // requests in the demo's year of history (0: the dozen only)
    std::string base_url;                   // public address for links; default http://host:port
    std::vector<std::string> cors_origins;  // origins allowed to POST /api/leads
    int intake_per_minute = 10;             // lead intake requests per client address per minute
    std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For names the visitor
    bool log_requests = true;               // one JSON line per request on stderr
    std::string owner_email;                // the first owner account (default: the studio's owner, or owner@localhost)
    std::string owner_password;             // its password; generated and printed once when empty
    std::string smtp_url;                   // smtp://host:port or smtps://…; empty: e-mail stays in the outbox
    std::string mail_from;                  // the sender's address (default: the studio's e-mail)
    int retry_seconds = 60;                 // first back-off after the mail server refused or was down
    int rules_every = 60;                   // seconds between two evaluations of the time conditions
};

// Copies the database consistently while it may be in use: `atelier backup`.
// Checks a database and its surroundings (integrity, schema, WAL, disk,
// mail) and prints each finding with what to do; 1 if anything failed.
int doctor(const ServeOptions& opt);
int backup(const std::string& db_path, const std::string& dest);

// `atelier sync import FILE | export | digest`: the file side of sync, for a
// bundle the app downloaded while the server was out of reach.
// atelier bank import FILE [--csv MAPPING]: a bank statement matched to
// invoices; prints what was recorded and what waits for the manager.
int bank_command(const std::string& db_path, const std::string& file, const std::string& mapping);

int sync_command(const std::string& db_path, const std::string& what, const std::string& file, int64_t since);

// Runs until SIGINT/SIGTERM; returns the process exit code.
int serve(const ServeOptions& opt);

}  // namespace atelier
