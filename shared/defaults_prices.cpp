// atelier/defaults_prices.cpp — the default price lists (RUB and EUR).
//
// Calibration (tests/unit/unit-pricing.cpp checks it): the default corporate
// brief with typical answers (12 layouts, 6 sections, 20 pages of text, one
// language, custom design, CRM and analytics, SEO) costs between 500,000 and
// 1,000,000 RUB; a content-heavy brief has more copywriting hours than
// programming hours. The EUR list has the same services at French rates with
// VAT on top.
#include "pricing.h"

namespace atelier {

namespace {

// Everything but the currency, rates and tax is shared by both lists.
const char* kServicesAndRules = R"JSON(
  "hours_per_day": 6,
  "stages": [
    {"id": "research",    "name": {"ru": "Исследование и прототип", "fr": "Étude et prototype", "en": "Research and prototype"}, "buffer_days": 2},
    {"id": "design",      "name": {"ru": "Дизайн", "fr": "Design", "en": "Design"}, "buffer_days": 3},
    {"id": "development", "name": {"ru": "Разработка", "fr": "Développement", "en": "Development"}, "buffer_days": 2},
    {"id": "integration", "name": {"ru": "Интеграции", "fr": "Intégrations", "en": "Integrations"}, "buffer_days": 1},
    {"id": "content",     "name": {"ru": "Наполнение контентом", "fr": "Contenu", "en": "Content"}, "buffer_days": 2},
    {"id": "launch",      "name": {"ru": "Тестирование и запуск", "fr": "Recette et mise en ligne", "en": "Testing and launch"}, "buffer_days": 2}
  ],
  "services": [
    {"id": "discovery", "stage": "research", "driver": "fixed", "hours": {"analyst": 12, "pm": 6},
     "name": {"ru": "Анализ задачи, конкурентов и аудитории", "fr": "Analyse du besoin, de la concurrence et du public", "en": "Brief, competitor and audience analysis"}},
    {"id": "prototype", "stage": "research", "driver": "per_page", "hours": {"analyst": 1.5},
     "name": {"ru": "Прототип страницы", "fr": "Prototype de page", "en": "Page prototype"}},
    {"id": "management", "stage": "launch", "driver": "fixed", "hours": {"pm": 16},
     "name": {"ru": "Управление проектом", "fr": "Gestion de projet", "en": "Project management"}},
    {"id": "page_design", "stage": "design", "driver": "per_page", "hours": {"designer": 5},
     "name": {"ru": "Дизайн макета страницы", "fr": "Maquette graphique de page", "en": "Page layout design"}},
    {"id": "page_layout", "stage": "development", "driver": "per_page", "hours": {"frontend": 3.5},
     "name": {"ru": "Вёрстка макета страницы", "fr": "Intégration HTML/CSS de page", "en": "Page layout coding"}},
    {"id": "cms", "stage": "development", "driver": "fixed", "hours": {"backend": 12},
     "name": {"ru": "Установка и настройка CMS", "fr": "Installation et paramétrage du CMS", "en": "CMS set-up"}},
    {"id": "section_module", "stage": "development", "driver": "per_item", "hours": {"backend": 2.5, "frontend": 1},
     "name": {"ru": "Программирование раздела", "fr": "Développement de rubrique", "en": "Section module"}},
    {"id": "catalogue", "stage": "development", "driver": "fixed", "hours": {"backend": 32, "frontend": 12, "designer": 6},
     "name": {"ru": "Каталог с фильтрами и поиском", "fr": "Catalogue avec filtres et recherche", "en": "Catalogue with filters and search"}},
    {"id": "catalogue_items", "stage": "content", "driver": "per_item", "hours": {"copywriter": 0.25},
     "name": {"ru": "Заполнение карточек каталога", "fr": "Saisie des fiches du catalogue", "en": "Catalogue item entry"}},
    {"id": "integration_crm", "stage": "integration", "driver": "fixed", "hours": {"backend": 12},
     "name": {"ru": "Интеграция с CRM", "fr": "Intégration CRM", "en": "CRM integration"}},
    {"id": "integration_payment", "stage": "integration", "driver": "fixed", "hours": {"backend": 16},
     "name": {"ru": "Подключение онлайн-оплаты", "fr": "Paiement en ligne", "en": "Online payment"}},
    {"id": "integration_delivery", "stage": "integration", "driver": "fixed", "hours": {"backend": 14},
     "name": {"ru": "Интеграция со службами доставки", "fr": "Intégration des transporteurs", "en": "Delivery services integration"}},
    {"id": "integration_erp", "stage": "integration", "driver": "fixed", "hours": {"backend": 32},
     "name": {"ru": "Обмен с 1С / ERP", "fr": "Échanges avec l'ERP", "en": "ERP data exchange"}},
    {"id": "integration_analytics", "stage": "integration", "driver": "fixed", "hours": {"seo": 4, "frontend": 2},
     "name": {"ru": "Настройка веб-аналитики и целей", "fr": "Analytique web et objectifs", "en": "Web analytics and goals"}},
    {"id": "integration_mailing", "stage": "integration", "driver": "fixed", "hours": {"backend": 8},
     "name": {"ru": "Интеграция с сервисом рассылок", "fr": "Intégration de l'e-mailing", "en": "E-mail marketing integration"}},
    {"id": "copywriting", "stage": "content", "driver": "per_page", "hours": {"copywriter": 4},
     "name": {"ru": "Написание текста страницы", "fr": "Rédaction de page", "en": "Page copywriting"}},
    {"id": "translation", "stage": "content", "driver": "per_language", "hours": {"copywriter": 16, "frontend": 4},
     "name": {"ru": "Языковая версия", "fr": "Version linguistique", "en": "Language version"}},
    {"id": "seo_setup", "stage": "launch", "driver": "fixed", "hours": {"seo": 16},
     "name": {"ru": "Базовая SEO-оптимизация", "fr": "Référencement de base", "en": "Basic SEO"}},
    {"id": "testing", "stage": "launch", "driver": "fixed", "hours": {"frontend": 6, "backend": 6, "pm": 4},
     "name": {"ru": "Тестирование и запуск", "fr": "Recette et mise en ligne", "en": "Testing and launch"}}
  ],
  "options": [
    {"id": "design_template", "applies_to": "hours", "percent": 50, "roles": ["designer"],
     "name": {"ru": "Дизайн на основе шаблона", "fr": "Design à partir d'un modèle", "en": "Template-based design"}},
    {"id": "design_premium", "applies_to": "hours", "percent": 160, "roles": ["designer", "frontend"],
     "name": {"ru": "Премиальный дизайн с анимацией", "fr": "Design premium avec animations", "en": "Premium design with animation"}},
    {"id": "urgency_fast", "applies_to": "rate", "percent": 120, "roles": ["*"],
     "name": {"ru": "Ускоренные сроки (+20 %)", "fr": "Délais accélérés (+20 %)", "en": "Faster delivery (+20%)"}},
    {"id": "urgency_rush", "applies_to": "rate", "percent": 150, "roles": ["*"],
     "name": {"ru": "Срочный проект (+50 %)", "fr": "Projet urgent (+50 %)", "en": "Rush project (+50%)"}}
  ],
  "payment_schedule": [
    {"percent": 50, "name": {"ru": "Предоплата", "fr": "Acompte à la commande", "en": "Advance payment"}},
    {"percent": 50, "name": {"ru": "Окончательный расчёт после запуска", "fr": "Solde à la mise en ligne", "en": "Balance on launch"}}
  ],
  "rules": [
    {"service": "discovery"},
    {"service": "prototype", "quantity": {"answer": "pages"}},
    {"service": "page_design", "quantity": {"answer": "pages"},
     "assumption": {"ru": "Макетов страниц: {n}", "fr": "Gabarits de pages : {n}", "en": "Page layouts: {n}"}},
    {"service": "page_layout", "quantity": {"answer": "pages"}},
    {"service": "cms"},
    {"service": "section_module", "quantity": {"count": "sections"},
     "assumption": {"ru": "Разделов сайта: {n}", "fr": "Rubriques : {n}", "en": "Site sections: {n}"}},
    {"service": "catalogue", "when": {"any": [{"answer": "needs_catalogue", "is": true}, {"answer": "catalogue_items", "gt": 0}]}},
    {"service": "catalogue_items", "quantity": {"answer": "catalogue_items"},
     "assumption": {"ru": "Позиций каталога заполняем: {n}", "fr": "Articles du catalogue saisis : {n}", "en": "Catalogue items entered: {n}"}},
    {"service": "integration_crm", "when": {"answer": "integrations", "has": "crm"}},
    {"service": "integration_payment", "when": {"answer": "integrations", "has": "payment"}},
    {"service": "integration_delivery", "when": {"answer": "integrations", "has": "delivery"}},
    {"service": "integration_erp", "when": {"answer": "integrations", "has": "erp"}},
    {"service": "integration_analytics", "when": {"answer": "integrations", "has": "analytics"}},
    {"service": "integration_mailing", "when": {"answer": "integrations", "has": "mailing"}},
    {"service": "copywriting", "quantity": {"answer": "content_pages"},
     "assumption": {"ru": "Страниц текста пишем: {n}", "fr": "Pages de texte rédigées : {n}", "en": "Pages of text written: {n}"}},
    {"service": "translation", "quantity": {"answer": "languages", "minus": 1},
     "assumption": {"ru": "Дополнительных языков: {n}", "fr": "Langues supplémentaires : {n}", "en": "Additional languages: {n}"}},
    {"service": "seo_setup", "when": {"answer": "seo", "is": true}},
    {"service": "management"},
    {"service": "testing"},
    {"option": "design_template", "when": {"answer": "design_level", "is": "template"}},
    {"option": "design_premium", "when": {"answer": "design_level", "is": "premium"}},
    {"option": "urgency_fast", "when": {"answer": "urgency", "is": "fast"}},
    {"option": "urgency_rush", "when": {"answer": "urgency", "is": "rush"}}
  ]
)JSON";

std::string roles(int64_t pm, int64_t designer, int64_t frontend, int64_t backend, int64_t copywriter, int64_t seo,
                  int64_t analyst) {
    auto role = [](const char* id, const char* ru, const char* fr, const char* en, int64_t rate) {
        return std::string("{\"id\": \"") + id + "\", \"name\": {\"ru\": \"" + ru + "\", \"fr\": \"" + fr +
               "\", \"en\": \"" + en + "\"}, \"rate\": " + std::to_string(rate) + "}";
    };
    return "\"roles\": [" + role("pm", "Менеджер проекта", "Chef de projet", "Project manager", pm) + ",\n" +
           role("designer", "Дизайнер", "Designer", "Designer", designer) + ",\n" +
           role("frontend", "Фронтенд-разработчик", "Développeur front-end", "Front-end developer", frontend) + ",\n" +
           role("backend", "Бэкенд-разработчик", "Développeur back-end", "Back-end developer", backend) + ",\n" +
           role("copywriter", "Копирайтер", "Rédacteur", "Copywriter", copywriter) + ",\n" +
           role("seo", "SEO-специалист", "Spécialiste SEO", "SEO specialist", seo) + ",\n" +
           role("analyst", "Аналитик", "Analyste", "Analyst", analyst) + "]";
}

}  // namespace

