// Documents and the conveyor: golden files for every kind and language,
// live links and frozen snapshots, numbering, payments.
//
// Golden files are tests/golden/<kind>-<lang>.html. After a deliberate change
// of a template, regenerate them with ATELIER_UPDATE_GOLDEN=1 and read the diff.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "demo.h"
#include "documents.h"
#include "error.h"
#include "leads.h"
#include "numbering.h"
#include "test_db.h"
#include "workflow.h"
#include "brief.h"
#include "conveyor.h"
#include "pricing.h"
#include "requisites.h"
#include "payment_qr.h"
#include "payments_in.h"

using namespace atelier;
using nlohmann::json;

namespace {

struct Flow {
    TestDb t;
    std::string lead, estimate, proposal, contract;
    std::vector<std::string> invoices;

    explicit Flow(const char* lang = "fr", const char* currency = "EUR") {
        seed_demo(t.db);
        install_defaults(t.db, "2026-11-20T09:00:00Z");
        NewLead l = new_lead_from_json(json{{"client_name", "Claire <script>alert(1)</script> Dubois"},
                                            {"company", "Éclair Pâtisserie & Fils"}, {"email", "claire@eclair.fr"},
                                            {"lang", lang}, {"currency", currency}});
        lead = create_lead(t.db, l, "anna", "2026-11-23T09:00:00Z", "lead-golden");
        json answers = {{"company", "Éclair"}, {"activity", "Pâtisserie fine"}, {"goals", {"sales", "brand"}},
                        {"pages", 8}, {"sections", {"about", "services", "blog", "contacts"}}, {"content_pages", 12},
                        {"languages", 2}, {"needs_catalogue", true}, {"catalogue_items", 40},
                        {"design_level", "custom"}, {"integrations", {"payment", "analytics"}}, {"seo", true},
                        {"urgency", "normal"}};
        save_brief(t.db, lead, "corporate", answers, true, "anna", "2026-11-23T10:00:00Z");
        estimate = estimate_lead(t.db, lead, json{{"start_date", "2026-12-01"}, {"discount", "loyal"}}, "anna",
                                 "2026-11-23T11:00:00Z");
        proposal = create_proposal(t.db, estimate, "anna", "2026-11-23T11:05:00Z");
    }
    void accept_and_invoice() {
        accept_proposal(t.db, proposal, "Claire Dubois", "203.0.113.7", "2026-11-24T15:30:00Z");
        contract = create_contract(t.db, proposal, "anna", "2026-11-24T16:00:00Z");
        invoices = create_invoices(t.db, contract, "2026-11-25", 5, "anna", "2026-11-25T09:00:00Z");
    }
    // The contract signed and its design stage done: the stage's act.
    std::string design_act() {
        accept_contract(t.db, contract, "Claire Dubois", "203.0.113.7", "2026-11-26T10:00:00Z");
        Actor anna{"user-anna", "Anna Petrova", "app", false};
        return conveyor::complete_stage(t.db, lead, "design", anna, "2026-12-10T10:00:00Z").made["act_id"];
    }
};

std::string golden_path(const std::string& name) { return std::string(ATELIER_SOURCE_DIR) + "/tests/golden/" + name; }

void check_golden(const std::string& name, const std::string& actual) {
    std::string path = golden_path(name);
    if (std::getenv("ATELIER_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing golden file " << path << " (run with ATELIER_UPDATE_GOLDEN=1)");
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str() != actual) {
        std::ofstream(path + ".actual", std::ios::binary) << actual;
        FAIL("rendered " << name << " differs from the golden file; see diff -u " << path << " " << path << ".actual");
    }
}

}  // namespace

TEST_CASE("documents: golden files for every kind in ru, fr and en") {
    Flow f;
    f.accept_and_invoice();
    for (Lang l : {Lang::ru, Lang::fr, Lang::en}) {
        std::string code = lang_code(l);
        CAPTURE(code);
        check_golden("proposal-" + code + ".html", document_html(f.t.db, "proposal", f.proposal, l));
        check_golden("contract-" + code + ".html", document_html(f.t.db, "contract", f.contract, l));
        check_golden("invoice-" + code + ".html", document_html(f.t.db, "invoice", f.invoices[0], l));
    }
    const std::string act = f.design_act();
    for (Lang l : {Lang::ru, Lang::fr, Lang::en}) {
        std::string code = lang_code(l);
        CAPTURE(code);
        check_golden("act-" + code + ".html", document_html(f.t.db, "act", act, l));
    }
}

namespace {

// The studio of Flow made French: a SAS in Paris with SIRET, TVA and IBAN.
void make_french_studio(sqlite3* db) {
    exec(db, R"(UPDATE studio SET name = 'Atelier Lumière', lang = 'fr', currency = 'EUR', requisites_json = '{"country":"fr","kind":"company",)"
             R"("legal_name":"Atelier Lumière SAS","legal_form":"SAS","capital":"10 000 €","address":"12 rue des Arts, 75011 Paris",)"
             R"("siret":"44306184100047","tva":"FR64443061841","rcs":"RCS Paris 443 061 841","bank":"BNP Paribas",)"
             R"("iban":"FR7630006000011234567890189","bic":"BNPAFRPP","signatory":"Camille Martin"}')");
}

void set_client(sqlite3* db, const std::string& lead, const char* requisites) {
    Stmt q(db, "UPDATE clients SET requisites_json = ?2 WHERE id = (SELECT client_id FROM leads WHERE id = ?1)");
    q.bind(1, lead).bind(2, requisites).step();
}

}  // namespace

