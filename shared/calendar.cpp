// atelier/calendar.cpp — see calendar.h.
//
// [SECTION] day numbers
// [SECTION] the shipped calendars
// [SECTION] calendars from the database
#include "calendar.h"

#include <cstdio>
#include <map>

#include "error.h"
#include "ids.h"
#include "store.h"

namespace atelier {

// -------------------------------------------------------------------------
// [SECTION] day numbers
// -------------------------------------------------------------------------

namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (era-based formula).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool weekend(int64_t day) {
    int64_t wd = ((day % 7) + 7 + 3) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
    return wd >= 5;
}

}  // namespace

int64_t day_number(const std::string& s, const char* field) {
    if (s.size() != 10 || !is_iso_time(s)) throw Error(std::string(field) + ": expected a date YYYY-MM-DD, got \"" + s + "\"");
    int64_t y = std::stoll(s.substr(0, 4));
    unsigned m = (unsigned)std::stoi(s.substr(5, 2)), d = (unsigned)std::stoi(s.substr(8, 2));
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        throw Error(std::string(field) + ": no such date \"" + s + "\"");
    return days_from_civil(y, m, d);
}

std::string iso_date(int64_t day) {
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", (long long)y, m, d);
    return buf;
}

bool WorkCalendar::working(int64_t day) const {
    if (weekend(day)) return worked.count(day) > 0;
    return off.count(day) == 0;
}

int64_t WorkCalendar::first_working(int64_t day) const {
    // A calendar is mostly working days: a run of days off is short, but a
    // studio could mark a year off; the bound keeps a typo from looping.
    for (int i = 0; i < 3660 && !working(day); ++i) ++day;
    return day;
}

int64_t WorkCalendar::plus_working(int64_t day, int64_t n) const {
    for (int guard = 0; n > 0 && guard < 100000; ++guard) {
        ++day;
        if (working(day)) --n;
    }
    return day;
}

std::string add_working_days(const std::string& date, int days, const WorkCalendar& cal) {
    return iso_date(cal.plus_working(cal.first_working(day_number(date, "date")), days));
}

const WorkCalendar& weekends_only() {
    static const WorkCalendar none;
    return none;
}

// -------------------------------------------------------------------------
// [SECTION] the shipped calendars
// -------------------------------------------------------------------------

namespace {

struct ShippedDay {
    const char* country;
    const char* day;
    bool working;
    const char* name;
};

// Russia: the production calendar (Labour Code art. 112 and the government's
// transfers of days off). France: the jours fériés of the Code du travail
// (L3133-1), Easter Monday, Ascension and Whit Monday included.
const ShippedDay kShipped[] = {
    {"ru", "2026-01-01", false, "Новогодние каникулы"}, {"ru", "2026-01-02", false, "Новогодние каникулы"},
    {"ru", "2026-01-05", false, "Новогодние каникулы"}, {"ru", "2026-01-06", false, "Новогодние каникулы"},
    {"ru", "2026-01-07", false, "Рождество Христово"}, {"ru", "2026-01-08", false, "Новогодние каникулы"},
    {"ru", "2026-01-09", false, "Перенос выходного с 3 января"}, {"ru", "2026-02-23", false, "День защитника Отечества"},
    {"ru", "2026-03-09", false, "Перенос выходного с 8 марта"}, {"ru", "2026-05-01", false, "Праздник Весны и Труда"},
    {"ru", "2026-05-11", false, "Перенос выходного с 9 мая"}, {"ru", "2026-06-12", false, "День России"},
    {"ru", "2026-11-04", false, "День народного единства"}, {"ru", "2026-12-31", false, "Перенос выходного с 4 января"},
    {"ru", "2027-01-01", false, "Новогодние каникулы"}, {"ru", "2027-01-04", false, "Новогодние каникулы"},
    {"ru", "2027-01-05", false, "Новогодние каникулы"}, {"ru", "2027-01-06", false, "Новогодние каникулы"},
    {"ru", "2027-01-07", false, "Рождество Христово"}, {"ru", "2027-01-08", false, "Новогодние каникулы"},
    {"ru", "2027-02-23", false, "День защитника Отечества"}, {"ru", "2027-03-08", false, "Международный женский день"},
    {"ru", "2027-05-03", false, "Перенос выходного с 1 мая"}, {"ru", "2027-05-10", false, "Перенос выходного с 9 мая"},
    {"ru", "2027-06-14", false, "Перенос выходного с 12 июня"}, {"ru", "2027-11-04", false, "День народного единства"},
    {"fr", "2026-01-01", false, "Jour de l'an"}, {"fr", "2026-04-06", false, "Lundi de Pâques"},
    {"fr", "2026-05-01", false, "Fête du Travail"}, {"fr", "2026-05-08", false, "Victoire 1945"},
    {"fr", "2026-05-14", false, "Ascension"}, {"fr", "2026-05-25", false, "Lundi de Pentecôte"},
    {"fr", "2026-07-14", false, "Fête nationale"}, {"fr", "2026-08-15", false, "Assomption"},
    {"fr", "2026-11-01", false, "Toussaint"}, {"fr", "2026-11-11", false, "Armistice 1918"},
    {"fr", "2026-12-25", false, "Noël"},
    {"fr", "2027-01-01", false, "Jour de l'an"}, {"fr", "2027-03-29", false, "Lundi de Pâques"},
    {"fr", "2027-05-01", false, "Fête du Travail"}, {"fr", "2027-05-06", false, "Ascension"},
    {"fr", "2027-05-08", false, "Victoire 1945"}, {"fr", "2027-05-17", false, "Lundi de Pentecôte"},
    {"fr", "2027-07-14", false, "Fête nationale"}, {"fr", "2027-08-15", false, "Assomption"},
    {"fr", "2027-11-01", false, "Toussaint"}, {"fr", "2027-11-11", false, "Armistice 1918"},
    {"fr", "2027-12-25", false, "Noël"},
};

void add_day(WorkCalendar& c, int64_t day, bool working) {
    if (working) {
        c.off.erase(day);
        if (weekend(day)) c.worked.insert(day);
    } else {
        c.worked.erase(day);
        if (!weekend(day)) c.off.insert(day);
    }
}

void check_country(std::string_view country) {
    if (country.size() != 2 || country[0] < 'a' || country[0] > 'z' || country[1] < 'a' || country[1] > 'z')
        throw Error("calendar: country: expected a two-letter country code such as \"ru\" or \"fr\", got \"" +
                    std::string(country.substr(0, 40)) + "\"");
}

}  // namespace

