// libFuzzer target: amounts typed by a person. Whatever parses must print
// and parse back to the same number of minor units, in every language.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "error.h"
#include "money.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in((const char*)data, size);
    using atelier::Currency;
    using atelier::Lang;
    for (Currency c : {Currency::RUB, Currency::EUR, Currency::USD})
        for (Lang l : {Lang::ru, Lang::fr, Lang::en}) {
            atelier::Money m;
            try {
                m = atelier::parse_money(in, c, l);
            } catch (const atelier::Error&) {
                continue;
            }
            if (m.minor > atelier::kMaxAmountMinor || m.minor < -atelier::kMaxAmountMinor) std::abort();
            if (atelier::parse_money(atelier::format(m, l), c, l).minor != m.minor) std::abort();
        }
    return 0;
}
