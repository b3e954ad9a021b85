// The calculator: price lists as data, estimates, money invariants.
#include <doctest/doctest.h>

#include <random>

#include "brief.h"
#include "error.h"
#include "money.h"
#include "pricing.h"
#include "demo.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;

namespace {

json typical_corporate() {
    return json{{"company", "ООО «Северный ветер»"}, {"activity", "Грузоперевозки"}, {"goals", {"leads"}},
                {"pages", 12}, {"sections", {"about", "services", "portfolio", "news", "team", "contacts"}},
                {"content_pages", 20}, {"languages", 1}, {"design_level", "custom"},
                {"integrations", {"crm", "analytics"}}, {"seo", true}, {"urgency", "normal"}};
}

json estimate(const std::string& pl_text, const json& answers, EstimateOptions opt = {}) {
    auto pl = compile_price_list_text(pl_text);
    return json::parse(estimate_json(*pl, answers, opt));
}

int64_t hours(const json& e, const char* role) { return e["hours"]["by_role"].value(role, (int64_t)0); }

// Checks every money invariant of an estimate; returns the number of lines.
size_t check_invariants(const json& e) {
    int64_t sum = 0;
    for (const json& ln : e["lines"]) {
        int64_t ch = ln["centihours"].get<int64_t>(), rate = ln["rate"].get<int64_t>();
        if (!ln.value("overridden", false)) REQUIRE(ln["amount"].get<int64_t>() == div_round_half_away(ch * rate, 100));
        sum += ln["amount"].get<int64_t>();
    }
    REQUIRE(sum == e["subtotal"].get<int64_t>());
    int64_t discount = e["discount"].is_object() ? e["discount"]["amount"].get<int64_t>() : 0;
    REQUIRE(e["net"].get<int64_t>() == sum - discount);
    const std::string mode = e["tax"]["mode"];
    int64_t tax = e["tax"]["amount"].get<int64_t>();
    if (mode == "vat_on_top") REQUIRE(e["total"].get<int64_t>() == e["net"].get<int64_t>() + tax);
    else REQUIRE(e["total"].get<int64_t>() == e["net"].get<int64_t>());
    if (mode == "no_vat") REQUIRE(tax == 0);
    int64_t paid = 0;
    for (const json& p : e["payment_schedule"]) paid += p["amount"].get<int64_t>();
    REQUIRE(paid == e["total"].get<int64_t>());
    return e["lines"].size();
}

}  // namespace

TEST_CASE("pricing: the default price list is calibrated on the seed's figures") {
    SUBCASE("a typical corporate site costs 500,000 to 1,000,000 RUB") {
        json e = estimate(default_price_list_rub(), typical_corporate());
        CAPTURE(e["total"]);
        CHECK(e["currency"] == "RUB");
        CHECK(e["total"].get<int64_t>() >= 50000000);
        CHECK(e["total"].get<int64_t>() <= 100000000);
        check_invariants(e);
    }
    SUBCASE("a content-heavy brief needs more copywriting than programming") {
        json a = typical_corporate();
        a["content_pages"] = 150;
        json e = estimate(default_price_list_rub(), a);
        int64_t programming = hours(e, "frontend") + hours(e, "backend");
        CAPTURE(e["hours"]);
        CHECK(hours(e, "copywriter") > programming);
        CHECK(hours(e, "copywriter") >= 2 * programming);
    }
    SUBCASE("every default brief template is valid and the typical answers pass it") {
        REQUIRE(default_brief_templates().size() == 3);
        for (const json& t : default_brief_templates()) check_brief_template(t);
        auto problems = validate_answers(default_brief_templates()[0], typical_corporate());
        CHECK(join_problems(problems) == "");
    }
}

