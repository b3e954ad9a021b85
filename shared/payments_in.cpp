// atelier/payments_in.cpp — see payments_in.h.
//
// [SECTION] online payment
#include "payments_in.h"

#include <cctype>

#include "error.h"
#include "ids.h"
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

}  // namespace atelier::payments_in
