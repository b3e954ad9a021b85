// atelier/web/server/metrics.cpp — see metrics.h.
#include "metrics.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <map>
#include <mutex>
#include <utility>

#include "ids.h"
#include "store.h"

namespace atelier::metrics {

namespace {

constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
constexpr size_t kMaxRoutes = 300;  // series beyond it are counted as route="other"

struct State {
    std::mutex mu;
    std::map<std::pair<std::string, int>, uint64_t> requests;
    std::array<uint64_t, kBuckets.size() + 1> latency{};  // the last one is +Inf
    double latency_sum = 0;
    uint64_t latency_count = 0;
    uint64_t rules_count = 0;
    double rules_seconds = 0, rules_last = 0;
    uint64_t merges = 0, refusals = 0, applied = 0;
    std::map<std::string, uint64_t> failures;
};

State& state() {
    static State s;
    return s;
}

bool id_like(const std::string& seg) {
    if (seg.size() >= 16) return true;
    for (char c : seg)
        if (c >= '0' && c <= '9') return true;
    return false;
}

int64_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (int64_t)st.st_size : 0;
}

// Prometheus label values: backslash, quote and newline escaped.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out;
}

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace

std::string route_label(const std::string& method, const std::string& path) {
    if (path.rfind("/c/", 0) == 0) return method + " /c/:token";
    if (path.rfind("/api/", 0) != 0 && path != "/metrics" && path != "/healthz") return method + " static";
    std::string out;
    size_t pos = 1;
    while (pos <= path.size()) {
        size_t end = path.find('/', pos);
        if (end == std::string::npos) end = path.size();
        const std::string seg = path.substr(pos, end - pos);
        out += "/" + (id_like(seg) ? std::string(":id") : seg.substr(0, 40));
        pos = end + 1;
    }
    return method + " " + out;
}

void request(const std::string& route, int status, double seconds) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mu);
    auto key = std::make_pair(route, status);
    if (s.requests.size() >= kMaxRoutes && !s.requests.count(key)) key.first = "other";
    ++s.requests[key];
    size_t b = 0;
    while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
    ++s.latency[b];
    s.latency_sum += seconds;
    ++s.latency_count;
}

void rules_evaluated(double seconds) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mu);
    ++s.rules_count;
    s.rules_seconds += seconds;
    s.rules_last = seconds;
}

void sync_merged(int64_t applied, int64_t refusals) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mu);
    ++s.merges;
    s.applied += (uint64_t)applied;
    s.refusals += (uint64_t)refusals;
}