TEST_CASE("pricing: rules select services and quantities from the answers") {
    json base = typical_corporate();
    json e0 = estimate(default_price_list_rub(), base);
    auto has = [](const json& e, const std::string& key) {
        for (const json& ln : e["lines"]) if (ln["key"] == key) return true;
        return false;
    };
    auto line = [](const json& e, const std::string& key) {
        for (const json& ln : e["lines"]) if (ln["key"] == key) return ln;
        return json();
    };
    CHECK(line(e0, "page_design/designer")["quantity"] == 12);
    CHECK(line(e0, "page_design/designer")["centihours"] == 12 * 500);
    CHECK(line(e0, "section_module/backend")["quantity"] == 6);
    CHECK(has(e0, "integration_crm/backend"));
    CHECK_FALSE(has(e0, "integration_payment/backend"));
    CHECK_FALSE(has(e0, "catalogue/backend"));
    CHECK_FALSE(has(e0, "translation/copywriter"));  // one language: no extra version

    json a = base;
    a["needs_catalogue"] = true;
    a["catalogue_items"] = 300;
    a["languages"] = 3;
    a["integrations"] = {"payment"};
    json e1 = estimate(default_price_list_rub(), a);
    CHECK(has(e1, "catalogue/backend"));
    CHECK(line(e1, "catalogue_items/copywriter")["centihours"] == 300 * 25);
    CHECK(line(e1, "translation/copywriter")["quantity"] == 2);
    CHECK(has(e1, "integration_payment/backend"));
    CHECK_FALSE(has(e1, "integration_crm/backend"));
    CHECK(e1["assumptions"].size() >= 4);
    CHECK(e1["assumptions"][0]["ru"] == "Макетов страниц: 12");
    CHECK(e1["assumptions"][0]["fr"] == "Gabarits de pages : 12");
}

TEST_CASE("pricing: options multiply hours or rates") {
    json a = typical_corporate();
    json normal = estimate(default_price_list_rub(), a);
    a["design_level"] = "premium";
    json premium = estimate(default_price_list_rub(), a);
    CHECK(hours(premium, "designer") == hours(normal, "designer") * 160 / 100);
    CHECK(premium["options"] == json::array({"design_premium"}));
    a["design_level"] = "custom";
    a["urgency"] = "rush";
    json rush = estimate(default_price_list_rub(), a);
    CHECK(rush["lines"][0]["rate"].get<int64_t>() == normal["lines"][0]["rate"].get<int64_t>() * 3 / 2);
    CHECK(hours(rush, "designer") == hours(normal, "designer"));
    check_invariants(premium);
    check_invariants(rush);
}

TEST_CASE("pricing: discounts with a floor, and the three tax modes") {
    json a = typical_corporate();
    EstimateOptions o;
    o.discount = "loyal";
    json e = estimate(default_price_list_rub(), a, o);
    CHECK(e["discount"]["amount"].get<int64_t>() == div_round_half_away(e["subtotal"].get<int64_t>() * 10, 100));
    check_invariants(e);

    SUBCASE("the floor caps a discount") {
        json small = {{"pages", 1}, {"languages", 1}, {"design_level", "template"}, {"urgency", "normal"}};
        o.discount = "promo";  // 50,000 RUB off, but never below the floor
        json s = estimate(default_price_list_rub(), small, o);
        CAPTURE(s["subtotal"]);
        CHECK(s["discount"]["amount"] == 5000000);  // the floor (100,000 RUB) is not reached
        json pl = json::parse(default_price_list_rub());
        for (json& d : pl["discounts"]) if (d["id"] == "promo") d["floor"] = s["subtotal"].get<int64_t>() - 1000000;
        json capped = estimate(pl.dump(), small, o);
        CHECK(capped["discount"]["amount"] == 1000000);  // capped: the total stops at the floor
        CHECK(capped["net"] == s["subtotal"].get<int64_t>() - 1000000);
        check_invariants(s);
        check_invariants(capped);
    }
    SUBCASE("VAT on top and VAT included") {
        json eur = estimate(default_price_list_eur(), a);
        CHECK(eur["tax"]["mode"] == "vat_on_top");
        CHECK(eur["tax"]["amount"].get<int64_t>() == div_round_half_away(eur["net"].get<int64_t>() * 2000, 10000));
        check_invariants(eur);
        json pl = json::parse(default_price_list_eur());
        pl["tax"] = {{"mode", "vat_included"}, {"rate_bp", 2000}};
        json inc = estimate(pl.dump(), a);
        CHECK(inc["total"] == inc["net"]);
        CHECK(inc["tax"]["amount"].get<int64_t>() == div_round_half_away(inc["net"].get<int64_t>() * 2000, 12000));
        check_invariants(inc);
    }
    SUBCASE("an unknown discount is an error naming it") {
        o.discount = "friends";
        CHECK_THROWS_WITH(estimate(default_price_list_rub(), a, o), doctest::Contains("unknown discount \"friends\""));
    }
}

