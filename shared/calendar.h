// atelier/calendar.h — working days: weekends, public holidays and the
// weekend days a country's calendar makes working.
//
// A calendar is data: the `calendar_days` table holds, per country (ru, fr),
// each date that differs from the Monday–Friday rule (a holiday on a weekday,
// or a Saturday worked in exchange). install_defaults() ships Russia's
// production calendar and France's jours fériés for 2026 and 2027; a studio
// edits them (a holiday moved by decree, a regional day off). Every timeline
// and due date counts working days through a calendar.
//
//   WorkCalendar ru = load_calendar(db, "ru");
//   add_working_days("2026-12-28", 5, ru)   // "2027-01-11": 01–08.01 are off
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "atelier_sqlite.h"

namespace atelier {

// Dates as day numbers (days since 1970-01-01), for counting.
// day_number() throws Error("<field>: expected a date YYYY-MM-DD, got ...")
// or ("<field>: no such date ...").
int64_t day_number(const std::string& iso, const char* field);
std::string iso_date(int64_t day);

struct WorkCalendar {
    std::string country;                 // "ru", "fr"; "" counts weekends only
    std::unordered_set<int64_t> off;     // weekdays that are not worked
    std::unordered_set<int64_t> worked;  // weekend days that are

    bool working(int64_t day) const;
    // The first working day on or after `day`.
    int64_t first_working(int64_t day) const;
    // The working day `n` working days after `day` (n >= 0).
    int64_t plus_working(int64_t day, int64_t n) const;
};

// Monday to Friday, no holidays.
const WorkCalendar& weekends_only();

// The shipped calendar of a country (what install_defaults() stores), or
// weekends_only() for a country without shipped data.
const WorkCalendar& shipped_calendar(std::string_view country);

// The calendar the database holds for `country`; the shipped one when the
// database has no calendar table (a bare extension connection).
WorkCalendar load_calendar(sqlite3* db, std::string_view country);

// Whose calendar a price list in this currency counts by default
// (RUB → ru, EUR → fr, others → "").
std::string_view calendar_country_of(std::string_view currency);

// Stores the shipped days into calendar_days; a day the studio already has
// (changed or not) is left as it is.
void install_calendar(sqlite3* db);

// Sets one day of a country's calendar: working (a worked Saturday, or a
// shipped holiday the studio works) or not (a holiday), with its name.
// Errors name the field: country, day, name.
void set_calendar_day(sqlite3* db, std::string_view country, const std::string& day, bool working, std::string_view name);

// `days` working days after `date` (a date YYYY-MM-DD); 0 gives the first
// working day on or after it.
std::string add_working_days(const std::string& date, int days, const WorkCalendar& cal = weekends_only());

}  // namespace atelier
