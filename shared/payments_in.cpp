// atelier/payments_in.cpp — see payments_in.h.
//
// [SECTION] online payment
// [SECTION] reading statements: encodings, 1CClientBankExchange, CSV
// [SECTION] matching and recording
#include "payments_in.h"

#include <cctype>
#include <map>

#include "calendar.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "links.h"
#include "store.h"

namespace atelier::payments_in {

using nlohmann::json;

// -------------------------------------------------------------------------
// [SECTION] online payment
// -------------------------------------------------------------------------

namespace {

std::string text_field(const json& j, const char* key, size_t max, bool required = true) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) throw Error(std::string("notice: ") + key + ": required");
        return "";
    }
    if (!it->is_string()) throw Error(std::string("notice: ") + key + ": expected a string");
    const std::string& s = it->get_ref<const std::string&>();
    if (required && s.empty()) throw Error(std::string("notice: ") + key + ": required");
    if (s.size() > max) throw Error(std::string("notice: ") + key + ": longer than " + std::to_string(max) + " bytes");
    return s;
}

}  // namespace

void set_payment_url(sqlite3* db, std::string_view invoice_id, const std::string& url, std::string_view at) {
    if (!is_iso_time(at)) throw Error("at: expected an ISO 8601 UTC time, got \"" + std::string(at) + "\"");
    if (!url.empty()) {
        const bool https = url.rfind("https://", 0) == 0, http = url.rfind("http://", 0) == 0;
        const size_t host = https ? 8 : 7;
        bool ok = (https || http) && url.size() > host && url.size() <= 2000;
        for (char c : url) ok = ok && (unsigned char)c > 0x20 && c != '"' && c != '<' && c != '>' && c != '\\' && (unsigned char)c != 0x7f;
        if (!ok) throw Error("payment_url: expected an https:// or http:// address, without spaces, at most 2000 bytes");
    }
    Stmt q(db, "UPDATE invoices SET payment_url = nullif(?2, ''), updated_at = ?3 WHERE id = ?1");
    q.bind(1, invoice_id).bind(2, url).bind(3, at).step();
    if (sqlite3_changes(db) == 0)
        throw Error("payment_url: invoice_id: no invoice with id \"" + std::string(invoice_id) + "\"", ErrorKind::not_found);
}

