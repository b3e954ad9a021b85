// atelier/documents_contract.cpp — the clauses of the default website
// development contract, in Russian, French and English.
//
// A studio starts from these and edits the template; the clauses are data
// ({{#clauses}} in the template), with the figures of the estimate (price,
// duration) filled in. The governing law is the studio's country.
#include <string>

#include <nlohmann/json.hpp>

#include "money.h"

namespace atelier {

using nlohmann::json;

namespace {

struct Clause {
    const char* title;
    std::initializer_list<const char*> paras;
};

// {price}, {days}, {law}, {court} are replaced.
const std::initializer_list<Clause> kRu = {
    {"Предмет договора",
     {"Исполнитель обязуется по заданию Заказчика разработать веб-сайт (далее — Сайт) в объёме, описанном в Приложении 1, "
      "в сроки по Приложению 2, а Заказчик — принять и оплатить работы.",
      "Задание на разработку составлено по брифу Заказчика. Изменение объёма работ оформляется дополнительным соглашением "
      "с новой стоимостью и сроками."}},
    {"Стоимость и порядок расчётов",
     {"Стоимость работ составляет {price}.",
      "Оплата производится по графику платежей (Приложение 3) на основании счетов Исполнителя в течение 5 рабочих дней "
      "с даты счёта. Обязанность по оплате исполнена с момента зачисления денег на счёт Исполнителя."}},
    {"Сроки выполнения работ",
     {"Общая продолжительность работ — {days} рабочих дней по графику Приложения 2. Сроки исчисляются со дня поступления "
      "предоплаты и материалов Заказчика (тексты, изображения, доступы).",
      "Если Заказчик задерживает материалы, ответы или согласования, сроки продлеваются на время задержки."}},
    {"Сдача и приёмка работ",
     {"По завершении каждого этапа Исполнитель передаёт результат и акт сдачи-приёмки.",
      "Заказчик в течение 5 рабочих дней подписывает акт или направляет мотивированные замечания. Если в этот срок замечания "
      "не направлены, работы этапа считаются принятыми. Обоснованные замечания Исполнитель устраняет без дополнительной оплаты."}},
    {"Исключительные права",
     {"Исключительное право на Сайт как на результат работ — дизайн-макеты, программный код, созданные Исполнителем тексты "
      "и изображения — переходит к Заказчику в полном объёме с момента полной оплаты работ, без ограничения срока и территории.",
      "Программы и материалы третьих лиц (система управления сайтом, библиотеки, шрифты, фотобанки) используются на условиях "
      "их лицензий; Исполнитель передаёт Заказчику их перечень вместе с Сайтом.",
      "Исполнитель вправе упоминать Сайт в своём портфолио, если Заказчик письменно не возражает."}},
    {"Гарантии",
     {"Исполнитель безвозмездно устраняет ошибки в работе Сайта, выявленные в течение 3 месяцев после приёмки последнего этапа.",
      "Гарантия не распространяется на изменения, внесённые Заказчиком или третьими лицами, и на сбои хостинга и внешних сервисов."}},
    {"Ответственность сторон",
     {"За просрочку оплаты Заказчик по требованию Исполнителя уплачивает пени в размере 0,1 % от неоплаченной суммы за каждый "
      "день просрочки, но не более 10 % от этой суммы.",
      "За нарушение сроков по вине Исполнителя он по требованию Заказчика уплачивает пени в размере 0,1 % от стоимости "
      "просроченного этапа за каждый день, но не более 10 % от неё.",
      "Ответственность Исполнителя по договору ограничена стоимостью работ; упущенная выгода не возмещается."}},
    {"Конфиденциальность",
     {"Стороны не раскрывают третьим лицам сведения о деятельности друг друга, полученные при исполнении договора, "
      "в течение 3 лет после его окончания, кроме случаев, предусмотренных законом."}},
    {"Обстоятельства непреодолимой силы",
     {"Стороны освобождаются от ответственности за неисполнение обязательств, вызванное обстоятельствами непреодолимой силы, "
      "при условии уведомления другой стороны в течение 5 рабочих дней с их наступления."}},
    {"Расторжение договора",
     {"Заказчик вправе отказаться от договора в любое время, оплатив Исполнителю выполненную к этому моменту часть работ.",
      "Исполнитель вправе приостановить работы при просрочке оплаты более чем на 10 рабочих дней, уведомив Заказчика."}},
    {"Разрешение споров",
     {"Споры решаются переговорами; претензия рассматривается в течение 10 рабочих дней.",
      "Не урегулированные споры передаются в суд по месту нахождения Исполнителя. Применимое право — {law}."}},
    {"Заключительные положения",
     {"Договор вступает в силу с момента его принятия Заказчиком (онлайн по ссылке или подписанием) и действует до полного "
      "исполнения обязательств. Принятие договора онлайн по персональной ссылке и переписка по электронной почте, указанной "
      "в договоре, признаются сторонами равнозначными собственноручной подписи.",
      "Приложения 1–3 являются неотъемлемой частью договора."}},
};

const std::initializer_list<Clause> kFr = {
    {"Objet",
     {"Le prestataire réalise pour le client un site web (ci-après le « Site ») dont le périmètre est décrit à l'annexe 1, "
      "selon le planning de l'annexe 2 ; le client s'engage à le réceptionner et à le payer.",
      "Le cahier des charges découle du brief du client. Toute modification du périmètre fait l'objet d'un avenant précisant "
      "le prix et les délais."}},
    {"Prix et modalités de paiement",
     {"Le prix des prestations est de {price}.",
      "Le paiement suit l'échéancier de l'annexe 3, sur factures du prestataire payables à 5 jours ouvrés. En cas de retard, "
      "des pénalités au taux de trois fois le taux d'intérêt légal et, pour un client professionnel, l'indemnité forfaitaire "
      "de 40 € pour frais de recouvrement sont dues de plein droit."}},
    {"Délais",
     {"La durée totale des prestations est de {days} jours ouvrés selon l'annexe 2. Les délais courent à compter de la "
      "réception de l'acompte et des contenus du client (textes, images, accès).",
      "Tout retard du client dans la fourniture des contenus, des réponses ou des validations prolonge d'autant les délais."}},
    {"Réception",
     {"À la fin de chaque étape, le prestataire livre le résultat avec un procès-verbal de réception.",
      "Le client signe le procès-verbal ou formule des réserves motivées dans les 5 jours ouvrés ; à défaut, l'étape est "
      "réputée acceptée. Le prestataire lève sans frais les réserves fondées."}},
    {"Propriété intellectuelle",
     {"Sous réserve du paiement intégral du prix, le prestataire cède au client, à titre exclusif, les droits patrimoniaux "
      "d'auteur sur les livrables (maquettes, code, textes et images créés) : droits de reproduction, de représentation, "
      "d'adaptation et de modification, pour tous usages liés au Site, pour le monde entier et pour toute la durée de "
      "protection des droits.",
      "Les logiciels et contenus de tiers (CMS, bibliothèques, polices, banques d'images) restent soumis à leurs licences, "
      "dont le prestataire remet la liste avec le Site.",
      "Sauf refus écrit du client, le prestataire peut citer le Site dans ses références."}},
    {"Garantie",
     {"Le prestataire corrige gratuitement les anomalies du Site signalées dans les 3 mois suivant la réception de la "
      "dernière étape.",
      "La garantie ne couvre pas les modifications faites par le client ou des tiers, ni les défaillances de l'hébergeur "
      "ou de services externes."}},
    {"Responsabilité",
     {"La responsabilité du prestataire est limitée au montant des prestations ; il ne répond pas des dommages indirects, "
      "tels que la perte de chiffre d'affaires.",
      "En cas de retard imputable au prestataire, le client peut demander une pénalité de 0,1 % du prix de l'étape en retard "
      "par jour, plafonnée à 10 % de ce prix."}},
    {"Confidentialité",
     {"Chaque partie garde confidentielles les informations de l'autre obtenues à l'occasion du contrat, pendant 3 ans "
      "après sa fin, sauf obligation légale."}},
    {"Force majeure",
     {"Aucune partie n'est responsable d'un manquement causé par un cas de force majeure, à condition d'en informer l'autre "
      "dans les 5 jours ouvrés."}},
    {"Résiliation",
     {"Le client peut mettre fin au contrat à tout moment en payant les prestations réalisées à cette date.",
      "Le prestataire peut suspendre les prestations après un retard de paiement de plus de 10 jours ouvrés, après en avoir "
      "informé le client."}},
    {"Litiges",
     {"Les parties recherchent d'abord une solution amiable ; une réclamation reçoit une réponse sous 10 jours ouvrés.",
      "À défaut d'accord, le litige est porté devant le tribunal du siège du prestataire. Le contrat est régi par le {law}."}},
    {"Dispositions finales",
     {"Le contrat prend effet à son acceptation par le client (en ligne par son lien personnel ou par signature) et dure "
      "jusqu'à l'exécution complète des obligations. L'acceptation en ligne et les échanges par les adresses e-mail du "
      "contrat valent signature entre les parties.",
      "Les annexes 1 à 3 font partie intégrante du contrat."}},
};

const std::initializer_list<Clause> kEn = {
    {"Subject",
     {"The contractor shall build for the customer a website (the \"Site\") within the scope of Appendix 1 and on the "
      "schedule of Appendix 2; the customer shall accept and pay for the work.",
      "The specification follows the customer's brief. A change of scope is agreed in an amendment stating its price and dates."}},
    {"Price and payment",
     {"The price of the work is {price}.",
      "Payment follows the schedule of Appendix 3, against the contractor's invoices, within 5 working days of each invoice. "
      "Payment is made when the money reaches the contractor's account."}},
    {"Dates",
     {"The work takes {days} working days in total on the schedule of Appendix 2. Dates run from receipt of the advance "
      "payment and of the customer's materials (texts, images, access).",
      "Any delay by the customer in materials, answers or approvals extends the dates by as long."}},
    {"Acceptance",
     {"At the end of each stage the contractor delivers its result with an acceptance certificate.",
      "The customer signs the certificate or sends reasoned objections within 5 working days; otherwise the stage is "
      "accepted. The contractor fixes justified objections at no extra cost."}},
    {"Intellectual property",
     {"Upon full payment, the contractor assigns to the customer, exclusively, all economic rights in the deliverables "
      "(designs, code, texts and images created), for any use connected with the Site, worldwide and for the full term of "
      "protection.",
      "Third-party software and content (CMS, libraries, fonts, stock images) remain under their licences, listed by the "
      "contractor on delivery.",
      "Unless the customer objects in writing, the contractor may show the Site in its portfolio."}},
    {"Warranty",
     {"The contractor fixes free of charge any defect of the Site reported within 3 months of acceptance of the last stage.",
      "The warranty does not cover changes made by the customer or third parties, nor failures of hosting or external services."}},
    {"Liability",
     {"Late payment bears a penalty of 0.1 % of the overdue amount per day, at most 10 % of it; delay caused by the "
      "contractor bears a penalty of 0.1 % of the late stage's price per day, at most 10 % of it.",
      "The contractor's total liability is limited to the price of the work; indirect loss, such as lost profit, is excluded."}},
    {"Confidentiality",
     {"Each party keeps confidential the other's information obtained under the contract for 3 years after its end, "
      "unless the law requires otherwise."}},
    {"Force majeure",
     {"Neither party is liable for a failure caused by force majeure, provided it informs the other within 5 working days."}},
    {"Termination",
     {"The customer may end the contract at any time by paying for the work done to that date.",
      "The contractor may suspend the work when a payment is more than 10 working days late, after notifying the customer."}},
    {"Disputes",
     {"The parties first seek an amicable settlement; a claim is answered within 10 working days.",
      "Failing agreement, the dispute goes to the court of the contractor's seat. The contract is governed by {law}."}},
    {"Final provisions",
     {"The contract takes effect when the customer accepts it (online through its personal link, or by signature) and "
      "lasts until all obligations are performed. Online acceptance and e-mail between the addresses of the contract count "
      "as signatures between the parties.",
      "Appendices 1 to 3 form part of the contract."}},
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

}  // namespace

// The numbered clauses of the contract: [{n, title, paras: [{n, text}]}].
json contract_clauses(Lang l, bool french_studio, const std::string& price, const std::string& days) {
    const auto& clauses = l == Lang::ru ? kRu : l == Lang::fr ? kFr : kEn;
    const char* law = french_studio ? (l == Lang::ru ? "право Франции" : l == Lang::fr ? "droit français" : "French law")
                                    : (l == Lang::ru ? "право Российской Федерации" : l == Lang::fr ? "droit de la Fédération de Russie" : "the law of the Russian Federation");
    json out = json::array();
    int n = 0;
    for (const Clause& c : clauses) {
        ++n;
        json paras = json::array();
        int m = 0;
        for (const char* p : c.paras) {
            std::string text = replace_all(replace_all(replace_all(p, "{price}", price), "{days}", days), "{law}", law);
            paras.push_back({{"n", std::to_string(n) + "." + std::to_string(++m)}, {"text", text}});
        }
        out.push_back({{"n", std::to_string(n)}, {"title", c.title}, {"paras", paras}});
    }
    return out;
}

}  // namespace atelier
