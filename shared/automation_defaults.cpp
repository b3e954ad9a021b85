// atelier/automation_defaults.cpp — the shipped rule set and its e-mails.
//
// Client e-mails go in the lead's language, the studio's own (to the owner,
// tasks) in the studio's. Each is a mustache template with the fields of
// automation.cpp's message_data().
#include "automation.h"

#include "ids.h"
#include "store.h"

namespace atelier::automation {

using nlohmann::json;

namespace {

// code, lang, subject, body
struct Text {
    const char *code, *lang, *subject, *body;
};

const Text kTexts[] = {
    // -- the brief --------------------------------------------------------
    {"brief_link", "ru", "Бриф по вашему проекту — {{studio.name}}",
     "Здравствуйте, {{client.name}}!\n\nСпасибо за заявку. Чтобы подготовить предложение, ответьте, пожалуйста, на вопросы брифа "
     "(его можно сохранить и вернуться позже):\n{{link}}\n\nЕсли удобнее обсудить голосом, просто ответьте на это письмо.\n\n"
     "{{manager.name}}\n{{studio.name}}"},
    {"brief_link", "fr", "Le brief de votre projet — {{studio.name}}",
     "Bonjour {{client.name}},\n\nMerci pour votre demande. Pour préparer notre proposition, merci de répondre au brief "
     "(vous pouvez l'enregistrer et y revenir) :\n{{link}}\n\nSi vous préférez en parler de vive voix, répondez simplement à ce message.\n\n"
     "{{manager.name}}\n{{studio.name}}"},
    {"brief_link", "en", "Your project brief — {{studio.name}}",
     "Hello {{client.name}},\n\nThank you for your request. To prepare our proposal, please answer the brief "
     "(you can save it and come back):\n{{link}}\n\nIf you would rather talk it through, just reply to this e-mail.\n\n"
     "{{manager.name}}\n{{studio.name}}"},
    {"brief_reminder", "ru", "Напоминание: бриф по вашему проекту",
     "Здравствуйте, {{client.name}}!\n\nНапоминаем о брифе: без него мы не сможем рассчитать стоимость и сроки. "
     "На вопросы уходит 10–15 минут:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"brief_reminder", "fr", "Rappel : le brief de votre projet",
     "Bonjour {{client.name}},\n\nPetit rappel : sans le brief, nous ne pouvons pas chiffrer le projet ni ses délais. "
     "Il faut 10 à 15 minutes :\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"brief_reminder", "en", "Reminder: your project brief",
     "Hello {{client.name}},\n\nA short reminder about the brief: without it we cannot price the project or plan its dates. "
     "It takes 10–15 minutes:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    // -- the proposal -----------------------------------------------------
    {"proposal_link", "ru", "Коммерческое предложение {{document.number}} — {{studio.name}}",
     "Здравствуйте, {{client.name}}!\n\nПодготовили для вас коммерческое предложение{{#document.total}} на {{document.total}}{{/document.total}}. "
     "Его можно прочитать и принять по ссылке:\n{{link}}\n\nБудем рады ответить на вопросы.\n\n{{manager.name}}\n{{studio.name}}"},
    {"proposal_link", "fr", "Proposition commerciale {{document.number}} — {{studio.name}}",
     "Bonjour {{client.name}},\n\nVoici notre proposition{{#document.total}} d'un montant de {{document.total}}{{/document.total}}. "
     "Vous pouvez la lire et l'accepter ici :\n{{link}}\n\nNous restons à votre disposition pour toute question.\n\n{{manager.name}}\n{{studio.name}}"},
    {"proposal_link", "en", "Proposal {{document.number}} — {{studio.name}}",
     "Hello {{client.name}},\n\nHere is our proposal{{#document.total}} for {{document.total}}{{/document.total}}. "
     "You can read and accept it here:\n{{link}}\n\nHappy to answer any questions.\n\n{{manager.name}}\n{{studio.name}}"},
    {"proposal_reminder", "ru", "Вы видели наше предложение?",
     "Здравствуйте, {{client.name}}!\n\nНесколько дней назад мы отправили вам коммерческое предложение {{document.number}}. "
     "Вот ссылка ещё раз:\n{{link}}\n\nЕсли что-то стоит обсудить или изменить, ответьте на это письмо.\n\n{{manager.name}}\n{{studio.name}}"},
    {"proposal_reminder", "fr", "Avez-vous vu notre proposition ?",
     "Bonjour {{client.name}},\n\nNous vous avons envoyé il y a quelques jours la proposition {{document.number}}. "
     "Voici de nouveau le lien :\n{{link}}\n\nS'il y a un point à discuter ou à modifier, répondez à ce message.\n\n{{manager.name}}\n{{studio.name}}"},
    {"proposal_reminder", "en", "Did you see our proposal?",
     "Hello {{client.name}},\n\nA few days ago we sent you proposal {{document.number}}. Here is the link again:\n{{link}}\n\n"
     "If anything needs discussing or changing, just reply to this e-mail.\n\n{{manager.name}}\n{{studio.name}}"},
    // -- the contract -----------------------------------------------------
    {"contract_link", "ru", "Договор {{document.number}} — {{studio.name}}",
     "Здравствуйте, {{client.name}}!\n\nСпасибо, что приняли предложение. Договор с приложениями готов, его можно прочитать "
     "и подписать по ссылке:\n{{link}}\n\nПосле подписания вы сразу получите счёт.\n\n{{manager.name}}\n{{studio.name}}"},
    {"contract_link", "fr", "Contrat {{document.number}} — {{studio.name}}",
     "Bonjour {{client.name}},\n\nMerci d'avoir accepté notre proposition. Le contrat et ses annexes sont prêts ; vous pouvez les lire "
     "et les signer ici :\n{{link}}\n\nLa facture vous parviendra dès la signature.\n\n{{manager.name}}\n{{studio.name}}"},
    {"contract_link", "en", "Contract {{document.number}} — {{studio.name}}",
     "Hello {{client.name}},\n\nThank you for accepting our proposal. The contract and its appendices are ready; you can read "
     "and sign them here:\n{{link}}\n\nThe invoice follows as soon as it is signed.\n\n{{manager.name}}\n{{studio.name}}"},
    // -- invoices ---------------------------------------------------------
    {"invoice_link", "ru", "Счёт {{document.number}} на {{document.total}}",
     "Здравствуйте, {{client.name}}!\n\nВыставили счёт {{document.number}} на {{document.total}}, срок оплаты — {{document.due_on}}. "
     "Счёт с реквизитами:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"invoice_link", "fr", "Facture n° {{document.number}} : {{document.total}}",
     "Bonjour {{client.name}},\n\nVoici la facture n° {{document.number}} d'un montant de {{document.total}}, à régler avant le {{document.due_on}}. "
     "La facture et nos coordonnées bancaires :\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"invoice_link", "en", "Invoice {{document.number}} for {{document.total}}",
     "Hello {{client.name}},\n\nHere is invoice {{document.number}} for {{document.total}}, due on {{document.due_on}}. "
     "The invoice with our bank details:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"invoice_due", "ru", "Срок оплаты счёта {{document.number}} — {{document.due_on}}",
     "Здравствуйте, {{client.name}}!\n\nНапоминаем: {{document.due_on}} наступает срок оплаты счёта {{document.number}}, "
     "к оплате {{document.left}}. Счёт:\n{{link}}\n\nЕсли уже оплатили — спасибо, это письмо можно не читать.\n\n{{studio.name}}"},
    {"invoice_due", "fr", "Échéance de la facture n° {{document.number}} : {{document.due_on}}",
     "Bonjour {{client.name}},\n\nPetit rappel : la facture n° {{document.number}} arrive à échéance le {{document.due_on}}, "
     "reste à payer {{document.left}}. La facture :\n{{link}}\n\nSi le paiement est déjà parti, merci, et ne tenez pas compte de ce message.\n\n{{studio.name}}"},
    {"invoice_due", "en", "Invoice {{document.number}} is due on {{document.due_on}}",
     "Hello {{client.name}},\n\nA reminder: invoice {{document.number}} is due on {{document.due_on}}, {{document.left}} to pay. "
     "The invoice:\n{{link}}\n\nIf you have already paid, thank you, and please ignore this e-mail.\n\n{{studio.name}}"},
    {"invoice_overdue", "ru", "Счёт {{document.number}} просрочен",
     "Здравствуйте, {{client.name}}!\n\nСрок оплаты счёта {{document.number}} истёк {{document.due_on}} "
     "(просрочка, дней: {{document.days_overdue}}), к оплате {{document.left}}. Счёт:\n{{link}}\n\n"
     "Если оплата уже отправлена, пришлите, пожалуйста, платёжное поручение ответом на это письмо.\n\n{{manager.name}}\n{{studio.name}}"},
    {"invoice_overdue", "fr", "Facture n° {{document.number}} en retard de paiement",
     "Bonjour {{client.name}},\n\nLa facture n° {{document.number}} était à régler le {{document.due_on}} "
     "(retard, en jours : {{document.days_overdue}}) ; reste à payer {{document.left}}. La facture :\n{{link}}\n\n"
     "Si le virement est déjà parti, pouvez-vous nous en envoyer la preuve en réponse à ce message ?\n\n{{manager.name}}\n{{studio.name}}"},
    {"invoice_overdue", "en", "Invoice {{document.number}} is overdue",
     "Hello {{client.name}},\n\nInvoice {{document.number}} was due on {{document.due_on}} (days overdue: {{document.days_overdue}}); "
     "{{document.left}} is left to pay. The invoice:\n{{link}}\n\n"
     "If the payment is on its way, please reply with its confirmation.\n\n{{manager.name}}\n{{studio.name}}"},
    {"payment_received", "ru", "Оплата получена — спасибо!",
     "Здравствуйте, {{client.name}}!\n\nПолучили оплату{{#payment.amount}} {{payment.amount}}{{/payment.amount}} по счёту {{document.number}}. "
     "Спасибо!\n\n{{manager.name}}\n{{studio.name}}"},
    {"payment_received", "fr", "Paiement reçu — merci !",
     "Bonjour {{client.name}},\n\nNous avons bien reçu votre paiement{{#payment.amount}} de {{payment.amount}}{{/payment.amount}} "
     "pour la facture n° {{document.number}}. Merci !\n\n{{manager.name}}\n{{studio.name}}"},
    {"payment_received", "en", "Payment received — thank you!",
     "Hello {{client.name}},\n\nWe have received your payment{{#payment.amount}} of {{payment.amount}}{{/payment.amount}} "
     "for invoice {{document.number}}. Thank you!\n\n{{manager.name}}\n{{studio.name}}"},
    // -- acts of completed work ------------------------------------------
    {"act_link", "ru", "Акт {{document.number}}{{#document.stage}}: этап «{{document.stage}}»{{/document.stage}} — {{studio.name}}",
     "Здравствуйте, {{client.name}}!\n\n{{#document.stage}}Этап «{{document.stage}}» завершён. {{/document.stage}}"
     "Акт сдачи-приёмки {{document.number}} можно прочитать и подписать по ссылке:\n{{link}}\n\n"
     "Если есть замечания, ответьте на это письмо.\n\n{{manager.name}}\n{{studio.name}}"},
    {"act_link", "fr", "Procès-verbal {{document.number}}{{#document.stage}} : étape « {{document.stage}} »{{/document.stage}} — {{studio.name}}",
     "Bonjour {{client.name}},\n\n{{#document.stage}}L'étape « {{document.stage}} » est terminée. {{/document.stage}}"
     "Vous pouvez lire et signer le procès-verbal de réception {{document.number}} ici :\n{{link}}\n\n"
     "Si vous avez des réserves, répondez à ce message.\n\n{{manager.name}}\n{{studio.name}}"},
    {"act_link", "en", "Acceptance certificate {{document.number}}{{#document.stage}}: {{document.stage}}{{/document.stage}} — {{studio.name}}",
     "Hello {{client.name}},\n\n{{#document.stage}}The stage \"{{document.stage}}\" is done. {{/document.stage}}"
     "You can read and sign acceptance certificate {{document.number}} here:\n{{link}}\n\n"
     "If anything is not right, just reply to this e-mail.\n\n{{manager.name}}\n{{studio.name}}"},
    // -- the project --------------------------------------------------------
    {"stage_started", "ru", "Начался этап «{{stage.name}}» — {{studio.name}}",
     "Здравствуйте, {{client.name}}!\n\nПо вашему проекту начался этап «{{stage.name}}», по плану — до {{stage.end}}.\n"
     "{{#stage.provides}}\nЧто понадобится от вас на этом этапе:\n{{stage.provides}}\n{{/stage.provides}}"
     "\nГде сейчас проект, что готово и что дальше — на странице проекта:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_started", "fr", "L'étape « {{stage.name}} » commence — {{studio.name}}",
     "Bonjour {{client.name}},\n\nL'étape « {{stage.name}} » de votre projet commence ; elle est prévue jusqu'au {{stage.end}}.\n"
     "{{#stage.provides}}\nCe dont nous aurons besoin de votre part pour cette étape :\n{{stage.provides}}\n{{/stage.provides}}"
     "\nOù en est le projet, ce qui est prêt et la suite : sur la page du projet\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_started", "en", "The stage \"{{stage.name}}\" has started — {{studio.name}}",
     "Hello {{client.name}},\n\nThe stage \"{{stage.name}}\" of your project has started; it is planned to last until {{stage.end}}.\n"
     "{{#stage.provides}}\nWhat we will need from you for this stage:\n{{stage.provides}}\n{{/stage.provides}}"
     "\nWhere the project is, what is ready and what comes next, on the project page:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_prepare", "ru", "Подготовка к этапу «{{stage.name}}»",
     "Здравствуйте, {{client.name}}!\n\n{{stage.start}} начинается этап «{{stage.name}}». Чтобы мы начали его вовремя, подготовьте, пожалуйста:\n"
     "{{stage.provides}}\n\nОтветить и прислать материалы можно на странице проекта:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_prepare", "fr", "Préparer l'étape « {{stage.name}} »",
     "Bonjour {{client.name}},\n\nL'étape « {{stage.name}} » commence le {{stage.start}}. Pour que nous puissions la démarrer à temps, merci de préparer :\n"
     "{{stage.provides}}\n\nVous pouvez répondre et nous transmettre vos éléments sur la page du projet :\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_prepare", "en", "Getting ready for \"{{stage.name}}\"",
     "Hello {{client.name}},\n\nThe stage \"{{stage.name}}\" starts on {{stage.start}}. So that we can start it on time, please prepare:\n"
     "{{stage.provides}}\n\nYou can answer and send us the materials on the project page:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_finished", "ru", "Этап «{{stage.name}}» завершён — {{studio.name}}",
     "Здравствуйте, {{client.name}}!\n\nЭтап «{{stage.name}}» завершён."
     "{{#next}} Следующий — «{{next.name}}», по плану с {{next.start}} по {{next.end}}.{{/next}}"
     "{{^next}} Это был последний этап проекта. Спасибо за совместную работу!{{/next}}\n"
     "{{#next.provides}}\nДля следующего этапа понадобится от вас:\n{{next.provides}}\n{{/next.provides}}"
     "\nАкт по этапу придёт отдельным письмом. Всё о проекте — на его странице:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_finished", "fr", "L'étape « {{stage.name}} » est terminée — {{studio.name}}",
     "Bonjour {{client.name}},\n\nL'étape « {{stage.name}} » est terminée."
     "{{#next}} La suivante, « {{next.name}} », est prévue du {{next.start}} au {{next.end}}.{{/next}}"
     "{{^next}} C'était la dernière étape du projet. Merci pour cette collaboration !{{/next}}\n"
     "{{#next.provides}}\nPour l'étape suivante, nous aurons besoin de votre part :\n{{next.provides}}\n{{/next.provides}}"
     "\nLe procès-verbal de l'étape suit dans un message séparé. Tout le projet sur sa page :\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"stage_finished", "en", "The stage \"{{stage.name}}\" is done — {{studio.name}}",
     "Hello {{client.name}},\n\nThe stage \"{{stage.name}}\" is done."
     "{{#next}} The next one, \"{{next.name}}\", is planned from {{next.start}} to {{next.end}}.{{/next}}"
     "{{^next}} It was the project's last stage. Thank you for working with us!{{/next}}\n"
     "{{#next.provides}}\nFor the next stage we will need from you:\n{{next.provides}}\n{{/next.provides}}"
     "\nThe stage's acceptance certificate follows in a separate e-mail. The whole project on its page:\n{{link}}\n\n{{manager.name}}\n{{studio.name}}"},
    {"act_reminder", "ru", "Акт {{document.number}} ждёт подписи",
     "Здравствуйте, {{client.name}}!\n\nНапоминаем: акт {{document.number}}{{#document.stage}} по этапу «{{document.stage}}»{{/document.stage}} "
     "ждёт вашей подписи:\n{{link}}\n\nЕсли есть замечания, ответьте на это письмо.\n\n{{manager.name}}\n{{studio.name}}"},
    {"act_reminder", "fr", "Le procès-verbal {{document.number}} attend votre signature",
     "Bonjour {{client.name}},\n\nPetit rappel : le procès-verbal {{document.number}}{{#document.stage}} de l'étape « {{document.stage}} »{{/document.stage}} "
     "attend votre signature :\n{{link}}\n\nSi vous avez des réserves, répondez à ce message.\n\n{{manager.name}}\n{{studio.name}}"},
    {"act_reminder", "en", "Acceptance certificate {{document.number}} is waiting for your signature",
     "Hello {{client.name}},\n\nA reminder: acceptance certificate {{document.number}}{{#document.stage}} for \"{{document.stage}}\"{{/document.stage}} "
     "is waiting for your signature:\n{{link}}\n\nIf anything is not right, just reply to this e-mail.\n\n{{manager.name}}\n{{studio.name}}"},
    {"material_request", "ru", "Нужно от вас: {{material.title}}",
     "Здравствуйте, {{client.name}}!\n\nДля работы над проектом нам нужно: {{material.title}}"
     "{{#material.due_on}} — до {{material.due_on}}{{/material.due_on}}.\n\nОтветить или прислать ссылку можно на странице проекта:\n{{link}}\n\n"
     "{{manager.name}}\n{{studio.name}}"},
    {"material_request", "fr", "Nous avons besoin de : {{material.title}}",
     "Bonjour {{client.name}},\n\nPour avancer sur le projet, nous avons besoin de : {{material.title}}"
     "{{#material.due_on}}, avant le {{material.due_on}}{{/material.due_on}}.\n\nVous pouvez répondre ou envoyer un lien sur la page du projet :\n{{link}}\n\n"
     "{{manager.name}}\n{{studio.name}}"},
    {"material_request", "en", "We need from you: {{material.title}}",
     "Hello {{client.name}},\n\nTo carry on with the project we need: {{material.title}}"
     "{{#material.due_on}}, by {{material.due_on}}{{/material.due_on}}.\n\nYou can answer or send a link on the project page:\n{{link}}\n\n"
     "{{manager.name}}\n{{studio.name}}"},
    {"material_late", "ru", "Напоминание: ждём {{material.title}}",
     "Здравствуйте, {{client.name}}!\n\n{{#material.due_on}}{{material.due_on}} {{/material.due_on}}мы ждали от вас: {{material.title}}. "
     "Без этого следующий этап может сдвинуться. Ответить можно на странице проекта:\n{{link}}\n\n"
     "Если что-то мешает, ответьте на это письмо — обсудим.\n\n{{manager.name}}\n{{studio.name}}"},
    {"material_late", "fr", "Rappel : nous attendons {{material.title}}",
     "Bonjour {{client.name}},\n\nNous attendions de votre part{{#material.due_on}} pour le {{material.due_on}}{{/material.due_on}} : {{material.title}}. "
     "Sans cela, l'étape suivante risque de glisser. Vous pouvez répondre sur la page du projet :\n{{link}}\n\n"
     "Si quelque chose vous bloque, répondez à ce message et nous en parlerons.\n\n{{manager.name}}\n{{studio.name}}"},
    {"material_late", "en", "Reminder: we are waiting for {{material.title}}",
     "Hello {{client.name}},\n\nWe were expecting from you{{#material.due_on}} by {{material.due_on}}{{/material.due_on}}: {{material.title}}. "
     "Without it the next stage may slip. You can answer on the project page:\n{{link}}\n\n"
     "If something is in the way, reply to this e-mail and we will sort it out.\n\n{{manager.name}}\n{{studio.name}}"},
    // -- the studio's own --------------------------------------------------
    {"owner_brief_submitted", "ru", "Бриф заполнен: {{client.name}}",
     "{{client.name}}{{#client.company}} ({{client.company}}){{/client.company}} заполнил(а) бриф. Следующий шаг — расчёт.\n"},
    {"owner_brief_submitted", "fr", "Brief rempli : {{client.name}}",
     "{{client.name}}{{#client.company}} ({{client.company}}){{/client.company}} a rempli le brief. Étape suivante : le chiffrage.\n"},
    {"owner_brief_submitted", "en", "Brief filled: {{client.name}}",
     "{{client.name}}{{#client.company}} ({{client.company}}){{/client.company}} has filled the brief. Next step: the estimate.\n"},
    {"owner_brief_revised", "ru", "Бриф изменён после расчёта: {{client.name}}",
     "{{client.name}} изменил(а) бриф после расчёта. Расчёт и документы не изменились; новые ответы сохранены новой версией брифа.\n"},
    {"owner_brief_revised", "fr", "Brief modifié après le chiffrage : {{client.name}}",
     "{{client.name}} a modifié le brief après le chiffrage. Le chiffrage et les documents n'ont pas changé ; les nouvelles réponses sont une nouvelle version du brief.\n"},
    {"owner_brief_revised", "en", "Brief changed after the estimate: {{client.name}}",
     "{{client.name}} has changed the brief after it was estimated. The estimate and the documents are unchanged; the new answers are a new version of the brief.\n"},
    {"owner_proposal_accepted", "ru", "Предложение принято: {{client.name}}",
     "{{client.name}} принял(а) коммерческое предложение. Договор {{document.number}} отправлен клиенту на подпись.\n"},
    {"owner_proposal_accepted", "fr", "Proposition acceptée : {{client.name}}",
     "{{client.name}} a accepté la proposition. Le contrat {{document.number}} lui est envoyé pour signature.\n"},
    {"owner_proposal_accepted", "en", "Proposal accepted: {{client.name}}",
     "{{client.name}} has accepted the proposal. Contract {{document.number}} has gone to the client to sign.\n"},
    {"owner_contract_signed", "ru", "Договор подписан: {{client.name}}",
     "{{client.name}} подписал(а) договор {{document.number}}. Счета отправлены клиенту.\n"},
    {"owner_contract_signed", "fr", "Contrat signé : {{client.name}}",
     "{{client.name}} a signé le contrat {{document.number}}. Les factures lui sont envoyées.\n"},
    {"owner_contract_signed", "en", "Contract signed: {{client.name}}",
     "{{client.name}} has signed contract {{document.number}}. The invoices have gone to the client.\n"},
    {"owner_act_signed", "ru", "Акт подписан: {{client.name}}",
     "{{client.name}} подписал(а) акт {{document.number}}{{#document.stage}} (этап «{{document.stage}}»){{/document.stage}}.\n"},
    {"owner_act_signed", "fr", "Procès-verbal signé : {{client.name}}",
     "{{client.name}} a signé le procès-verbal {{document.number}}{{#document.stage}} (étape « {{document.stage}} »){{/document.stage}}.\n"},
    {"owner_act_signed", "en", "Acceptance certificate signed: {{client.name}}",
     "{{client.name}} has signed acceptance certificate {{document.number}}{{#document.stage}} ({{document.stage}}){{/document.stage}}.\n"},
    {"owner_material_answered", "ru", "Клиент ответил: {{material.title}} ({{client.name}})",
     "{{client.name}} ответил(а) на запрос «{{material.title}}»:\n\n{{material.answer}}\n{{#material.files}}Файл: {{name}} ({{size}})\n{{/material.files}}"},
    {"owner_material_answered", "fr", "Réponse du client : {{material.title}} ({{client.name}})",
     "{{client.name}} a répondu à la demande « {{material.title}} » :\n\n{{material.answer}}\n{{#material.files}}Fichier : {{name}} ({{size}})\n{{/material.files}}"},
    {"owner_material_answered", "en", "The client answered: {{material.title}} ({{client.name}})",
     "{{client.name}} has answered the request \"{{material.title}}\":\n\n{{material.answer}}\n{{#material.files}}File: {{name}} ({{size}})\n{{/material.files}}"},
    {"task_proposal_followup", "ru", "Позвонить: {{client.name}} не ответил(а) на предложение {{document.number}}", ""},
    {"task_proposal_followup", "fr", "Appeler {{client.name}} : pas de réponse à la proposition {{document.number}}", ""},
    {"task_proposal_followup", "en", "Call {{client.name}}: no answer to proposal {{document.number}}", ""},
    {"task_contract_followup", "ru", "Позвонить: {{client.name}} не подписал(а) договор {{document.number}}", ""},
    {"task_contract_followup", "fr", "Appeler {{client.name}} : le contrat {{document.number}} n'est pas signé", ""},
    {"task_contract_followup", "en", "Call {{client.name}}: contract {{document.number}} is not signed", ""},
    {"task_invoice_overdue", "ru", "Позвонить: счёт {{document.number}} просрочен на {{document.days_overdue}} дн. ({{client.name}})", ""},
    {"task_invoice_overdue", "fr", "Appeler {{client.name}} : facture n° {{document.number}} en retard de {{document.days_overdue}} j", ""},
    {"task_invoice_overdue", "en", "Call {{client.name}}: invoice {{document.number}} is {{document.days_overdue}} days overdue", ""},
};

const char* const kRules = R"JSON([
 {"code": "brief_link", "spec": {"trigger": {"event": "brief_sent"}, "conditions": ["lead_open", "brief_unsubmitted"],
   "channel": "email", "to": "client", "template": "brief_link"}},
 {"code": "brief_reminder", "spec": {"trigger": {"timer": "brief_sent", "days": 3}, "conditions": ["lead_open", "brief_unsubmitted"],
   "channel": "email", "to": "client", "template": "brief_reminder"}},
 {"code": "brief_submitted", "spec": {"trigger": {"event": "brief_submitted"}, "conditions": ["lead_open"],
   "channel": "email", "to": "owner", "template": "owner_brief_submitted"}},
 {"code": "brief_revised", "spec": {"trigger": {"event": "brief_revised"}, "channel": "email", "to": "owner",
   "template": "owner_brief_revised"}},
 {"code": "proposal_link", "spec": {"trigger": {"event": "proposal_created"}, "conditions": ["lead_open", "proposal_unanswered"],
   "channel": "email", "to": "client", "template": "proposal_link"}},
 {"code": "proposal_unopened", "spec": {"trigger": {"timer": "proposal_unopened", "days": 2},
   "conditions": ["lead_open", "proposal_unanswered", "proposal_unopened"], "channel": "email", "to": "client", "template": "proposal_reminder"}},
 {"code": "proposal_followup", "spec": {"trigger": {"timer": "proposal_sent", "days": 5}, "conditions": ["lead_open", "proposal_unanswered"],
   "channel": "task", "template": "task_proposal_followup"}},
 {"code": "proposal_accepted", "spec": {"trigger": {"event": "proposal_accepted"}, "channel": "email", "to": "owner",
   "template": "owner_proposal_accepted"}},
 {"code": "contract_link", "spec": {"trigger": {"event": "proposal_accepted"}, "conditions": ["lead_open", "contract_unsigned"],
   "channel": "email", "to": "client", "template": "contract_link"}},
 {"code": "contract_followup", "spec": {"trigger": {"timer": "contract_sent", "days": 3}, "conditions": ["lead_open", "contract_unsigned"],
   "channel": "task", "template": "task_contract_followup"}},
 {"code": "contract_signed", "spec": {"trigger": {"event": "contract_signed"}, "channel": "email", "to": "owner",
   "template": "owner_contract_signed"}},
 {"code": "invoice_link", "spec": {"trigger": {"event": "invoice_issued"}, "conditions": ["invoice_unpaid"],
   "channel": "email", "to": "client", "template": "invoice_link"}},
 {"code": "invoice_due", "spec": {"trigger": {"timer": "invoice_due", "days": -2}, "conditions": ["invoice_unpaid"],
   "channel": "email", "to": "client", "template": "invoice_due"}},
 {"code": "invoice_overdue_1", "spec": {"trigger": {"timer": "invoice_due", "days": 1}, "conditions": ["invoice_unpaid"],
   "channel": "email", "to": "client", "template": "invoice_overdue"}},
 {"code": "invoice_overdue_2", "spec": {"trigger": {"timer": "invoice_due", "days": 7}, "conditions": ["invoice_unpaid"],
   "channel": "email", "to": "client", "template": "invoice_overdue"}},
 {"code": "invoice_overdue_3", "spec": {"trigger": {"timer": "invoice_due", "days": 14}, "conditions": ["invoice_unpaid"],
   "channel": "task", "template": "task_invoice_overdue"}},
 {"code": "payment_received", "spec": {"trigger": {"event": "payment_recorded"}, "channel": "email", "to": "client",
   "template": "payment_received"}},
 {"code": "send_proposal", "spec": {"trigger": {"event": "document_sent", "kind": "proposal"}, "channel": "email", "to": "client",
   "template": "proposal_link"}},
 {"code": "send_contract", "spec": {"trigger": {"event": "document_sent", "kind": "contract"}, "channel": "email", "to": "client",
   "template": "contract_link"}},
 {"code": "send_invoice", "spec": {"trigger": {"event": "document_sent", "kind": "invoice"}, "channel": "email", "to": "client",
   "template": "invoice_link"}},
 {"code": "act_link", "spec": {"trigger": {"event": "act_issued"}, "channel": "email", "to": "client", "template": "act_link"}},
 {"code": "act_signed", "spec": {"trigger": {"event": "act_signed"}, "channel": "email", "to": "owner", "template": "owner_act_signed"}},
 {"code": "send_act", "spec": {"trigger": {"event": "document_sent", "kind": "act"}, "channel": "email", "to": "client",
   "template": "act_link"}},
 {"code": "act_reminder", "spec": {"trigger": {"timer": "act_issued", "days": 3}, "conditions": ["act_unsigned"],
   "channel": "email", "to": "client", "template": "act_reminder"}},
 {"code": "stage_started", "spec": {"trigger": {"event": "project_stage_started"}, "conditions": ["project_active"],
   "channel": "email", "to": "client", "template": "stage_started"}},
 {"code": "stage_prepare", "spec": {"trigger": {"timer": "stage_starts", "days": -3},
   "conditions": ["project_active", "stage_planned", "stage_needs_client"], "channel": "email", "to": "client", "template": "stage_prepare"}},
 {"code": "stage_finished", "spec": {"trigger": {"event": "stage_completed"}, "channel": "email", "to": "client", "template": "stage_finished"}},
 {"code": "material_request", "spec": {"trigger": {"event": "material_requested"}, "conditions": ["project_active", "material_open"],
   "channel": "email", "to": "client", "template": "material_request"}},
 {"code": "material_late", "spec": {"trigger": {"timer": "material_due", "days": 1}, "conditions": ["project_active", "material_open"],
   "channel": "email", "to": "client", "template": "material_late"}},
 {"code": "material_answered", "spec": {"trigger": {"event": "material_answered"}, "channel": "email", "to": "owner",
   "template": "owner_material_answered"}}
])JSON";

}  // namespace