Notice parse_notice(const json& j) {
    if (!j.is_object()) throw Error("notice: expected a JSON object");
    Notice n;
    n.provider = text_field(j, "provider", 40);
    for (char c : n.provider)
        if (!(std::isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.'))
            throw Error("notice: provider: expected letters, digits, '.', '_' or '-'");
    n.payment_id = text_field(j, "payment_id", 200);
    n.invoice = text_field(j, "invoice", 64);
    n.currency = text_field(j, "currency", 3);
    if (n.currency != "RUB" && n.currency != "EUR" && n.currency != "USD") throw Error("notice: currency: expected RUB, EUR or USD");
    n.paid_on = text_field(j, "paid_on", 10, false);
    if (!n.paid_on.empty() && (n.paid_on.size() != 10 || !is_iso_time(n.paid_on))) throw Error("notice: paid_on: expected a date YYYY-MM-DD");
    auto a = j.find("amount_minor");
    if (a == j.end() || !a->is_number_integer()) throw Error("notice: amount_minor: expected a whole number of minor units");
    n.amount_minor = a->get<int64_t>();
    if (n.amount_minor <= 0) throw Error("notice: amount_minor: must be positive");
    return n;
}

Outcome apply_notice(sqlite3* db, const Notice& n, std::string_view at) {
    Stmt q(db, "SELECT id, currency FROM invoices WHERE number = ?1 OR id = ?1 ORDER BY number = ?1 DESC LIMIT 1");
    q.bind(1, n.invoice);
    if (!q.step()) throw Error("notice: invoice: no invoice numbered \"" + n.invoice + "\"", ErrorKind::not_found);
    const std::string id = q.text(0);
    if (q.text(1) != n.currency)
        throw Error("notice: currency: the invoice is in " + q.text(1) + ", the payment in " + n.currency, ErrorKind::conflict);
    const std::string reference = "online:" + n.provider + ":" + n.payment_id;
    Actor by{"system", n.provider, "online", false};
    try {
        return conveyor::pay(db, id, n.amount_minor, reference, n.paid_on.empty() ? std::string(at).substr(0, 10) : n.paid_on, "online", by, at);
    } catch (Error& e) {
        if (e.kind == ErrorKind::invalid) throw Error(e.what() + 9, ErrorKind::conflict);
        throw;
    }
}

std::string webhook_secret(sqlite3* db, bool rotate) {
    if (!rotate) {
        Stmt q(db, "SELECT value FROM server_secrets WHERE key = 'payments_webhook'");
        if (q.step()) return q.text(0);
    }
    std::string secret = random_token() + random_token();
    Stmt up(db, "INSERT INTO server_secrets(key, value) VALUES ('payments_webhook', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    up.bind(1, secret).step();
    return secret;
}

// -------------------------------------------------------------------------
// [SECTION] reading statements
// -------------------------------------------------------------------------

namespace {

// Windows-1251, 0x80..0xBF (0xC0..0xFF are А..я in order; 0x98 is unused).
const uint16_t kCp1251High[64] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457};

void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += (char)cp;
    } else if (cp < 0x800) {
        out += (char)(0xC0 | (cp >> 6));
        out += (char)(0x80 | (cp & 0x3F));
    } else {
        out += (char)(0xE0 | (cp >> 12));
        out += (char)(0x80 | ((cp >> 6) & 0x3F));
        out += (char)(0x80 | (cp & 0x3F));
    }
}

std::string trim(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n')) --b;
    return std::string(s.substr(a, b - a));
}

// "1234.56", "1 234,56", "-12" → minor units; false if it is not an amount.
bool parse_amount(std::string s, char decimal, int64_t* out) {
    std::string digits;
    bool neg = false, seen_point = false;
    int frac = 0;
    s = trim(s);
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '-' && digits.empty() && !neg) neg = true;
        else if (c == '+' && digits.empty()) continue;
        else if (c >= '0' && c <= '9') {
            if (seen_point && ++frac > 2) return false;
            digits += c;
        } else if (c == decimal && !seen_point) seen_point = true;
        else if (c == ' ' || (unsigned char)c == 0xC2 || (unsigned char)c == 0xA0) continue;  // thousands: space, NBSP
        else return false;
    }
    if (digits.empty() || digits.size() > 15) return false;
    while (frac < 2) digits += '0', ++frac;
    *out = std::stoll(digits) * (neg ? -1 : 1);
    return true;
}

// "25.11.2026" (or "2026-11-25") → "2026-11-25"; "" if it is neither.
std::string parse_day(const std::string& s) {
    std::string t = trim(s);
    if (t.size() == 10 && t[2] == '.' && t[5] == '.') t = t.substr(6, 4) + "-" + t.substr(3, 2) + "-" + t.substr(0, 2);
    if (t.size() != 10 || !is_iso_time(t)) return "";
    try {
        day_number(t, "date");  // 31.02 is not a day
    } catch (const Error&) {
        return "";
    }
    return t;
}

[[noreturn]] void bad_line(int line, const std::string& what) { throw Error("bank: line " + std::to_string(line) + ": " + what); }

}  // namespace

namespace {

// CP866 ("DOS"), 0x80..0xFF: А..я with a gap of box drawing, then Ё ё and signs.
const uint16_t kCp866High[128] = {
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, 0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
    0x0401, 0x0451, 0x0404, 0x0454, 0x0407, 0x0457, 0x040E, 0x045E, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x2116, 0x00A4, 0x25A0, 0x00A0};

std::string decode_8bit(std::string_view bytes, bool dos) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        if (c < 0x80) out += (char)c;
        else if (dos) put_utf8(out, kCp866High[c - 0x80]);
        else if (c >= 0xC0) put_utf8(out, 0x0410 + (c - 0xC0));
        else put_utf8(out, kCp1251High[c - 0x80]);
    }
    return out;
}

std::string_view without_bom(std::string_view bytes) {
    if (bytes.size() >= 3 && (unsigned char)bytes[0] == 0xEF && (unsigned char)bytes[1] == 0xBB && (unsigned char)bytes[2] == 0xBF)
        bytes.remove_prefix(3);
    return bytes;
}

