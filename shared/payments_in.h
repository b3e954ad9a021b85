// atelier/payments_in.h — money coming in: online payment notices and bank
// statements, matched to invoices and recorded through the conveyor.
//
//   Online payment   an invoice may carry a payment URL (the provider's
//                    page); the provider's notice, signed by the server's
//                    webhook (HMAC-SHA256, see web/server), becomes a payment
//                    whose reference is "online:<provider>:<payment id>", so
//                    a notice delivered twice records one payment.
//   Bank statements  1CClientBankExchange (1.03, Windows-1251 or UTF-8) or
//                    CSV with a saved column mapping; each incoming transfer
//                    is matched to an invoice by the invoice number in the
//                    purpose, the payer's INN and the amount. Certain matches
//                    are recorded; uncertain ones wait for the manager; the
//                    same statement imported twice records nothing new.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "conveyor.h"

namespace atelier::payments_in {

// --- Online payment ---------------------------------------------------------

// Sets (or, with "", clears) the URL where the client pays the invoice
// online. Errors name the field: "payment_url: expected an https:// or
// http:// address".
void set_payment_url(sqlite3* db, std::string_view invoice_id, const std::string& url, std::string_view at);

// A provider's notice, as POST /api/payments/webhook takes it:
//   {"provider": "yookassa", "payment_id": "2c5d…", "invoice": "2026-0001",
//    "amount_minor": 1102000, "currency": "RUB", "paid_on": "2026-11-30"}
// "invoice" is the invoice's number or id. Errors name the field.
struct Notice {
    std::string provider, payment_id, invoice, currency, paid_on;
    int64_t amount_minor = 0;
};
Notice parse_notice(const nlohmann::json& j);

// Records the notice's payment. An unknown invoice is Error(not_found); a
// currency or amount the invoice cannot take is Error(conflict); the same
// notice again returns the first outcome's status with "duplicate": true.
Outcome apply_notice(sqlite3* db, const Notice& n, std::string_view at);

// The secret the webhook's signatures are made with: created on first use,
// kept in the server's own table (never synced to devices). `rotate` makes
// a new one.
std::string webhook_secret(sqlite3* db, bool rotate = false);

// --- Bank statements --------------------------------------------------------

// One movement of a statement, as the bank wrote it.
struct BankLine {
    std::string number, date, payer, payer_inn, payer_account, purpose;  // date YYYY-MM-DD
    std::string currency = "RUB";
    int64_t amount_minor = 0;
    bool incoming = true;  // money received on the studio's account
};

// The text of a statement file in UTF-8: Windows-1251 is converted, UTF-8
// (with or without a byte order mark) is kept.
std::string statement_text(std::string_view bytes);

// Parses 1CClientBankExchange (version 1.03 and the formats before it that
// share its keys). Errors name the line: "bank: line 12: Сумма: expected an
// amount like 1234.56".
std::vector<BankLine> parse_1c(std::string_view bytes);

// Parses a CSV statement by a column mapping:
//   {"delimiter": ";", "decimal": ",", "date_format": "DD.MM.YYYY", "currency": "RUB",
//    "columns": {"date": "Дата", "amount": "Сумма", "purpose": "Назначение платежа",
//                "payer": "Плательщик", "payer_inn": "ИНН плательщика", "number": "Номер"}}
// "amount" is signed (a negative amount is money going out) unless the
// mapping names "credit" (the incoming column) instead. Errors name the
// line or the mapping's field.
std::vector<BankLine> parse_csv(std::string_view bytes, const nlohmann::json& mapping);

// A CSV mapping saved per bank, by name; saving checks it.
void save_csv_mapping(sqlite3* db, const std::string& name, const nlohmann::json& mapping);
nlohmann::json csv_mapping(sqlite3* db, const std::string& name);

// Matches each incoming line to an open invoice and records the certain
// ones: the invoice's number in the purpose, an amount it can take, and the
// payer's INN when the client's is known. The rest wait for the manager
// (status "to_confirm", with the suggested invoice and the reason) or stay
// "unmatched". A line imported before is counted as a duplicate and changes
// nothing. Returns {"lines", "incoming", "recorded", "partial", "to_confirm",
// "unmatched", "duplicates", "items": [{id, status, reason, invoice_id,
// invoice_number, amount_minor, payer, purpose}]}.
nlohmann::json import_statement(sqlite3* db, const std::vector<BankLine>& lines, const std::string& source, const Actor& by,
                                std::string_view at);

// The lines waiting for the manager (or of another status), newest first.
nlohmann::json bank_lines(sqlite3* db, const std::string& status = "to_confirm");

// The manager's answer to an uncertain line: pay `invoice_id` with it, or
// set it aside. Errors: an unknown line (not_found), a line recorded or set
// aside already (conflict).
Outcome confirm_line(sqlite3* db, const std::string& line_id, const std::string& invoice_id, const Actor& by, std::string_view at);
void ignore_line(sqlite3* db, const std::string& line_id, std::string_view at);

}  // namespace atelier::payments_in
