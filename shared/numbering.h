// atelier/numbering.h — human document numbers: gapless per series and year.
//
//   next_number(db, "invoice", 2026) -> "2026-0042"
//
// The counter lives in number_series(series, year, last_value, format) and is
// incremented inside a savepoint, so a number is taken only if the caller's
// transaction commits: no gaps, no duplicates. The format is configurable per
// series and year: {year} and {n:W} (zero-padded to W digits) or {n}.
#pragma once
#include <string>
#include <string_view>

#include "atelier_sqlite.h"

namespace atelier {

std::string next_number(sqlite3* db, std::string_view series, int year);

// The number of a new document. On the authority (the server), the next of
// the series. On a replica (the offline app), none yet: `provisional` is
// printed ("D-3f9c-0007") until the authority gives the number during sync.
struct DocNumber {
    std::string number, provisional;
};
DocNumber document_number(sqlite3* db, std::string_view series, int year);

// Sets how a series' numbers look from `from_year` on: a prefix (Latin
// letters, digits, - / . _; at most 12), the year or not, the width of the
// counter (1–8 digits): ("F-", true, 5) → "F-2026-00001". Numbers already
// given keep their text; the counter goes on. Returns the first number the
// format would give, as a sample. The same format serves every host.
std::string set_number_format(sqlite3* db, std::string_view series, std::string_view prefix, bool with_year, int width,
                              int from_year);

// Formats a number the way the series does ("{year}-{n:4}" → "2026-0042").
std::string format_number(std::string_view format, int year, int64_t n);

}  // namespace atelier