// The value of the header's "Кодировка=" as read in one encoding, and its line; "" when that reading has none.
std::string declared_encoding(const std::string& text, int* line) {
    size_t pos = 0;
    *line = 0;
    while (pos < text.size() && *line < 200) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        ++*line;
        std::string l = trim(std::string_view(text).substr(pos, end - pos));
        if (l.rfind("Кодировка=", 0) == 0) return trim(std::string_view(l).substr(std::string("Кодировка=").size()));
        if (l.rfind("СекцияДокумент", 0) == 0) break;  // the header is over
        pos = end + 1;
    }
    return "";
}

// A key of the format is made of letters and digits (Cyrillic or Latin).
bool readable_key(const std::string& key) {
    if (key.empty()) return false;
    for (size_t i = 0; i < key.size();) {
        unsigned char c = (unsigned char)key[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') { ++i; continue; }
        if ((c == 0xD0 || c == 0xD1) && i + 1 < key.size()) {
            uint32_t cp = ((c & 0x1Fu) << 6) | ((unsigned char)key[i + 1] & 0x3Fu);
            if ((cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451) { i += 2; continue; }
        }
        return false;
    }
    return true;
}

}  // namespace

std::string statement_text(std::string_view bytes) {
    bytes = without_bom(bytes);
    if (valid_utf8(bytes)) return std::string(bytes);
    return decode_8bit(bytes, false);
}

// A 1C statement's text: UTF-8 as it is, else the encoding its header
// declares (Кодировка=Windows: CP1251, the format's default; DOS: CP866).
std::string statement_text_1c(std::string_view bytes) {
    bytes = without_bom(bytes);
    if (valid_utf8(bytes)) return std::string(bytes);
    int line = 0;
    std::string win = decode_8bit(bytes, false);
    std::string declared = declared_encoding(win, &line);
    if (declared.empty()) {
        std::string dos = decode_8bit(bytes, true);
        declared = declared_encoding(dos, &line);
        if (declared == "DOS") return dos;
    }
    if (declared.empty() || declared == "Windows") return win;
    if (declared == "DOS") return decode_8bit(bytes, true);
    bad_line(line, "Кодировка: expected Windows or DOS, got \"" + clip_utf8(declared, 40) + "\"");
}

std::vector<BankLine> parse_1c(std::string_view bytes) {
    constexpr size_t kMaxStatement = 32u << 20;
    if (bytes.size() > kMaxStatement) throw Error("bank: the statement is larger than 32 MB");
    const std::string text = statement_text_1c(bytes);
    std::vector<BankLine> out;
    std::map<std::string, std::string> doc;
    std::string account;  // the studio's account: the statement's РасчСчет
    bool in_doc = false, header = false;
    int line_no = 0, doc_line = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = trim(std::string_view(text).substr(pos, end - pos));
        pos = end + 1;
        ++line_no;
        if (line_no == 1) {
            if (line != "1CClientBankExchange") throw Error("bank: line 1: expected \"1CClientBankExchange\": not a 1C bank statement");
            header = true;
            continue;
        }
        if (line.empty()) continue;
        if (line.rfind("СекцияДокумент", 0) == 0) {
            in_doc = true;
            doc.clear();
            doc_line = line_no;
            continue;
        }
        if (line == "КонецДокумента") {
            if (!in_doc) bad_line(line_no, "КонецДокумента without СекцияДокумент");
            in_doc = false;
            BankLine b;
            b.number = doc["Номер"];
            std::string sum = doc["Сумма"];
            if (!parse_amount(sum, '.', &b.amount_minor) || b.amount_minor <= 0)
                bad_line(doc_line, "Сумма: expected an amount like 1234.56, got \"" + clip_utf8(sum, 40) + "\"");
            const std::string received = doc["ДатаПоступило"], date = doc["Дата"];
            b.date = parse_day(!received.empty() ? received : date);
            if (b.date.empty()) bad_line(doc_line, "Дата: expected a date DD.MM.YYYY, got \"" + clip_utf8(date, 40) + "\"");
            b.payer = doc["Плательщик"].empty() ? doc["Плательщик1"] : doc["Плательщик"];
            b.payer_inn = doc["ПлательщикИНН"];
            b.payer_account = doc["ПлательщикСчет"].empty() ? doc["ПлательщикРасчСчет"] : doc["ПлательщикСчет"];
            b.purpose = doc["НазначениеПлатежа"];
            const std::string to = doc["ПолучательСчет"].empty() ? doc["ПолучательРасчСчет"] : doc["ПолучательСчет"];
            // Money in: the studio's account receives it (or the bank says when it arrived).
            b.incoming = !account.empty() ? to == account : !received.empty();
            if (!account.empty() && b.payer_account == account && to != account) b.incoming = false;
            out.push_back(std::move(b));
            continue;
        }
        if (line == "КонецФайла") break;
        size_t eq = line.find('=');
        // Section markers (СекцияРасчСчет, КонецРасчСчет) and keys: words, in
        // an encoding this reading got right; anything else is not read past.
        std::string key = line.substr(0, eq == std::string::npos ? line.size() : eq);
        if (!readable_key(key))
            bad_line(line_no, "cannot read \"" + clip_utf8(key, 40) +
                                  "\": not a key of the format (is the file in the encoding its Кодировка says, Windows or DOS?)");
        if (eq == std::string::npos) continue;
        std::string value = line.substr(eq + 1);
        if (in_doc) doc[key] = value;
        else if (key == "РасчСчет" && account.empty()) account = value;
    }
    if (!header) throw Error("bank: the statement is empty");
    if (in_doc) bad_line(doc_line, "СекцияДокумент without КонецДокумента: the file is cut short");
    return out;
}