const json& default_email_templates() {
    static const json all = [] {
        json a = json::array();
        for (const Text& t : kTexts) a.push_back({{"code", t.code}, {"lang", t.lang}, {"subject", t.subject}, {"body", t.body}});
        return a;
    }();
    return all;
}

void install_default_rules(sqlite3* db, std::string_view at) {
    Savepoint sp(db, "atelier_default_rules");
    for (const Text& t : kTexts) {
        Stmt ins(db, "INSERT INTO templates(id, kind, code, lang, version, subject, body, updated_at)"
                     " VALUES (?1, 'email', ?2, ?3, 1, ?4, ?5, ?6) ON CONFLICT(kind, code, lang, version) DO NOTHING");
        ins.bind(1, uuid_from(std::string("template|email|") + t.code + "|" + t.lang)).bind(2, t.code).bind(3, t.lang)
            .bind(4, t.subject).bind(5, t.body).bind(6, at).step();
    }
    int position = 0;
    for (const json& r : json::parse(kRules)) {
        position += 10;
        Stmt ins(db, "INSERT INTO rules(code, position, enabled, spec_json, active_from, updated_at) VALUES (?1, ?2, 1, ?3, ?4, ?4)"
                     " ON CONFLICT(code) DO NOTHING");
        ins.bind(1, r["code"].get<std::string>()).bind(2, (int64_t)position).bind(3, r["spec"].dump()).bind(4, at).step();
    }
    sp.commit();
}

void install_new_default_rules(sqlite3* db) {
    Stmt any(db, "SELECT 1 FROM rules LIMIT 1");
    if (any.step()) install_default_rules(db, now_iso());
}

}  // namespace atelier::automation
