// atelier/documents.cpp — see documents.h.
//
// [SECTION] rendering (mustache over JSON)
// [SECTION] the words of the documents, per language
// [SECTION] data of a document
#include "documents.h"

#include <map>
#include <memory>
#include <unordered_map>

#include <kainjow/mustache.hpp>

#include "brief.h"
#include "calendar.h"
#include "error.h"
#include "json_in.h"
#include "payment_qr.h"
#include "store.h"
#include "words.h"

namespace atelier {

using nlohmann::json;
namespace mu = kainjow::mustache;

// -------------------------------------------------------------------------
// [SECTION] rendering
// -------------------------------------------------------------------------

namespace {

mu::data to_data(const json& j, int depth = 0) {
    if (depth > kJsonMaxDepth) throw Error("render: data: nested deeper than " + std::to_string(kJsonMaxDepth) + " levels");
    switch (j.type()) {
        case json::value_t::object: {
            mu::data d{mu::data::type::object};
            for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value(), depth + 1));
            return d;
        }
        case json::value_t::array: {
            mu::data d{mu::data::type::list};
            for (const json& v : j) d.push_back(to_data(v, depth + 1));
            return d;
        }
        // An empty text is false, as null is: "{{#client.address}}, {{client.address}}{{/client.address}}"
        // prints nothing for a client without an address.
        case json::value_t::string:
            return j.get_ref<const std::string&>().empty() ? mu::data{mu::data::type::bool_false} : mu::data{j.get<std::string>()};
        case json::value_t::boolean: return j.get<bool>() ? mu::data{mu::data::type::bool_true} : mu::data{mu::data::type::bool_false};
        case json::value_t::null: return mu::data{mu::data::type::bool_false};
        default: return mu::data{j.dump()};
    }
}

int line_of(std::string_view text, size_t offset) {
    int line = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i)
        if (text[i] == '\n') ++line;
    return line;
}

}  // namespace

void check_template_limits(std::string_view tpl) {
    if (tpl.size() > kTemplateMaxBytes)
        throw Error("render: template: larger than " + std::to_string(kTemplateMaxBytes) + " bytes");
    // Sections are rendered recursively: their nesting is bounded before the
    // template is parsed. Changed delimiters would hide tags from this count.
    int depth = 0;
    for (size_t i = tpl.find("{{"); i != std::string_view::npos; i = tpl.find("{{", i + 2)) {
        size_t k = i + 2;
        while (k < tpl.size() && (tpl[k] == ' ' || tpl[k] == '\t')) ++k;
        char c = k < tpl.size() ? tpl[k] : '\0';
        if (c == '=')
            throw Error("render: line " + std::to_string(line_of(tpl, i)) + ": changing the delimiters ({{=...=}}) is not supported");
        if (c == '#' || c == '^') {
            if (++depth > kTemplateMaxNesting)
                throw Error("render: line " + std::to_string(line_of(tpl, i)) + ": sections nested deeper than " +
                            std::to_string(kTemplateMaxNesting) + " levels");
        } else if (c == '/') {
            if (depth > 0) --depth;
        }
    }
}

namespace {
std::string render_with(std::string_view tpl, const json& data, bool html);
}

std::string render_template(std::string_view tpl, const json& data) { return render_with(tpl, data, true); }
std::string render_text_template(std::string_view tpl, const json& data) { return render_with(tpl, data, false); }

namespace {
// Templates parsed once per thread and kept while in use: the same few
// templates render every page and document. A parse whose render failed is
// dropped (the error stays with the object).
thread_local std::unordered_map<std::string, std::unique_ptr<mu::mustache>> tl_parsed;

std::string parsed_key(std::string_view tpl, bool html) {
    std::string key;
    key.reserve(tpl.size() + 1);
    key += html ? 'h' : 't';
    key += tpl;
    return key;
}

mu::mustache& parsed(const std::string& key) {
    if (auto it = tl_parsed.find(key); it != tl_parsed.end()) return *it->second;
    if (tl_parsed.size() >= 64) tl_parsed.clear();  // bounded: templates are edited
    auto m = std::make_unique<mu::mustache>(key.substr(1));
    if (key[0] == 't') m->set_custom_escape([](const std::string& s) { return s; });
    return *tl_parsed.emplace(key, std::move(m)).first->second;
}

std::string render_with(std::string_view tpl, const json& data, bool html) {
    check_template_limits(tpl);
    const std::string key = parsed_key(tpl, html);
    mu::mustache& m = parsed(key);
    if (!m.is_valid()) {
        std::string msg = m.error_message();
        // kainjow reports "... at <offset>": turn the offset into a line number.
        size_t at = msg.rfind(" at ");
        if (at != std::string::npos) {
            try {
                size_t off = std::stoul(msg.substr(at + 4));
                msg = "line " + std::to_string(line_of(tpl, off)) + ": " + msg.substr(0, at);
            } catch (...) {
            }
        }
        throw Error("render: " + msg);
    }
    std::string out = m.render(to_data(data));
    if (!m.is_valid()) {
        const std::string msg = m.error_message();
        tl_parsed.erase(key);
        throw Error("render: " + msg);
    }
    return out;
}
}  // namespace

// -------------------------------------------------------------------------
// [SECTION] the words of the documents
// -------------------------------------------------------------------------

json label_object(const Label* words, size_t n) {
    json out = json::object();
    for (size_t i = 0; i < n; ++i) out[words[i].key] = words[i].text;
    return out;
}

