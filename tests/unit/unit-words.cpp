// Amounts in words: written from each language's rules for invoices.
#include <doctest/doctest.h>

#include "error.h"
#include "words.h"

using namespace atelier;

static std::string w(int64_t minor, Currency c, Lang l) { return amount_in_words(Money{minor, c}, l); }

TEST_CASE("words: Russian — gender, plural forms, thousands") {
    CHECK(w(0, Currency::RUB, Lang::ru) == "Ноль рублей 00 копеек");
    CHECK(w(100, Currency::RUB, Lang::ru) == "Один рубль 00 копеек");
    CHECK(w(201, Currency::RUB, Lang::ru) == "Два рубля 01 копейка");
    CHECK(w(502, Currency::RUB, Lang::ru) == "Пять рублей 02 копейки");
    CHECK(w(1100, Currency::RUB, Lang::ru) == "Одиннадцать рублей 00 копеек");
    CHECK(w(2100, Currency::RUB, Lang::ru) == "Двадцать один рубль 00 копеек");
    CHECK(w(11111, Currency::RUB, Lang::ru) == "Сто одиннадцать рублей 11 копеек");
    SUBCASE("тысяча is feminine: одна, две") {
        CHECK(w(100000, Currency::RUB, Lang::ru) == "Одна тысяча рублей 00 копеек");
        CHECK(w(200000, Currency::RUB, Lang::ru) == "Две тысячи рублей 00 копеек");
        CHECK(w(500000, Currency::RUB, Lang::ru) == "Пять тысяч рублей 00 копеек");
        CHECK(w(2100000, Currency::RUB, Lang::ru) == "Двадцать одна тысяча рублей 00 копеек");
        CHECK(w(1400000, Currency::RUB, Lang::ru) == "Четырнадцать тысяч рублей 00 копеек");
    }
    CHECK(w(75000000, Currency::RUB, Lang::ru) == "Семьсот пятьдесят тысяч рублей 00 копеек");
    CHECK(w(123456789, Currency::RUB, Lang::ru) ==
          "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек");
    CHECK(w(200000000000, Currency::RUB, Lang::ru) == "Два миллиарда рублей 00 копеек");
    CHECK(w(99999999999999, Currency::RUB, Lang::ru) ==
          "Девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов девятьсот девяносто девять "
          "тысяч девятьсот девяносто девять рублей 99 копеек");
    CHECK(w(2199, Currency::EUR, Lang::ru) == "Двадцать один евро 99 центов");
    CHECK(w(302, Currency::USD, Lang::ru) == "Три доллара США 02 цента");
}

TEST_CASE("words: French — hyphens, et, vingts/cents, d'euros") {
    CHECK(w(0, Currency::EUR, Lang::fr) == "Zéro euro");
    CHECK(w(101, Currency::EUR, Lang::fr) == "Un euro et 01 centime");
    CHECK(w(2105, Currency::EUR, Lang::fr) == "Vingt et un euros et 05 centimes");
    CHECK(w(7100, Currency::EUR, Lang::fr) == "Soixante et onze euros");
    CHECK(w(7200, Currency::EUR, Lang::fr) == "Soixante-douze euros");
    CHECK(w(8000, Currency::EUR, Lang::fr) == "Quatre-vingts euros");
    CHECK(w(8100, Currency::EUR, Lang::fr) == "Quatre-vingt-un euros");
    CHECK(w(9100, Currency::EUR, Lang::fr) == "Quatre-vingt-onze euros");
    CHECK(w(9900, Currency::EUR, Lang::fr) == "Quatre-vingt-dix-neuf euros");
    CHECK(w(20000, Currency::EUR, Lang::fr) == "Deux cents euros");
    CHECK(w(20100, Currency::EUR, Lang::fr) == "Deux cent un euros");
    CHECK(w(100000, Currency::EUR, Lang::fr) == "Mille euros");
    CHECK(w(8000000, Currency::EUR, Lang::fr) == "Quatre-vingt mille euros");
    CHECK(w(20000000, Currency::EUR, Lang::fr) == "Deux cent mille euros");
    CHECK(w(100000000, Currency::EUR, Lang::fr) == "Un million d'euros");
    CHECK(w(20000000000, Currency::EUR, Lang::fr) == "Deux cents millions d'euros");
    CHECK(w(300000000, Currency::RUB, Lang::fr) == "Trois millions de roubles");
    CHECK(w(123456789, Currency::EUR, Lang::fr) ==
          "Un million deux cent trente-quatre mille cinq cent soixante-sept euros et 89 centimes");
    CHECK(w(100000000000, Currency::EUR, Lang::fr) == "Un milliard d'euros");
}

TEST_CASE("words: English") {
    CHECK(w(0, Currency::USD, Lang::en) == "Zero US dollars and 00 cents");
    CHECK(w(101, Currency::USD, Lang::en) == "One US dollar and 01 cent");
    CHECK(w(123456789, Currency::USD, Lang::en) ==
          "One million two hundred thirty-four thousand five hundred sixty-seven US dollars and 89 cents");
    CHECK(w(1500000, Currency::EUR, Lang::en) == "Fifteen thousand euros and 00 cents");
    CHECK(w(100000000000, Currency::RUB, Lang::en) == "One billion rubles and 00 kopecks");
    CHECK(w(4000, Currency::RUB, Lang::en) == "Forty rubles and 00 kopecks");
}

TEST_CASE("words: range and errors") {
    CHECK_THROWS_WITH_AS(w(-1, Currency::RUB, Lang::ru), doctest::Contains("must not be negative"), Error);
    CHECK_THROWS_WITH_AS(w(100000000000000, Currency::RUB, Lang::ru), doctest::Contains("at most"), Error);
    // Every amount in a sweep gets words, and the kopecks are always the last
    // two digits, except that French says a round amount without them.
    for (int64_t v = 0; v < 3000000; v += 9973) {
        for (Lang l : {Lang::ru, Lang::fr, Lang::en}) {
            std::string s = w(v, Currency::RUB, l);
            char kk[3];
            std::snprintf(kk, sizeof kk, "%02d", (int)(v % 100));
            CAPTURE(s);
            if (l == Lang::fr && v % 100 == 0) CHECK(s.find(" et ") == std::string::npos);
            else CHECK(s.find(std::string(" ") + kk + " ") != std::string::npos);
        }
    }
}
