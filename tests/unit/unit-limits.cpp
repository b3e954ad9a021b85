// Bounded input: JSON depth and size, short values in messages, template
// nesting, the amount range, form decoding and what the site form may set.
#include <doctest/doctest.h>

#include <string>

#include "brief.h"
#include "client_pages.h"
#include "documents.h"
#include "error.h"
#include "json_in.h"
#include "leads.h"
#include "money.h"
#include "pricing.h"
#include "test_db.h"

using namespace atelier;
using nlohmann::json;

namespace {

std::string nested(int levels, const char* open = "[", const char* close = "]") {
    std::string s;
    for (int i = 0; i < levels; ++i) s += open;
    for (int i = 0; i < levels; ++i) s += close;
    return s;
}

template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("limits: JSON deeper than 64 levels is refused before it is parsed") {
    CHECK(json_depth("[]") == 1);
    CHECK(json_depth(R"({"a": "[[[[", "b": [{"c": "]]"}]})") == 3);  // brackets inside strings do not count
    CHECK(json_depth(R"(["\"[[[["])") == 1);
    CHECK(parse_json(nested(64), "x").is_array());
    CHECK(error_of([] { parse_json(nested(65), "answers"); }) == "atelier: answers: nested deeper than 64 levels");
    // The depth that used to overflow the stack in copies and dump().
    CHECK(error_of([] { parse_json("{\"a\":" + nested(100000) + "}", "body"); }) == "atelier: body: nested deeper than 64 levels");
    CHECK(parse_json_or_discard(nested(100000)).is_discarded());
    CHECK(error_of([] { parse_json(std::string(2000, ' ') + "1", "small", 1000); }) ==
          "atelier: small: larger than 1000 bytes (2001)");
    CHECK(error_of([] { parse_json("{oops", "body"); }) == "atelier: body: malformed JSON");
}

TEST_CASE("limits: messages show a short part of an offending value, never all of it") {
    CHECK(describe(json::parse(nested(10))) == "an array of 1");
    CHECK(describe(json::object()) == "an empty object");
    CHECK(describe(json(std::string(1000, 'a'))) == "\"" + std::string(60, 'a') + "…\"");
    CHECK(describe(json("Ж" + std::string(100, 'b'))).size() < 80);
    CHECK(describe(json(12.5)) == "12.5");
    CHECK(clip_utf8("ЖЖЖ", 2) == "ЖЖ…");
    // An estimate over an answer that is a huge value: the message stays short.
    auto pl = compile_price_list_text(default_price_list_rub());
    json answers = {{"pages", json::array()}};
    for (int i = 0; i < 100000; ++i) answers["pages"].push_back(i);
    std::string msg = error_of([&] { estimate_json(*pl, answers); });
    CHECK(msg.find("pages") != std::string::npos);
    CHECK(msg.size() < 200);
}

TEST_CASE("limits: templates nested deeper than 32 sections are refused, naming the line") {
    std::string deep = "top\n";
    for (int i = 0; i < 20000; ++i) deep += "{{#a}}";
    for (int i = 0; i < 20000; ++i) deep += "{{/a}}";
    CHECK(error_of([&] { render_template(deep, json::object()); }) ==
          "atelier: render: line 2: sections nested deeper than 32 levels");
    std::string ok;
    for (int i = 0; i < 32; ++i) ok += "{{#a}}";
    ok += "x";
    for (int i = 0; i < 32; ++i) ok += "{{/a}}";
    CHECK(render_template(ok, json::object()) == "");
    CHECK(error_of([] { render_template("{{=<% %>=}}<%a%>", json::object()); }) ==
          "atelier: render: line 1: changing the delimiters ({{=...=}}) is not supported");
    // Data deeper than any parsed JSON can be is refused too.
    json data = json::object();
    json* at = &data;
    for (int i = 0; i < 100; ++i) at = &((*at)["a"] = json::object());
    CHECK(error_of([&] { render_template("{{#a}}x{{/a}}", data); }) == "atelier: render: data: nested deeper than 64 levels");
}

TEST_CASE("limits: amounts are at most 9 999 999 999 999,99, and what is printed parses back") {
    CHECK(parse_money("9 999 999 999 999,99", Currency::RUB, Lang::ru).minor == kMaxAmountMinor);
    CHECK(parse_money(format({kMaxAmountMinor, Currency::EUR}, Lang::fr), Currency::EUR, Lang::fr).minor == kMaxAmountMinor);
    CHECK(parse_money(format({-kMaxAmountMinor, Currency::USD}, Lang::en), Currency::USD, Lang::en).minor == -kMaxAmountMinor);
    CHECK(error_of([] { parse_money("10 000 000 000 000,00", Currency::RUB, Lang::ru); }).find("amount out of range") != std::string::npos);
    CHECK(error_of([] { parse_money("92233720368547758,07", Currency::RUB, Lang::ru); }).find("amount out of range") != std::string::npos);
    TestDb t;
    NewLead l = new_lead_from_json(json{{"client_name", "Big"}, {"amount_minor", INT64_MAX}});
    CHECK(error_of([&] { create_lead(t.db, l, "test", "2026-11-29T10:00:00Z"); }) ==
          "atelier: lead: amount_minor: at most 999999999999999");
    l.amount_minor = kMaxAmountMinor;
    create_lead(t.db, l, "test", "2026-11-29T10:00:00Z");
    create_lead(t.db, l, "test", "2026-11-29T10:00:00Z");
    CHECK(t.count("SELECT sum(amount_minor) FROM leads") == 2 * kMaxAmountMinor);
    NewLead bad;
    bad.client_name = "Bad \xFF";
    CHECK(error_of([&] { create_lead(t.db, bad, "test", "2026-11-29T10:00:00Z"); }) == "atelier: lead: client_name: not UTF-8 text");
}

TEST_CASE("limits: form bodies are decoded, and text that is not UTF-8 is refused naming the field") {
    FormFields f = decode_form("name=%D0%90%D0%BD%D0%BD%D0%B0+K&tags=a&tags=b&empty=&flag&pct=100%25&stray=50%");
    CHECK(f.find("name")->second == "Анна K");
    CHECK(f.count("tags") == 2);
    CHECK(f.find("empty")->second == "");
    CHECK(f.find("flag")->second == "");
    CHECK(f.find("pct")->second == "100%");
    CHECK(f.find("stray")->second == "50%");
    CHECK(error_of([] { decode_form("company=%FF%FE"); }) == "atelier: form: company: not UTF-8 text");
    CHECK(error_of([] { decode_form("a=1&b=2&c=3", 2); }) == "atelier: form: more than 2 fields");
    CHECK(decode_form("").empty());
}

TEST_CASE("limits: the site form sets only what a visitor may say") {
    Intake in = intake_from_fields(json{{"name", "Ольга"}, {"email", "olga@kolos.ru"}, {"message", "Магазин"},
                                        {"amount_minor", INT64_MAX}, {"currency", "USD"}, {"source", "partner"},
                                        {"stage", "won"}, {"utm_source", "yandex"}, {"website", ""}});
    CHECK(in.lead.client_name == "Ольга");
    CHECK(in.lead.title == "Магазин");
    CHECK(in.lead.amount_minor == 0);
    CHECK(in.lead.currency.empty());  // the studio's rule for the language decides
    CHECK(in.lead.source == "website");
    CHECK(in.utm == json{{"utm_source", "yandex"}});
    CHECK_FALSE(in.trapped);
    CHECK(intake_from_fields(json{{"name", "Bot"}, {"website", "http://spam"}}).trapped);
    CHECK(error_of([] { intake_from_fields(json{{"name", "X"}, {"utm_term", std::string(201, 'x')}}); }) ==
          "atelier: lead: utm_term: at most 200 characters");
    CHECK(error_of([] { intake_from_fields(json{{"name", "X"}, {"utm_x", json::array({1})}}); }) ==
          "atelier: lead: utm_x: expected a string, got an array of 1");
    json many = {{"name", "X"}};
    for (int i = 0; i < 21; ++i) many["utm_" + std::to_string(100 + i)] = "v";
    CHECK(error_of([&] { intake_from_fields(many); }).find("at most 20 utm_ tags") != std::string::npos);
}

TEST_CASE("limits: a long answer of 10,000 Cyrillic characters fits; the form's size follows the template") {
    const json& tpl = default_brief_templates()[0];
    std::string longtext_id;
    for (const json& s : tpl["sections"])
        for (const json& q : s["questions"])
            if (q["type"] == "longtext" && longtext_id.empty()) longtext_id = q["id"];
    REQUIRE_FALSE(longtext_id.empty());
    std::string text;
    for (int i = 0; i < 10000; ++i) text += "Ж";
    auto problems = validate_answers(tpl, json{{longtext_id, text}});
    for (const auto& p : problems) CHECK(p.question != longtext_id);
    problems = validate_answers(tpl, json{{longtext_id, text + "Ж"}});
    bool found = false;
    for (const auto& p : problems) found |= p.question == longtext_id && p.message == "at most 10000 characters";
    CHECK(found);
    // Percent-encoded, 10,000 Cyrillic letters take 60,000 bytes: the form takes it.
    CHECK(form_max_bytes(tpl) > 60000);
}