namespace {

std::vector<std::string> csv_fields(const std::string& line, char delim) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
            else if (c == '"') quoted = false;
            else cur += c;
        } else if (c == '"') quoted = true;
        else if (c == delim) out.push_back(trim(cur)), cur.clear();
        else cur += c;
    }
    out.push_back(trim(cur));
    return out;
}

void check_mapping(const json& m) {
    if (!m.is_object()) throw Error("bank: mapping: expected a JSON object");
    auto str = [&](const char* k, const char* dflt) {
        auto it = m.find(k);
        if (it == m.end()) return std::string(dflt);
        if (!it->is_string()) throw Error(std::string("bank: mapping.") + k + ": expected a string");
        return it->get<std::string>();
    };
    if (str("delimiter", ";").size() != 1) throw Error("bank: mapping.delimiter: expected one character");
    std::string dec = str("decimal", ",");
    if (dec != "," && dec != ".") throw Error("bank: mapping.decimal: expected \",\" or \".\"");
    std::string cur = str("currency", "RUB");
    if (cur != "RUB" && cur != "EUR" && cur != "USD") throw Error("bank: mapping.currency: expected RUB, EUR or USD");
    auto cols = m.find("columns");
    if (cols == m.end() || !cols->is_object()) throw Error("bank: mapping.columns: expected an object naming the columns");
    for (auto it = cols->begin(); it != cols->end(); ++it) {
        static const char* const known[] = {"date", "amount", "credit", "purpose", "payer", "payer_inn", "payer_account", "number"};
        bool ok = false;
        for (const char* k : known) ok = ok || it.key() == k;
        if (!ok) throw Error("bank: mapping.columns." + it.key() + ": unknown (date, amount, credit, purpose, payer, payer_inn, payer_account, number)");
        if (!it->is_string() || it->get_ref<const std::string&>().empty()) throw Error("bank: mapping.columns." + it.key() + ": expected a column title");
    }
    if (!cols->contains("date")) throw Error("bank: mapping.columns.date: required");
    if (!cols->contains("amount") && !cols->contains("credit")) throw Error("bank: mapping.columns.amount: required (or credit)");
}

}  // namespace