void log_failure(const std::string& kind, const std::string& message, const nlohmann::json& fields) {
    nlohmann::json line = fields.is_object() ? fields : nlohmann::json::object();
    line["t"] = now_iso();
    line["level"] = "error";
    line["kind"] = kind;
    line["message"] = message;
    std::fprintf(stderr, "%s\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mu);
    ++s.failures[kind];
}

std::string exposition(sqlite3* db, const std::string& db_path, const std::string& now) {
    std::string o;
    {
        State& s = state();
        std::lock_guard<std::mutex> lock(s.mu);
        o += "# HELP atelier_http_requests_total HTTP answers by route and status.\n# TYPE atelier_http_requests_total counter\n";
        for (const auto& [k, v] : s.requests)
            o += "atelier_http_requests_total{route=\"" + label(k.first) + "\",status=\"" + std::to_string(k.second) + "\"} " +
                 std::to_string(v) + "\n";
        o += "# HELP atelier_http_request_duration_seconds Time from a request's arrival to its answer.\n"
             "# TYPE atelier_http_request_duration_seconds histogram\n";
        uint64_t cum = 0;
        for (size_t i = 0; i < kBuckets.size(); ++i) {
            cum += s.latency[i];
            o += "atelier_http_request_duration_seconds_bucket{le=\"" + num(kBuckets[i]) + "\"} " + std::to_string(cum) + "\n";
        }
        cum += s.latency[kBuckets.size()];
        o += "atelier_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(cum) + "\n";
        o += "atelier_http_request_duration_seconds_sum " + num(s.latency_sum) + "\n";
        o += "atelier_http_request_duration_seconds_count " + std::to_string(s.latency_count) + "\n";
        o += "# HELP atelier_rules_evaluations_total Evaluations of the notification rules.\n# TYPE atelier_rules_evaluations_total counter\n";
        o += "atelier_rules_evaluations_total " + std::to_string(s.rules_count) + "\n";
        o += "# HELP atelier_rules_evaluation_seconds_total Time spent evaluating the rules.\n# TYPE atelier_rules_evaluation_seconds_total counter\n";
        o += "atelier_rules_evaluation_seconds_total " + num(s.rules_seconds) + "\n";
        o += "# HELP atelier_rules_last_evaluation_seconds How long the last evaluation took.\n# TYPE atelier_rules_last_evaluation_seconds gauge\n";
        o += "atelier_rules_last_evaluation_seconds " + num(s.rules_last) + "\n";
        o += "# HELP atelier_sync_merges_total Pushes from devices merged.\n# TYPE atelier_sync_merges_total counter\n";
        o += "atelier_sync_merges_total " + std::to_string(s.merges) + "\n";
        o += "# HELP atelier_sync_changes_applied_total Changes from devices new to the database.\n# TYPE atelier_sync_changes_applied_total counter\n";
        o += "atelier_sync_changes_applied_total " + std::to_string(s.applied) + "\n";
        o += "# HELP atelier_sync_refusals_total Changes from devices the server refused.\n# TYPE atelier_sync_refusals_total counter\n";
        o += "atelier_sync_refusals_total " + std::to_string(s.refusals) + "\n";
        o += "# HELP atelier_failures_total Failures logged, by kind.\n# TYPE atelier_failures_total counter\n";
        for (const auto& [k, v] : s.failures) o += "atelier_failures_total{kind=\"" + label(k) + "\"} " + std::to_string(v) + "\n";
    }
    o += "# HELP atelier_outbox_messages Messages in the outbox by status.\n# TYPE atelier_outbox_messages gauge\n";
    std::map<std::string, int64_t> by_status = {{"scheduled", 0}, {"queued", 0}, {"sending", 0}, {"sent", 0}, {"failed", 0}, {"cancelled", 0}};
    {
        Stmt q(db, "SELECT status, count(*) FROM outbox GROUP BY status");
        while (q.step()) by_status[q.text(0)] = q.int64(1);
    }
    for (const auto& [k, v] : by_status) o += "atelier_outbox_messages{status=\"" + label(k) + "\"} " + std::to_string(v) + "\n";
    int64_t oldest = 0;
    {
        Stmt q(db, "SELECT max(0, CAST(strftime('%s', ?1) AS INTEGER) - CAST(strftime('%s', min(due_at)) AS INTEGER))"
                   " FROM outbox WHERE status IN ('queued', 'sending')");
        q.bind(1, now);
        if (q.step() && !q.is_null(0)) oldest = q.int64(0);
    }
    o += "# HELP atelier_outbox_oldest_queued_age_seconds How long the oldest message due has waited to be sent.\n"
         "# TYPE atelier_outbox_oldest_queued_age_seconds gauge\n";
    o += "atelier_outbox_oldest_queued_age_seconds " + std::to_string(oldest) + "\n";
    o += "# HELP atelier_database_bytes Size of the database file.\n# TYPE atelier_database_bytes gauge\n";
    o += "atelier_database_bytes " + std::to_string(file_size(db_path)) + "\n";
    o += "# HELP atelier_database_wal_bytes Size of the database's write-ahead log.\n# TYPE atelier_database_wal_bytes gauge\n";
    o += "atelier_database_wal_bytes " + std::to_string(file_size(db_path + "-wal")) + "\n";
    return o;
}

}  // namespace atelier::metrics