TEST_CASE("pricing: the timeline skips weekends and the country's holidays") {
    CHECK(add_working_days("2026-11-27", 0) == "2026-11-27");  // Friday
    CHECK(add_working_days("2026-11-28", 0) == "2026-11-30");  // Saturday → Monday
    CHECK(add_working_days("2026-11-27", 1) == "2026-11-30");
    CHECK(add_working_days("2026-12-31", 1) == "2027-01-01");
    CHECK(add_working_days("2028-02-28", 1) == "2028-02-29");
    const WorkCalendar& ru = shipped_calendar("ru");
    EstimateOptions o;
    o.start_date = "2026-12-05";  // a Saturday
    json e = estimate(default_price_list_rub(), typical_corporate(), o);
    REQUIRE(e["timeline"].size() >= 5);
    CHECK(e["timeline"][0]["start"] == "2026-12-07");
    int64_t days = 0;
    std::string prev_end;
    for (const json& s : e["timeline"]) {
        days += s["days"].get<int64_t>();
        CHECK(add_working_days(s["start"], 0, ru) == s["start"]);  // starts on a working day
        CHECK(add_working_days(s["start"], (int)s["days"].get<int64_t>() - 1, ru) == s["end"]);
        if (!prev_end.empty()) CHECK(add_working_days(prev_end, 1, ru) == s["start"]);
        prev_end = s["end"];
    }
    CHECK(e["working_days"] == days);
    CHECK_THROWS_WITH(add_working_days("2026-02-30", 0), doctest::Contains("no such date"));
}

TEST_CASE("calendar: Russian New Year holidays and French jours fériés are not working days") {
    const WorkCalendar& ru = shipped_calendar("ru");
    const WorkCalendar& fr = shipped_calendar("fr");
    // 31.12.2026 is a day off moved from 4 January; 01–08.01.2027 are holidays.
    for (int d = day_number("2026-12-31", "d"); d <= day_number("2027-01-10", "d"); ++d) CHECK_FALSE(ru.working(d));
    CHECK(ru.working(day_number("2027-01-11", "d")));
    CHECK(add_working_days("2026-12-28", 3, ru) == "2027-01-11");
    CHECK(add_working_days("2026-12-31", 0, ru) == "2027-01-11");
    CHECK(add_working_days("2026-05-08", 1, ru) == "2026-05-12");  // 11.05 is 9 May moved
    // France: Christmas, Easter Monday 2027 (Easter is 28 March), Ascension.
    CHECK(add_working_days("2026-12-24", 1, fr) == "2026-12-28");
    CHECK(add_working_days("2027-03-26", 1, fr) == "2027-03-30");
    CHECK(add_working_days("2027-05-05", 1, fr) == "2027-05-07");
    CHECK(ru.working(day_number("2026-12-25", "d")));  // not a Russian holiday
    CHECK_FALSE(fr.working(day_number("2026-12-25", "d")));
    CHECK(fr.working(day_number("2027-01-04", "d")));  // nor is the Russian January a French one

    SUBCASE("a timeline started on 28.12.2026 does not count 01–08.01.2027") {
        EstimateOptions o;
        o.start_date = "2026-12-28";
        json e = estimate(default_price_list_rub(), typical_corporate(), o);
        for (const json& s : e["timeline"]) {
            int64_t start = day_number(s["start"], "start"), end = day_number(s["end"], "end"), worked = 0;
            for (int64_t d = start; d <= end; ++d) worked += ru.working(d);
            CHECK(ru.working(start));
            CHECK(ru.working(end));
            CHECK(worked == s["days"].get<int64_t>());
        }
        CHECK(e["timeline"][0]["start"] == "2026-12-28");
        // The first stage spans the holidays: it ends later than weekends alone would have it.
        json plain = json::parse(default_price_list_rub());
        plain["calendar"] = "";
        json e2 = estimate(plain.dump(), typical_corporate(), o);
        CHECK(e2["timeline"][0]["end"] < e["timeline"][0]["end"]);
        CHECK(e2["working_days"] == e["working_days"]);
    }
    SUBCASE("a price list names its calendar; a bad one is refused naming the field") {
        json pl = json::parse(default_price_list_rub());
        pl["calendar"] = "Russia";
        CHECK_THROWS_WITH(compile_price_list(pl), doctest::Contains("price_list: calendar: expected a country code"));
        pl["calendar"] = "fr";
        CHECK(price_list_calendar(*compile_price_list(pl)) == "fr");
        CHECK(price_list_calendar(*compile_price_list_text(default_price_list_eur())) == "fr");
    }
}