const std::string& default_price_list_rub() {
    static const std::string s = std::string("{\n  \"currency\": \"RUB\",\n  ") +
        roles(250000, 280000, 280000, 350000, 150000, 200000, 280000) + ",\n" +
        R"JSON(  "tax": {"mode": "no_vat", "rate_bp": 0},
  "discounts": [
    {"id": "loyal", "percent": 10, "floor": 20000000, "name": {"ru": "Постоянному клиенту", "fr": "Client fidèle", "en": "Returning client"}},
    {"id": "nonprofit", "percent": 15, "floor": 15000000, "name": {"ru": "Некоммерческой организации", "fr": "Association", "en": "Non-profit"}},
    {"id": "promo", "amount": 5000000, "floor": 10000000, "name": {"ru": "Акция: 50 000 ₽", "fr": "Promotion : 50 000 ₽", "en": "Promotion: 50,000 ₽"}}
  ],)JSON" + kServicesAndRules + "}\n";
    return s;
}

const std::string& default_price_list_eur() {
    static const std::string s = std::string("{\n  \"currency\": \"EUR\",\n  ") +
        roles(7500, 6500, 6500, 7500, 5000, 6000, 7000) + ",\n" +
        R"JSON(  "tax": {"mode": "vat_on_top", "rate_bp": 2000},
  "discounts": [
    {"id": "loyal", "percent": 10, "floor": 300000, "name": {"ru": "Постоянному клиенту", "fr": "Client fidèle", "en": "Returning client"}},
    {"id": "nonprofit", "percent": 15, "floor": 200000, "name": {"ru": "Некоммерческой организации", "fr": "Association", "en": "Non-profit"}},
    {"id": "promo", "amount": 50000, "floor": 150000, "name": {"ru": "Акция: 500 €", "fr": "Promotion : 500 €", "en": "Promotion: €500"}}
  ],)JSON" + kServicesAndRules + "}\n";
    return s;
}

}  // namespace atelier
