// web/server/server.h — `atelier serve`: the studio's HTTP server.
//
// Serves the manager app's files (the wasm build, its HTML shell) from a
// folder, and a JSON API over one embedded SQLite database:
//   GET  /healthz     {"status":"ok","version":...,"schema":N}
//   GET  /api/leads   the leads, newest first
//   POST /api/leads   create a lead from JSON; errors are {"error": "..."} naming the field
#pragma once
#include <string>

namespace atelier {

struct ServeOptions {
    std::string db_path = "atelier.db";
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string www;    // folder of static files
    bool demo = true;   // seed demo data into a new database
};

// Runs until SIGINT/SIGTERM; returns the process exit code.
int serve(const ServeOptions& opt);

}  // namespace atelier
