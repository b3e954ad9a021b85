// Briefs: template checks and answer validation.
#include <doctest/doctest.h>

#include <set>

#include "brief.h"
#include "error.h"

using namespace atelier;
using nlohmann::json;

TEST_CASE("brief: every problem is reported at once, each naming the question") {
    const json& tpl = default_brief_templates()[0];
    json answers = {{"pages", 0}, {"sections", {"about", "spaceship"}}, {"languages", "two"}, {"seo", "yes"},
                    {"deadline", "31/12/2026"}, {"favourite_colour", "blue"}, {"design_level", "custom"},
                    {"urgency", "normal"}, {"goals", {"leads", "leads"}}};
    auto p = validate_answers(tpl, answers);
    std::string all = join_problems(p);
    CAPTURE(all);
    CHECK(all.find("company: required") != std::string::npos);
    CHECK(all.find("activity: required") != std::string::npos);
    CHECK(all.find("pages: must be at least 1") != std::string::npos);
    CHECK(all.find("sections: unknown option \"spaceship\"") != std::string::npos);
    CHECK(all.find("languages: expected a whole number") != std::string::npos);
    CHECK(all.find("seo: expected true or false") != std::string::npos);
    CHECK(all.find("deadline: expected a date YYYY-MM-DD") != std::string::npos);
    CHECK(all.find("favourite_colour: no such question in this brief") != std::string::npos);
    CHECK(all.find("goals: option \"leads\" given twice") != std::string::npos);
    CHECK(p.size() == 9);
}

TEST_CASE("brief: the three default templates, in three languages") {
    const auto& t = default_brief_templates();
    REQUIRE(t.size() == 3);
    CHECK(t[0]["code"] == "corporate");
    CHECK(t[1]["code"] == "shop");
    CHECK(t[2]["code"] == "landing");
    for (const json& tpl : t) {
        check_brief_template(tpl);
        std::set<std::string> types;
        for (const json& s : tpl["sections"])
            for (const json& q : s["questions"]) types.insert(q["type"].get<std::string>());
        CHECK(types.size() >= 6);  // text, longtext, number, choice, multi, date (+ yesno)
    }
}

TEST_CASE("brief: a broken template is refused with the path of the bad field") {
    json tpl = default_brief_templates()[0];
    tpl["sections"][1]["questions"][0]["type"] = "color";
    CHECK_THROWS_WITH(check_brief_template(tpl), doctest::Contains("sections[1].questions[0].type: unknown type \"color\""));
    tpl = default_brief_templates()[0];
    tpl["sections"][0]["questions"][1]["label"].erase("fr");
    CHECK_THROWS_WITH(check_brief_template(tpl), "atelier: brief_template: sections[0].questions[1].label.fr: expected a non-empty string");
    tpl = default_brief_templates()[0];
    tpl["sections"][1]["questions"][1]["id"] = "pages";
    CHECK_THROWS_WITH(check_brief_template(tpl), doctest::Contains("duplicate question id \"pages\""));
}