TEST_CASE("calendar: the studio's calendar is data: days moved by decree count in estimates and due dates") {
    TestDb t;
    seed_demo(t.db);
    install_defaults(t.db, "2026-11-20T09:00:00Z");
    CHECK(t.count("SELECT count(*) FROM calendar_days WHERE country = 'ru' AND day BETWEEN '2027-01-01' AND '2027-01-08'") == 6);
    WorkCalendar ru = load_calendar(t.db, "ru");
    CHECK(add_working_days("2026-12-28", 3, ru) == "2027-01-11");
    // A Saturday worked in exchange, and a regional holiday.
    set_calendar_day(t.db, "ru", "2027-01-09", true, "Рабочая суббота");
    set_calendar_day(t.db, "ru", "2027-01-12", false, "Региональный праздник");
    ru = load_calendar(t.db, "ru");
    CHECK(add_working_days("2026-12-28", 3, ru) == "2027-01-09");
    CHECK(add_working_days("2026-12-28", 4, ru) == "2027-01-11");
    CHECK(add_working_days("2026-12-28", 5, ru) == "2027-01-13");
    // One row per country and day, whoever sets it; installing again keeps the studio's change.
    set_calendar_day(t.db, "ru", "2027-01-09", true, "Рабочая суббота (перенос)");
    CHECK(t.count("SELECT count(*) FROM calendar_days WHERE country = 'ru' AND day = '2027-01-09'") == 1);
    set_calendar_day(t.db, "ru", "2027-01-08", true, "Работаем");
    install_defaults(t.db, "2026-11-21T09:00:00Z");
    CHECK(t.count("SELECT working FROM calendar_days WHERE country = 'ru' AND day = '2027-01-08'") == 1);
    CHECK_THROWS_WITH(set_calendar_day(t.db, "russia", "2027-01-08", true, ""), doctest::Contains("calendar: country: expected a two-letter"));
    CHECK_THROWS_WITH(set_calendar_day(t.db, "ru", "2027-02-30", true, ""), doctest::Contains("calendar: day: no such date"));
}

TEST_CASE("pricing: manual overrides stay visibly separate") {
    EstimateOptions o;
    o.overrides = {{"page_design/designer", {{"amount", 15000000}}}};
    json e = estimate(default_price_list_rub(), typical_corporate(), o);
    json ln;
    for (const json& l : e["lines"]) if (l["key"] == "page_design/designer") ln = l;
    CHECK(ln["amount"] == 15000000);
    CHECK(ln["overridden"] == true);
    CHECK(ln["computed_amount"] == 60 * 280000);
    check_invariants(e);
    o.overrides = {{"nothing/here", {{"amount", 1}}}};
    CHECK_THROWS_WITH(estimate(default_price_list_rub(), typical_corporate(), o), doctest::Contains("overrides.nothing/here: no such line"));
}

TEST_CASE("pricing: deterministic, and the lines sum to the total over thousands of generated briefs") {
    auto rub = compile_price_list_text(default_price_list_rub());
    auto eur = compile_price_list_text(default_price_list_eur());
    std::mt19937_64 rng(20261126);
    auto pick = [&](int n) { return (int)(rng() % (uint64_t)n); };
    const char* sections[] = {"about", "services", "portfolio", "news", "blog", "team", "faq", "careers", "contacts"};
    const char* integrations[] = {"crm", "payment", "delivery", "erp", "analytics", "mailing"};
    const char* levels[] = {"template", "custom", "premium"};
    const char* urgency[] = {"normal", "fast", "rush"};
    const char* discounts[] = {"", "loyal", "nonprofit", "promo"};
    size_t lines = 0;
    for (int i = 0; i < 3000; ++i) {
        json a = {{"pages", 1 + pick(60)}, {"content_pages", pick(300)}, {"languages", 1 + pick(4)},
                  {"design_level", levels[pick(3)]}, {"urgency", urgency[pick(3)]}, {"seo", pick(2) == 1},
                  {"needs_catalogue", pick(3) == 0}, {"catalogue_items", pick(5000)}};
        json s = json::array(), in = json::array();
        for (const char* x : sections) if (pick(2)) s.push_back(x);
        for (const char* x : integrations) if (pick(3) == 0) in.push_back(x);
        a["sections"] = s;
        a["integrations"] = in;
        EstimateOptions o;
        o.discount = discounts[pick(4)];
        if (pick(2)) o.start_date = "2026-12-01";
        const PriceList& pl = pick(2) ? *rub : *eur;
        std::string text = estimate_json(pl, a, o);
        CHECK(estimate_json(pl, a, o) == text);  // byte-identical
        lines += check_invariants(json::parse(text));
    }
    CHECK(lines > 30000);
}

