// atelier/json_in.h — JSON that comes from outside, read with bounds.
//
// nlohmann's parser is iterative, but copies, dump() and every walk over a
// value recurse once per nesting level: a 100,000-deep array from a client
// would overflow the stack. So every text is measured before it is parsed:
// at most kJsonMaxDepth levels of nesting and a size limit per use, refused
// with the usual "atelier: <what>: ..." error. Messages about a value never
// print it whole: describe() gives its type or its first 60 characters.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace atelier {

constexpr int kJsonMaxDepth = 64;
constexpr size_t kJsonMaxBytes = 16u << 20;  // any single JSON value the core reads

// The deepest nesting of arrays and objects in `text` (strings skipped),
// counting stops as soon as it exceeds `stop_above`.
int json_depth(std::string_view text, int stop_above = kJsonMaxDepth);

// Parses `text`; throws Error("<what>: malformed JSON" | "...nested deeper
// than 64 levels" | "...larger than N bytes").
nlohmann::json parse_json(std::string_view text, const std::string& what, size_t max_bytes = kJsonMaxBytes,
                          int max_depth = kJsonMaxDepth);

// The same bounds, but a value that is malformed, too deep or too large is
// returned as a discarded value (is_discarded()), for stored data read back.
nlohmann::json parse_json_or_discard(std::string_view text, size_t max_bytes = kJsonMaxBytes, int max_depth = kJsonMaxDepth);

// "an object", "an array of 3", "a number 12.5", "\"the first 60 chars…\"".
std::string describe(const nlohmann::json& v);

// A string cut to at most `max_chars` UTF-8 characters, with "…" if cut.
std::string clip_utf8(std::string_view s, size_t max_chars);

// True if `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s);

// The number of UTF-8 characters (code points) in well-formed `s`.
size_t utf8_length(std::string_view s);

}  // namespace atelier
