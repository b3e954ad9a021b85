// atelier/requisites.cpp — see requisites.h.
#include "requisites.h"

#include <cctype>

namespace atelier {

using nlohmann::json;

namespace {

bool digits(const std::string& s, size_t n) {
    if (s.size() != n) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

int d(const std::string& s, size_t i) { return s[i] - '0'; }

int weighted(const std::string& s, std::initializer_list<int> w) {
    int sum = 0;
    size_t i = 0;
    for (int k : w) sum += k * d(s, i++);
    return sum;
}

// The remainder of a long decimal number (given as text) divided by m.
int mod_text(const std::string& s, int m) {
    int r = 0;
    for (char c : s) r = (r * 10 + (c - '0')) % m;
    return r;
}

bool luhn(const std::string& s) {
    int sum = 0;
    bool twice = false;
    for (size_t i = s.size(); i-- > 0;) {
        int v = d(s, i);
        if (twice && (v *= 2) > 9) v -= 9;
        sum += v;
        twice = !twice;
    }
    return sum % 10 == 0;
}

std::string compact(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '-') out += (char)std::toupper((unsigned char)c);
    return out;
}

}  // namespace

std::string inn_problem(const std::string& inn) {
    if (digits(inn, 10)) {
        return weighted(inn, {2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10 == d(inn, 9) ? "" : "check digit does not match";
    }
    if (digits(inn, 12)) {
        bool ok = weighted(inn, {7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10 == d(inn, 10) &&
                  weighted(inn, {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10 == d(inn, 11);
        return ok ? "" : "check digits do not match";
    }
    return "expected 10 digits (a company) or 12 (a person or sole trader)";
}

std::string ogrn_problem(const std::string& ogrn) {
    if (digits(ogrn, 13)) return mod_text(ogrn.substr(0, 12), 11) % 10 == d(ogrn, 12) ? "" : "check digit does not match";
    if (digits(ogrn, 15)) return mod_text(ogrn.substr(0, 14), 13) % 10 == d(ogrn, 14) ? "" : "check digit does not match";
    return "expected 13 digits (ОГРН) or 15 (ОГРНИП)";
}

std::string kpp_problem(const std::string& kpp) {
    if (kpp.size() != 9) return "expected 9 characters";
    for (size_t i = 0; i < 9; ++i) {
        char c = kpp[i];
        bool ok = (i == 4 || i == 5) ? (std::isdigit((unsigned char)c) || (c >= 'A' && c <= 'Z')) : std::isdigit((unsigned char)c);
        if (!ok) return "expected 4 digits, 2 digits or capital letters, 3 digits";
    }
    return "";
}

std::string bik_problem(const std::string& bik) { return digits(bik, 9) ? "" : "expected 9 digits"; }

std::string ru_account_problem(const std::string& account, const std::string& bik, bool corr) {
    if (!digits(account, 20)) return "expected 20 digits";
    if (!digits(bik, 9)) return "cannot be checked without the bank's БИК (9 digits)";
    // The control key of the Central Bank: the BIK's part and the account,
    // weighted 7, 1, 3 in turn, sum to a multiple of 10.
    const std::string key = (corr ? "0" + bik.substr(4, 2) : bik.substr(6, 3)) + account;
    int sum = 0;
    static const int w[3] = {7, 1, 3};
    for (size_t i = 0; i < key.size(); ++i) sum += (d(key, i) * w[i % 3]) % 10;
    return sum % 10 == 0 ? "" : "does not match the bank's БИК (control key)";
}

std::string siret_problem(const std::string& siret) {
    const std::string s = compact(siret);
    if (!digits(s, 14)) return "expected 14 digits";
    return luhn(s) ? "" : "check digit does not match (Luhn)";
}

std::string tva_fr_problem(const std::string& tva, const std::string& siren_or_siret) {
    const std::string t = compact(tva);
    if (t.size() != 13 || t.rfind("FR", 0) != 0 || !digits(t.substr(4), 9)) return "expected FR, a 2-character key and the 9-digit SIREN";
    const std::string siren = t.substr(4);
    if (!luhn(siren)) return "its SIREN's check digit does not match (Luhn)";
    if (std::isdigit((unsigned char)t[2]) && std::isdigit((unsigned char)t[3])) {
        int key = (12 + 3 * mod_text(siren, 97)) % 97;
        if (key != (t[2] - '0') * 10 + (t[3] - '0')) return "the key does not match the SIREN";
    }
    const std::string own = compact(siren_or_siret);
    if (own.size() >= 9 && own.substr(0, 9) != siren) return "its SIREN is not the one of the SIRET";
    return "";
}

std::string iban_problem(const std::string& iban) {
    const std::string s = compact(iban);
    if (s.size() < 15 || s.size() > 34 || !std::isalpha((unsigned char)s[0]) || !std::isalpha((unsigned char)s[1]) ||
        !std::isdigit((unsigned char)s[2]) || !std::isdigit((unsigned char)s[3]))
        return "expected a country code, 2 check digits and the account (15 to 34 characters)";
    static const std::pair<const char*, size_t> lengths[] = {{"FR", 27}, {"DE", 22}, {"BE", 16}, {"ES", 24}, {"IT", 27}, {"NL", 18},
                                                             {"CH", 21}, {"GB", 22}, {"LU", 20}, {"MC", 27}, {"PT", 25}, {"RU", 33}};
    for (const auto& [cc, n] : lengths)
        if (s.compare(0, 2, cc) == 0 && s.size() != n) return std::string("a ") + cc + " IBAN has " + std::to_string(n) + " characters";
    std::string moved = s.substr(4) + s.substr(0, 4), num;
    for (char c : moved) {
        if (std::isdigit((unsigned char)c)) num += c;
        else if (c >= 'A' && c <= 'Z') num += std::to_string(c - 'A' + 10);
        else return "expected letters and digits only";
    }
    return mod_text(num, 97) == 1 ? "" : "check digits do not match (mod 97)";
}

std::string bic_problem(const std::string& bic) {
    const std::string s = compact(bic);
    if (s.size() != 8 && s.size() != 11) return "expected 8 or 11 characters";
    for (size_t i = 0; i < s.size(); ++i)
        if (i < 6 ? !(s[i] >= 'A' && s[i] <= 'Z') : !std::isalnum((unsigned char)s[i])) return "expected 6 letters, then letters or digits";
    return "";
}

std::vector<std::string> requisites_problems(const json& r, bool studio) {
    std::vector<std::string> p;
    if (!r.is_object()) return {"requisites: expected an object"};
    auto str = [&](const char* k) -> std::string {
        auto it = r.find(k);
        return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    for (auto it = r.begin(); it != r.end(); ++it)
        if (!it->is_string()) p.push_back(it.key() + ": expected text");
        else if (it->get_ref<const std::string&>().size() > 500) p.push_back(it.key() + ": longer than 500 characters");
    const std::string country = str("country"), kind = str("kind");
    if (country != "ru" && country != "fr" && country != "other") p.push_back("country: expected ru, fr or other");
    if (!kind.empty() && kind != "company" && kind != "sole_trader" && kind != "person")
        p.push_back("kind: expected company, sole_trader or person");
    auto check = [&](const char* field, const std::string& problem) {
        if (!str(field).empty() && !problem.empty()) p.push_back(std::string(field) + ": " + problem);
    };
    if (country == "ru") {
        check("inn", inn_problem(str("inn")));
        if (kind == "company" && str("inn").size() == 12) p.push_back("inn: a company's INN has 10 digits");
        check("kpp", kpp_problem(str("kpp")));
        check("ogrn", ogrn_problem(str("ogrn")));
        check("bik", bik_problem(str("bik")));
        check("account", ru_account_problem(str("account"), str("bik"), false));
        check("corr_account", ru_account_problem(str("corr_account"), str("bik"), true));
        if (studio)
            for (const char* k : {"legal_name", "inn", "bank", "bik", "account"})
                if (str(k).empty()) p.push_back(std::string(k) + ": required for the studio's invoices");
    } else if (country == "fr") {
        check("siret", siret_problem(str("siret")));
        check("tva", tva_fr_problem(str("tva"), str("siret")));
        check("iban", iban_problem(str("iban")));
        check("bic", bic_problem(str("bic")));
        if (studio)
            for (const char* k : {"legal_name", "siret", "address", "iban"})
                if (str(k).empty()) p.push_back(std::string(k) + ": required for the studio's invoices");
    }
    return p;
}

}  // namespace atelier