TEST_CASE("pricing: a bad price list is refused with the path of the bad field") {
    json pl = json::parse(default_price_list_rub());
    auto err = [](const json& j) -> std::string {
        try {
            compile_price_list(j);
        } catch (const Error& e) {
            return e.what();
        }
        return "<no error>";
    };
    json p = pl;
    p["roles"][3]["rate"] = -5;
    CHECK(err(p) == "atelier: price_list: roles[3].rate: expected a positive integer of minor units, got -5");
    p = pl;
    p["roles"][0]["rate"] = 2500.5;
    CHECK(err(p).find("roles[0].rate: expected a positive integer of minor units") != std::string::npos);
    p = pl;
    p["services"][2]["hours"]["pm"] = 1.234;
    CHECK(err(p) == "atelier: price_list: services[2].hours.pm: hours take at most two decimals, got 1.234");
    p = pl;
    p["services"][0]["hours"]["wizard"] = 3;
    CHECK(err(p) == "atelier: price_list: services[0].hours.wizard: unknown role");
    p = pl;
    p["rules"][1]["service"] = "teleport";
    CHECK(err(p) == "atelier: price_list: rules[1].service: unknown service \"teleport\"");
    p = pl;
    p["payment_schedule"][0]["percent"] = 40;
    CHECK(err(p) == "atelier: price_list: payment_schedule: percents must add up to 100, got 90");
    p = pl;
    p["payment_schedule"][1]["on"] = "handover";
    CHECK(err(p) == "atelier: price_list: payment_schedule[1].on: expected \"signing\", \"research\", \"design\", \"development\","
                    " \"integration\", \"content\", \"launch\"");
    p = pl;
    p.erase("currency");
    CHECK(err(p) == "atelier: price_list: (root).currency: missing");
    CHECK_THROWS_WITH(compile_price_list_text("{oops"), "atelier: price_list: malformed JSON");
}

TEST_CASE("pricing: answers the rules cannot use are errors naming the answer") {
    auto pl = compile_price_list_text(default_price_list_rub());
    json a = typical_corporate();
    a["pages"] = "twelve";
    CHECK_THROWS_WITH(estimate_json(*pl, a), "atelier: estimate: answers.pages: expected a whole number, got \"twelve\"");
    a = typical_corporate();
    a["integrations"] = "crm";
    CHECK_THROWS_WITH(estimate_json(*pl, a), "atelier: estimate: answers.integrations: expected a list of options");
    CHECK_THROWS_WITH(estimate_json(*pl, json::array()), "atelier: estimate: answers: expected a JSON object");
    CHECK_THROWS_WITH(estimate_options_from_json(json{{"start_date", "tomorrow"}}), doctest::Contains("options.start_date"));
    CHECK_THROWS_WITH(estimate_options_from_json(json{{"colour", 1}}), "atelier: estimate: options.colour: unknown option");
}

TEST_CASE("pricing: each payment says when it falls due, at a stage this project has") {
    json pl = json::parse(default_price_list_rub());
    auto on = [](const json& e) {
        std::string out;
        for (const json& p : e["payment_schedule"]) out += (out.empty() ? "" : " ") + p["on"].get<std::string>();
        return out;
    };
    // The shipped schedule: the advance at signing, the balance at launch.
    CHECK(on(estimate(pl.dump(), typical_corporate())) == "signing launch");
    pl["payment_schedule"] = json::array({json{{"percent", 40}, {"name", {{"ru", "А"}, {"fr", "A"}, {"en", "A"}}}},
                                          json{{"percent", 30}, {"on", "integration"}, {"name", {{"ru", "Б"}, {"fr", "B"}, {"en", "B"}}}},
                                          json{{"percent", 30}, {"on", "launch"}, {"name", {{"ru", "В"}, {"fr", "C"}, {"en", "C"}}}}});
    CHECK(on(estimate(pl.dump(), typical_corporate())) == "signing integration launch");
    // Without integrations the project has no such stage: that payment falls
    // due at the next stage it has.
    json plain = typical_corporate();
    plain["integrations"] = json::array();
    json e = estimate(pl.dump(), plain);
    bool has_integration = false;
    for (const json& t : e["timeline"]) has_integration = has_integration || t["stage"] == "integration";
    REQUIRE_FALSE(has_integration);
    CHECK(on(e) == "signing content launch");
}