TEST_CASE("documents: golden files for a studio and a client in each country") {
    Flow ru("ru", "RUB");
    set_client(ru.t.db, ru.lead, R"({"country":"ru","kind":"company","legal_name":"ООО «Северный ветер»","inn":"7707083893",)"
                                 R"("kpp":"770701001","ogrn":"1027700132195","address":"115035, Москва, ул. Садовническая, д. 5"})");
    ru.accept_and_invoice();
    check_golden("ru-studio/proposal-ru.html", document_html(ru.t.db, "proposal", ru.proposal, Lang::ru));
    check_golden("ru-studio/contract-ru.html", document_html(ru.t.db, "contract", ru.contract, Lang::ru));
    check_golden("ru-studio/invoice-ru.html", document_html(ru.t.db, "invoice", ru.invoices[0], Lang::ru));
    check_golden("ru-studio/contract-en.html", document_html(ru.t.db, "contract", ru.contract, Lang::en));
    check_golden("ru-studio/invoice-en.html", document_html(ru.t.db, "invoice", ru.invoices[0], Lang::en));
    check_golden("ru-studio/act-ru.html", document_html(ru.t.db, "act", ru.design_act(), Lang::ru));

    Flow fr("fr", "EUR");
    make_french_studio(fr.t.db);
    set_client(fr.t.db, fr.lead, R"({"country":"fr","kind":"company","legal_name":"Éclair Pâtisserie SARL","siret":"73282932000074",)"
                                 R"("address":"3 place du Marché, 69002 Lyon"})");
    fr.accept_and_invoice();
    for (Lang l : {Lang::fr, Lang::en}) {
        std::string code = lang_code(l);
        CAPTURE(code);
        check_golden("fr-studio/proposal-" + code + ".html", document_html(fr.t.db, "proposal", fr.proposal, l));
        check_golden("fr-studio/contract-" + code + ".html", document_html(fr.t.db, "contract", fr.contract, l));
        check_golden("fr-studio/invoice-" + code + ".html", document_html(fr.t.db, "invoice", fr.invoices[0], l));
    }
    check_golden("fr-studio/act-fr.html", document_html(fr.t.db, "act", fr.design_act(), Lang::fr));
}

TEST_CASE("documents: a French document carries no Russian label, a Russian one no French label") {
    Flow fr("fr", "EUR");
    make_french_studio(fr.t.db);
    set_client(fr.t.db, fr.lead, R"({"country":"fr","kind":"company","legal_name":"Éclair SARL","siret":"73282932000074"})");
    fr.accept_and_invoice();
    for (const char* kind : {"proposal", "contract", "invoice"}) {
        std::string id = std::string(kind) == "proposal" ? fr.proposal : std::string(kind) == "contract" ? fr.contract : fr.invoices[0];
        std::string html = document_html(fr.t.db, kind, id, Lang::fr);
        CAPTURE(kind);
        for (const char* ru_label : {"ИНН", "КПП", "БИК", "ОГРН", "INN", "KPP", "BIK", "OGRN", "Корр", "₽", "руб", "Compte correspondant"})
            CHECK_MESSAGE(html.find(ru_label) == std::string::npos, ru_label);
        CHECK(html.find("№") == std::string::npos);
    }
    std::string invoice = document_html(fr.t.db, "invoice", fr.invoices[0], Lang::fr);
    CHECK(invoice.find("Facture n° ") != std::string::npos);
    CHECK(invoice.find("SIRET: 44306184100047") != std::string::npos);
    CHECK(invoice.find("N° TVA intracommunautaire: FR64443061841") != std::string::npos);
    CHECK(invoice.find("SAS au capital de 10 000 €") != std::string::npos);
    CHECK(invoice.find("Total HT") != std::string::npos);
    CHECK(invoice.find("TVA 20 %") != std::string::npos);
    CHECK(invoice.find("Total TTC") != std::string::npos);
    CHECK(invoice.find("trois fois le taux d&apos;intérêt légal") != std::string::npos);
    CHECK(invoice.find("40 €") != std::string::npos);          // a company client: the recovery indemnity
    CHECK(invoice.find("293 B") == std::string::npos);         // VAT is charged: no franchise mention

    Flow ru("ru", "RUB");
    set_client(ru.t.db, ru.lead, R"({"country":"ru","kind":"company","legal_name":"ООО «Северный ветер»","inn":"7707083893","kpp":"770701001"})");
    ru.accept_and_invoice();
    for (const char* kind : {"proposal", "contract", "invoice"}) {
        std::string id = std::string(kind) == "proposal" ? ru.proposal : std::string(kind) == "contract" ? ru.contract : ru.invoices[0];
        std::string html = document_html(ru.t.db, kind, id, Lang::ru);
        CAPTURE(kind);
        for (const char* fr_label : {"SIRET", "TVA", "IBAN", "BIC", "RCS", "Facture", "€", "293 B"})
            CHECK_MESSAGE(html.find(fr_label) == std::string::npos, fr_label);
    }
    std::string schet = document_html(ru.t.db, "invoice", ru.invoices[0], Lang::ru);
    CHECK(schet.find("Банк получателя") != std::string::npos);
    CHECK(schet.find("Счёт на оплату № ") != std::string::npos);
    CHECK(schet.find("ИНН 7707083893") != std::string::npos);
    CHECK(schet.find("Без НДС на основании ст. 145 НК РФ") != std::string::npos);
    CHECK(schet.find("Индивидуальный предприниматель") != std::string::npos);
    CHECK(schet.find("Всего наименований 1") != std::string::npos);
}