std::vector<BankLine> parse_csv(std::string_view bytes, const json& m) {
    check_mapping(m);
    if (bytes.size() > (32u << 20)) throw Error("bank: the statement is larger than 32 MB");
    const std::string text = statement_text(bytes);
    const char delim = m.value("delimiter", ";")[0];
    const char decimal = m.value("decimal", ",")[0];
    const json& cols = m["columns"];
    std::map<std::string, size_t> at;
    std::vector<BankLine> out;
    int line_no = 0;
    size_t pos = 0;
    bool have_header = false;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (trim(line).empty()) continue;
        std::vector<std::string> f = csv_fields(line, delim);
        if (!have_header) {
            for (auto it = cols.begin(); it != cols.end(); ++it) {
                size_t i = 0;
                while (i < f.size() && f[i] != it->get<std::string>()) ++i;
                if (i == f.size()) bad_line(line_no, "no column \"" + it->get<std::string>() + "\" (mapping.columns." + it.key() + ")");
                at[it.key()] = i;
            }
            have_header = true;
            continue;
        }
        auto get = [&](const char* k) { auto it = at.find(k); return it == at.end() || it->second >= f.size() ? std::string() : f[it->second]; };
        BankLine b;
        b.currency = m.value("currency", "RUB");
        b.date = parse_day(get("date"));
        if (b.date.empty()) bad_line(line_no, "date: expected a date DD.MM.YYYY or YYYY-MM-DD, got \"" + clip_utf8(get("date"), 40) + "\"");
        const bool credit = at.count("credit") > 0;
        std::string amount = credit ? get("credit") : get("amount");
        if (credit && trim(amount).empty()) continue;  // a debit line
        if (!parse_amount(amount, decimal, &b.amount_minor))
            bad_line(line_no, std::string(credit ? "credit" : "amount") + ": expected an amount, got \"" + clip_utf8(amount, 40) + "\"");
        b.incoming = b.amount_minor > 0;
        if (b.amount_minor < 0) b.amount_minor = -b.amount_minor;
        if (b.amount_minor == 0) continue;
        b.purpose = get("purpose");
        b.payer = get("payer");
        b.payer_inn = get("payer_inn");
        b.payer_account = get("payer_account");
        b.number = get("number");
        out.push_back(std::move(b));
    }
    if (!have_header) throw Error("bank: the statement is empty");
    return out;
}

void save_csv_mapping(sqlite3* db, const std::string& name, const json& mapping) {
    if (name.empty() || name.size() > 64) throw Error("bank: name: expected 1 to 64 characters");
    check_mapping(mapping);
    Stmt q(db, "INSERT INTO bank_mappings(name, spec_json, updated_at) VALUES (?1, ?2, ?3)"
               " ON CONFLICT(name) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at");
    q.bind(1, name).bind(2, mapping.dump()).bind(3, now_iso()).step();
}

json csv_mapping(sqlite3* db, const std::string& name) {
    Stmt q(db, "SELECT spec_json FROM bank_mappings WHERE name = ?1");
    q.bind(1, name);
    if (!q.step()) throw Error("bank: mapping: no mapping named \"" + name + "\"", ErrorKind::not_found);
    return parse_json(q.text(0), "bank: mapping");
}

// -------------------------------------------------------------------------
// [SECTION] matching and recording
// -------------------------------------------------------------------------

namespace {

struct OpenInvoice {
    std::string id, number, client_inn, status;
    int64_t rest = 0;
};

// Whether `number` stands in `text` as a whole word ("2026-0001" in "счёту №2026-0001 от", not in "2026-00011").
bool names(const std::string& text, const std::string& number) {
    if (number.empty()) return false;
    for (size_t at = text.find(number); at != std::string::npos; at = text.find(number, at + 1)) {
        auto word = [](char c) { return std::isalnum((unsigned char)c) || c == '-' || c == '/'; };
        bool left = at == 0 || !word(text[at - 1]);
        bool right = at + number.size() >= text.size() || !word(text[at + number.size()]);
        if (left && right) return true;
    }
    return false;
}

std::vector<OpenInvoice> invoices_in(sqlite3* db, const std::string& currency) {
    std::vector<OpenInvoice> out;
    Stmt q(db, "SELECT i.id, i.number, coalesce(json_extract(c.requisites_json, '$.inn'), ''), i.status,"
               " i.total_minor - coalesce((SELECT sum(amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0)"
               " FROM invoices i JOIN leads l ON l.id = i.lead_id JOIN clients c ON c.id = l.client_id"
               " WHERE i.currency = ?1 AND i.number IS NOT NULL AND i.status IN ('issued', 'partially_paid', 'paid')");
    q.bind(1, currency);
    while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4)});
    return out;
}