const WorkCalendar& shipped_calendar(std::string_view country) {
    static const std::map<std::string, WorkCalendar, std::less<>> all = [] {
        std::map<std::string, WorkCalendar, std::less<>> m;
        for (const ShippedDay& d : kShipped) {
            WorkCalendar& c = m[d.country];
            c.country = d.country;
            add_day(c, day_number(d.day, "calendar"), d.working);
        }
        return m;
    }();
    auto it = all.find(country);
    return it == all.end() ? weekends_only() : it->second;
}

std::string_view calendar_country_of(std::string_view currency) {
    if (currency == "RUB") return "ru";
    if (currency == "EUR") return "fr";
    return "";
}

// -------------------------------------------------------------------------
// [SECTION] calendars from the database
// -------------------------------------------------------------------------

WorkCalendar load_calendar(sqlite3* db, std::string_view country) {
    if (country.empty()) return weekends_only();
    {
        Stmt has(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calendar_days'");
        if (!has.step()) return shipped_calendar(country);
    }
    WorkCalendar c;
    c.country = std::string(country);
    Stmt q(db, "SELECT day, working FROM calendar_days WHERE country = ?1");
    q.bind(1, country);
    while (q.step()) {
        try {
            add_day(c, day_number(q.text(0), "calendar_days.day"), q.int64(1) != 0);
        } catch (const Error&) {
            // A malformed row (written around the checks) counts as nothing.
        }
    }
    return c;
}

void install_calendar(sqlite3* db) {
    Stmt ins(db, "INSERT INTO calendar_days(id, country, day, working, name) VALUES (?1, ?2, ?3, ?4, ?5)"
                 " ON CONFLICT DO NOTHING");
    for (const ShippedDay& d : kShipped) {
        ins.bind(1, uuid_from(std::string("calendar|") + d.country + "|" + d.day)).bind(2, d.country).bind(3, d.day)
            .bind(4, (int64_t)d.working).bind(5, d.name).step();
        ins.reset();
    }
}

void set_calendar_day(sqlite3* db, std::string_view country, const std::string& day, bool working, std::string_view name) {
    check_country(country);
    day_number(day, "calendar: day");
    if (name.size() > 200) throw Error("calendar: name: longer than 200 bytes");
    // One id per country and day, so that two devices marking the same day
    // make one row.
    Stmt q(db, "INSERT INTO calendar_days(id, country, day, working, name) VALUES (?1, ?2, ?3, ?4, ?5)"
               " ON CONFLICT(id) DO UPDATE SET working = excluded.working, name = excluded.name");
    q.bind(1, uuid_from("calendar|" + std::string(country) + "|" + day)).bind(2, country).bind(3, day)
        .bind(4, (int64_t)working).bind(5, name).step();
}

}  // namespace atelier
