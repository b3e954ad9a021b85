// atelier/payment_qr.cpp — see payment_qr.h.
#include "payment_qr.h"

#include <memory>

#include <qrencode.h>

#include "error.h"

namespace atelier {

namespace {

// A field of the ГОСТ string may not hold the separator; line breaks would
// end an EPC field early. Both become spaces.
std::string clean(const std::string& s, char sep) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) out += (c == sep || c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

// At most `n` bytes, not cutting a UTF-8 sequence.
std::string clip(const std::string& s, size_t n) {
    if (s.size() <= n) return s;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

}  // namespace

std::optional<std::string> payment_qr_text(const PaymentDetails& p) {
    if (p.amount_minor <= 0) return std::nullopt;
    if (p.currency == "RUB") {
        if (p.account.empty() || p.bik.empty() || p.payee.empty()) return std::nullopt;
        std::string s = "ST00012";
        auto field = [&](const char* key, const std::string& v) {
            if (!v.empty()) s += std::string("|") + key + "=" + clean(v, '|');
        };
        field("Name", clip(p.payee, 160));
        field("PersonalAcc", p.account);
        field("BankName", clip(p.bank, 45));
        field("BIC", p.bik);
        field("CorrespAcc", p.corr_account.empty() ? "0" : p.corr_account);
        field("PayeeINN", p.payee_inn);
        field("KPP", p.payee_kpp);
        field("Sum", std::to_string(p.amount_minor));
        field("Purpose", clip(p.purpose, 210));
        return s;
    }
    if (p.currency == "EUR") {
        if (p.iban.empty() || p.payee.empty() || p.amount_minor > 99999999999) return std::nullopt;
        std::string amount = "EUR" + std::to_string(p.amount_minor / 100) + "." + (p.amount_minor % 100 < 10 ? "0" : "") +
                             std::to_string(p.amount_minor % 100);
        std::string iban;
        for (char c : p.iban) if (c != ' ') iban += c;
        // Service tag, version, UTF-8, SEPA credit transfer, BIC, name,
        // IBAN, amount, purpose code (none), structured reference (none),
        // the remittance text.
        return "BCD\n002\n1\nSCT\n" + clean(p.bic, '\n') + "\n" + clip(clean(p.payee, '\n'), 70) + "\n" + iban + "\n" + amount +
               "\n\n\n" + clip(clean(p.purpose, '\n'), 140);
    }
    return std::nullopt;
}

std::string qr_svg(const std::string& text, int mm) {
    std::unique_ptr<QRcode, void (*)(QRcode*)> code(
        QRcode_encodeData((int)text.size(), reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M), QRcode_free);
    if (!code) throw Error("qr: the text does not fit in a QR code (" + std::to_string(text.size()) + " bytes)");
    const int w = code->width, quiet = 4, side = w + 2 * quiet;
    std::string path;
    path.reserve((size_t)w * w * 4);
    // One horizontal run of dark modules per "M x y h n v1 h -n z".
    for (int y = 0; y < w; ++y) {
        for (int x = 0; x < w;) {
            if (!(code->data[y * w + x] & 1)) {
                ++x;
                continue;
            }
            int run = 0;
            while (x + run < w && (code->data[y * w + x + run] & 1)) ++run;
            path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h" + std::to_string(run) + "v1h-" +
                    std::to_string(run) + "z";
            x += run;
        }
    }
    const std::string s = std::to_string(side), m = std::to_string(mm);
    return "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s + "\" width=\"" + m + "mm\" height=\"" + m +
           "mm\" shape-rendering=\"crispEdges\" role=\"img\"><rect width=\"" + s + "\" height=\"" + s + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" +
           path + "\"/></svg>";
}

}  // namespace atelier
