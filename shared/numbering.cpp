// atelier/numbering.cpp — see numbering.h.
#include "numbering.h"

#include "error.h"
#include "store.h"
#include "sync.h"

namespace atelier {

std::string format_number(std::string_view fmt, int year, int64_t n) {
    std::string out;
    for (size_t i = 0; i < fmt.size();) {
        if (fmt.compare(i, 6, "{year}") == 0) {
            out += std::to_string(year);
            i += 6;
        } else if (fmt.compare(i, 3, "{n}") == 0) {
            out += std::to_string(n);
            i += 3;
        } else if (fmt.compare(i, 3, "{n:") == 0) {
            size_t close = fmt.find('}', i);
            if (close == std::string_view::npos) throw Error("numbering: format: unclosed {n:");
            int width = 0;
            for (size_t k = i + 3; k < close; ++k) {
                if (fmt[k] < '0' || fmt[k] > '9') throw Error("numbering: format: {n:W} takes a width in digits");
                width = width * 10 + (fmt[k] - '0');
            }
            if (width > 12) throw Error("numbering: format: width at most 12");
            std::string digits = std::to_string(n);
            if ((int)digits.size() < width) out.append((size_t)width - digits.size(), '0');
            out += digits;
            i = close + 1;
        } else {
            out += fmt[i++];
        }
    }
    return out;
}

std::string next_number(sqlite3* db, std::string_view series, int year) {
    if (series != "proposal" && series != "contract" && series != "invoice")
        throw Error("next_number: series: expected proposal, contract or invoice, got \"" + std::string(series) + "\"");
    if (year < 2000 || year > 9999) throw Error("next_number: year: expected 2000 to 9999, got " + std::to_string(year));
    Savepoint sp(db, "atelier_next_number");
    // The format of a new year follows the latest year's format of the series.
    Stmt ins(db, "INSERT INTO number_series(series, year, last_value, format)"
                 " VALUES (?1, ?2, 0, coalesce((SELECT format FROM number_series WHERE series = ?1 ORDER BY year DESC LIMIT 1),"
                 " CASE ?1 WHEN 'invoice' THEN '{year}-{n:4}' WHEN 'contract' THEN 'C-{year}-{n:4}' ELSE 'P-{year}-{n:4}' END))"
                 " ON CONFLICT(series, year) DO NOTHING");
    ins.bind(1, series).bind(2, (int64_t)year).step();
    Stmt up(db, "UPDATE number_series SET last_value = last_value + 1 WHERE series = ?1 AND year = ?2"
                " RETURNING last_value, format");
    up.bind(1, series).bind(2, (int64_t)year);
    if (!up.step()) throw Error("next_number: series row missing");
    int64_t n = up.int64(0);
    std::string fmt = up.text(1);
    while (up.step()) {}
    std::string out = format_number(fmt, year, n);
    sp.commit();
    return out;
}

std::string set_number_format(sqlite3* db, std::string_view series, std::string_view prefix, bool with_year, int width,
                              int from_year) {
    if (series != "proposal" && series != "contract" && series != "invoice")
        throw Error("number_format: series: expected proposal, contract or invoice, got \"" + std::string(series).substr(0, 40) + "\"");
    if (prefix.size() > 12) throw Error("number_format: prefix: at most 12 characters");
    for (char c : prefix)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '.' || c == '_'))
            throw Error("number_format: prefix: use only Latin letters, digits and - / . _");
    if (width < 1 || width > 8) throw Error("number_format: width: expected 1 to 8 digits");
    if (from_year < 2000 || from_year > 9999) throw Error("number_format: year: expected 2000 to 9999");
    std::string fmt = std::string(prefix) + (with_year ? "{year}-" : "") + "{n:" + std::to_string(width) + "}";
    Savepoint sp(db, "atelier_number_format");
    // From `from_year` on; numbers already given keep their text.
    Stmt ins(db, "INSERT INTO number_series(series, year, last_value, format) VALUES (?1, ?2, 0, ?3)"
                 " ON CONFLICT(series, year) DO UPDATE SET format = excluded.format");
    ins.bind(1, series).bind(2, (int64_t)from_year).bind(3, fmt).step();
    Stmt up(db, "UPDATE number_series SET format = ?3 WHERE series = ?1 AND year > ?2");
    up.bind(1, series).bind(2, (int64_t)from_year).bind(3, fmt).step();
    sp.commit();
    return format_number(fmt, from_year, 1);
}

DocNumber document_number(sqlite3* db, std::string_view series, int year) {
    if (sync::is_authority(db)) return {next_number(db, series, year), ""};
    int64_t n = std::stoll(sync::meta(db, "provisional_seq", "0")) + 1;
    sync::set_meta(db, "provisional_seq", std::to_string(n));
    std::string digits = std::to_string(n);
    if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
    return {"", "D-" + sync::meta(db, "device", "0000").substr(0, 4) + "-" + digits};
}

}  // namespace atelier
