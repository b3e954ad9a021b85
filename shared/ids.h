// atelier/ids.h — identifiers and timestamps.
//
// Records are keyed by text UUIDs so that rows made offline on different
// devices never collide. Timestamps are ISO 8601 UTC text ("2026-11-26T17:30:00Z"),
// which sorts correctly as text.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace atelier {

// A random (version 4) UUID in lower-case text form.
std::string new_uuid();

// 64 random bits (the system's entropy source).
uint64_t random_u64();

// Makes new_uuid() and random_u64() a fixed sequence, for reproducible tests
// (a property test's seed). Never called by the hosts.
void seed_ids(uint64_t seed);

// A UUID derived from `seed` (version 8, name-based): the same seed always
// gives the same id. Used where a write must be replayable (SQL functions
// under statement replication must be deterministic).
std::string uuid_from(std::string_view seed);

// The current time as ISO 8601 UTC text, second precision.
std::string now_iso();

// True when s is an ISO 8601 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" or a date "YYYY-MM-DD".
bool is_iso_time(std::string_view s);

}  // namespace atelier
