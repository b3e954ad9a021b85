// atelier/web/server/metrics.h — what an operator watches: GET /metrics in
// the Prometheus text format, and one JSON line on stderr per failure.
//
//   atelier_http_requests_total{route,status}      answers by route and status
//   atelier_http_request_duration_seconds          latency histogram
//   atelier_outbox_messages{status}                scheduled, queued, sending, sent, failed, cancelled
//   atelier_outbox_oldest_queued_age_seconds       how long the oldest queued message has waited
//   atelier_rules_evaluations_total / _seconds     rules evaluation count and time
//   atelier_sync_merges_total / _refusals_total / _changes_applied_total
//   atelier_database_bytes, atelier_database_wal_bytes
//   atelier_failures_total{kind}                   what log_failure() reported
//
// Routes are labelled by their pattern ("/c/:token", "/api/leads/:id"), so
// that tokens never reach the metrics and their number stays bounded.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"

namespace atelier::metrics {

// "/api/leads/3f9c…/brief" → "/api/leads/:id/brief"; client links → "/c/:token".
std::string route_label(const std::string& method, const std::string& path);

void request(const std::string& route, int status, double seconds);
void rules_evaluated(double seconds);
void sync_merged(int64_t applied, int64_t refusals);

// Writes {"t", "level":"error", "kind", "message", ...fields} to stderr and counts it.
void log_failure(const std::string& kind, const std::string& message, const nlohmann::json& fields = nlohmann::json::object());

// The whole exposition; reads the outbox and the files' sizes (db_path and its -wal).
std::string exposition(sqlite3* db, const std::string& db_path, const std::string& now);

}  // namespace atelier::metrics