json line_json(sqlite3* db, const std::string& id) {
    Stmt q(db, "SELECT b.id, b.status, b.reason, coalesce(b.invoice_id, ''), coalesce(i.number, ''), b.amount_minor, b.currency,"
               " b.payer, b.payer_inn, b.purpose, b.doc_number, b.doc_date, b.source FROM bank_lines b LEFT JOIN invoices i ON i.id = b.invoice_id WHERE b.id = ?1");
    q.bind(1, id);
    if (!q.step()) return nullptr;
    return {{"id", q.text(0)}, {"status", q.text(1)}, {"reason", q.text(2)}, {"invoice_id", q.text(3)}, {"invoice_number", q.text(4)},
            {"amount_minor", q.int64(5)}, {"currency", q.text(6)}, {"payer", q.text(7)}, {"payer_inn", q.text(8)}, {"purpose", q.text(9)},
            {"number", q.text(10)}, {"date", q.text(11)}, {"source", q.text(12)}};
}

}  // namespace

json import_statement(sqlite3* db, const std::vector<BankLine>& lines, const std::string& source, const Actor& by, std::string_view at) {
    if (!is_iso_time(at)) throw Error("at: expected an ISO 8601 UTC time, got \"" + std::string(at) + "\"");
    Savepoint sp(db, "atelier_bank_import");
    json r = {{"lines", (int64_t)lines.size()}, {"incoming", 0}, {"recorded", 0}, {"partial", 0}, {"to_confirm", 0},
              {"unmatched", 0}, {"duplicates", 0}, {"items", json::array()}};
    std::map<std::string, std::vector<OpenInvoice>> open;  // per currency
    for (const BankLine& b : lines) {
        if (!b.incoming) continue;
        r["incoming"] = r["incoming"].get<int64_t>() + 1;
        // The movement itself is its identity: the same statement (or an
        // overlapping one) imported again finds it.
        const std::string id = uuid_from("bank|" + b.number + "|" + b.date + "|" + std::to_string(b.amount_minor) + "|" + b.currency + "|" +
                                         b.payer_account + "|" + b.payer_inn + "|" + b.purpose);
        {
            Stmt seen(db, "SELECT 1 FROM bank_lines WHERE id = ?1");
            seen.bind(1, id);
            if (seen.step()) {
                r["duplicates"] = r["duplicates"].get<int64_t>() + 1;
                continue;
            }
        }
        if (!open.count(b.currency)) open[b.currency] = invoices_in(db, b.currency);
        std::vector<OpenInvoice*> named;
        for (OpenInvoice& inv : open[b.currency])
            if (names(b.purpose, inv.number)) named.push_back(&inv);
        std::string status = "unmatched", reason, invoice;
        bool partial = false;
        if (named.size() == 1) {
            OpenInvoice& inv = *named[0];
            invoice = inv.id;
            if (inv.status == "paid" || inv.rest <= 0) status = "to_confirm", reason = "already_paid";
            else if (b.amount_minor > inv.rest) status = "to_confirm", reason = "amount_exceeds";
            else if (!inv.client_inn.empty() && !b.payer_inn.empty() && inv.client_inn != b.payer_inn) status = "to_confirm", reason = "payer_inn";
            else {
                status = "recorded";
                partial = b.amount_minor < inv.rest;
                inv.rest -= b.amount_minor;
                if (inv.rest == 0) inv.status = "paid";
            }
        } else if (named.size() > 1) {
            status = "to_confirm", reason = "several_invoices", invoice = named[0]->id;
        } else {
            // No number: an open invoice of exactly this amount, from this payer when the client's INN is known.
            std::vector<OpenInvoice*> same;
            for (OpenInvoice& inv : open[b.currency])
                if (inv.status != "paid" && inv.rest == b.amount_minor && (inv.client_inn.empty() || b.payer_inn.empty() || inv.client_inn == b.payer_inn))
                    same.push_back(&inv);
            if (same.size() == 1) status = "to_confirm", reason = "no_number", invoice = same[0]->id;
            else reason = "no_invoice";
        }
        Stmt ins(db, "INSERT INTO bank_lines(id, source, doc_number, doc_date, amount_minor, currency, payer, payer_inn, payer_account,"
                     " purpose, status, invoice_id, reason, imported_at, decided_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, nullif(?12, ''), ?13, ?14, ?15)");
        ins.bind(1, id).bind(2, source).bind(3, b.number).bind(4, b.date).bind(5, b.amount_minor).bind(6, b.currency).bind(7, b.payer)
            .bind(8, b.payer_inn).bind(9, b.payer_account).bind(10, b.purpose).bind(11, status).bind(12, invoice).bind(13, reason)
            .bind(14, at);
        if (status == "recorded") ins.bind(15, at);
        ins.step();
        if (status == "recorded") {
            conveyor::pay(db, invoice, b.amount_minor, "bank:" + id, b.date, "bank_transfer", by, at);
            r["recorded"] = r["recorded"].get<int64_t>() + 1;
            if (partial) r["partial"] = r["partial"].get<int64_t>() + 1;
        } else {
            r[status] = r[status].get<int64_t>() + 1;
        }
        json item = line_json(db, id);
        item["partial"] = partial;
        r["items"].push_back(item);
    }
    sp.commit();
    return r;
}

