// atelier/money.h — amounts of money as integer minor units.
//
// A Money is an int64 count of minor units (kopecks, cents) and an ISO 4217
// currency. No floating point ever touches an amount: parsing reads digits,
// formatting writes digits, arithmetic is checked for overflow.
//
//   format(Money{123456789, Currency::RUB}, Lang::ru)  -> "1 234 567,89 ₽"
//   format(Money{123456789, Currency::EUR}, Lang::fr)  -> "1 234 567,89 €"
//   format(Money{123456789, Currency::USD}, Lang::en)  -> "$1,234,567.89"
//
// The spaces in ru/fr output are U+00A0 NO-BREAK SPACE, so that an amount is
// never split across lines in a document.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atelier {

enum class Currency { RUB, EUR, USD };
enum class Lang { ru, fr, en };

std::optional<Currency> currency_from_code(std::string_view code);
const char* currency_code(Currency c);
std::optional<Lang> lang_from_code(std::string_view code);
const char* lang_code(Lang l);

// Parse helpers that throw atelier::Error naming `field` when the code is unknown.
Currency parse_currency(std::string_view code, const char* field = "currency");
Lang parse_lang(std::string_view code, const char* field = "lang");

// The largest amount Atelier takes, stores or prints back as typed:
// 9 999 999 999 999,99 in any currency (10^15 - 1 minor units). Sums of
// up to 9,000 such amounts still fit an int64.
constexpr int64_t kMaxAmountMinor = 999'999'999'999'999;

struct Money {
    int64_t minor = 0;
    Currency currency = Currency::RUB;
};

// Checked int64 arithmetic for amounts. Money must never wrap around silently:
// an overflow is an error the caller reports, not a wrong invoice.
int64_t add_minor(int64_t a, int64_t b, const char* field = "amount");
int64_t mul_minor(int64_t a, int64_t b, const char* field = "amount");

// Rounds a / b to the nearest integer, halves away from zero. b must be > 0.
int64_t div_round_half_away(int64_t a, int64_t b);

std::string format(const Money& m, Lang lang);
// Hours from hundredths, without trailing zeros: "12,5" (ru, fr), "12.5" (en).
std::string format_hours(int64_t centihours, Lang lang);
// A date as each language writes it, from "2026-11-26[T...]": "26.11.2026"
// (ru), "26/11/2026" (fr), "2026-11-26" (en).
std::string format_date(std::string_view iso, Lang lang);

// Parses an amount written by a person in `lang` conventions:
//   ru/fr: "1 234 567,89", "1234567,89 ₽", "-12,5", "1 234 €"
//   en:    "1,234,567.89", "$1,234.50", "-12.5"
// A currency sign or code, if present, must agree with `currency`.
// More than two decimals, stray characters and overflow are errors naming `field`.
Money parse_money(std::string_view text, Currency currency, Lang lang, const char* field = "amount");

}  // namespace atelier
