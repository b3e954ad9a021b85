// atelier/ids.h — identifiers and timestamps.
//
// Records are keyed by text UUIDs so that rows made offline on different
// devices never collide. Timestamps are ISO 8601 UTC text ("2026-11-26T17:30:00Z"),
// which sorts correctly as text.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atelier {

// A new UUID in lower-case text form, version 7: the time in milliseconds,
// then a counter and random bits. Ids made one after another sort one after
// another, so that a new row goes to the end of its table's index and of the
// indexes that refer to it rather than to a random page of each.
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

// The same as uuid_from(seed) except that, when `near` is a version 7 id, the
// result keeps near's time (its first 48 bits): a row derived from another
// (a lead's client, its stage moves) then sorts beside it. Still the same id
// for the same seed and `near`. Change ids keep uuid_from(seed) alone: every
// version of Atelier must compute them alike.
std::string uuid_from(std::string_view seed, std::string_view near);

// The milliseconds of a version 7 id; nothing for any other text.
std::optional<uint64_t> uuid_time_ms(std::string_view id);

// The current time as ISO 8601 UTC text, second precision.
std::string now_iso();

// True when s is an ISO 8601 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" or a date "YYYY-MM-DD".
bool is_iso_time(std::string_view s);

}  // namespace atelier