TEST_CASE("documents: decimal VAT rates print exactly") {
    Flow f("fr", "EUR");
    exec(f.t.db, "UPDATE price_lists SET body_json = json_set(body_json, '$.tax.rate_bp', 550) WHERE currency = 'EUR'");
    f.estimate = estimate_lead(f.t.db, f.lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T12:00:00Z");
    f.proposal = create_proposal(f.t.db, f.estimate, "anna", "2026-11-23T12:05:00Z");
    f.accept_and_invoice();
    std::string p = document_html(f.t.db, "proposal", f.proposal, Lang::fr);
    CHECK(p.find("5,5 %") != std::string::npos);
    CHECK(p.find("5,50 %") == std::string::npos);
    CHECK(document_html(f.t.db, "invoice", f.invoices[0], Lang::fr).find("TVA 5,5 %") != std::string::npos);
    CHECK(document_html(f.t.db, "invoice", f.invoices[0], Lang::en).find("VAT 5.5%") != std::string::npos);
    exec(f.t.db, "UPDATE price_lists SET body_json = json_set(body_json, '$.tax.rate_bp', 2200) WHERE currency = 'EUR'");
    f.estimate = estimate_lead(f.t.db, f.lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T13:00:00Z");
    CHECK(document_html(f.t.db, "proposal", create_proposal(f.t.db, f.estimate, "anna", "2026-11-23T13:05:00Z"), Lang::ru).find("22 %") != std::string::npos);
}

TEST_CASE("requisites: check digits of INN, OGRN, accounts, SIRET, TVA and IBAN") {
    CHECK(inn_problem("7707083893").empty());
    CHECK(inn_problem("500100732259").empty());
    CHECK(inn_problem("7707083894") == "check digit does not match");
    CHECK(inn_problem("780512345678") == "check digits do not match");
    CHECK(inn_problem("77070838") != "");
    CHECK(ogrn_problem("1027700132195").empty());
    CHECK(ogrn_problem("304500116000157").empty());
    CHECK(ogrn_problem("1027700132196") == "check digit does not match");
    CHECK(ru_account_problem("30101810400000000225", "044525225", true).empty());
    CHECK(ru_account_problem("30101810145250000974", "044525974", true).empty());
    CHECK(ru_account_problem("40802810900001234567", "044525974", false).empty());
    CHECK(ru_account_problem("40802810800001234567", "044525974", false) == "does not match the bank's БИК (control key)");
    CHECK(siret_problem("443 061 841 00047").empty());
    CHECK(siret_problem("44306184100048") == "check digit does not match (Luhn)");
    CHECK(tva_fr_problem("FR64443061841", "44306184100047").empty());
    CHECK(tva_fr_problem("FR65443061841", "44306184100047") == "the key does not match the SIREN");
    CHECK(tva_fr_problem("FR64443061841", "73282932000074") == "its SIREN is not the one of the SIRET");
    for (const char* ok : {"FR76 3000 6000 0112 3456 7890 189", "FR1420041010050500013M02606", "DE89370400440532013000", "GB82WEST12345698765432"})
        CHECK_MESSAGE(iban_problem(ok).empty(), ok);
    CHECK(iban_problem("FR7630006000011234567890188") == "check digits do not match (mod 97)");
    CHECK(iban_problem("FR763000600001123456789018") == "a FR IBAN has 27 characters");
    CHECK(bic_problem("BNPAFRPP").empty());
    CHECK(bic_problem("BNPAFRPPXXX").empty());
    CHECK(bic_problem("BNP1FRPP") == "expected 6 letters, then letters or digits");
    auto p = requisites_problems(json{{"country", "ru"}, {"kind", "company"}, {"inn", "7707083894"}, {"bik", "044525974"},
                                      {"account", "40802810800001234567"}}, true);
    std::string all;
    for (const auto& x : p) all += x + "; ";
    CHECK(all == "inn: check digit does not match; account: does not match the bank's БИК (control key); legal_name: required for the studio's invoices; bank: required for the studio's invoices; ");
    CHECK(requisites_problems(json{{"country", "fr"}, {"siret", "44306184100047"}, {"tva", "FR64443061841"}}, false).empty());
    CHECK(requisites_problems(json{{"country", "de"}}, false).front() == "country: expected ru, fr or other");
}

TEST_CASE("documents: user data is escaped everywhere") {
    Flow f;
    f.accept_and_invoice();
    for (const char* kind : {"proposal", "contract", "invoice"}) {
        std::string id = std::string(kind) == "proposal" ? f.proposal : std::string(kind) == "contract" ? f.contract : f.invoices[0];
        std::string html = document_html(f.t.db, kind, id, Lang::fr);
        CAPTURE(kind);
        CHECK(html.find("<script>alert(1)</script>") == std::string::npos);
        CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
        CHECK(html.find("Éclair Pâtisserie &amp; Fils") != std::string::npos);
    }
}

TEST_CASE("documents: a draft is live, an accepted proposal is frozen") {
    Flow f;
    std::string before = document_html(f.t.db, "proposal", f.proposal, Lang::fr);
    exec(f.t.db, "UPDATE studio SET name = 'Atlas Studio (nouveau nom)'");
    std::string live = document_html(f.t.db, "proposal", f.proposal, Lang::fr);
    CHECK(live != before);
    CHECK(live.find("Atlas Studio (nouveau nom)") != std::string::npos);  // the edit shows on reload
    f.accept_and_invoice();
    std::string accepted = document_html(f.t.db, "proposal", f.proposal, Lang::fr);
    CHECK(accepted.find("Claire Dubois") != std::string::npos);
    exec(f.t.db, "UPDATE studio SET name = 'Encore un autre nom'");
    CHECK(document_html(f.t.db, "proposal", f.proposal, Lang::fr) == accepted);  // frozen
    CHECK_THROWS_WITH(accept_proposal(f.t.db, f.proposal, "X", "", "2026-11-26T00:00:00Z"),
                      doctest::Contains("the proposal is accepted and cannot be accepted"));
    // A new estimate and proposal make a new version; the accepted one stays.
    std::string e2 = estimate_lead(f.t.db, f.lead, json::object(), "anna", "2026-11-27T09:00:00Z");
    std::string p2 = create_proposal(f.t.db, e2, "anna", "2026-11-27T09:01:00Z");
    Stmt v(f.t.db, "SELECT version, status FROM proposals ORDER BY version");
    v.step();
    CHECK(v.text(1) == "accepted");
    v.step();
    CHECK(v.int64(0) == 2);
    CHECK(p2 != f.proposal);
}

TEST_CASE("documents: the conveyor moves the lead, and invoices add up") {
    Flow f;
    CHECK(f.t.text("SELECT stage FROM leads WHERE id = 'lead-golden'") == "proposal_sent");
    f.accept_and_invoice();
    CHECK(f.t.text("SELECT stage FROM leads WHERE id = 'lead-golden'") == "invoiced");
    REQUIRE(f.invoices.size() == 2);
    CHECK(f.t.count("SELECT sum(total_minor) FROM invoices") ==
          f.t.count("SELECT total_minor FROM estimates WHERE id = (SELECT estimate_id FROM proposals LIMIT 1)"));
    // The advance is issued at signing; the balance ("on launch") is planned:
    // no number, no due date, until it is issued.
    CHECK(f.t.text("SELECT group_concat(status || ' ' || coalesce(number, '-') || ' ' || coalesce(due_on, '-'), '; ')"
                   " FROM (SELECT * FROM invoices ORDER BY position)") == "issued 2026-0001 2026-12-02; draft - -");
    CHECK(f.t.text("SELECT number FROM contracts") == "C-2026-0001");
    CHECK(f.t.text("SELECT number FROM proposals") == "P-2026-0001");
    CHECK(f.t.text("SELECT due_on FROM invoices ORDER BY position LIMIT 1") == "2026-12-02");

    SUBCASE("payments: partial, idempotent, and the lead is won when all is paid") {
        int64_t total = f.t.count("SELECT total_minor FROM invoices WHERE number = '2026-0001'");
        std::string inv1 = f.t.text("SELECT id FROM invoices WHERE number = '2026-0001'");
        std::string inv2 = f.t.text("SELECT id FROM invoices WHERE position = 2");
        CHECK_THROWS_WITH(record_payment(f.t.db, inv2, 1000, "bank-000", "2026-11-26", "", "2026-11-26T10:00:00Z"),
                          doctest::Contains("the invoice is draft"));
        CHECK(record_payment(f.t.db, inv1, 1000, "bank-001", "2026-11-26", "", "2026-11-26T10:00:00Z") == "partially_paid");
        CHECK(record_payment(f.t.db, inv1, 1000, "bank-001", "2026-11-26", "", "2026-11-26T10:00:00Z") == "partially_paid");
        CHECK(f.t.count("SELECT count(*) FROM payments") == 1);
        CHECK_THROWS_WITH(record_payment(f.t.db, inv1, 999, "bank-001", "2026-11-26", "", "2026-11-26T10:00:00Z"),
                          doctest::Contains("already used for another payment"));
        CHECK_THROWS_WITH(record_payment(f.t.db, inv1, total, "bank-002", "2026-11-26", "", "2026-11-26T10:00:00Z"),
                          doctest::Contains("exceeds what is left to pay"));
        CHECK(record_payment(f.t.db, inv1, total - 1000, "bank-002", "2026-11-26", "", "2026-11-26T10:00:00Z") == "paid");
        CHECK(f.t.text("SELECT stage FROM leads WHERE id = 'lead-golden'") == "invoiced");
        // The launch, two weeks later: the balance is due five working days after it.
        CHECK(issue_invoice(f.t.db, inv2, "2026-12-14", 5, "anna", "2026-12-14T10:00:00Z") == "2026-0002");
        CHECK(f.t.text(("SELECT issued_on || ' ' || due_on FROM invoices WHERE id = '" + inv2 + "'").c_str()) == "2026-12-14 2026-12-21");
        CHECK_THROWS_WITH(issue_invoice(f.t.db, inv2, "2026-12-15", 5, "anna", "2026-12-15T10:00:00Z"),
                          doctest::Contains("the invoice is issued already"));
        int64_t total2 = f.t.count("SELECT total_minor FROM invoices WHERE number = '2026-0002'");
        CHECK(record_payment(f.t.db, inv2, total2, "bank-003", "2026-12-20", "online", "2026-12-20T10:00:00Z") == "paid");
        CHECK(f.t.text("SELECT stage FROM leads WHERE id = 'lead-golden'") == "won");
    }
}

TEST_CASE("documents: a broken template names the line, and nothing is half-rendered") {
    CHECK(render_template("Bonjour {{name}} !", json{{"name", "<Zoé>"}}) == "Bonjour &lt;Zoé&gt; !");
    CHECK_THROWS_WITH(render_template("line one\nline two\n{{#lines}}\nno end", json::object()),
                      "atelier: render: line 3: Unclosed section \"lines\"");
    CHECK_THROWS_WITH(render_template("a\n{{/x}}", json::object()), doctest::Contains("line 2"));
    CHECK_THROWS_WITH(render_template("a {{b", json::object()), doctest::Contains("Unclosed tag"));
    Flow f;
    exec(f.t.db, "INSERT INTO templates(id, kind, code, lang, version, body, updated_at)"
                 " VALUES ('t-broken', 'proposal', 'default', 'fr', 2, '<h1>{{#doc}}</h1>', '2026-11-26T00:00:00Z')");
    CHECK_THROWS_WITH(document_html(f.t.db, "proposal", f.proposal, Lang::fr), doctest::Contains("Unclosed section \"doc\""));
    // The studio's own valid template is used.
    exec(f.t.db, "UPDATE templates SET body = '<h1>{{t.proposal}} — {{client.display}}</h1>' WHERE id = 't-broken'");
    CHECK(document_html(f.t.db, "proposal", f.proposal, Lang::fr) ==
          "<h1>Proposition commerciale — Éclair Pâtisserie &amp; Fils (Claire &lt;script&gt;alert(1)&lt;/script&gt; Dubois)</h1>");
}

TEST_CASE("numbering: gapless per series and year, format configurable, atomic") {
    TestDb t;
    CHECK(next_number(t.db, "invoice", 2026) == "2026-0001");
    CHECK(next_number(t.db, "invoice", 2026) == "2026-0002");
    CHECK(next_number(t.db, "invoice", 2027) == "2027-0001");
    CHECK(next_number(t.db, "contract", 2026) == "C-2026-0001");
    {
        Savepoint outer(t.db, "caller");
        CHECK(next_number(t.db, "invoice", 2026) == "2026-0003");
    }  // rolled back: the number is not used, so it is not lost
    CHECK(next_number(t.db, "invoice", 2026) == "2026-0003");
    exec(t.db, "UPDATE number_series SET format = 'F{year}/{n:6}' WHERE series = 'invoice' AND year = 2027");
    CHECK(next_number(t.db, "invoice", 2027) == "F2027/000002");
    CHECK(next_number(t.db, "invoice", 2028) == "F2028/000001");  // a new year keeps the latest format
    CHECK_THROWS_WITH(next_number(t.db, "receipt", 2026), doctest::Contains("series: expected proposal, contract or invoice"));
    CHECK_THROWS_WITH(next_number(t.db, "invoice", 26), doctest::Contains("year: expected 2000 to 9999"));
    CHECK(format_number("{year}-{n:4}", 2026, 42) == "2026-0042");
    CHECK(format_number("{n}", 2026, 42) == "42");
}

TEST_CASE("workflow: bad input changes nothing") {
    Flow f;
    long long estimates = f.t.count("SELECT count(*) FROM estimates");
    CHECK_THROWS_WITH(estimate_lead(f.t.db, f.lead, json{{"discount", "friends"}}, "anna", "2026-11-26T00:00:00Z"),
                      doctest::Contains("unknown discount"));
    CHECK(f.t.count("SELECT count(*) FROM estimates") == estimates);
    CHECK_THROWS_WITH(save_brief(f.t.db, f.lead, "corporate", json{{"pages", -3}}, true, "anna", "2026-11-26T00:00:00Z"),
                      doctest::Contains("pages: must be at least 1"));
    CHECK_THROWS_WITH(create_contract(f.t.db, f.proposal, "anna", "2026-11-26T00:00:00Z"),
                      doctest::Contains("the proposal must be accepted first"));
    CHECK(f.t.count("SELECT count(*) FROM contracts") == 0);
    CHECK(f.t.count("SELECT count(*) FROM number_series") == 0);
}

TEST_CASE("settings: refused edits name the problem and change nothing; accepted ones make new versions") {
    TestDb t;
    seed_demo(t.db);
    install_defaults(t.db, "2026-11-20T09:00:00Z");
    SUBCASE("studio") {
        StudioDetails s = studio_details(t.db);
        CHECK(s.name == "Студия «Атлас»");
        StudioDetails bad = s;
        bad.name = " ";
        bad.bik = "12";
        CHECK_THROWS_WITH(save_studio(t.db, bad), "atelier: studio: name: required; bik: expected 9 digits");
        CHECK(studio_details(t.db).name == "Студия «Атлас»");
        s.name = "Atlas & Co";
        s.iban = "FR7630006000011234567890189";
        save_studio(t.db, s);
        CHECK(studio_details(t.db).name == "Atlas & Co");
        CHECK(studio_details(t.db).iban == "FR7630006000011234567890189");
        // The defaults of new leads.
        s.lang = "de";
        s.currency = "GBP";
        CHECK_THROWS_WITH(save_studio(t.db, s), "atelier: studio: lang: expected ru, fr or en, got \"de\"; "
                                                "currency: expected RUB, EUR or USD, got \"GBP\"");
        s.lang = "fr";
        s.currency = "EUR";
        save_studio(t.db, s);
        CHECK(studio_details(t.db).lang == "fr");
        CHECK(studio_details(t.db).currency == "EUR");
    }
    SUBCASE("tax of a price list") {
        CHECK_THROWS_WITH(set_price_list_tax(t.db, "RUB", "vat_on_top", 0, "2026-11-21T00:00:00Z"),
                          "atelier: tax: rate: a VAT mode needs a rate above 0 %");
        CHECK_THROWS_WITH(set_price_list_tax(t.db, "RUB", "sales_tax", 500, "2026-11-21T00:00:00Z"), doctest::Contains("tax: mode"));
        CHECK(set_price_list_tax(t.db, "RUB", "vat_included", 2000, "2026-11-21T00:00:00Z") == 2);
        CHECK(set_price_list_tax(t.db, "RUB", "vat_included", 2000, "2026-11-21T00:00:00Z") == 2);  // no change, no version
        CHECK(t.text("SELECT json_extract(body_json, '$.tax.mode') || ' ' || json_extract(body_json, '$.tax.rate_bp')"
                     " FROM price_lists WHERE active = 1 AND currency = 'RUB' ORDER BY version DESC LIMIT 1") == "vat_included 2000");
    }
    SUBCASE("price list") {
        json pl = json::parse(default_price_list_rub());
        pl["roles"][1]["rate"] = 0;
        CHECK_THROWS_WITH(save_price_list(t.db, pl.dump(), "2026-11-21T00:00:00Z"),
                          "atelier: price_list: roles[1].rate: expected a positive integer of minor units, got 0");
        CHECK(t.count("SELECT count(*) FROM price_lists WHERE currency = 'RUB'") == 1);
        pl["roles"][1]["rate"] = 320000;
        CHECK(save_price_list(t.db, pl.dump(), "2026-11-21T00:00:00Z") == 2);
        CHECK(t.count("SELECT count(*) FROM price_lists WHERE currency = 'RUB' AND active = 1") == 1);
        CHECK(t.count("SELECT json_extract(body_json, '$.roles[1].rate') FROM price_lists WHERE active = 1 AND currency = 'RUB'") == 320000);
    }
    SUBCASE("document template") {
        CHECK_THROWS_WITH(save_template(t.db, "invoice", "fr", "<h1>{{#doc}}\n</h1>", "2026-11-21T00:00:00Z"),
                          doctest::Contains("line 1: Unclosed section \"doc\""));
        CHECK_THROWS_WITH(save_template(t.db, "memo", "fr", "x", "2026-11-21T00:00:00Z"), doctest::Contains("kind"));
        CHECK(save_template(t.db, "invoice", "fr", "<h1>{{t.invoice}} {{doc.number}}</h1>", "2026-11-21T00:00:00Z") == 2);
    }
    SUBCASE("brief template") {
        json b = default_brief_templates()[2];
        b["sections"][0]["questions"][0]["type"] = "colour";
        CHECK_THROWS_WITH(save_brief_template(t.db, b.dump(), "2026-11-21T00:00:00Z"), doctest::Contains("unknown type \"colour\""));
        b = default_brief_templates()[2];
        b["title"]["fr"] = "Brief : landing (nouvelle version)";
        CHECK(save_brief_template(t.db, b.dump(), "2026-11-21T00:00:00Z") == 2);
        CHECK(t.count("SELECT count(*) FROM brief_templates WHERE code = 'landing'") == 2);
    }
}

TEST_CASE("payment QR: the ГОСТ Р 56042 string for roubles and the EPC string for euros, every field") {
    PaymentDetails p;
    p.currency = "RUB";
    p.payee = "ИП Соколова | Анастасия";
    p.account = "40802810900001234567";
    p.bank = "АО «Т-Банк»";
    p.bik = "044525974";
    p.corr_account = "30101810145250000974";
    p.payee_inn = "780512345678";
    p.amount_minor = 11020000;
    p.purpose = "Оплата по счёту № 2026-0001 от 25.11.2026. НДС не облагается";
    CHECK(payment_qr_text(p).value() ==
          "ST00012|Name=ИП Соколова   Анастасия|PersonalAcc=40802810900001234567|BankName=АО «Т-Банк»|BIC=044525974"
          "|CorrespAcc=30101810145250000974|PayeeINN=780512345678|Sum=11020000"
          "|Purpose=Оплата по счёту № 2026-0001 от 25.11.2026. НДС не облагается");
    PaymentDetails no_account = p;
    no_account.account.clear();
    CHECK_FALSE(payment_qr_text(no_account).has_value());

    PaymentDetails e;
    e.currency = "EUR";
    e.payee = "Atelier Dupont\nSARL";
    e.iban = "FR76 3000 6000 0112 3456 7890 189";
    e.bic = "AGRIFRPP";
    e.amount_minor = 120005;
    e.purpose = "Facture n° 2026-0002 du 25/11/2026";
    CHECK(payment_qr_text(e).value() ==
          "BCD\n002\n1\nSCT\nAGRIFRPP\nAtelier Dupont SARL\nFR7630006000011234567890189\nEUR1200.05\n\n\nFacture n° 2026-0002 du 25/11/2026");
    e.iban.clear();
    CHECK_FALSE(payment_qr_text(e).has_value());
    e.iban = "FR7630006000011234567890189";
    e.currency = "USD";
    CHECK_FALSE(payment_qr_text(e).has_value());

    std::string svg = qr_svg(payment_qr_text(p).value());
    CHECK(svg.rfind("<svg class=\"qr\"", 0) == 0);
    CHECK(svg.find("<path fill=\"#000\" d=\"M4 4h7v1h-7z") != std::string::npos);  // the top-left finder pattern
    CHECK_THROWS_WITH(qr_svg(std::string(8000, 'x')), doctest::Contains("qr: the text does not fit"));
}

TEST_CASE("payment QR: an issued invoice carries it, with the bank details of its currency only") {
    Flow f("ru", "RUB");
    f.accept_and_invoice();
    std::string html = document_html(f.t.db, "invoice", f.invoices[0], Lang::ru);
    CHECK(html.find("<svg class=\"qr\"") != std::string::npos);
    CHECK(html.find("БИК") != std::string::npos);
    CHECK(html.find("IBAN") == std::string::npos);
    json d = document_data(f.t.db, "invoice", f.invoices[0], Lang::ru);
    std::string number = d["doc"]["number"];
    CHECK(d["payment"]["qr_text"].get<std::string>().find("|Sum=" + std::to_string(f.t.count(("SELECT total_minor FROM invoices WHERE id = '" + f.invoices[0] + "'").c_str())) +
                                                          "|Purpose=Оплата по счёту № " + number) != std::string::npos);
    // The planned balance has no number yet: no QR until it is issued.
    CHECK(document_data(f.t.db, "invoice", f.invoices[1], Lang::ru).contains("payment") == false);
    // A paid invoice is not paid twice.
    record_payment(f.t.db, f.invoices[0], f.t.count(("SELECT total_minor FROM invoices WHERE id = '" + f.invoices[0] + "'").c_str()), "pp-1", "2026-11-26", "bank_transfer", "2026-11-26T10:00:00Z");
    CHECK(document_data(f.t.db, "invoice", f.invoices[0], Lang::ru).contains("payment") == false);

    Flow eur("fr", "EUR");
    eur.accept_and_invoice();
    std::string fr = document_html(eur.t.db, "invoice", eur.invoices[0], Lang::fr);
    CHECK(fr.find("<svg class=\"qr\"") != std::string::npos);
    CHECK(fr.find("IBAN") != std::string::npos);
    CHECK(fr.find("BIK") == std::string::npos);
    CHECK(fr.find("Compte correspondant") == std::string::npos);
}

namespace {

// UTF-8 Cyrillic to CP866 by the code page's layout (А..п from 0x80, р..я
// from 0xE0, Ё ё at 0xF0 0xF1, № at 0xFC), for statements as DOS programs write them.
std::string to_cp866(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { out += (char)c; ++i; continue; }
        if (s.compare(i, 3, "№") == 0) { out += (char)0xFC; i += 3; continue; }
        const unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
        i += 2;
        if (cp >= 0x410 && cp <= 0x43F) out += (char)(0x80 + (cp - 0x410));
        else if (cp >= 0x440 && cp <= 0x44F) out += (char)(0xE0 + (cp - 0x440));
        else if (cp == 0x401) out += (char)0xF0;
        else if (cp == 0x451) out += (char)0xF1;
        else out += '?';
    }
    return out;
}

std::string fixture(const char* name) {
    std::ifstream in(std::string(ATELIER_SOURCE_DIR) + "/tests/fixtures/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("bank statements: DOS (CP866) as declared; an unreadable statement is an error naming the line, never an empty import") {
    namespace pi = payments_in;
    const std::string body = "1CClientBankExchange\r\nВерсияФормата=1.02\r\nКодировка=DOS\r\nРасчСчет=40802810900001234567\r\n"
                             "СекцияДокумент=Платежное поручение\r\nНомер=5\r\nДата=01.12.2026\r\nСумма=1500.00\r\n"
                             "Плательщик=ИНН 7734660892 ООО \"Ёлка\"\r\nПолучательСчет=40802810900001234567\r\n"
                             "ДатаПоступило=02.12.2026\r\nНазначениеПлатежа=Оплата по счёту № 2026-0001\r\nКонецДокумента\r\nКонецФайла\r\n";
    const std::string dos = to_cp866(body);
    REQUIRE(dos.find("Сумма") == std::string::npos);
    auto lines = pi::parse_1c(dos);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].amount_minor == 150000);
    CHECK(lines[0].payer == "ИНН 7734660892 ООО \"Ёлка\"");
    CHECK(lines[0].purpose == "Оплата по счёту № 2026-0001");
    CHECK(lines[0].incoming);
    // The same bytes with the header saying Windows: not read past line 2.
    std::string lying = dos;
    const std::string declared = to_cp866("Кодировка=DOS");
    lying.replace(lying.find(declared), declared.size(), to_cp866("Кодировка=Windows"));
    CHECK_THROWS_WITH_AS(pi::parse_1c(lying), doctest::Contains("bank: line 2: cannot read"), Error);
    // An encoding the format does not have.
    std::string koi = dos;
    koi.replace(koi.find(declared), declared.size(), to_cp866("Кодировка=KOI8-R"));
    CHECK_THROWS_WITH_AS(pi::parse_1c(koi), doctest::Contains("line 3: Кодировка: expected Windows or DOS, got \"KOI8-R\""), Error);
    // No Кодировка line: Windows, the format's default, and the DOS bytes are refused, not read as nothing.
    std::string bare = dos;
    bare.erase(bare.find(declared), declared.size() + 2);
    CHECK_THROWS_WITH_AS(pi::parse_1c(bare), doctest::Contains("cannot read"), Error);
    // Statements as two banks' exports are laid out: the account section,
    // money in and out, CRLF; version 1.02 in CP866 and 1.03 in Windows-1251.
    for (const char* name : {"statement-1c-dos-1.02.txt", "statement-1c-windows-1.03.txt"}) {
        CAPTURE(name);
        const std::string f = fixture(name);
        REQUIRE(f.size() > 500);
        auto l = pi::parse_1c(f);
        REQUIRE(l.size() == 2);
        CHECK(l[0].incoming);
        CHECK_FALSE(l[1].incoming);
        CHECK(l[0].amount_minor == 4800000);
        CHECK(l[0].date == "2026-12-02");
        CHECK(l[0].payer == "ИНН 7734660892 ООО \"Ёлочка и партнёры\"");
        CHECK(l[0].purpose == "Оплата по счёту № 2026-0042 от 28.11.2026. НДС не облагается");
    }
}

TEST_CASE("bank statements: Windows-1251 and UTF-8 read alike; amounts and dates checked, naming the line") {
    namespace pi = payments_in;
    // "Сумма №1 Ёж" in Windows-1251, byte by byte.
    const std::string cp1251 = "\xD1\xF3\xEC\xEC\xE0 \xB9" "1 \xA8\xE6";
    CHECK(pi::statement_text(cp1251) == "Сумма №1 Ёж");
    CHECK(pi::statement_text("\xEF\xBB\xBFСумма") == "Сумма");
    const std::string file = "1CClientBankExchange\r\nРасчСчет=40802810900001234567\r\nСекцияДокумент=Платежное поручение\r\n"
                             "Номер=1\r\nДата=01.12.2026\r\nСумма=1 234.5\r\nПолучательСчет=40802810900001234567\r\n"
                             "ДатаПоступило=02.12.2026\r\nНазначениеПлатежа=Оплата | счёт 2026-0001\r\nКонецДокумента\r\n"
                             "СекцияДокумент=Платежное поручение\r\nДата=01.12.2026\r\nСумма=10\r\nПлательщикСчет=40802810900001234567\r\n"
                             "ПолучательСчет=40702810000000000001\r\nКонецДокумента\r\nКонецФайла\r\n";
    auto lines = pi::parse_1c(file);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].amount_minor == 123450);
    CHECK(lines[0].date == "2026-12-02");
    CHECK(lines[0].incoming);
    CHECK(lines[0].purpose == "Оплата | счёт 2026-0001");
    CHECK(lines[1].amount_minor == 1000);
    CHECK_FALSE(lines[1].incoming);
    CHECK_THROWS_WITH(pi::parse_1c("1CClientBankExchange\nСекцияДокумент=x\nСумма=1.234\nДата=01.12.2026\nКонецДокумента\n"),
                      doctest::Contains("bank: line 2: Сумма: expected an amount like 1234.56, got \"1.234\""));
    CHECK_THROWS_WITH(pi::parse_1c("1CClientBankExchange\nСекцияДокумент=x\nСумма=10\nДата=31.02.2026\nКонецДокумента\n"),
                      doctest::Contains("bank: line 2: Дата: expected a date DD.MM.YYYY"));
    CHECK_THROWS_WITH(pi::parse_1c("1CClientBankExchange\nСекцияДокумент=x\nСумма=10\n"), doctest::Contains("the file is cut short"));
    CHECK_THROWS_WITH(pi::parse_1c("Дата;Сумма\n"), doctest::Contains("not a 1C bank statement"));
    json m = {{"delimiter", ";"}, {"decimal", ","}, {"columns", {{"date", "Дата"}, {"credit", "Приход"}, {"purpose", "Назначение"}}}};
    auto csv = pi::parse_csv("Дата;Приход;Расход;Назначение\n2026-12-01;1 500,25;;\"Счёт 7; аванс\"\n2026-12-01;;300,00;Хостинг\n", m);
    REQUIRE(csv.size() == 1);
    CHECK(csv[0].amount_minor == 150025);
    CHECK(csv[0].purpose == "Счёт 7; аванс");
    CHECK_THROWS_WITH(pi::parse_csv("Дата;Сумма\n", json{{"columns", {{"amount", "Сумма"}}}}), doctest::Contains("mapping.columns.date: required"));
    CHECK_THROWS_WITH(pi::parse_csv("Дата;Сумма\n01.12.2026;1,2,3\n", json{{"columns", {{"date", "Дата"}, {"amount", "Сумма"}}}}),
                      doctest::Contains("bank: line 2: amount: expected an amount"));
}
