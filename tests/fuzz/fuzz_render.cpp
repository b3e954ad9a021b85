// libFuzzer target: a mustache template rendered over JSON data. The input is
// the template, a line "\n--\n", then the data; without it, the whole input
// is the template over a small fixed document.
#include <cstdint>
#include <string_view>

#include "documents.h"
#include "error.h"
#include "json_in.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in((const char*)data, size);
    try {
        size_t sep = in.find("\n--\n");
        nlohmann::json d = sep == std::string_view::npos
                               ? nlohmann::json{{"a", {{"b", "<x>"}}}, {"list", {1, 2, 3}}, {"yes", true}}
                               : atelier::parse_json(in.substr(sep + 4), "data");
        atelier::render_template(in.substr(0, sep), d);
    } catch (const atelier::Error&) {
    }
    return 0;
}
