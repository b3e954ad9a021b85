// libFuzzer target: the client's brief form as posted (urlencoded), decoded,
// typed by each default brief template and checked.
#include <cstdint>
#include <string_view>

#include "brief.h"
#include "client_pages.h"
#include "error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        atelier::FormFields fields = atelier::decode_form(std::string_view((const char*)data, size));
        for (const auto& tpl : atelier::default_brief_templates()) {
            std::vector<atelier::BriefProblem> problems;
            nlohmann::json answers = atelier::answers_from_form(tpl, fields, &problems);
            atelier::validate_answers(tpl, answers);
            (void)answers.dump();
        }
    } catch (const atelier::Error&) {
    }
    return 0;
}
