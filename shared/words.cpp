// atelier/words.cpp — see words.h.
#include "words.h"

#include <cstdint>
#include <vector>

#include "error.h"

namespace atelier {

namespace {

std::string two_digits(int v) {
    std::string s = std::to_string(v);
    return v < 10 ? "0" + s : s;
}

void join(std::string& out, const std::string& word) {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += word;
}

// ---------------------------------------------------------------- Russian

// Plural form index: 0 "один рубль", 1 "два рубля", 2 "пять рублей".
int ru_form(uint64_t n) {
    uint64_t h = n % 100, t = n % 10;
    if (h >= 11 && h <= 14) return 2;
    if (t == 1) return 0;
    if (t >= 2 && t <= 4) return 1;
    return 2;
}

std::string ru_triple(int n, bool feminine) {
    static const char* const hundreds[] = {"", "сто", "двести", "триста", "четыреста",
                                           "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};
    static const char* const tens[] = {"", "", "двадцать", "тридцать", "сорок",
                                       "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
    static const char* const teens[] = {"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
                                        "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
    static const char* const units_m[] = {"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
    static const char* const units_f[] = {"", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
    std::string out;
    join(out, hundreds[n / 100]);
    int r = n % 100;
    if (r >= 10 && r < 20) {
        join(out, teens[r - 10]);
    } else {
        join(out, tens[r / 10]);
        join(out, (feminine ? units_f : units_m)[r % 10]);
    }
    return out;
}

std::string ru_words(uint64_t n, bool feminine_units) {
    if (n == 0) return "ноль";
    struct Scale {
        uint64_t value;
        bool feminine;
        const char* forms[3];
    };
    static const Scale scales[] = {
        {1000000000ull, false, {"миллиард", "миллиарда", "миллиардов"}},
        {1000000ull, false, {"миллион", "миллиона", "миллионов"}},
        {1000ull, true, {"тысяча", "тысячи", "тысяч"}},
    };
    std::string out;
    for (const Scale& s : scales) {
        int k = (int)(n / s.value % 1000);
        if (!k) continue;
        join(out, ru_triple(k, s.feminine));
        join(out, s.forms[ru_form((uint64_t)k)]);
    }
    join(out, ru_triple((int)(n % 1000), feminine_units));
    return out;
}

std::string ru_amount(uint64_t major, int minor, Currency c) {
    struct Unit {
        bool feminine;
        const char* major[3];
        const char* suffix;
        const char* minor[3];
    };
    static const Unit rub = {false, {"рубль", "рубля", "рублей"}, "", {"копейка", "копейки", "копеек"}};
    static const Unit eur = {false, {"евро", "евро", "евро"}, "", {"цент", "цента", "центов"}};
    static const Unit usd = {false, {"доллар", "доллара", "долларов"}, " США", {"цент", "цента", "центов"}};
    const Unit& u = c == Currency::RUB ? rub : c == Currency::EUR ? eur : usd;
    return ru_words(major, u.feminine) + " " + u.major[ru_form(major)] + u.suffix + " " + two_digits(minor) + " " +
           u.minor[ru_form((uint64_t)minor)];
}

// ----------------------------------------------------------------- French

// 0..99, traditional spelling: "vingt et un", "soixante et onze",
// "quatre-vingt-un", "quatre-vingts" (final), hyphens elsewhere below 100.
std::string fr_below_100(int n, bool final) {
    static const char* const small[] = {"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
                                        "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
                                        "dix-sept", "dix-huit", "dix-neuf"};
    static const char* const tens[] = {"", "", "vingt", "trente", "quarante", "cinquante", "soixante"};
    if (n < 20) return small[n];
    int t = n / 10, u = n % 10;
    if (t == 7 || t == 9) {  // soixante-dix…, quatre-vingt-dix…
        std::string base = t == 7 ? "soixante" : "quatre-vingt";
        int rest = 10 + u;
        if (t == 7 && u == 1) return base + " et onze";
        return base + "-" + small[rest];
    }
    if (t == 8) {
        if (u == 0) return final ? "quatre-vingts" : "quatre-vingt";
        return std::string("quatre-vingt-") + small[u];
    }
    if (u == 0) return tens[t];
    if (u == 1) return std::string(tens[t]) + " et un";
    return std::string(tens[t]) + "-" + small[u];
}

// 0..999; `final` is true when nothing but a noun (million, euros) or the
// end follows, which lets "cents" and "quatre-vingts" take their -s.
std::string fr_below_1000(int n, bool final) {
    int h = n / 100, r = n % 100;
    std::string out;
    if (h == 1) out = "cent";
    else if (h > 1) out = std::string(fr_below_100(h, false)) + (r == 0 && final ? " cents" : " cent");
    if (r) join(out, fr_below_100(r, final));
    return out;
}

std::string fr_words(uint64_t n) {
    if (n == 0) return "zéro";
    std::string out;
    int g = (int)(n / 1000000000ull % 1000), m = (int)(n / 1000000 % 1000), k = (int)(n / 1000 % 1000),
        u = (int)(n % 1000);
    if (g) join(out, fr_below_1000(g, true) + (g > 1 ? " milliards" : " milliard"));
    if (m) join(out, fr_below_1000(m, true) + (m > 1 ? " millions" : " million"));
    if (k) join(out, k == 1 ? std::string("mille") : fr_below_1000(k, false) + " mille");
    if (u) join(out, fr_below_1000(u, true));
    return out;
}

std::string fr_amount(uint64_t major, int minor, Currency c) {
    struct Unit {
        const char* one;
        const char* many;
        bool vowel;  // "d'euros" rather than "de euros"
        const char* minor_one;
        const char* minor_many;
    };
    static const Unit rub = {"rouble", "roubles", false, "kopeck", "kopecks"};
    static const Unit eur = {"euro", "euros", true, "centime", "centimes"};
    static const Unit usd = {"dollar américain", "dollars américains", false, "cent", "cents"};
    const Unit& un = c == Currency::RUB ? rub : c == Currency::EUR ? eur : usd;
    std::string words = fr_words(major);
    // "un million d'euros", "deux milliards de roubles": a round million takes "de".
    bool de = major >= 1000000 && major % 1000000 == 0;
    std::string unit = major > 1 ? un.many : un.one;
    std::string out = words + (de ? (un.vowel ? " d'" : " de ") : " ") + unit;
    // A round amount is said without its cents: "deux cents euros".
    if (minor > 0) out += " et " + two_digits(minor) + " " + (minor > 1 ? un.minor_many : un.minor_one);
    return out;
}

// ---------------------------------------------------------------- English

std::string en_below_1000(int n) {
    static const char* const small[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                        "seventeen", "eighteen", "nineteen"};
    static const char* const tens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    std::string out;
    if (n >= 100) out = std::string(small[n / 100]) + " hundred";
    int r = n % 100;
    if (r >= 20) join(out, std::string(tens[r / 10]) + (r % 10 ? std::string("-") + small[r % 10] : ""));
    else if (r > 0) join(out, small[r]);
    return out;
}

std::string en_words(uint64_t n) {
    if (n == 0) return "zero";
    static const struct { uint64_t value; const char* name; } scales[] = {
        {1000000000ull, "billion"}, {1000000ull, "million"}, {1000ull, "thousand"}};
    std::string out;
    for (const auto& s : scales) {
        int k = (int)(n / s.value % 1000);
        if (k) join(out, en_below_1000(k) + " " + s.name);
    }
    if (n % 1000) join(out, en_below_1000((int)(n % 1000)));
    return out;
}

std::string en_amount(uint64_t major, int minor, Currency c) {
    static const char* const names[3][4] = {{"ruble", "rubles", "kopeck", "kopecks"},
                                             {"euro", "euros", "cent", "cents"},
                                             {"US dollar", "US dollars", "cent", "cents"}};
    const auto& u = names[c == Currency::RUB ? 0 : c == Currency::EUR ? 1 : 2];
    return en_words(major) + " " + (major == 1 ? u[0] : u[1]) + " and " + two_digits(minor) + " " +
           (minor == 1 ? u[2] : u[3]);
}

// Upper-cases the first letter (ASCII, Cyrillic а-я, ё, and é as the first byte pair).
std::string capitalize(std::string s) {
    if (s.empty()) return s;
    unsigned char c0 = (unsigned char)s[0];
    if (c0 >= 'a' && c0 <= 'z') {
        s[0] = (char)(c0 - 32);
    } else if (s.size() >= 2 && c0 == 0xD0) {  // а..п: D0 B0..D0 BF -> А..П: D0 90..D0 9F
        unsigned char c1 = (unsigned char)s[1];
        if (c1 >= 0xB0 && c1 <= 0xBF) s[1] = (char)(c1 - 0x20);
    } else if (s.size() >= 2 && c0 == 0xD1) {  // р..я: D1 80..D1 8F -> Р..Я: D0 A0..D0 AF
        unsigned char c1 = (unsigned char)s[1];
        if (c1 >= 0x80 && c1 <= 0x8F) { s[0] = (char)0xD0; s[1] = (char)(c1 + 0x20); }
    }
    return s;
}

}  // namespace

std::string amount_in_words(const Money& m, Lang lang) {
    if (m.minor < 0) throw Error("amount_in_words: amount_minor: must not be negative, got " + std::to_string(m.minor));
    const uint64_t limit = 99999999999999ull;  // 999 999 999 999.99
    if ((uint64_t)m.minor > limit)
        throw Error("amount_in_words: amount_minor: at most 99999999999999 (999 999 999 999.99) can be written in words, got " +
                    std::to_string(m.minor));
    uint64_t major = (uint64_t)m.minor / 100;
    int minor = (int)((uint64_t)m.minor % 100);
    switch (lang) {
        case Lang::ru: return capitalize(ru_amount(major, minor, m.currency));
        case Lang::fr: return capitalize(fr_amount(major, minor, m.currency));
        case Lang::en: return capitalize(en_amount(major, minor, m.currency));
    }
    return "";
}

}  // namespace atelier
