// atelier/defaults_briefs.cpp — the three default brief templates.
//
// The templates are JSON data (stored in brief_templates and editable by the
// studio); they are assembled here from a shared pool of questions so that
// the three stay consistent. The question ids are what the default price
// list's rules read.
#include "brief.h"

namespace atelier {

using nlohmann::json;

namespace {

json T(const char* ru, const char* fr, const char* en) { return json{{"ru", ru}, {"fr", fr}, {"en", en}}; }

json option(const char* id, json label) { return json{{"id", id}, {"label", std::move(label)}}; }

json q(const char* id, const char* type, bool required, json label, json help = nullptr) {
    json j = {{"id", id}, {"type", type}, {"required", required}, {"label", std::move(label)}};
    if (!help.is_null()) j["help"] = std::move(help);
    return j;
}

json number(const char* id, bool required, int64_t min, int64_t max, json label, json help = nullptr) {
    json j = q(id, "number", required, std::move(label), std::move(help));
    j["min"] = min;
    j["max"] = max;
    return j;
}

json with_options(json j, json options) {
    j["options"] = std::move(options);
    return j;
}

json company() { return q("company", "text", true, T("Название компании", "Nom de l'entreprise", "Company name")); }
json activity() {
    return q("activity", "longtext", true, T("Чем занимается компания?", "Quelle est l'activité de l'entreprise ?", "What does the company do?"),
             T("Продукты, услуги, клиенты — в нескольких предложениях.", "Produits, services, clients — en quelques phrases.",
               "Products, services, customers, in a few sentences."));
}
json goals() {
    return with_options(q("goals", "multi", true, T("Цели сайта", "Objectifs du site", "Goals of the site")),
                        json::array({option("leads", T("Заявки", "Demandes de contact", "Leads")),
                                     option("sales", T("Продажи онлайн", "Ventes en ligne", "Online sales")),
                                     option("brand", T("Имидж", "Image de marque", "Brand image")),
                                     option("info", T("Информирование клиентов", "Information des clients", "Informing customers"))}));
}
json pages(int64_t max) {
    return number("pages", true, 1, max, T("Сколько разных макетов страниц?", "Combien de gabarits de pages différents ?", "How many distinct page layouts?"),
                  T("Главная, раздел, карточка, контакты… — каждый уникальный вид страницы.",
                    "Accueil, rubrique, fiche, contact… — chaque type de page distinct.",
                    "Home, section, detail, contacts…: each distinct kind of page."));
}
json sections() {
    return with_options(q("sections", "multi", false, T("Разделы сайта", "Rubriques du site", "Sections of the site")),
                        json::array({option("about", T("О компании", "À propos", "About")),
                                     option("services", T("Услуги", "Services", "Services")),
                                     option("portfolio", T("Портфолио", "Réalisations", "Portfolio")),
                                     option("news", T("Новости", "Actualités", "News")),
                                     option("blog", T("Блог", "Blog", "Blog")),
                                     option("team", T("Команда", "Équipe", "Team")),
                                     option("faq", T("Вопросы и ответы", "FAQ", "FAQ")),
                                     option("careers", T("Вакансии", "Carrières", "Careers")),
                                     option("contacts", T("Контакты", "Contact", "Contacts"))}));
}
json content_pages() {
    return number("content_pages", false, 0, 2000, T("Сколько страниц текста написать нам?", "Combien de pages de texte devons-nous rédiger ?", "How many pages of text should we write?"),
                  T("0 — тексты предоставите вы.", "0 — vous fournissez les textes.", "0 if you provide the texts."));
}
json languages() { return number("languages", true, 1, 10, T("Сколько языков у сайта?", "Combien de langues ?", "How many languages?")); }
json needs_catalogue() { return q("needs_catalogue", "yesno", false, T("Нужен каталог товаров или услуг?", "Faut-il un catalogue de produits ou de services ?", "Do you need a catalogue of products or services?")); }
json catalogue_items(bool required) {
    return number("catalogue_items", required, 0, 100000, T("Сколько позиций в каталоге?", "Combien d'articles au catalogue ?", "How many catalogue items?"),
                  T("Мы заполним карточки позиций.", "Nous remplissons les fiches produits.", "We fill in the item pages."));
}
json design_level() {
    return with_options(q("design_level", "choice", true, T("Уровень дизайна", "Niveau de design", "Design level")),
                        json::array({option("template", T("На основе шаблона", "À partir d'un modèle", "Based on a template")),
                                     option("custom", T("Индивидуальный", "Sur mesure", "Custom")),
                                     option("premium", T("Премиальный, с анимацией", "Premium, avec animations", "Premium, with animation"))}));
}
json integrations() {
    return with_options(q("integrations", "multi", false, T("Интеграции", "Intégrations", "Integrations")),
                        json::array({option("crm", T("CRM", "CRM", "CRM")),
                                     option("payment", T("Онлайн-оплата", "Paiement en ligne", "Online payment")),
                                     option("delivery", T("Службы доставки", "Transporteurs", "Delivery services")),
                                     option("erp", T("1С / ERP", "ERP", "ERP")),
                                     option("analytics", T("Веб-аналитика", "Analytique web", "Web analytics")),
                                     option("mailing", T("E-mail рассылки", "E-mailing", "E-mail marketing"))}));
}
json seo() { return q("seo", "yesno", false, T("Нужна базовая SEO-настройка?", "Faut-il un référencement de base (SEO) ?", "Do you need basic SEO set-up?")); }
json urgency() {
    return with_options(q("urgency", "choice", true, T("Срочность", "Urgence", "Urgency")),
                        json::array({option("normal", T("Обычные сроки", "Délais normaux", "Normal")),
                                     option("fast", T("Быстрее обычного", "Plus rapide", "Faster")),
                                     option("rush", T("Очень срочно", "Très urgent", "Rush"))}));
}
json deadline() { return q("deadline", "date", false, T("Желаемая дата запуска", "Date de lancement souhaitée", "Desired launch date")); }
json budget() { return q("budget", "text", false, T("Ориентировочный бюджет", "Budget indicatif", "Indicative budget")); }
json comments() { return q("comments", "longtext", false, T("Что ещё нам важно знать?", "Autre chose à nous dire ?", "Anything else we should know?")); }
json references() {
    return q("references", "longtext", false, T("Сайты, которые вам нравятся, и почему", "Des sites que vous aimez, et pourquoi", "Sites you like, and why"));
}

json requisites() {
    return q("requisites", "requisites", false,
             T("Реквизиты для договора и счёта", "Coordonnées légales pour le contrat et la facture", "Legal details for the contract and invoice"),
             T("Если платит организация или ИП. Можно заполнить позже, при подписании договора.",
               "Si une entreprise règle la facture. Vous pourrez aussi les donner à la signature du contrat.",
               "If a company pays. You can also give them when you sign the contract."));
}

json section(const char* id, json title, json questions) {
    return json{{"id", id}, {"title", std::move(title)}, {"questions", std::move(questions)}};
}

json tpl(const char* code, json title, json sections) {
    return json{{"code", code}, {"version", 1}, {"title", std::move(title)}, {"sections", std::move(sections)}};
}

}  // namespace

const std::vector<json>& default_brief_templates() {
    static const std::vector<json> all = {
        tpl("corporate", T("Бриф на корпоративный сайт", "Brief : site d'entreprise", "Brief: corporate website"),
            json::array({
                section("company", T("О компании", "L'entreprise", "The company"), json::array({company(), activity(), goals()})),
                section("structure", T("Структура и контент", "Structure et contenu", "Structure and content"),
                        json::array({pages(200), sections(), content_pages(), languages(), needs_catalogue(), catalogue_items(false)})),
                section("work", T("Дизайн и функции", "Design et fonctions", "Design and features"),
                        json::array({design_level(), integrations(), seo(), references()})),
                section("terms", T("Сроки и бюджет", "Délais et budget", "Timing and budget"),
                        json::array({urgency(), deadline(), budget(), comments()})),
                section("requisites", T("Реквизиты", "Coordonnées légales", "Legal details"), json::array({requisites()})),
            })),
        tpl("shop", T("Бриф на интернет-магазин", "Brief : boutique en ligne", "Brief: online shop"),
            json::array({
                section("company", T("О компании", "L'entreprise", "The company"), json::array({company(), activity(), goals()})),
                section("catalogue", T("Каталог", "Catalogue", "Catalogue"),
                        json::array({catalogue_items(true), pages(200), sections(), content_pages(), languages()})),
                section("work", T("Дизайн и функции", "Design et fonctions", "Design and features"),
                        json::array({design_level(), integrations(), seo(), references()})),
                section("terms", T("Сроки и бюджет", "Délais et budget", "Timing and budget"),
                        json::array({urgency(), deadline(), budget(), comments()})),
                section("requisites", T("Реквизиты", "Coordonnées légales", "Legal details"), json::array({requisites()})),
            })),
        tpl("landing", T("Бриф на лендинг", "Brief : page d'atterrissage", "Brief: landing page"),
            json::array({
                section("company", T("О компании и предложении", "L'entreprise et l'offre", "The company and the offer"),
                        json::array({company(), activity(), goals()})),
                section("page", T("Страница", "La page", "The page"),
                        json::array({pages(3), sections(), content_pages(), languages()})),
                section("work", T("Дизайн и функции", "Design et fonctions", "Design and features"),
                        json::array({design_level(), integrations(), references()})),
                section("terms", T("Сроки и бюджет", "Délais et budget", "Timing and budget"),
                        json::array({urgency(), deadline(), budget(), comments()})),
                section("requisites", T("Реквизиты", "Coordonnées légales", "Legal details"), json::array({requisites()})),
            })),
    };
    return all;
}

}  // namespace atelier
