// wasm_app/ui_text.cpp — see ui_text.h. One row per key: ru, fr, en.
#include "ui_text.h"

namespace ui {

namespace {

struct Row {
    const char* ru;
    const char* fr;
    const char* en;
};

const Row kText[] = {
    /* AppTitle */ {"Atelier — заявки", "Atelier — demandes", "Atelier — leads"},
    /* Loading */ {"Загрузка…", "Chargement…", "Loading…"},
    /* StorageError */ {"Хранилище браузера недоступно: данные не сохранятся",
                        "Stockage du navigateur indisponible : les données ne seront pas conservées",
                        "Browser storage unavailable: data will not be kept"},
    /* NewLead */ {"Новая заявка", "Nouvelle demande", "New lead"},
    /* ClientName */ {"Клиент", "Client", "Client"},
    /* Company */ {"Компания", "Société", "Company"},
    /* Email */ {"E-mail", "E-mail", "E-mail"},
    /* Phone */ {"Телефон", "Téléphone", "Phone"},
    /* Source */ {"Источник", "Source", "Source"},
    /* Language */ {"Язык", "Langue", "Language"},
    /* Add */ {"Добавить", "Ajouter", "Add"},
    /* Leads */ {"Заявки", "Demandes", "Leads"},
    /* Client */ {"Клиент", "Client", "Client"},
    /* Stage */ {"Этап", "Étape", "Stage"},
    /* Amount */ {"Сумма", "Montant", "Amount"},
    /* Created */ {"Создана", "Créée", "Created"},
    /* Actions */ {"Действия", "Actions", "Actions"},
    /* Next */ {"Далее", "Suivant", "Next"},
    /* NoLeads */ {"Заявок пока нет", "Aucune demande pour l'instant", "No leads yet"},
    /* Saved */ {"Сохранено", "Enregistré", "Saved"},
    /* Saving */ {"Сохранение…", "Enregistrement…", "Saving…"},
    /* LeadAdded */ {"Заявка добавлена", "Demande ajoutée", "Lead added"},
    /* Search */ {"Поиск", "Recherche", "Search"},
    /* SourceWebsite */ {"Сайт", "Site web", "Website"},
    /* SourcePhone */ {"Звонок", "Téléphone", "Phone call"},
    /* SourceReferral */ {"Рекомендация", "Recommandation", "Referral"},
    /* SourceOther */ {"Другое", "Autre", "Other"},
    /* Online */ {"В сети", "En ligne", "Online"},
    /* Offline */ {"Офлайн: изменения хранятся на этом устройстве", "Hors ligne : les modifications restent sur cet appareil",
                   "Offline: changes are kept on this device"},
};
static_assert(sizeof(kText) / sizeof(kText[0]) == (size_t)T::Count, "one row per key");

struct StageRow {
    const char* id;
    Row name;
};
const StageRow kStages[] = {
    {"new", {"Новая", "Nouvelle", "New"}},
    {"brief_sent", {"Бриф отправлен", "Brief envoyé", "Brief sent"}},
    {"brief_filled", {"Бриф заполнен", "Brief rempli", "Brief filled"}},
    {"estimated", {"Расчёт готов", "Chiffrée", "Estimated"}},
    {"proposal_sent", {"КП отправлено", "Proposition envoyée", "Proposal sent"}},
    {"contract_sent", {"Договор отправлен", "Contrat envoyé", "Contract sent"}},
    {"invoiced", {"Счёт выставлен", "Facturée", "Invoiced"}},
    {"won", {"Выиграна", "Gagnée", "Won"}},
    {"lost", {"Проиграна", "Perdue", "Lost"}},
};

const char* pick(const Row& r, atelier::Lang lang) {
    switch (lang) {
        case atelier::Lang::fr: return r.fr;
        case atelier::Lang::en: return r.en;
        default: return r.ru;
    }
}

}  // namespace

const char* tr(T key, atelier::Lang lang) { return pick(kText[(size_t)key], lang); }

const char* stage_name(std::string_view stage, atelier::Lang lang) {
    for (const auto& s : kStages)
        if (stage == s.id) return pick(s.name, lang);
    return "?";
}

}  // namespace ui
