// atelier/money.cpp — see money.h.
#include "money.h"

#include <climits>

#include "error.h"
#include "json_in.h"

namespace atelier {

namespace {

constexpr const char* NBSP = "\xC2\xA0";  // U+00A0 NO-BREAK SPACE

struct CurrencyInfo {
    Currency currency;
    const char* code;
    const char* sign;
};

constexpr CurrencyInfo kCurrencies[] = {
    {Currency::RUB, "RUB", "\xE2\x82\xBD"},  // ₽
    {Currency::EUR, "EUR", "\xE2\x82\xAC"},  // €
    {Currency::USD, "USD", "$"},
};

const CurrencyInfo& info(Currency c) {
    for (const auto& i : kCurrencies)
        if (i.currency == c) return i;
    return kCurrencies[0];
}

std::string quoted(std::string_view text) {
    std::string out = "\"", s = clip_utf8(text, 60);
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

// Writes |minor| as "int<sep>frac" with grouping; uses uint64 so INT64_MIN is fine.
std::string digits(uint64_t v, const char* group, char decimal) {
    std::string frac = std::to_string(v % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    std::string ip = std::to_string(v / 100);
    std::string out;
    int n = (int)ip.size();
    for (int i = 0; i < n; ++i) {
        out += ip[i];
        int rest = n - 1 - i;
        if (rest > 0 && rest % 3 == 0) out += group;
    }
    out += decimal;
    return out + frac;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Length of a space-like character at the start of s (ASCII space, tab,
// U+00A0, U+2009 THIN SPACE, U+202F NARROW NO-BREAK SPACE), or 0.
size_t space_len(std::string_view s) {
    if (s.empty()) return 0;
    if (s[0] == ' ' || s[0] == '\t') return 1;
    if (starts_with(s, "\xC2\xA0")) return 2;
    if (starts_with(s, "\xE2\x80\x89") || starts_with(s, "\xE2\x80\xAF")) return 3;
    return 0;
}

std::string_view trim(std::string_view s) {
    for (;;) {
        size_t n = space_len(s);
        if (!n) break;
        s.remove_prefix(n);
    }
    for (;;) {
        bool cut = false;
        for (std::string_view sp : {" ", "\t", "\xC2\xA0", "\xE2\x80\x89", "\xE2\x80\xAF"})
            if (ends_with(s, sp)) { s.remove_suffix(sp.size()); cut = true; break; }
        if (!cut) break;
    }
    return s;
}

struct Marker {
    const char* text;
    Currency currency;
};
// Longest first, so that "$US" wins over "$" and "руб." over "руб".
constexpr Marker kMarkers[] = {
    {"\xD1\x80\xD1\x83\xD0\xB1.", Currency::RUB},  // руб.
    {"\xD1\x80\xD1\x83\xD0\xB1", Currency::RUB},   // руб
    {"\xD1\x80.", Currency::RUB},                   // р.
    {"RUB", Currency::RUB}, {"EUR", Currency::EUR}, {"USD", Currency::USD},
    {"$US", Currency::USD},
    {"\xE2\x82\xBD", Currency::RUB}, {"\xE2\x82\xAC", Currency::EUR}, {"$", Currency::USD},
};

}  // namespace

std::optional<Currency> currency_from_code(std::string_view code) {
    for (const auto& i : kCurrencies)
        if (code == i.code) return i.currency;
    return std::nullopt;
}

const char* currency_code(Currency c) { return info(c).code; }

std::optional<Lang> lang_from_code(std::string_view code) {
    if (code == "ru") return Lang::ru;
    if (code == "fr") return Lang::fr;
    if (code == "en") return Lang::en;
    return std::nullopt;
}

const char* lang_code(Lang l) {
    switch (l) {
        case Lang::ru: return "ru";
        case Lang::fr: return "fr";
        case Lang::en: return "en";
    }
    return "ru";
}

Currency parse_currency(std::string_view code, const char* field) {
    if (auto c = currency_from_code(code)) return *c;
    throw Error(std::string(field) + ": unknown currency " + quoted(code) + ", expected RUB, EUR or USD");
}

Lang parse_lang(std::string_view code, const char* field) {
    if (auto l = lang_from_code(code)) return *l;
    throw Error(std::string(field) + ": unknown language " + quoted(code) + ", expected ru, fr or en");
}

int64_t add_minor(int64_t a, int64_t b, const char* field) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        throw Error(std::string(field) + ": amount out of range (int64 minor units overflow)");
    return r;
}

int64_t mul_minor(int64_t a, int64_t b, const char* field) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        throw Error(std::string(field) + ": amount out of range (int64 minor units overflow)");
    return r;
}

int64_t div_round_half_away(int64_t a, int64_t b) {
    // |a| % b * 2 >= b decides rounding up in magnitude; computed on the
    // remainder, which is < b, so it cannot overflow for b <= INT64_MAX / 2.
    int64_t q = a / b, r = a % b;
    if (r < 0) r = -r;
    if (r >= b - r) q += (a < 0) ? -1 : 1;
    return q;
}

std::string format_hours(int64_t ch, Lang l) {
    std::string s = (ch < 0 ? "-" : "") + std::to_string((ch < 0 ? -ch : ch) / 100);
    int64_t frac = (ch < 0 ? -ch : ch) % 100;
    if (frac) {
        std::string f = (frac < 10 ? "0" : "") + std::to_string(frac);
        if (f.back() == '0') f.pop_back();
        s += (l == Lang::en ? "." : ",") + f;
    }
    return s;
}

std::string format_date(std::string_view iso, Lang l) {
    if (iso.size() < 10) return std::string(iso);
    std::string y(iso.substr(0, 4)), m(iso.substr(5, 2)), d(iso.substr(8, 2));
    if (l == Lang::ru) return d + "." + m + "." + y;
    if (l == Lang::fr) return d + "/" + m + "/" + y;
    return y + "-" + m + "-" + d;
}

std::string format(const Money& m, Lang lang) {
    const CurrencyInfo& ci = info(m.currency);
    uint64_t mag = m.minor < 0 ? 0 - (uint64_t)m.minor : (uint64_t)m.minor;
    std::string sign = m.minor < 0 ? "-" : "";
    if (lang == Lang::en) return sign + ci.sign + digits(mag, ",", '.');
    return sign + digits(mag, NBSP, ',') + NBSP + ci.sign;
}

Money parse_money(std::string_view text, Currency currency, Lang lang, const char* field) {
    const std::string f(field);
    std::string_view s = trim(text);
    if (s.empty()) throw Error(f + ": expected an amount, got an empty string");

    bool negative = false;
    auto take_sign = [&] {
        if (starts_with(s, "-")) { negative = true; s.remove_prefix(1); }
        else if (starts_with(s, "\xE2\x88\x92")) { negative = true; s.remove_prefix(3); }  // U+2212
        s = trim(s);
    };
    take_sign();
    for (const Marker& mk : kMarkers) {
        std::string_view t = mk.text;
        bool front = starts_with(s, t), back = !front && ends_with(s, t);
        if (!front && !back) continue;
        if (mk.currency != currency)
            throw Error(f + ": currency sign " + quoted(t) + " in " + quoted(text) + " does not match " +
                        currency_code(currency));
        if (front) s.remove_prefix(t.size()); else s.remove_suffix(t.size());
        s = trim(s);
        break;
    }
    if (!negative) take_sign();

    const char decimal_alt = (lang == Lang::en) ? '.' : ',';
    uint64_t units = 0;
    int decimals = -1;  // -1: no decimal separator seen yet
    bool any_digit = false, last_digit = false;
    const uint64_t limit = (uint64_t)kMaxAmountMinor;
    for (size_t i = 0; i < s.size();) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (decimals >= 2)
                throw Error(f + ": at most two decimal places, got " + quoted(text));
            units = units * 10 + (uint64_t)(ch - '0');
            if (units > limit) throw Error(f + ": amount out of range in " + quoted(text));
            if (decimals >= 0) ++decimals;
            any_digit = last_digit = true;
            ++i;
            continue;
        }
        bool is_decimal = ch == decimal_alt || (lang != Lang::en && ch == '.');
        if (is_decimal) {
            if (decimals >= 0) throw Error(f + ": more than one decimal separator in " + quoted(text));
            if (!any_digit) throw Error(f + ": expected digits before the decimal separator in " + quoted(text));
            decimals = 0;
            last_digit = false;
            ++i;
            continue;
        }
        size_t sp = space_len(s.substr(i));
        bool is_group = sp > 0 || (lang == Lang::en && ch == ',');
        if (is_group && decimals < 0 && last_digit) {
            i += sp ? sp : 1;
            last_digit = false;
            continue;
        }
        throw Error(f + ": unexpected character " + quoted(s.substr(i, 1)) + " in " + quoted(text));
    }
    if (!any_digit) throw Error(f + ": expected digits, got " + quoted(text));
    if (decimals == 0 || !last_digit) throw Error(f + ": expected digits after the separator in " + quoted(text));
    int scale = decimals <= 0 ? 100 : (decimals == 1 ? 10 : 1);
    uint64_t minor = units * (uint64_t)scale;
    if (minor > (uint64_t)kMaxAmountMinor) throw Error(f + ": amount out of range in " + quoted(text));
    int64_t v = (int64_t)minor;
    return Money{negative ? -v : v, currency};
}

}  // namespace atelier
