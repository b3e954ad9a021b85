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
    {"id": "research",    "name": {"ru": "Исследование и прототип", "fr": "Étude et prototype", "en": "Research and prototype"}, "buffer_days": 2,
     "client_provides": {"ru": "Час на интервью: цели сайта, клиенты, конкуренты; доступ к аналитике, если сайт уже есть.",
                         "fr": "Une heure d’entretien : objectifs du site, clients, concurrents ; l’accès aux statistiques si un site existe.",
                         "en": "An hour's interview: the site's goals, customers, competitors; access to analytics if there is a site already."},
     "checklist": {"ru": ["Интервью с клиентом", "Анализ конкурентов", "Структура сайта", "Прототипы ключевых страниц", "Согласование прототипа"],
                   "fr": ["Entretien avec le client", "Analyse de la concurrence", "Arborescence du site", "Prototypes des pages clés", "Validation du prototype"],
                   "en": ["Client interview", "Competitor analysis", "Site structure", "Key page prototypes", "Prototype approved"]},
     "materials": {"ru": ["Доступ к аналитике текущего сайта (если есть)", "Три сайта, которые вам нравятся, и почему"],
                   "fr": ["Accès aux statistiques du site actuel (s’il existe)", "Trois sites que vous aimez, et pourquoi"],
                   "en": ["Access to the current site's analytics (if any)", "Three sites you like, and why"]}},
    {"id": "design",      "name": {"ru": "Дизайн", "fr": "Design", "en": "Design"}, "buffer_days": 3,
     "client_provides": {"ru": "Логотип в векторе, фирменные цвета и шрифты, фотографии.",
                         "fr": "Le logo en vectoriel, les couleurs et polices de la marque, les photos.",
                         "en": "The logo as a vector file, brand colours and fonts, photos."},
     "checklist": {"ru": ["Концепция главной страницы", "Макеты внутренних страниц", "Мобильные версии", "Согласование макетов"],
                   "fr": ["Concept de la page d’accueil", "Maquettes des pages intérieures", "Versions mobiles", "Validation des maquettes"],
                   "en": ["Home page concept", "Inner page layouts", "Mobile layouts", "Layouts approved"]},
     "materials": {"ru": ["Логотип в SVG или AI", "Фирменные цвета и шрифты (брендбук, если есть)", "Фотографии для сайта"],
                   "fr": ["Logo en SVG ou AI", "Couleurs et polices de la marque (charte, si elle existe)", "Photos pour le site"],
                   "en": ["Logo in SVG or AI", "Brand colours and fonts (brand book, if any)", "Photos for the site"]}},
    {"id": "development", "name": {"ru": "Разработка", "fr": "Développement", "en": "Development"}, "buffer_days": 2,
     "client_provides": {"ru": "Доступы к хостингу и домену.", "fr": "Les accès à l’hébergement et au nom de domaine.",
                         "en": "Access to the hosting and the domain."},
     "checklist": {"ru": ["Вёрстка страниц", "Настройка CMS", "Формы и уведомления", "Проверка на телефонах"],
                   "fr": ["Intégration des pages", "Paramétrage du CMS", "Formulaires et notifications", "Vérification sur mobiles"],
                   "en": ["Page coding", "CMS set-up", "Forms and notifications", "Checked on phones"]},
     "materials": {"ru": ["Доступы к хостингу и домену"], "fr": ["Accès à l’hébergement et au nom de domaine"],
                   "en": ["Access to the hosting and the domain"]}},
    {"id": "integration", "name": {"ru": "Интеграции", "fr": "Intégrations", "en": "Integrations"}, "buffer_days": 1,
     "client_provides": {"ru": "Доступы к CRM, платёжной системе и другим сервисам.", "fr": "Les accès au CRM, au paiement et aux autres services.",
                         "en": "Access to the CRM, the payment provider and other services."},
     "checklist": {"ru": ["Подключение сервисов", "Тестовые заявки и оплаты"], "fr": ["Connexion des services", "Demandes et paiements de test"],
                   "en": ["Services connected", "Test requests and payments"]},
     "materials": {"ru": ["Доступы к CRM и платёжной системе"], "fr": ["Accès au CRM et au paiement"], "en": ["Access to the CRM and the payment provider"]}},
    {"id": "content",     "name": {"ru": "Наполнение контентом", "fr": "Contenu", "en": "Content"}, "buffer_days": 2,
     "client_provides": {"ru": "Тексты страниц, описания товаров или услуг, цены.", "fr": "Les textes des pages, les descriptions des produits ou services, les prix.",
                         "en": "Page texts, descriptions of the products or services, prices."},
     "checklist": {"ru": ["Тексты размещены", "Изображения оптимизированы", "Мета-теги заполнены"],
                   "fr": ["Textes en place", "Images optimisées", "Balises méta renseignées"], "en": ["Texts in place", "Images optimised", "Meta tags filled in"]},
     "materials": {"ru": ["Тексты страниц", "Описания и цены товаров или услуг"], "fr": ["Textes des pages", "Descriptions et prix des produits ou services"],
                   "en": ["Page texts", "Descriptions and prices of the products or services"]}},
    {"id": "launch",      "name": {"ru": "Тестирование и запуск", "fr": "Recette et mise en ligne", "en": "Testing and launch"}, "buffer_days": 2,
     "client_provides": {"ru": "Проверить сайт на тестовом адресе и прислать замечания одним списком.",
                         "fr": "Vérifier le site à l’adresse de test et envoyer vos remarques en une seule liste.",
                         "en": "Check the site at its test address and send your remarks as one list."},
     "checklist": {"ru": ["Тестирование в браузерах", "Аналитика и цели", "Перенос на домен", "Обучение клиента"],
                   "fr": ["Tests dans les navigateurs", "Statistiques et objectifs", "Mise en ligne sur le domaine", "Formation du client"],
                   "en": ["Browser testing", "Analytics and goals", "Moved to the domain", "Client trained"]},
     "materials": {"ru": ["Замечания по тестовой версии одним списком"], "fr": ["Vos remarques sur la version de test, en une liste"],
                   "en": ["Your remarks on the test version, as one list"]}}
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
