// libFuzzer target: a bank statement file and legal details, as a stranger
// could upload them. Whatever parses has positive amounts and real dates;
// nothing crashes, and every refusal is an atelier::Error.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "calendar.h"
#include "error.h"
#include "payment_qr.h"
#include "payments_in.h"
#include "requisites.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace pi = atelier::payments_in;
    std::string_view in((const char*)data, size);
    auto check = [](const std::vector<pi::BankLine>& lines) {
        for (const pi::BankLine& b : lines) {
            if (b.amount_minor < 0) std::abort();
            atelier::day_number(b.date, "date");  // a real day, or the parser would not have kept it
        }
    };
    try {
        check(pi::parse_1c(in));
    } catch (const atelier::Error&) {
    }
    static const nlohmann::json mapping = {{"delimiter", ";"}, {"decimal", ","},
                                           {"columns", {{"date", "Дата"}, {"amount", "Сумма"}, {"purpose", "Назначение"}, {"payer_inn", "ИНН"}}}};
    try {
        check(pi::parse_csv(in, mapping));
    } catch (const atelier::Error&) {
    }
    const std::string s(in.substr(0, 64));
    (void)atelier::inn_problem(s);
    (void)atelier::ogrn_problem(s);
    (void)atelier::siret_problem(s);
    (void)atelier::iban_problem(s);
    (void)atelier::tva_fr_problem(s, s);
    (void)atelier::ru_account_problem(s, s, size % 2 == 0);
    atelier::PaymentDetails p;
    p.currency = size % 2 ? "RUB" : "EUR";
    p.payee = p.account = p.bik = p.iban = s;
    p.purpose = std::string(in.substr(0, 300));
    p.amount_minor = (int64_t)size + 1;
    if (auto text = atelier::payment_qr_text(p)) {
        try {
            (void)atelier::qr_svg(*text);
        } catch (const atelier::Error&) {
        }
    }
    return 0;
}