namespace {

template <size_t N, size_t M>
json label_object(const Label (&words)[N], const char* const (&steps)[M]) {
    json out = label_object(words, N);
    json list = json::array();
    for (const char* s : steps) list.push_back(s);
    out["next_steps_list"] = std::move(list);
    return out;
}

const json& labels(Lang lang) {
    static constexpr Label kRu[] = {
        {"proposal", "Коммерческое предложение"}, {"contract", "Договор"}, {"invoice", "Счёт на оплату"},
        {"act", "Акт сдачи-приёмки выполненных работ"}, {"act_total", "Стоимость принятых работ"},
        {"act_no_claims", "Работы выполнены в полном объёме и в срок. Заказчик претензий по объёму, качеству и срокам не имеет."},
        {"for_client", "Для"}, {"date", "Дата"}, {"version", "версия"}, {"accepted_by", "Принято:"},
        {"structure", "Предварительная структура сайта"}, {"services_and_price", "Работы и стоимость"},
        {"service", "Работа"}, {"role", "Специалист"}, {"quantity", "Кол-во"}, {"hours", "Часы"}, {"rate", "Ставка"},
        {"amount", "Сумма"}, {"subtotal", "Итого по работам"}, {"discount", "Скидка"}, {"total", "Итого"},
        {"overridden", "цена изменена менеджером"}, {"timeline", "Сроки"}, {"stage", "Этап"},
        {"working_days", "Рабочих дней"}, {"start", "Начало"}, {"end", "Окончание"},
        {"assumptions", "Исходные данные расчёта"}, {"terms", "Условия оплаты"}, {"payment", "Платёж"},
        {"validity", "Предложение действительно 30 дней. Сроки начинаются после предоплаты и получения материалов."},
        {"contractor", "Исполнитель"}, {"customer", "Заказчик"}, {"tax_id", "ИНН"},
        {"subject", "Предмет договора"},
        {"subject_text", "Исполнитель обязуется разработать для Заказчика веб-сайт в объёме, описанном в Приложении 1, а Заказчик — принять и оплатить работы."},
        {"price_and_payment", "Стоимость и порядок оплаты"}, {"price_text", "Стоимость работ составляет"},
        {"payment_text", "Оплата производится по графику платежей (Приложение 3) на основании счетов Исполнителя."},
        {"dates", "Сроки"}, {"dates_text", "График работ приведён в Приложении 2. Общая продолжительность, рабочих дней:"},
        {"acceptance", "Приёмка работ"},
        {"acceptance_text", "Работы считаются принятыми после подписания акта или при отсутствии мотивированных замечаний в течение 5 рабочих дней после сдачи этапа."},
        {"appendix", "Приложение"}, {"statement_of_work", "Состав работ"}, {"schedule", "График работ"},
        {"payment_schedule", "График платежей"}, {"due_date", "Оплатить до"}, {"paid", "Оплачен"}, {"service_period", "Период оказания услуг"},
        {"planned_note", "Платёж по графику договора: счёт ещё не выставлен, оплачивать его пока не нужно."},
        {"seller", "Поставщик"}, {"buyer", "Покупатель"}, {"description", "Наименование"},
        {"total_due", "Итого к оплате"}, {"in_words", "Сумма прописью"}, {"payment_details", "Реквизиты для оплаты"},
        {"payment_reference", "В назначении платежа укажите номер счёта"}, {"no_vat", "Без НДС (упрощённая система налогообложения)"},
        {"vat_on_top", "НДС"}, {"vat_included", "в т. ч. НДС"}, {"home", "Главная"}, {"catalogue", "Каталог"},
        {"category", "Категория"}, {"item", "Карточка товара"}, {"advance_for", "по договору"},
        {"bank", "Банк"}, {"bik", "БИК"}, {"account", "Расчётный счёт"}, {"corr_account", "Корр. счёт"},
        {"iban", "IBAN"}, {"bic", "BIC"}, {"draft_number", "черновик — номер при выставлении"},
        {"no", "№"}, {"page", "стр."}, {"page_of", "из"},
        {"scan_to_pay", "Отсканируйте код в приложении банка: реквизиты и сумма заполнятся сами."},
        {"purpose_invoice", "Оплата по счёту"}, {"purpose_of", "от"}, {"purpose_no_vat", "НДС не облагается"},
        {"payee_bank", "Банк получателя"}, {"payee", "Получатель"}, {"account_no", "Сч. №"}, {"goods", "Товары (работы, услуги)"},
        {"unit", "Ед."}, {"price", "Цена"}, {"net_total", "Итого"}, {"gross_total", "Всего к оплате"}, {"vat", "НДС"},
        {"items_total", "Всего наименований"}, {"for_sum", "на сумму"}, {"director", "Руководитель"}, {"accountant", "Бухгалтер"},
        {"sole_trader", "Индивидуальный предприниматель"}, {"pay_by", "Оплатить не позднее"}, {"kpp", "КПП"}, {"inn", "ИНН"},
        {"of_date", "от"}, {"signature", "подпись"}, {"signatures", "Подписи сторон"}, {"details", "Реквизиты и подписи сторон"},
        {"contract_kind", "Договор на разработку веб-сайта"}, {"contractor_is", "Исполнитель"}, {"customer_is", "Заказчик"},
        {"and", "и"}, {"agreed", "заключили настоящий договор о следующем"}, {"to_contract", "к договору"},
        {"valid_until", "действительно до"}, {"valid_until_text", "Предложение действительно до"}, {"about", "О студии"},
        {"next_steps", "Следующие шаги"}};
    static constexpr Label kFr[] = {
        {"proposal", "Proposition commerciale"}, {"contract", "Contrat"}, {"invoice", "Facture"},
        {"act", "Procès-verbal de réception"}, {"act_total", "Montant des prestations réceptionnées"},
        {"act_no_claims", "Les prestations sont réalisées en totalité et dans les délais ; le client n'émet aucune réserve."},
        {"for_client", "Pour"}, {"date", "Date"}, {"version", "version"}, {"accepted_by", "Acceptée par"},
        {"structure", "Arborescence préliminaire du site"}, {"services_and_price", "Prestations et prix"},
        {"service", "Prestation"}, {"role", "Intervenant"}, {"quantity", "Qté"}, {"hours", "Heures"}, {"rate", "Taux"},
        {"amount", "Montant"}, {"subtotal", "Total des prestations"}, {"discount", "Remise"}, {"total", "Total"},
        {"overridden", "prix ajusté par le chef de projet"}, {"timeline", "Planning"}, {"stage", "Étape"},
        {"working_days", "Jours ouvrés"}, {"start", "Début"}, {"end", "Fin"},
        {"assumptions", "Hypothèses du chiffrage"}, {"terms", "Conditions de paiement"}, {"payment", "Échéance"},
        {"validity", "Proposition valable 30 jours. Les délais courent à compter de l'acompte et de la réception des contenus."},
        {"contractor", "Le prestataire"}, {"customer", "Le client"}, {"tax_id", "SIRET"},
        {"subject", "Objet du contrat"},
        {"subject_text", "Le prestataire s'engage à réaliser pour le client le site web décrit à l'annexe 1 ; le client s'engage à le réceptionner et à le payer."},
        {"price_and_payment", "Prix et paiement"}, {"price_text", "Le prix des prestations est de"},
        {"payment_text", "Le paiement suit l'échéancier de l'annexe 3, sur factures du prestataire."},
        {"dates", "Délais"}, {"dates_text", "Le planning figure à l'annexe 2. Durée totale, en jours ouvrés :"},
        {"acceptance", "Réception"},
        {"acceptance_text", "Les prestations sont réputées acceptées à la signature du procès-verbal ou faute de réserves motivées dans les 5 jours ouvrés suivant la livraison d'une étape."},
        {"appendix", "Annexe"}, {"statement_of_work", "Description des prestations"}, {"schedule", "Planning"},
        {"payment_schedule", "Échéancier"}, {"due_date", "À payer avant le"}, {"paid", "Payée"}, {"service_period", "Période de la prestation"},
        {"planned_note", "Échéance prévue au contrat : la facture n'est pas encore émise, rien n'est à payer pour l'instant."},
        {"seller", "Émetteur"}, {"buyer", "Client"}, {"description", "Désignation"},
        {"total_due", "Total à payer"}, {"in_words", "Arrêtée à la somme de"}, {"payment_details", "Coordonnées bancaires"},
        {"payment_reference", "Référence à indiquer"}, {"no_vat", "TVA non applicable, art. 293 B du CGI"},
        {"vat_on_top", "TVA"}, {"vat_included", "dont TVA"}, {"home", "Accueil"}, {"catalogue", "Catalogue"},
        {"category", "Catégorie"}, {"item", "Fiche produit"}, {"advance_for", "selon le contrat"},
        {"bank", "Banque"}, {"bik", "BIK"}, {"account", "Compte"}, {"corr_account", "Compte correspondant"},
        {"iban", "IBAN"}, {"bic", "BIC"}, {"draft_number", "brouillon — numéro attribué à l’émission"},
        {"no", "n°"}, {"page", "page"}, {"page_of", "/"},
        {"scan_to_pay", "Scannez ce code avec l'application de votre banque : coordonnées et montant se remplissent seuls."},
        {"purpose_invoice", "Facture"}, {"purpose_of", "du"}, {"purpose_no_vat", "TVA non applicable"},
        {"unit", "Unité"}, {"price", "Prix unitaire HT"}, {"net_amount", "Montant HT"}, {"net_total", "Total HT"}, {"vat", "TVA"},
        {"gross_total", "Total TTC"}, {"due_label", "Date d'échéance"}, {"of_date", "du"},
        {"late_penalty", "En cas de retard de paiement, des pénalités sont exigibles au taux de trois fois le taux d'intérêt légal (art. L441-10 du Code de commerce)."},
        {"recovery_fee", "Indemnité forfaitaire pour frais de recouvrement due en cas de retard : 40 € (art. D441-5 du Code de commerce)."},
        {"no_discount", "Pas d'escompte pour paiement anticipé."}, {"signature", "signature"}, {"signatures", "Signatures"},
        {"details", "Coordonnées et signatures des parties"}, {"contract_kind", "Contrat de réalisation d'un site web"},
        {"contractor_is", "le prestataire"}, {"customer_is", "le client"}, {"and", "et"}, {"agreed", "conviennent de ce qui suit"},
        {"to_contract", "au contrat"}, {"valid_until", "valable jusqu'au"}, {"valid_until_text", "Proposition valable jusqu'au"},
        {"about", "Le studio"}, {"next_steps", "Prochaines étapes"}};
    static constexpr Label kEn[] = {
        {"proposal", "Commercial proposal"}, {"contract", "Contract"}, {"invoice", "Invoice"},
        {"act", "Acceptance certificate"}, {"act_total", "Value of the work accepted"},
        {"act_no_claims", "The work was done in full and on time; the customer has no objection."},
        {"for_client", "For"}, {"date", "Date"}, {"version", "version"}, {"accepted_by", "Accepted by"},
        {"structure", "Preliminary site structure"}, {"services_and_price", "Work and price"},
        {"service", "Work"}, {"role", "Specialist"}, {"quantity", "Qty"}, {"hours", "Hours"}, {"rate", "Rate"},
        {"amount", "Amount"}, {"subtotal", "Subtotal"}, {"discount", "Discount"}, {"total", "Total"},
        {"overridden", "price adjusted by the manager"}, {"timeline", "Timeline"}, {"stage", "Stage"},
        {"working_days", "Working days"}, {"start", "Start"}, {"end", "End"},
        {"assumptions", "Assumptions of the estimate"}, {"terms", "Payment terms"}, {"payment", "Payment"},
        {"validity", "This proposal is valid for 30 days. Dates run from the advance payment and receipt of materials."},
        {"contractor", "Contractor"}, {"customer", "Customer"}, {"tax_id", "Tax ID"},
        {"subject", "Subject"},
        {"subject_text", "The contractor shall build for the customer the website described in Appendix 1; the customer shall accept and pay for the work."},
        {"price_and_payment", "Price and payment"}, {"price_text", "The price of the work is"},
        {"payment_text", "Payment follows the schedule in Appendix 3, against the contractor's invoices."},
        {"dates", "Dates"}, {"dates_text", "The schedule is in Appendix 2. Total duration, working days:"},
        {"acceptance", "Acceptance"},
        {"acceptance_text", "Work is accepted when the acceptance certificate is signed, or when no reasoned objection is made within 5 working days of delivery of a stage."},
        {"appendix", "Appendix"}, {"statement_of_work", "Statement of work"}, {"schedule", "Schedule"},
        {"payment_schedule", "Payment schedule"}, {"due_date", "Due date"}, {"paid", "Paid"}, {"service_period", "Service period"},
        {"planned_note", "A payment of the contract's schedule: this invoice is not issued yet and nothing is due for now."},
        {"seller", "From"}, {"buyer", "Bill to"}, {"description", "Description"},
        {"total_due", "Total due"}, {"in_words", "Amount in words"}, {"payment_details", "Payment details"},
        {"payment_reference", "Payment reference"}, {"no_vat", "No VAT"},
        {"vat_on_top", "VAT"}, {"vat_included", "incl. VAT"}, {"home", "Home"}, {"catalogue", "Catalogue"},
        {"category", "Category"}, {"item", "Product page"}, {"advance_for", "under contract"},
        {"bank", "Bank"}, {"bik", "BIK"}, {"account", "Account"}, {"corr_account", "Correspondent account"},
        {"iban", "IBAN"}, {"bic", "BIC"}, {"draft_number", "draft — number on issue"},
        {"no", "No."}, {"page", "page"}, {"page_of", "of"},
        {"scan_to_pay", "Scan this code with your banking app: the details and the amount fill in by themselves."},
        {"purpose_invoice", "Invoice"}, {"purpose_of", "of"}, {"purpose_no_vat", "No VAT"},
        {"unit", "Unit"}, {"price", "Unit price"}, {"net_amount", "Net amount"}, {"net_total", "Net total"}, {"vat", "VAT"},
        {"gross_total", "Total due"}, {"due_label", "Due date"}, {"of_date", "of"},
        {"late_penalty", "Late payment incurs interest at three times the French legal interest rate (art. L441-10 of the Code de commerce)."},
        {"recovery_fee", "A fixed indemnity of €40 for recovery costs is due on late payment (art. D441-5 of the Code de commerce)."},
        {"no_discount", "No discount for early payment."}, {"signature", "signature"}, {"signatures", "Signatures"},
        {"details", "Details and signatures of the parties"}, {"contract_kind", "Website development contract"},
        {"contractor_is", "the contractor"}, {"customer_is", "the customer"}, {"and", "and"}, {"agreed", "agree as follows"},
        {"to_contract", "to contract"}, {"valid_until", "valid until"}, {"valid_until_text", "This proposal is valid until"},
        {"about", "About the studio"}, {"next_steps", "Next steps"}};
    static constexpr const char* kRuSteps[] = {"Примите предложение по ссылке — кнопка ниже.", "Мы пришлём договор с графиком работ и платежей.",
                             "После подписания договора — счёт на предоплату.", "Начинаем работу в день поступления предоплаты и материалов."};
    static constexpr const char* kFrSteps[] = {"Acceptez la proposition par ce lien : bouton ci-dessous.", "Nous vous envoyons le contrat avec le planning et l'échéancier.",
                             "À la signature, la facture d'acompte.", "Nous commençons dès réception de l'acompte et des contenus."};
    static constexpr const char* kEnSteps[] = {"Accept the proposal through this link: the button below.", "We send the contract with the work and payment schedules.",
                             "On signature, the advance invoice.", "Work starts as soon as the advance and your materials arrive."};
    static const json ru = label_object(kRu, kRuSteps), fr = label_object(kFr, kFrSteps), en = label_object(kEn, kEnSteps);
    return lang == Lang::fr ? fr : lang == Lang::en ? en : ru;
}

// -------------------------------------------------------------------------
// [SECTION] data of a document
// -------------------------------------------------------------------------

std::string fmt_money(int64_t minor, Currency c, Lang l) { return format(Money{minor, c}, l); }

std::string name_in(const json& names, const char* group, const std::string& id, Lang l) {
    auto g = names.find(group);
    if (g == names.end()) return id;
    auto it = g->find(id);
    if (it == g->end()) return id;
    return it->value(lang_code(l), id);
}

// The studio's legal details: its requisites, or for a studio that has not
// filled them in, what the older single fields say (a Russian studio unless
// it writes French).
json studio_requisites(sqlite3* db, json* profile) {
    Stmt s(db, "SELECT name, legal_name, tax_id, address, email, phone, bank_json, requisites_json, lang FROM studio ORDER BY created_at LIMIT 1");
    if (!s.step()) throw Error("document: no studio in this database");
    *profile = {{"name", s.text(0)}, {"email", s.text(4)}, {"phone", s.text(5)}};
    json r = parse_json_or_discard(s.text(7));
    if (r.is_object() && r.contains("country")) return r;
    r = json::object();
    json bank = parse_json_or_discard(s.text(6));
    if (bank.is_object())
        for (auto it = bank.begin(); it != bank.end(); ++it)
            if (it->is_string()) r[it.key()] = *it;
    r["country"] = s.text(8) == "fr" ? "fr" : "ru";
    r["legal_name"] = s.text(1).empty() ? s.text(0) : s.text(1);
    r["address"] = s.text(3);
    if (!s.text(2).empty()) r[r["country"] == "fr" ? "siret" : "inn"] = s.text(2);
    return r;
}

std::string req(const json& r, const char* k) {
    auto it = r.find(k);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A party's identifiers with the labels of its own country, in the
// document's language: a Russian INN is never called a SIRET.
json party_ids(const json& r, Lang l) {
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    struct Field {
        const char* key;
        const char* label[3];
    };
    static const Field ru[] = {{"inn", {"ИНН", "INN (n° fiscal russe)", "INN (Russian taxpayer number)"}},
                               {"kpp", {"КПП", "KPP", "KPP"}},
                               {"ogrn", {"ОГРН", "OGRN (registre russe)", "OGRN (Russian state register)"}}};
    static const Field fr[] = {{"siret", {"SIRET", "SIRET", "SIRET"}},
                               {"tva", {"Номер плательщика НДС (TVA)", "N° TVA intracommunautaire", "EU VAT number"}},
                               {"rcs", {"", "", ""}},
                               {"rm", {"", "", ""}}};
    json rows = json::array();
    const bool is_ru = req(r, "country") == "ru";
    for (const Field& f : is_ru ? std::vector<Field>(std::begin(ru), std::end(ru)) : std::vector<Field>(std::begin(fr), std::end(fr))) {
        std::string v = req(r, f.key);
        if (v.empty()) continue;
        std::string label = f.label[li];
        if (std::string(f.key) == "ogrn" && v.size() == 15) label = li == 0 ? "ОГРНИП" : "OGRNIP";
        rows.push_back({{"label", label.empty() ? json(nullptr) : json(label)}, {"value", v}});
    }
    if (!is_ru && !req(r, "legal_form").empty()) {
        static const char* const capital[3] = {"с уставным капиталом", "au capital de", "with a share capital of"};
        std::string v = req(r, "legal_form") + (req(r, "capital").empty() ? "" : std::string(" ") + capital[li] + " " + req(r, "capital"));
        rows.insert(rows.begin(), json{{"label", nullptr}, {"value", v}});
    }
    return rows;
}

// Why an invoice carries no VAT, as the studio's country's law says it.
std::string no_vat_text(const json& studio, Lang l) {
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    const bool fr = req(studio, "country") == "fr";
    const std::string own = req(studio, "no_vat_basis");
    if (!own.empty() && ((fr && l == Lang::fr) || (!fr && l == Lang::ru))) return own;
    static const char* const ru_text[3] = {"Без НДС на основании ст. 145 НК РФ", "Sans TVA (exonération, art. 145 du code fiscal russe)",
                                           "No VAT (exempt under art. 145 of the Russian Tax Code)"};
    static const char* const fr_text[3] = {"НДС не применяется (ст. 293 B Налогового кодекса Франции)", "TVA non applicable, art. 293 B du CGI",
                                           "VAT not applicable, art. 293 B of the French Tax Code"};
    return fr ? fr_text[li] : ru_text[li];
}

// The studio's bank details a document in `currency` prints: a Russian
// account (bank, БИК, р/с, к/с) for roubles, IBAN and BIC otherwise.
json bank_rows(const json& bank, const std::string& currency, Lang l) {
    json rows = json::array();
    const json& t = labels(l);
    static const char* const rub[] = {"bank", "bik", "account", "corr_account"};
    static const char* const sepa[] = {"bank", "iban", "bic"};
    const bool ru = currency == "RUB";
    for (size_t i = 0; i < (ru ? 4u : 3u); ++i) {
        const char* k = ru ? rub[i] : sepa[i];
        if (bank.contains(k) && bank[k].is_string() && !bank[k].get_ref<const std::string&>().empty())
            rows.push_back({{"label", t.value(k, k)}, {"value", bank[k].get<std::string>()}});
    }
    return rows;
}

std::string bank_field(const json& bank, const char* k) { return req(bank, k); }

json studio_data(sqlite3* db, Lang l, json* requisites) {
    json profile;
    *requisites = studio_requisites(db, &profile);
    const json& r = *requisites;
    json st = profile;
    st["legal_name"] = req(r, "legal_name").empty() ? profile["name"].get<std::string>() : req(r, "legal_name");
    st["address"] = req(r, "address");
    st["tax_id"] = req(r, req(r, "country") == "fr" ? "siret" : "inn");
    st["ids"] = party_ids(r, l);
    st["country"] = req(r, "country");
    st["inn"] = req(r, "inn");
    st["kpp"] = req(r, "kpp");
    st["signatory"] = req(r, "signatory").empty() ? st["legal_name"] : json(req(r, "signatory"));
    st["sole_trader"] = req(r, "kind") == "sole_trader" || req(r, "inn").size() == 12;
    st["city_date"] = "";
    return st;
}

json client_data(sqlite3* db, const std::string& lead_id, Lang l, std::string* title) {
    Stmt c(db, "SELECT c.name, c.company, c.email, c.phone, l.title, c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    c.bind(1, lead_id);
    if (!c.step()) throw Error("document: lead \"" + lead_id + "\" not found");
    *title = c.text(4);
    std::string display = c.text(1).empty() ? c.text(0) : c.text(1) + " (" + c.text(0) + ")";
    json r = parse_json_or_discard(c.text(5));
    if (!r.is_object()) r = json::object();
    const std::string legal = req(r, "legal_name");
    return {{"name", c.text(0)}, {"company", c.text(1)}, {"email", c.text(2)}, {"phone", c.text(3)}, {"display", display},
            {"legal", legal.empty() ? display : legal}, {"address", req(r, "address")}, {"ids", party_ids(r, l)},
            {"professional", req(r, "kind") != "person" && (!legal.empty() || !c.text(1).empty())}};
}

// "20 %", "5,5 %", "22 %"; English writes "5.5%".
std::string rate_text(int64_t bp, Lang l) {
    std::string s = std::to_string(bp / 100);
    if (bp % 100) {
        std::string frac = (bp % 100 < 10 ? "0" : "") + std::to_string(bp % 100);
        if (frac.back() == '0') frac.pop_back();
        s += (l == Lang::en ? "." : ",") + frac;
    }
    return s + (l == Lang::en ? "%" : " %");
}

// Totals, lines grouped by stage, timeline and payments of an estimate.
void estimate_data(const json& est, Lang l, json& d) {
    Currency cur = parse_currency(est.value("currency", "RUB"));
    const json& names = est["names"];
    const json& t = labels(l);
    json stages = json::array();
    std::string cur_stage;
    for (const json& ln : est["lines"]) {
        std::string st = ln["stage"].get<std::string>();
        if (stages.empty() || st != cur_stage) {
            stages.push_back({{"name", name_in(names, "stages", st, l)}, {"lines", json::array()}});
            cur_stage = st;
        }
        stages.back()["lines"].push_back({
            {"service", name_in(names, "services", ln["service"].get<std::string>(), l)},
            {"role", name_in(names, "roles", ln["role"].get<std::string>(), l)},
            {"quantity", std::to_string(ln["quantity"].get<int64_t>())},
            {"hours", format_hours(ln["centihours"].get<int64_t>(), l)},
            {"rate", fmt_money(ln["rate"].get<int64_t>(), cur, l)},
            {"amount", fmt_money(ln["amount"].get<int64_t>(), cur, l)},
            {"overridden", ln.value("overridden", false)}});
    }
    d["stages"] = stages;
    // What the client reads: one line per service of a stage, its specialists together.
    json scope = json::array();
    {
        std::string st_id;
        std::map<std::string, size_t> at;
        std::vector<int64_t> stage_total;
        std::vector<std::vector<std::pair<int64_t, int64_t>>> sums;  // amount, centihours per service
        for (const json& ln : est["lines"]) {
            std::string st = ln["stage"].get<std::string>(), sv = ln["service"].get<std::string>();
            if (scope.empty() || st != st_id) {
                scope.push_back({{"id", st}, {"name", name_in(names, "stages", st, l)}, {"services", json::array()}});
                stage_total.push_back(0);
                sums.emplace_back();
                at.clear();
                st_id = st;
            }
            json& services = scope.back()["services"];
            if (!at.count(sv)) {
                at[sv] = services.size();
                services.push_back({{"service", name_in(names, "services", sv, l)}, {"quantity", std::to_string(ln["quantity"].get<int64_t>())}});
                sums.back().push_back({0, 0});
            }
            auto& [amount, ch] = sums.back()[at[sv]];
            amount += ln["amount"].get<int64_t>();
            ch += ln["centihours"].get<int64_t>();
            stage_total.back() += ln["amount"].get<int64_t>();
        }
        for (size_t i = 0; i < scope.size(); ++i) {
            scope[i]["total"] = fmt_money(stage_total[i], cur, l);
            for (size_t k = 0; k < scope[i]["services"].size(); ++k) {
                scope[i]["services"][k]["amount"] = fmt_money(sums[i][k].first, cur, l);
                scope[i]["services"][k]["hours"] = format_hours(sums[i][k].second, l);
            }
            scope[i]["total_minor"] = stage_total[i];
        }
    }
    d["scope"] = scope;
    const json& tax = est["tax"];
    std::string mode = tax["mode"].get<std::string>();
    int64_t bp = tax["rate_bp"].get<int64_t>();
    std::string pct = rate_text(bp, l);
    json totals = {{"subtotal", fmt_money(est["subtotal"].get<int64_t>(), cur, l)},
                   {"total", fmt_money(est["total"].get<int64_t>(), cur, l)},
                   {"total_words", amount_in_words(Money{est["total"].get<int64_t>(), cur}, l)},
                   {"tax", mode == "no_vat" ? json(nullptr) : json(fmt_money(tax["amount"].get<int64_t>(), cur, l))},
                   {"tax_label", mode == "no_vat" ? t["no_vat"].get<std::string>() : t[mode].get<std::string>() + " " + pct},
                   {"tax_pct", pct},
                   {"discount", nullptr}};
    if (est["discount"].is_object()) {
        totals["discount"] = fmt_money(est["discount"]["amount"].get<int64_t>(), cur, l);
        totals["discount_name"] = name_in(names, "discounts", est["discount"]["id"].get<std::string>(), l);
    }
    d["totals"] = totals;
    json timeline = json::array();
    std::string end_date;
    for (const json& s : est["timeline"]) {
        json row = {{"name", name_in(names, "stages", s["stage"].get<std::string>(), l)}, {"days", std::to_string(s["days"].get<int64_t>())}};
        if (s.contains("start")) {
            row["start"] = format_date(s["start"].get<std::string>(), l);
            row["end"] = format_date(s["end"].get<std::string>(), l);
            end_date = row["end"].get<std::string>();
        }
        timeline.push_back(row);
    }
    d["timeline"] = timeline;
    d["dated"] = !end_date.empty();
    d["end_date"] = end_date;
    d["working_days"] = std::to_string(est.value("working_days", 0));
    json payments = json::array();
    for (const json& p : est["payment_schedule"])
        payments.push_back({{"name", p["name"].value(lang_code(l), "")}, {"percent", std::to_string(p["percent"].get<int64_t>())},
                            {"amount", fmt_money(p["amount"].get<int64_t>(), cur, l)}});
    d["payments"] = payments;
    json assumptions = json::array();
    for (const json& a : est["assumptions"]) assumptions.push_back(a.value(lang_code(l), ""));
    d["assumptions"] = assumptions;
    d["has_assumptions"] = !assumptions.empty();
}

// The preliminary page tree from the brief: home, one page per chosen
// section (labelled as in the brief template), and the catalogue.
json structure_data(sqlite3* db, const std::string& lead_id, Lang l) {
    const json& t = labels(l);
    json tree = json::array();
    tree.push_back({{"name", t["home"]}, {"has_children", false}, {"children", json::array()}});
    Stmt b(db, "SELECT b.answers_json, bt.body_json FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id"
               " WHERE b.lead_id = ?1 ORDER BY b.updated_at DESC LIMIT 1");
    b.bind(1, lead_id);
    if (!b.step()) return tree;
    json answers = parse_json_or_discard(b.text(0)), tpl = parse_json_or_discard(b.text(1));
    if (!answers.is_object() || !tpl.is_object()) return tree;
    std::map<std::string, std::string> section_labels;
    for (const json& s : tpl["sections"])
        for (const json& q : s["questions"])
            if (q["id"] == "sections")
                for (const json& o : q["options"]) section_labels[o["id"].get<std::string>()] = o["label"].value(lang_code(l), "");
    if (answers.contains("sections") && answers["sections"].is_array())
        for (const json& s : answers["sections"])
            if (s.is_string() && section_labels.count(s.get<std::string>()))
                tree.push_back({{"name", section_labels[s.get<std::string>()]}, {"has_children", false}, {"children", json::array()}});
    bool catalogue = answers.value("needs_catalogue", false) ||
                     (answers.contains("catalogue_items") && answers["catalogue_items"].is_number_integer() && answers["catalogue_items"].get<int64_t>() > 0);
    if (catalogue)
        tree.push_back({{"name", t["catalogue"]}, {"has_children", true},
                        {"children", json::array({json{{"name", t["category"]}}, json{{"name", t["item"]}}})}});
    return tree;
}

}  // namespace

json contract_clauses(Lang l, bool french_studio, const std::string& price, const std::string& days);

// What an act certifies: the work of its stage (or all of it) and its value,
// the discount and VAT of the estimate shared in proportion.
void act_data(json& d, Lang l) {
    const std::string stage = d["doc"]["stage_id"].get<std::string>();
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    json scope = json::array();
    int64_t sum = 0, all = 0;
    std::string stage_name;
    for (const json& st : d["scope"]) {
        all += st["total_minor"].get<int64_t>();
        if (!stage.empty() && st["id"] != stage) continue;
        scope.push_back(st);
        sum += st["total_minor"].get<int64_t>();
        stage_name = st["name"].get<std::string>();
    }
    d["scope"] = scope;
    const json& est = d["estimate"];
    const Currency cur = parse_currency(est.value("currency", "RUB"));
    const int64_t total = est["total"].get<int64_t>();
    const int64_t amount = stage.empty() || all == 0 ? total : div_round_half_away(mul_minor(sum, total), all);
    const std::string mode = est["tax"]["mode"].get<std::string>();
    const int64_t bp = est["tax"]["rate_bp"].get<int64_t>();
    const int64_t tax = mode == "no_vat" ? 0 : div_round_half_away(mul_minor(amount, bp), 10000 + bp);
    static const char* const intro_stage[3] = {"Исполнитель выполнил, а Заказчик принял работы этапа", "Le prestataire a réalisé et le client a réceptionné les prestations de l'étape",
                                               "The contractor has done, and the customer has accepted, the work of the stage"};
    static const char* const intro_all[3] = {"Исполнитель выполнил, а Заказчик принял все работы по договору", "Le prestataire a réalisé et le client a réceptionné l'ensemble des prestations du contrat",
                                             "The contractor has done, and the customer has accepted, all the work under the contract"};
    d["act"] = {{"intro", stage.empty() ? std::string(intro_all[li]) : std::string(intro_stage[li]) + " «" + stage_name + "»"},
                {"amount", fmt_money(amount, cur, l)}, {"words", amount_in_words(Money{amount, cur}, l)},
                {"tax", tax ? json(labels(l)["vat_included"].get<std::string>() + " " + rate_text(bp, l) + ": " + fmt_money(tax, cur, l))
                            : json(d["totals"]["tax_label"])}};
}

// The studio's document settings (studio.doc_settings_json).
json doc_settings(sqlite3* db) {
    Stmt q(db, "SELECT doc_settings_json FROM studio ORDER BY created_at LIMIT 1");
    if (!q.step()) return json::object();
    json j = parse_json_or_discard(q.text(0));
    return j.is_object() ? j : json::object();
}

// How the document was accepted, in one line: the client's own online
// acceptance, or one a manager recorded (by phone, e-mail or on paper) with
// the manager's name, so that the two never read alike.
static std::string acceptance_text(Lang l, const std::string& channel, const std::string& name, const std::string& date,
                                   const std::string& recorded_by) {
    auto how = [&](const char* ru, const char* fr, const char* en) { return std::string(l == Lang::ru ? ru : l == Lang::fr ? fr : en); };
    if (channel == "online")
        return how("Принято клиентом онлайн: ", "Acceptée en ligne par le client : ", "Accepted online by the client: ") + name + ", " + date;
    std::string way = channel == "phone" ? how("по телефону", "par téléphone", "by phone")
                    : channel == "email" ? how("по электронной почте", "par e-mail", "by e-mail")
                                         : how("на бумаге", "sur papier", "on paper");
    return how("Принято ", "Acceptée ", "Accepted ") + way + how(": ", " : ", ": ") + name + ", " + date +
           how(" (записано менеджером: ", " (enregistrée par ", " (recorded by ") + recorded_by + ")";
}

// A support month's act (stage "support:YYYY-MM"): the services of the
// month as its invoice lists them, its total and VAT.
static void support_act_data(sqlite3* db, const std::string& contract, const std::string& stage, Lang l, const json& bank, json& d,
                             json& doc, std::string& lead_id, std::string& currency) {
    Stmt q(db, "SELECT c.lead_id, coalesce(c.number, c.provisional_number, ''), c.created_at, c.status, e.body_json, rp.starts_on, rp.ends_on,"
               " rp.billed_on, i.lines_json, i.total_minor, i.tax_minor, i.currency FROM contracts c JOIN proposals p ON p.id = c.proposal_id"
               " JOIN estimates e ON e.id = p.estimate_id JOIN projects pj ON pj.contract_id = c.id JOIN retainers r ON r.project_id = pj.id"
               " JOIN retainer_periods rp ON rp.retainer_id = r.id AND rp.period = ?2 JOIN invoices i ON i.id = rp.invoice_id WHERE c.id = ?1");
    q.bind(1, contract).bind(2, stage.substr(8));
    if (!q.step()) throw Error("act: stage: no billed support month \"" + stage.substr(8) + "\" under this contract", ErrorKind::not_found);
    if (q.text(3) != "accepted") throw Error("act: the contract is not signed", ErrorKind::conflict);
    lead_id = q.text(0);
    currency = q.text(11);
    const Currency cur = parse_currency(currency);
    doc = {{"number", q.text(1) + "/" + stage.substr(8)}, {"date", format_date(q.text(7), l)}, {"contract_number", q.text(1)},
           {"contract_date", format_date(q.text(2), l)}, {"stage_id", stage}, {"accepted", false}};
    json scope = json::array();
    const json lines = parse_json_or_discard(q.text(8));
    if (lines.is_array())
        for (const json& ln : lines)
            scope.push_back({{"name", ln["text"].is_object() ? ln["text"].value(lang_code(l), "") : ln.value("text", "")},
                             {"total", fmt_money(ln.value("amount", (int64_t)0), cur, l)}, {"services", json::array()}});
    d["scope"] = scope;
    const json est = parse_json_or_discard(q.text(4));
    const json tax = est.is_object() && est.contains("tax") && est["tax"].is_object() ? est["tax"] : json::object();
    const int64_t total = q.int64(9), vat = q.int64(10), bp = tax.value("rate_bp", (int64_t)0);
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    static const char* const intro[3] = {"Исполнитель оказал, а Заказчик принял услуги технической поддержки сайта за период",
                                         "Le prestataire a fourni, et le client a réceptionné, les prestations de maintenance du site pour la période",
                                         "The contractor has provided, and the customer has accepted, the website's support services for the period"};
    static const char* const to[3] = {" по ", " au ", " to "};
    static const char* const from[3] = {" с ", " du ", " from "};
    d["act"] = {{"intro", std::string(intro[li]) + from[li] + format_date(q.text(5), l) + to[li] + format_date(q.text(6), l)},
                {"amount", fmt_money(total, cur, l)}, {"words", amount_in_words(Money{total, cur}, l)},
                {"tax", vat ? json(labels(l)["vat_included"].get<std::string>() + " " + rate_text(bp, l) + ": " + fmt_money(vat, cur, l))
                            : json(no_vat_text(bank, l))}};
}

json document_data(sqlite3* db, std::string_view kind, std::string_view id_sv, Lang l) {
    const std::string id(id_sv);
    json d;
    d["lang"] = lang_code(l);
    d["t"] = labels(l);
    json bank;  // the studio's requisites, bank details included
    d["studio"] = studio_data(db, l, &bank);
    std::string lead_id, estimate_body, title, currency = "RUB";
    json doc;
    if (kind == "proposal" || kind == "contract") {
        std::string sql = kind == "proposal"
            ? "SELECT p.lead_id, e.body_json, p.number, p.version, p.status, p.accepted_by, p.accepted_at, p.created_at,"
              " coalesce(p.accepted_channel, 'online'), coalesce(p.recorded_by, '') FROM proposals p JOIN estimates e ON e.id = p.estimate_id WHERE p.id = ?1"
            : "SELECT c.lead_id, e.body_json, c.number, c.version, c.status, c.accepted_by,"
              " c.accepted_at, c.created_at, coalesce(c.accepted_channel, 'online'), coalesce(c.recorded_by, '') FROM contracts c JOIN proposals p ON p.id = c.proposal_id"
              " JOIN estimates e ON e.id = p.estimate_id WHERE c.id = ?1";
        Stmt q(db, sql.c_str());
        q.bind(1, id);
        if (!q.step()) throw Error("document: id: no " + std::string(kind) + " with id \"" + id + "\"", ErrorKind::not_found);
        lead_id = q.text(0);
        estimate_body = q.text(1);
        bool accepted = q.text(4) == "accepted";
        // A number the server has not given yet is not printed: a document
        // made offline says it is a draft until its number arrives.
        json number = !q.is_null(2) ? json(q.text(2)) : kind == "contract" ? labels(l)["draft_number"] : json(nullptr);
        doc = {{"number", number}, {"version", std::to_string(q.int64(3))},
               {"status", q.text(4)}, {"accepted", accepted}, {"accepted_by", q.text(5)},
               {"accepted_at", accepted ? format_date(q.text(6), l) : ""}, {"date", format_date(q.text(7), l)},
               {"acceptance", accepted ? acceptance_text(l, q.text(8), q.text(5), format_date(q.text(6), l), q.text(9)) : ""}};
    } else if (kind == "act") {
        // "<contract id>/<stage>": the work of one completed stage; "<contract id>": the whole project, once its last stage is done;
        // or an issued act's id.
        std::string ref = id;
        {
            Stmt a(db, "SELECT contract_id || CASE WHEN stage = '' THEN '' ELSE '/' || stage END FROM acts WHERE id = ?1");
            a.bind(1, id);
            if (a.step()) ref = a.text(0);
        }
        const size_t slash = ref.find('/');
        const std::string contract = ref.substr(0, slash), stage = slash == std::string::npos ? "" : ref.substr(slash + 1);
        if (stage.rfind("support:", 0) == 0) {
            support_act_data(db, contract, stage, l, bank, d, doc, lead_id, currency);
        } else {
        Stmt q(db, "SELECT c.lead_id, e.body_json, coalesce(c.number, c.provisional_number, ''), c.status, c.created_at FROM contracts c"
                   " JOIN proposals p ON p.id = c.proposal_id JOIN estimates e ON e.id = p.estimate_id WHERE c.id = ?1");
        q.bind(1, contract);
        if (!q.step()) throw Error("document: id: no contract with id \"" + contract + "\"", ErrorKind::not_found);
        if (q.text(3) != "accepted") throw Error("act: the contract is not signed", ErrorKind::conflict);
        lead_id = q.text(0);
        estimate_body = q.text(1);
        json est = parse_json_or_discard(estimate_body);
        if (!est.is_object() || !est["timeline"].is_array() || est["timeline"].empty()) throw Error("act: the contract has no timeline");
        std::string want = stage;
        int index = 0;
        for (size_t i = 0; i < est["timeline"].size(); ++i)
            if (est["timeline"][i]["stage"] == (stage.empty() ? est["timeline"].back()["stage"].get<std::string>() : stage)) index = (int)i + 1;
        if (index == 0) throw Error("act: stage: not a stage of this contract's timeline: \"" + stage + "\"", ErrorKind::not_found);
        if (want.empty()) want = est["timeline"].back()["stage"].get<std::string>();
        Stmt ev(db, "SELECT at FROM events WHERE lead_id = ?1 AND kind = 'stage_completed' AND json_extract(payload_json, '$.stage') = ?2");
        ev.bind(1, lead_id).bind(2, want);
        if (!ev.step()) throw Error("act: the stage \"" + want + "\" is not completed yet", ErrorKind::conflict);
        doc = {{"number", q.text(2) + "/" + (stage.empty() ? std::string("A") : std::to_string(index))}, {"date", format_date(ev.text(0), l)},
               {"contract_number", q.text(2)}, {"contract_date", format_date(q.text(4), l)}, {"stage_id", stage}, {"accepted", false}};
        }
        // An issued act keeps its number; a signed one says who signed it and how.
        Stmt a(db, "SELECT number, status, coalesce(signed_by, ''), coalesce(signed_at, ''), coalesce(signed_channel, 'online'),"
                   " coalesce(recorded_by, '') FROM acts WHERE contract_id = ?1 AND stage = ?2");
        a.bind(1, contract).bind(2, stage);
        if (a.step()) {
            doc["number"] = a.text(0);
            if (a.text(1) == "signed") {
                doc["accepted"] = true;
                doc["acceptance"] = acceptance_text(l, a.text(4), a.text(2), format_date(a.text(3), l), a.text(5));
            }
        }
    } else if (kind == "invoice") {
        Stmt q(db, "SELECT lead_id, number, currency, lines_json, tax_minor, total_minor,"
                   " issued_on, due_on, status, created_at, (SELECT body_json FROM estimates e JOIN proposals p ON p.estimate_id = e.id"
                   " JOIN contracts c ON c.proposal_id = p.id WHERE c.id = invoices.contract_id) FROM invoices WHERE id = ?1");
        q.bind(1, id);
        if (!q.step()) throw Error("document: id: no invoice with id \"" + id + "\"", ErrorKind::not_found);
        lead_id = q.text(0);
        currency = q.text(2);
        Currency cur = parse_currency(q.text(2));
        json lines = parse_json_or_discard(q.text(3));
        json out_lines = json::array();
        int n = 1;
        static const char* const unit[3] = {"усл.", "forfait", "service"};
        const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
        json est = parse_json_or_discard(q.is_null(10) ? "{}" : q.text(10));
        std::string mode = est.contains("tax") ? est["tax"]["mode"].get<std::string>() : "no_vat";
        int64_t bp = est.contains("tax") ? est["tax"]["rate_bp"].get<int64_t>() : 0;
        const int64_t total = q.int64(5), tax = mode == "no_vat" ? 0 : q.int64(4);
        for (const json& ln : lines) {
            // A line's price before VAT: the invoice's VAT is split over its lines in proportion.
            const int64_t amount = ln["amount"].get<int64_t>();
            const int64_t net = total > 0 ? amount - div_round_half_away(mul_minor(amount, tax), total) : amount;
            // A line may give its quantity, unit and price (hours at a rate); one service otherwise.
            auto in_lang = [&](const char* k, const std::string& fallback) {
                return ln.contains(k) && ln[k].is_object() && ln[k].contains(lang_code(l)) ? ln[k][lang_code(l)].get<std::string>() : fallback;
            };
            const int64_t price = ln.contains("price") && ln["price"].is_number_integer() ? ln["price"].get<int64_t>() : amount;
            out_lines.push_back({{"n", std::to_string(n++)},
                                 {"text", ln["text"].is_object() ? ln["text"].value(lang_code(l), "") : ln.value("text", "")},
                                 {"quantity", in_lang("quantity", "1")}, {"unit", in_lang("unit", unit[li])},
                                 {"price", fmt_money(price, cur, l)}, {"net", fmt_money(net, cur, l)},
                                 {"amount", fmt_money(amount, cur, l)}});
        }
        d["lines"] = out_lines;
        d["line_count"] = std::to_string(out_lines.size());
        const json& t = labels(l);
        d["totals"] = {{"total", fmt_money(total, cur, l)},
                       {"net", fmt_money(total - tax, cur, l)},
                       {"total_words", amount_in_words(Money{total, cur}, l)},
                       {"tax", mode == "no_vat" ? json(nullptr) : json(fmt_money(tax, cur, l))},
                       {"vat_rate", rate_text(bp, l)},
                       {"tax_label", mode == "no_vat" ? no_vat_text(bank, l) : t["vat_included"].get<std::string>() + " " + rate_text(bp, l)}};
        doc = {{"number", q.is_null(1) ? labels(l)["draft_number"] : json(q.text(1))}, {"date", format_date(q.is_null(6) ? q.text(9) : q.text(6), l)},
               {"due_date", q.is_null(7) ? json(nullptr) : json(format_date(q.text(7), l))}, {"paid", q.text(8) == "paid"},
               {"planned", q.is_null(1) || q.is_null(6)}};
        // When the work invoiced is done: the support month a line names, or
        // the project's dated timeline, from its first day to its last.
        const json* month = lines.is_array() && !lines.empty() && lines[0].is_object() && lines[0].contains("period") ? &lines[0]["period"] : nullptr;
        if (month && month->is_object() && (*month)["from"].is_string() && (*month)["to"].is_string())
            doc["service_period"] = format_date((*month)["from"].get<std::string>(), l) + " – " + format_date((*month)["to"].get<std::string>(), l);
        else if (est.contains("timeline") && est["timeline"].is_array() && !est["timeline"].empty() && est["timeline"].front().contains("start") &&
            est["timeline"].back().contains("end"))
            doc["service_period"] = format_date(est["timeline"].front()["start"].get<std::string>(), l) + " – " +
                                    format_date(est["timeline"].back()["end"].get<std::string>(), l);
        else
            doc["service_period"] = doc["date"];
        // The QR code to pay it: an issued invoice with its number, not paid yet.
        const std::string status = q.text(8);
        if (!q.is_null(1) && (status == "issued" || status == "partially_paid")) {
            PaymentDetails p;
            p.currency = currency;
            p.payee = d["studio"]["legal_name"].get<std::string>();
            p.payee_inn = d["studio"]["inn"].get<std::string>();
            p.account = bank_field(bank, "account");
            p.bank = bank_field(bank, "bank");
            p.bik = bank_field(bank, "bik");
            p.corr_account = bank_field(bank, "corr_account");
            p.payee_kpp = bank_field(bank, "kpp");
            p.iban = bank_field(bank, "iban");
            p.bic = bank_field(bank, "bic");
            p.amount_minor = q.int64(5);
            p.reference = q.text(1);
            p.purpose = t["purpose_invoice"].get<std::string>() + " " + t["no"].get<std::string>() + " " + q.text(1) + " " +
                        t["purpose_of"].get<std::string>() + " " + doc["date"].get<std::string>() + ". " +
                        (mode == "no_vat" ? t["purpose_no_vat"].get<std::string>()
                                          : d["totals"]["tax_label"].get<std::string>() + " " + d["totals"]["tax"].get<std::string>());
            if (l == Lang::ru && mode != "no_vat") p.purpose = t["purpose_invoice"].get<std::string>() + " № " + q.text(1) + " от " +
                                                               doc["date"].get<std::string>() + ". В т.ч. НДС " + rate_text(bp, l) + " — " +
                                                               d["totals"]["tax"].get<std::string>();
            if (auto text = payment_qr_text(p)) d["payment"] = {{"qr_svg", qr_svg(*text)}, {"qr_text", *text}};
        }
    } else {
        throw Error("document: kind: expected proposal, contract, invoice or act, got \"" + std::string(kind) + "\"");
    }
    // What each printed page's footer names: the kind and number of the document.
    doc["label"] = labels(l)[std::string(kind)].get<std::string>() +
                   (doc["number"].is_string() ? " " + labels(l)["no"].get<std::string>() + " " + doc["number"].get<std::string>() : "");
    d["doc"] = doc;
    d["client"] = client_data(db, lead_id, l, &title);
    d["title"] = title;
    if (!estimate_body.empty()) {
        json est = parse_json_or_discard(estimate_body);
        if (!est.is_object()) throw Error("document: the estimate of this document is not valid JSON");
        estimate_data(est, l, d);
        if (kind == "act") d["estimate"] = {{"currency", est["currency"]}, {"total", est["total"]}, {"tax", est["tax"]}};
        currency = est.value("currency", currency);
        if (d["totals"]["tax"].is_null()) d["totals"]["tax_label"] = no_vat_text(bank, l);
    }
    if (kind == "contract" && d.contains("totals")) {
        const json& tt = d["totals"];
        std::string price = tt["total"].get<std::string>() + " (" + tt["total_words"].get<std::string>() + "), " +
                            (tt["tax"].is_null() ? tt["tax_label"].get<std::string>()
                                                 : labels(l)["vat_included"].get<std::string>() + " " + tt["tax_pct"].get<std::string>() + ": " +
                                                       tt["tax"].get<std::string>());
        d["clauses"] = contract_clauses(l, d["studio"]["country"] == "fr", price, d.value("working_days", std::string("0")));
        d["details_n"] = std::to_string(d["clauses"].size() + 1);
    }
    if (kind == "act" && !d.contains("act")) act_data(d, l);
    // The French mentions a facture must carry (Code de commerce L441-10).
    const bool fr_studio = d["studio"]["country"] == "fr";
    d["fr_mentions"] = fr_studio && kind == "invoice";
    d["b2b"] = d["client"]["professional"];
    d["bank"] = bank_rows(bank, currency, l);
    d["pay_to"] = {{"bank", req(bank, "bank")}, {"bik", req(bank, "bik")}, {"account", req(bank, "account")},
                   {"corr_account", req(bank, "corr_account")}, {"iban", req(bank, "iban")}, {"bic", req(bank, "bic")}};
    // The studio's choices for its documents: rates and hours shown to the
    // client or not, how long an offer holds, a word about the studio.
    json ds = doc_settings(db);
    if (d.contains("scope")) {
        const bool show = ds.value("show_rates", false);
        d["show_rates"] = show;
        for (json& st : d["scope"]) st["cols"] = show ? "3" : "2";
        d["scope_cols"] = show ? "3" : "2";
        d["scope_cols_all"] = show ? "4" : "3";
    }
    if (kind == "proposal") {
        d["structure"] = structure_data(db, lead_id, l);
        const int64_t days = ds.value("validity_days", (int64_t)30);
        d["valid_until"] = nullptr;
        if (days > 0) {
            Stmt c(db, "SELECT substr(created_at, 1, 10) FROM proposals WHERE id = ?1");
            c.bind(1, id);
            if (c.step()) d["valid_until"] = format_date(iso_date(day_number(c.text(0), "created_at") + days), l);
        }
        json about = ds.contains("about") && ds["about"].is_object() ? ds["about"] : json::object();
        static const char* const about_default[3] = {
            " — студия веб-разработки: исследуем задачу, проектируем, рисуем дизайн, разрабатываем и запускаем сайты и остаёмся рядом после запуска.",
            " est un studio web : nous étudions votre besoin, concevons, dessinons, développons et mettons en ligne votre site, et restons à vos côtés ensuite.",
            " is a web studio: we study the task, plan, design, build and launch websites, and stay with you after the launch."};
        d["about"] = about.contains(lang_code(l)) && about[lang_code(l)].is_string() && !about[lang_code(l)].get<std::string>().empty()
                         ? about[lang_code(l)]
                         : json(d["studio"]["name"].get<std::string>() + about_default[l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2]);
        d["next_steps"] = labels(l)["next_steps_list"];
    }
    return d;
}

std::string document_html(sqlite3* db, std::string_view kind, std::string_view id, Lang l) {
    // An act: "<contract>/<stage>", "<contract>" (the whole project) or an
    // issued act's id; an issued act is its frozen copy in its language,
    // anything else is made now from the signed contract and the stage's
    // completion.
    if (kind == "act") {
        Stmt a(db, "SELECT snapshot_html, lang, contract_id || CASE WHEN stage = '' THEN '' ELSE '/' || stage END FROM acts"
                   " WHERE id = ?1 OR (contract_id = ?2 AND stage = ?3)");
        const size_t slash = id.find('/');
        a.bind(1, id).bind(2, id.substr(0, slash)).bind(3, slash == std::string_view::npos ? std::string_view() : id.substr(slash + 1));
        std::string ref(id);
        if (a.step()) {
            if (a.text(1) == lang_code(l)) return a.text(0);
            ref = a.text(2);
        }
        return render_template(document_template(db, "act", l), document_data(db, kind, ref, l));
    }
    if (kind != "proposal" && kind != "contract" && kind != "invoice")
        throw Error("document: kind: expected proposal, contract or invoice, got \"" + std::string(kind) + "\"");
    // Frozen snapshot: what the client accepted (or the issued invoice), in its language.
    std::string sql = "SELECT snapshot_html, lang FROM " + std::string(kind) + "s WHERE id = ?1";
    Stmt s(db, sql.c_str());
    s.bind(1, id);
    if (!s.step()) throw Error("document: id: no " + std::string(kind) + " with id \"" + std::string(id) + "\"", ErrorKind::not_found);
    if (!s.is_null(0) && s.text(1) == lang_code(l)) return s.text(0);
    return render_template(document_template(db, kind, l), document_data(db, kind, id, l));
}

std::string document_template(sqlite3* db, std::string_view kind, Lang l) {
    // A template the studio stored for this kind and language, else the default.
    Stmt t(db, "SELECT body FROM templates WHERE kind = ?1 AND lang = ?2 ORDER BY version DESC LIMIT 1");
    t.bind(1, kind).bind(2, lang_code(l));
    return t.step() ? t.text(0) : default_template(kind, l);
}

std::string draft_number_label(Lang lang) { return labels(lang)["draft_number"].get<std::string>(); }

}  // namespace atelier
