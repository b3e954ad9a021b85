// Money: formatting, parsing and checked arithmetic in minor units.
#include <doctest/doctest.h>

#include <climits>

#include "error.h"
#include "money.h"

using namespace atelier;

static const std::string NB = "\xC2\xA0";

TEST_CASE("money: format per language") {
    SUBCASE("the reference amounts") {
        CHECK(format({123456789, Currency::RUB}, Lang::ru) == "1" + NB + "234" + NB + "567,89" + NB + "₽");
        CHECK(format({123456789, Currency::EUR}, Lang::fr) == "1" + NB + "234" + NB + "567,89" + NB + "€");
        CHECK(format({123456789, Currency::USD}, Lang::en) == "$1,234,567.89");
    }
    SUBCASE("small, zero and negative") {
        CHECK(format({0, Currency::RUB}, Lang::ru) == "0,00" + NB + "₽");
        CHECK(format({5, Currency::EUR}, Lang::en) == "€0.05");
        CHECK(format({-100050, Currency::USD}, Lang::en) == "-$1,000.50");
        CHECK(format({-99, Currency::RUB}, Lang::fr) == "-0,99" + NB + "₽");
        CHECK(format({99999, Currency::RUB}, Lang::ru) == "999,99" + NB + "₽");
        CHECK(format({100000, Currency::RUB}, Lang::ru) == "1" + NB + "000,00" + NB + "₽");
    }
    SUBCASE("the extremes of int64 do not overflow") {
        CHECK(format({INT64_MAX, Currency::USD}, Lang::en) == "$92,233,720,368,547,758.07");
        CHECK(format({INT64_MIN, Currency::USD}, Lang::en) == "-$92,233,720,368,547,758.08");
    }
}

TEST_CASE("money: hours and dates as each language writes them") {
    CHECK(format_hours(600, Lang::ru) == "6");
    CHECK(format_hours(650, Lang::fr) == "6,5");
    CHECK(format_hours(625, Lang::en) == "6.25");
    CHECK(format_hours(5, Lang::ru) == "0,05");
    CHECK(format_hours(-150, Lang::ru) == "-1,5");
    CHECK(format_date("2026-12-15", Lang::ru) == "15.12.2026");
    CHECK(format_date("2026-12-15T10:30:00Z", Lang::fr) == "15/12/2026");
    CHECK(format_date("2026-12-15", Lang::en) == "2026-12-15");
    CHECK(format_date("bad", Lang::ru) == "bad");
}

TEST_CASE("money: parse what people type") {
    SUBCASE("ru and fr") {
        CHECK(parse_money("1 234 567,89", Currency::RUB, Lang::ru).minor == 123456789);
        CHECK(parse_money("1" + NB + "234,5" + NB + "₽", Currency::RUB, Lang::ru).minor == 123450);
        CHECK(parse_money("  750000 руб.", Currency::RUB, Lang::ru).minor == 75000000);
        CHECK(parse_money("12.30", Currency::RUB, Lang::ru).minor == 1230);
        CHECK(parse_money("-12,5 €", Currency::EUR, Lang::fr).minor == -1250);
        CHECK(parse_money("1\xE2\x80\xAF" "000 €", Currency::EUR, Lang::fr).minor == 100000);  // narrow NBSP
    }
    SUBCASE("en") {
        CHECK(parse_money("$1,234,567.89", Currency::USD, Lang::en).minor == 123456789);
        CHECK(parse_money("-$3", Currency::USD, Lang::en).minor == -300);
        CHECK(parse_money("USD 10.1", Currency::USD, Lang::en).minor == 1010);
        CHECK(parse_money("0.07", Currency::EUR, Lang::en).minor == 7);
    }
    SUBCASE("round trip through format") {
        for (int64_t v : {0LL, 1LL, -1LL, 99LL, 100LL, 123456789LL, -987654321012LL}) {
            for (Lang l : {Lang::ru, Lang::fr, Lang::en}) {
                for (Currency c : {Currency::RUB, Currency::EUR, Currency::USD}) {
                    CAPTURE(v);
                    CHECK(parse_money(format({v, c}, l), c, l).minor == v);
                }
            }
        }
    }
}

TEST_CASE("money: parse errors name the field and the problem") {
    auto err = [](const std::string& text, Currency c, Lang l) -> std::string {
        try {
            parse_money(text, c, l, "price");
        } catch (const Error& e) {
            return e.what();
        }
        return "<no error>";
    };
    CHECK(err("", Currency::RUB, Lang::ru) == "atelier: price: expected an amount, got an empty string");
    CHECK(err("12,345", Currency::RUB, Lang::ru) == "atelier: price: at most two decimal places, got \"12,345\"");
    CHECK(err("12a", Currency::RUB, Lang::ru) == "atelier: price: unexpected character \"a\" in \"12a\"");
    CHECK(err("10 €", Currency::RUB, Lang::ru) ==
          "atelier: price: currency sign \"€\" in \"10 €\" does not match RUB");
    CHECK(err("1,2,3", Currency::RUB, Lang::fr) == "atelier: price: more than one decimal separator in \"1,2,3\"");
    CHECK(err("1.", Currency::USD, Lang::en) == "atelier: price: expected digits after the separator in \"1.\"");
    CHECK(err(",5", Currency::USD, Lang::en).find("unexpected character") != std::string::npos);
    CHECK(err("99999999999999999999", Currency::USD, Lang::en) ==
          "atelier: price: amount out of range in \"99999999999999999999\"");
    CHECK(err("$", Currency::USD, Lang::en) == "atelier: price: expected digits, got \"$\"");
}

TEST_CASE("money: checked arithmetic and rounding") {
    CHECK(add_minor(1, 2) == 3);
    CHECK_THROWS_AS(add_minor(INT64_MAX, 1), Error);
    CHECK_THROWS_AS(mul_minor(INT64_MAX / 2, 3), Error);
    CHECK(mul_minor(-7, 6) == -42);
    SUBCASE("half away from zero") {
        CHECK(div_round_half_away(5, 2) == 3);
        CHECK(div_round_half_away(-5, 2) == -3);
        CHECK(div_round_half_away(4, 3) == 1);
        CHECK(div_round_half_away(-4, 3) == -1);
        CHECK(div_round_half_away(149, 100) == 1);
        CHECK(div_round_half_away(150, 100) == 2);
        CHECK(div_round_half_away(-150, 100) == -2);
        CHECK(div_round_half_away(0, 7) == 0);
    }
}

TEST_CASE("money: currency and language codes") {
    CHECK(parse_currency("EUR") == Currency::EUR);
    CHECK_THROWS_WITH(parse_currency("eur"), "atelier: currency: unknown currency \"eur\", expected RUB, EUR or USD");
    CHECK_THROWS_WITH(parse_lang("de"), "atelier: lang: unknown language \"de\", expected ru, fr or en");
    CHECK(std::string(lang_code(parse_lang("fr"))) == "fr");
}
