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

namespace ui {

namespace {

// The core says "atelier: <op>: <field>: <problem>"; the interface says the
// thing, the field and the problem in its language.
struct Word {
    const char* code;
    Row text;
};

const Word kOps[] = {
    {"lead", {"Заявка", "Demande", "Lead"}},
    {"contacts", {"Контакты", "Coordonnées", "Contacts"}},
    {"lead_move", {"Перенос заявки", "Déplacement de la demande", "Moving the lead"}},
    {"lose", {"Закрытие как проигранной", "Clôture comme perdue", "Closing as lost"}},
    {"win", {"Закрытие сделки", "Clôture de l'affaire", "Closing the deal"}},
    {"note", {"Заметка", "Note", "Note"}},
    {"task", {"Задача", "Tâche", "Task"}},
    {"snooze", {"Перенос задачи", "Report de la tâche", "Putting the task off"}},
    {"act", {"Акт", "Procès-verbal", "Certificate"}},
    {"stage", {"Этап", "Étape", "Stage"}},
    {"payment", {"Оплата", "Paiement", "Payment"}},
    {"owner", {"Ответственный", "Responsable", "Owner"}},
    {"requisites", {"Реквизиты", "Coordonnées légales", "Legal details"}},
    {"brief", {"Бриф", "Brief", "Brief"}},
    {"estimate", {"Расчёт", "Chiffrage", "Estimate"}},
    {"proposal", {"Предложение", "Proposition", "Proposal"}},
    {"contract", {"Договор", "Contrat", "Contract"}},
    {"invoice", {"Счёт", "Facture", "Invoice"}},
    {"document", {"Документ", "Document", "Document"}},
    {"price_list", {"Прайс-лист", "Tarifs", "Price list"}},
    {"template", {"Шаблон", "Modèle", "Template"}},
    {"studio", {"Студия", "Studio", "Studio"}},
    {"rule", {"Уведомление", "Notification", "Notification"}},
    {"calendar", {"Календарь", "Calendrier", "Calendar"}},
    {"send", {"Отправка", "Envoi", "Sending"}},
    {"day", {"День", "Jour", "Day"}},
};

const Word kFields[] = {
    {"client_name", {"имя клиента", "nom du client", "client's name"}},
    {"company", {"компания", "société", "company"}},
    {"email", {"e-mail", "e-mail", "e-mail"}},
    {"phone", {"телефон", "téléphone", "phone"}},
    {"lang", {"язык", "langue", "language"}},
    {"currency", {"валюта", "devise", "currency"}},
    {"reason", {"причина", "motif", "reason"}},
    {"text", {"текст", "texte", "text"}},
    {"name", {"имя", "nom", "name"}},
    {"title", {"название", "intitulé", "title"}},
    {"amount_minor", {"сумма", "montant", "amount"}},
    {"channel", {"способ", "canal", "channel"}},
    {"due_at", {"срок", "échéance", "due time"}},
    {"stage", {"этап", "étape", "stage"}},
    {"source", {"источник", "provenance", "source"}},
    {"owner_id", {"ответственный", "responsable", "owner"}},
    {"day", {"день", "jour", "day"}},
    {"country", {"страна", "pays", "country"}},
};

const Row kKind[] = {
    /* invalid */ {"значение не принято — проверьте его", "valeur refusée — vérifiez-la", "the value was refused — check it"},
    /* not_found */ {"не найдено: возможно, удалено на другом устройстве", "introuvable : peut-être supprimé sur un autre appareil",
                     "not found: it may have been deleted on another device"},
    /* conflict */ {"сейчас это сделать нельзя: данные уже изменились", "impossible pour l'instant : les données ont changé",
                    "cannot be done now: the data has changed"},
    /* forbidden */ {"на это нужны права владельца студии", "il faut les droits du propriétaire du studio", "this needs the studio owner's rights"},
    /* internal */ {"внутренняя ошибка — повторите действие", "erreur interne — réessayez", "internal error — try again"},
};

const char* lookup(const Word* table, size_t n, const std::string& code, atelier::Lang l) {
    for (size_t i = 0; i < n; ++i)
        if (code == table[i].code) return pick(table[i].text, l);
    return nullptr;
}

// A problem the core names, as a phrase of the interface.
std::string problem_text(const std::string& p, atelier::Lang l) {
    auto has = [&](const char* s) { return p.find(s) != std::string::npos; };
    if (p == "required" || has("required ("))
        return pick({"обязательно", "obligatoire", "required"}, l);
    if (has("is not an e-mail address")) return pick({"это не адрес электронной почты", "ce n'est pas une adresse e-mail", "this is not an e-mail address"}, l);
    if (has("is not a phone number")) return pick({"это не номер телефона", "ce n'est pas un numéro de téléphone", "this is not a phone number"}, l);
    if (has("no such date")) return pick({"такой даты нет", "cette date n'existe pas", "there is no such date"}, l);
    if (has("expected a date")) return pick({"нужна дата в виде ГГГГ-ММ-ДД", "une date AAAA-MM-JJ est attendue", "a date YYYY-MM-DD is expected"}, l);
    if (has("at most") || has("longer than")) return pick({"слишком длинно", "trop long", "too long"}, l);
    if (has("must be positive")) return pick({"должна быть больше нуля", "doit être positif", "must be more than zero"}, l);
    if (has("needs a few words")) return pick({"поясните в нескольких словах", "précisez en quelques mots", "say it in a few words"}, l);
    if (has("needs a reason")) return pick({"укажите причину", "indiquez le motif", "give the reason"}, l);
    if (has("nothing is left to pay")) return pick({"по счёту уже всё оплачено", "la facture est déjà réglée", "the invoice is paid in full already"}, l);
    if (has("is signed already")) return pick({"уже подписан", "déjà signé", "signed already"}, l);
    if (has("is done already")) return pick({"уже завершён", "déjà terminée", "done already"}, l);
    if (has("no signed contract")) return pick({"договор ещё не подписан", "le contrat n'est pas encore signé", "the contract is not signed yet"}, l);
    if (has("the contract is signed in"))
        return pick({"договор уже подписан в этой валюте: валюта не меняется", "le contrat est signé dans cette devise : elle ne change plus",
                     "the contract is signed in this currency: it no longer changes"}, l);
    if (has("expected one of") || has("expected RUB")) return pick({"выберите значение из списка", "choisissez une valeur de la liste", "pick a value from the list"}, l);
    if (has("are not paid")) return pick({"есть неоплаченные счета: внесите оплаты или закройте как владелец", "des factures sont impayées : enregistrez les paiements ou clôturez en tant que propriétaire",
                                          "invoices are unpaid: record the payments, or the owner closes"}, l);
    if (has("cannot be lost")) return pick({"эту заявку уже нельзя закрыть как проигранную", "cette demande ne peut plus être perdue", "this lead can no longer be lost"}, l);
    if (has("only a member")) return pick({"это может сделать только сотрудник студии", "seul un membre du studio peut le faire", "only a member of the studio can do it"}, l);
    return "";
}

}  // namespace

std::string core_error(const std::string& what, atelier::ErrorKind kind, atelier::Lang l) {
    std::string s = what;
    if (s.rfind("atelier: ", 0) == 0) s = s.substr(9);
    // op: field: problem (the field is optional).
    std::string op, field, problem = s;
    if (size_t c = s.find(": "); c != std::string::npos) {
        op = s.substr(0, c);
        problem = s.substr(c + 2);
        if (size_t d = problem.find(": "); d != std::string::npos) {
            const std::string f = problem.substr(0, d);
            if (f.find(' ') == std::string::npos && !f.empty()) {
                field = f;
                problem = problem.substr(d + 2);
            }
        }
    }
    const char* op_text = lookup(kOps, sizeof kOps / sizeof kOps[0], op, l);
    const char* field_text = lookup(kFields, sizeof kFields / sizeof kFields[0], field, l);
    std::string said = problem_text(problem, l);
    if (said.empty()) said = pick(kKind[(int)kind], l);
    std::string out = op_text ? op_text : pick({"Действие", "Action", "Action"}, l);
    if (field_text) out += std::string(l == atelier::Lang::fr ? " : " : ": ") + field_text + " — " + said;
    else out += std::string(l == atelier::Lang::fr ? " : " : ": ") + said;
    return out + ".";
}

}  // namespace ui
