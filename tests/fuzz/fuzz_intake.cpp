// libFuzzer target: the site form's post, as a urlencoded form and as JSON,
// turned into a lead, and the lead checked as create_lead() checks it.
#include <cstdint>
#include <string_view>

#include "client_pages.h"
#include "error.h"
#include "json_in.h"
#include "leads.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in((const char*)data, size);
    nlohmann::json fields = nlohmann::json::object();
    try {
        for (const auto& [k, v] : atelier::decode_form(in)) fields[k] = v;
        atelier::Intake i = atelier::intake_from_fields(fields);
        (void)i.utm.dump();
    } catch (const atelier::Error&) {
    }
    try {
        atelier::Intake i = atelier::intake_from_fields(atelier::parse_json(in, "lead: body", 64 << 10, 8));
        (void)i.utm.dump();
    } catch (const atelier::Error&) {
    }
    return 0;
}
