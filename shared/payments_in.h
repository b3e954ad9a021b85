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

}  // namespace atelier::payments_in