json bank_lines(sqlite3* db, const std::string& status) {
    json out = json::array();
    Stmt q(db, "SELECT id FROM bank_lines WHERE status = ?1 ORDER BY doc_date DESC, rowid DESC LIMIT 1000");
    q.bind(1, status);
    std::vector<std::string> ids;
    while (q.step()) ids.push_back(q.text(0));
    for (const std::string& id : ids) out.push_back(line_json(db, id));
    return out;
}

Outcome confirm_line(sqlite3* db, const std::string& line_id, const std::string& invoice_id, const Actor& by, std::string_view at) {
    Savepoint sp(db, "atelier_bank_confirm");
    Stmt q(db, "SELECT status, amount_minor, doc_date, currency FROM bank_lines WHERE id = ?1");
    q.bind(1, line_id);
    if (!q.step()) throw Error("bank: line_id: no statement line with id \"" + line_id + "\"", ErrorKind::not_found);
    const std::string status = q.text(0), currency = q.text(3);
    if (status == "recorded" || status == "ignored")
        throw Error("bank: the line is " + std::string(status == "recorded" ? "recorded" : "set aside") + " already", ErrorKind::conflict);
    Stmt inv(db, "SELECT currency FROM invoices WHERE id = ?1");
    inv.bind(1, invoice_id);
    if (!inv.step()) throw Error("bank: invoice_id: no invoice with id \"" + invoice_id + "\"", ErrorKind::not_found);
    if (inv.text(0) != currency) throw Error("bank: invoice_id: the invoice is in " + inv.text(0) + ", the payment in " + currency, ErrorKind::conflict);
    Outcome o = conveyor::pay(db, invoice_id, q.int64(1), "bank:" + line_id, q.text(2), "bank_transfer", by, at);
    Stmt up(db, "UPDATE bank_lines SET status = 'recorded', invoice_id = ?2, decided_at = ?3 WHERE id = ?1");
    up.bind(1, line_id).bind(2, invoice_id).bind(3, at).step();
    sp.commit();
    return o;
}

void ignore_line(sqlite3* db, const std::string& line_id, std::string_view at) {
    Stmt q(db, "UPDATE bank_lines SET status = 'ignored', decided_at = ?2 WHERE id = ?1 AND status IN ('to_confirm', 'unmatched')");
    q.bind(1, line_id).bind(2, at).step();
    if (sqlite3_changes(db) == 0) {
        Stmt s(db, "SELECT status FROM bank_lines WHERE id = ?1");
        s.bind(1, line_id);
        if (!s.step()) throw Error("bank: line_id: no statement line with id \"" + line_id + "\"", ErrorKind::not_found);
        throw Error("bank: the line is " + s.text(0) + " already", ErrorKind::conflict);
    }
}

}  // namespace atelier::payments_in
