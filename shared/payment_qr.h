// atelier/payment_qr.h — the QR code a client scans to pay an invoice.
//
// Two standards, chosen by the invoice's currency:
//   RUB  ГОСТ Р 56042-2014, "ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|
//        CorrespAcc=…|PayeeINN=…|Sum=<kopecks>|Purpose=…" (UTF-8), read by
//        Russian banking apps;
//   EUR  EPC069-12, the SEPA credit transfer QR ("BCD", version 002, UTF-8,
//        SCT, BIC, name, IBAN, "EUR12.34", reference, text), read by European
//        banking apps.
// The matrix is made by libqrencode (error correction level M) and drawn as
// an inline SVG that prints sharp at any size.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace atelier {

struct PaymentDetails {
    std::string currency;                           // RUB, EUR
    std::string payee;                              // the studio's legal name
    std::string account, bank, bik, corr_account;   // RUB
    std::string iban, bic;                          // EUR
    std::string payee_inn, payee_kpp;               // RUB, optional KPP
    int64_t amount_minor = 0;
    std::string purpose;                            // "Оплата по счёту № 2026-0001 от 25.11.2026. Без НДС"
    std::string reference;                          // the invoice number
};

// The text the QR code carries, or nothing when the details it needs are
// missing (no account and BIK for RUB, no IBAN for EUR, another currency).
std::optional<std::string> payment_qr_text(const PaymentDetails& p);

// An SVG of the QR code for `text` (class "qr", `mm` millimetres wide, a
// four-module quiet zone). Throws Error("qr: ...") if the text does not fit.
std::string qr_svg(const std::string& text, int mm = 36);

}  // namespace atelier
