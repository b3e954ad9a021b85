// libFuzzer target: the price-list compiler and the calculator. The input is
// a price list, a line "\n--\n", then brief answers (both JSON); without the
// separator, the input is the answers over the default rouble price list.
#include <cstdint>
#include <string_view>

#include "error.h"
#include "json_in.h"
#include "pricing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in((const char*)data, size);
    static const auto fallback = atelier::compile_price_list_text(atelier::default_price_list_rub());
    try {
        size_t sep = in.find("\n--\n");
        auto pl = sep == std::string_view::npos ? fallback : atelier::compile_price_list_text(in.substr(0, sep));
        std::string_view answers = sep == std::string_view::npos ? in : in.substr(sep + 4);
        atelier::estimate_json(*pl, atelier::parse_json(answers, "answers"));
    } catch (const atelier::Error&) {
    }
    return 0;
}
