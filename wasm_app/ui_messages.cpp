// wasm_app/ui_messages.cpp — what reaches the client and the manager's day:
// a document's link (copy, send with a preview), the lead's messages and
// tasks, its activity journal, and the Today view (tasks, leads waiting on
// the manager, messages coming up).
//
// The app never sends: "send" records an event (document_sent) that the
// studio's server turns into an e-mail by its rules when the app syncs.

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <array>
#include <map>

#include "analytics.h"
#include "automation.h"
#include "conveyor.h"
#include "error.h"
#include "ids.h"
#include "json_in.h"
#include "money.h"
#include "platform_web.h"
#include "projects.h"
#include "store.h"
#include "sync.h"
#include "sync_client.h"
#include "ui.h"
#include "ui_text.h"

namespace ui {

using atelier::Lang;
using nlohmann::json;

std::string local_time(const std::string& iso) {
    if (iso.size() < 19) return iso;
    return atelier::automation::add_seconds(iso.substr(0, 19) + "Z", (int64_t)web::utc_offset_minutes(iso) * 60);
}

std::string utc_of_local(const std::string& local) {
    // The offset at the instant the local time names; read again at the
    // result, for the hour a change of daylight saving moves.
    std::string utc = atelier::automation::add_seconds(local, -(int64_t)web::utc_offset_minutes(local) * 60);
    return atelier::automation::add_seconds(local, -(int64_t)web::utc_offset_minutes(utc) * 60);
}

std::string human_time(const std::string& iso, Lang l) {
    if (iso.size() < 16) return iso;
    static const char* ru[] = {"янв.", "февр.", "марта", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.", "нояб.", "дек."};
    static const char* fr[] = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."};
    static const char* en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::string at = iso.size() >= 19 ? local_time(iso) : iso;
    const std::string hm = at.substr(11, 5);
    const std::string today = local_time(atelier::now_iso()).substr(0, 10);
    if (at.compare(0, 10, today) == 0) return std::string(L3(l, "сегодня, ", "aujourd'hui, ", "today, ")) + hm;
    int m = std::atoi(at.substr(5, 2).c_str()), d = std::atoi(at.substr(8, 2).c_str());
    if (m < 1 || m > 12) return iso;
    std::string date = l == Lang::en ? std::string(en[m - 1]) + " " + std::to_string(d) : std::to_string(d) + " " + (l == Lang::ru ? ru : fr)[m - 1];
    if (at.compare(0, 4, today, 0, 4) != 0) date += " " + at.substr(0, 4);
    return date + ", " + hm;
}

namespace {

// A date as the manager types it: 2026-12-15, 15.12.2026, 15/12/2026 or
// 15.12 (this year). "" when it is not a date of the calendar.
std::string parse_date(std::string t, const std::string& this_year) {
    t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
    int y = 0, m = 0, d = 0;
    char a = 0, b = 0;
    int n = 0;
    if (std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == (int)t.size()) {
    } else if (std::sscanf(t.c_str(), "%2d%c%2d%c%4d%n", &d, &a, &m, &b, &y, &n) == 5 && n == (int)t.size() && a == b && (a == '.' || a == '/')) {
    } else if (std::sscanf(t.c_str(), "%2d%c%2d%n", &d, &a, &m, &n) == 3 && n == (int)t.size() && (a == '.' || a == '/')) {
        y = std::atoi(this_year.c_str());
    } else {
        return "";
    }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1) return "";
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > days[m - 1] + (m == 2 && leap ? 1 : 0)) return "";
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

// "9:30", "09:30" → "09:30"; "" when it is not a time of day.
std::string parse_clock(const std::string& t) {
    int h = 0, mi = 0, n = 0;
    if (std::sscanf(t.c_str(), " %2d:%2d %n", &h, &mi, &n) != 2 || n != (int)t.size() || h > 23 || mi > 59 || h < 0 || mi < 0) return "";
    char out[8];
    std::snprintf(out, sizeof out, "%02d:%02d", h, mi);
    return out;
}

// The task form's date and time set to `days` from today, at 09:00 in the
// browser's time zone (today: the next whole hour).
void set_task_when(State& st, int days) {
    const std::string local = local_time(atelier::now_iso());
    const std::string day = atelier::automation::add_seconds(local.substr(0, 10) + "T12:00:00Z", (int64_t)days * 86400).substr(0, 10);
    st.task_date = atelier::format_date(day, st.lang);
    st.task_time = "09:00";
    if (days == 0 && local.substr(11, 5) >= "08:00") st.task_time = atelier::automation::add_seconds(local.substr(0, 13) + ":00:00Z", 3600).substr(11, 5);
    if (days == 0 && st.task_time == "00:00") st.task_time = "23:59";
}

}  // namespace

// What the lead waits for from the manager, as the Today list says it.
const char* action_label(const std::string& a, Lang l) {
    if (a == "send_brief") return L3(l, "отправить бриф", "envoyer le brief", "send the brief");
    if (a == "estimate") return L3(l, "сделать расчёт", "chiffrer", "make the estimate");
    if (a == "send_proposal") return L3(l, "отправить КП", "envoyer la proposition", "send the proposal");
    if (a == "issue_invoice") return L3(l, "выставить следующий счёт", "émettre la facture suivante", "issue the next invoice");
    if (a == "close_won") return L3(l, "закрыть сделку", "clore l'affaire", "close the deal");
    return a.c_str();
}

namespace {

const char* event_label(const std::string& kind, const json& p, Lang l) {
    if (kind == "lead_created") return L3(l, "Заявка создана", "Demande créée", "Request created");
    if (kind == "brief_sent") return L3(l, "Бриф отправлен клиенту", "Brief envoyé au client", "Brief sent to the client");
    if (kind == "brief_saved") return L3(l, "Черновик брифа сохранён", "Brouillon du brief enregistré", "Brief draft saved");
    if (kind == "brief_submitted")
        return p.value("revised", false) ? L3(l, "Бриф изменён после расчёта", "Brief modifié après le chiffrage", "Brief changed after the estimate")
                                         : L3(l, "Бриф заполнен", "Brief rempli", "Brief filled");
    if (kind == "estimated") return L3(l, "Расчёт", "Chiffrage", "Estimate");
    if (kind == "proposal_created") return L3(l, "КП подготовлено", "Proposition préparée", "Proposal prepared");
    if (kind == "proposal_accepted") return L3(l, "КП принято", "Proposition acceptée", "Proposal accepted");
    if (kind == "contract_signed") return L3(l, "Договор подписан", "Contrat signé", "Contract signed");
    if (kind == "invoice_issued") return L3(l, "Счёт выставлен", "Facture émise", "Invoice issued");
    if (kind == "payment_recorded") return L3(l, "Оплата получена", "Paiement reçu", "Payment received");
    if (kind == "won") return L3(l, "Сделка выиграна", "Affaire gagnée", "Won");
    if (kind == "lost") return L3(l, "Сделка проиграна", "Affaire perdue", "Lost");
    if (kind == "stage_moved") return L3(l, "Этап изменён", "Étape changée", "Stage changed");
    if (kind == "owner_changed") return L3(l, "Новый ответственный", "Nouveau responsable", "New owner");
    if (kind == "document_sent") return L3(l, "Ссылка отправлена клиенту", "Lien envoyé au client", "Link sent to the client");
    if (kind == "document_opened") return L3(l, "Клиент открыл документ", "Le client a ouvert le document", "The client opened the document");
    if (kind == "task_done") return L3(l, "Задача выполнена", "Tâche faite", "Task done");
    if (kind == "brief_revised") return L3(l, "Бриф изменён после расчёта", "Brief modifié après le chiffrage", "Brief changed after the estimate");
    if (kind == "note_added") return L3(l, "Заметка", "Note", "Note");
    if (kind == "contacts_changed") return L3(l, "Контакты клиента изменены", "Coordonnées du client modifiées", "Client's contacts changed");
    if (kind == "requisites_changed") return L3(l, "Реквизиты клиента изменены", "Coordonnées légales du client modifiées", "Client's legal details changed");
    if (kind == "stage_completed") return L3(l, "Этап проекта завершён", "Étape du projet terminée", "Project stage completed");
    return L3(l, "Событие", "Événement", "Event");
}

const char* doc_kind(const std::string& k, Lang l) {
    if (k == "brief") return L3(l, "бриф", "brief", "brief");
    if (k == "proposal") return L3(l, "КП", "proposition", "proposal");
    if (k == "contract") return L3(l, "договор", "contrat", "contract");
    if (k == "invoice") return L3(l, "счёт", "facture", "invoice");
    return "";
}

const char* message_status(const std::string& s, Lang l) {
    if (s == "scheduled") return L3(l, "запланировано", "programmé", "scheduled");
    if (s == "queued") return L3(l, "в очереди", "en file", "queued");
    if (s == "sending") return L3(l, "отправляется", "envoi", "sending");
    if (s == "sent") return L3(l, "отправлено", "envoyé", "sent");
    if (s == "failed") return L3(l, "не доставлено", "non distribué", "failed");
    if (s == "cancelled") return L3(l, "отменено", "annulé", "cancelled");
    return "";
}

// The shipped rules by what they do; a studio's own rule by its code.
std::string rule_label(const std::string& code, Lang l) {
    static const std::map<std::string, std::array<const char*, 3>> k = {
        {"brief_link", {"ссылка на бриф", "lien du brief", "brief link"}},
        {"brief_reminder", {"напоминание о брифе", "rappel du brief", "brief reminder"}},
        {"proposal_link", {"ссылка на КП", "lien de la proposition", "proposal link"}},
        {"proposal_unopened", {"напоминание: КП не открыто", "rappel : proposition non ouverte", "reminder: proposal not opened"}},
        {"proposal_followup", {"задача: позвонить по КП", "tâche : relancer la proposition", "task: follow up the proposal"}},
        {"contract_link", {"ссылка на договор", "lien du contrat", "contract link"}},
        {"contract_followup", {"задача: позвонить по договору", "tâche : relancer le contrat", "task: follow up the contract"}},
        {"invoice_link", {"ссылка на счёт", "lien de la facture", "invoice link"}},
        {"invoice_due", {"срок оплаты скоро", "échéance proche", "invoice due soon"}},
        {"invoice_overdue_1", {"счёт просрочен (1)", "facture en retard (1)", "invoice overdue (1)"}},
        {"invoice_overdue_2", {"счёт просрочен (2)", "facture en retard (2)", "invoice overdue (2)"}},
        {"invoice_overdue_3", {"задача: счёт просрочен", "tâche : facture en retard", "task: invoice overdue"}},
        {"payment_received", {"спасибо за оплату", "merci pour le paiement", "payment thanks"}},
        {"brief_submitted", {"студии: бриф заполнен", "au studio : brief rempli", "to the studio: brief filled"}},
        {"brief_revised", {"студии: бриф изменён", "au studio : brief modifié", "to the studio: brief changed"}},
        {"proposal_accepted", {"студии: КП принято", "au studio : proposition acceptée", "to the studio: proposal accepted"}},
        {"contract_signed", {"студии: договор подписан", "au studio : contrat signé", "to the studio: contract signed"}},
        {"send_proposal", {"КП вручную («Отправить клиенту»)", "proposition envoyée à la main", "proposal sent by hand"}},
        {"send_contract", {"договор вручную («Отправить клиенту»)", "contrat envoyé à la main", "contract sent by hand"}},
        {"send_invoice", {"счёт вручную («Отправить клиенту»)", "facture envoyée à la main", "invoice sent by hand"}},
    };
    auto it = k.find(code);
    return it == k.end() ? code : it->second[l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2];
}

ImVec4 status_color(const std::string& s) {
    if (s == "sent") return theme::success();
    if (s == "failed") return theme::danger();
    if (s == "cancelled") return theme::muted();
    return theme::warning();
}

}  // namespace

void document_actions(app::Db& db, State& st, const app::LeadCard& c, const app::Doc& d) {
    const json& docs = c.view.contains("documents") ? c.view["documents"] : json::array();
    std::string link;
    for (const json& x : docs)
        if (x.value("id", "") == d.id && x.contains("link")) link = x["link"].get<std::string>();
    if (link.empty() || d.kind == "estimate") return;
    ImGui::SameLine();
    if (ImGui::SmallButton(L3(st.lang, "Ссылка", "Lien", "Link"))) {
        web::set_clipboard((web::origin() + link).c_str());
        st.notice = std::string(L3(st.lang, "Ссылка скопирована: ", "Lien copié : ", "Link copied: ")) + web::origin() + link;
    }
    anchor("card.copy." + d.kind);
    if (d.status == "superseded" || d.status == "draft" && d.kind == "invoice") return;
    ImGui::SameLine();
    if (ImGui::SmallButton(L3(st.lang, "Отправить клиенту", "Envoyer au client", "Send to client"))) {
        st.send_doc = d.id;
        st.send_kind = d.kind;
        st.send_preview = json();
        st.error.clear();
        std::string err = db.act([&](sqlite3* x) {
            atelier::Savepoint sp(x, "preview");  // nothing of the preview stays
            st.send_preview = atelier::automation::preview(x, "send_" + d.kind, c.id, atelier::now_iso(), web::origin());
        });
        if (!err.empty()) st.error = err;
    }
    anchor("card.send." + d.kind);
    // Seen by the client?
    for (const json& x : docs)
        if (x.value("id", "") == d.id && x.contains("views") && x["views"].value("count", 0) > 0) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s %lld, %s", L3(st.lang, "открыт", "ouvert", "opened"), (long long)x["views"]["count"].get<int64_t>(),
                                human_time(x["views"].value("last", ""), st.lang).c_str());
        }
}

void send_preview(app::Db& db, State& st, const app::LeadCard& c) {
    if (st.send_doc.empty() || !st.send_preview.is_object()) return;
    ImGui::SeparatorText(L3(st.lang, "Письмо клиенту", "E-mail au client", "E-mail to the client"));
    const json& p = st.send_preview;
    ImGui::TextDisabled("%s %s", L3(st.lang, "Кому:", "À :", "To:"), p.value("recipient", "").c_str());
    ImGui::TextWrapped("%s", p.value("subject", "").c_str());
    ImGui::BeginChild("send_body", ImVec2(0, ImGui::GetTextLineHeight() * 8), true);
    ImGui::TextWrapped("%s", p.value("body", "").c_str());
    ImGui::EndChild();
    if (p.contains("problem")) text_wrapped(theme::danger(), p["problem"].get<std::string>());
    const bool mail = atelier::sync::meta(db.raw(), "mail_sending") != "0";
    if (!mail)
        ImGui::TextColored(theme::warning(), "%s",
                           L3(st.lang, "На сервере студии не настроена почта: письмо останется в очереди.",
                              "Le serveur du studio n'a pas de serveur de messagerie : l'e-mail restera en file.",
                              "The studio's server has no mail server set up: the e-mail will wait in the outbox."));
    if (ImGui::Button(L3(st.lang, "Отправить", "Envoyer", "Send"))) {
        std::string err = db.act([&](sqlite3* x) {
            atelier::automation::send_document(x, st.send_kind, st.send_doc, db.actor(), atelier::now_iso());
        }, "send");
        if (err.empty()) {
            st.notice = L3(st.lang, "Письмо поставлено в очередь: сервер отправит его при синхронизации.",
                           "E-mail mis en file : le serveur l'enverra à la synchronisation.",
                           "E-mail queued: the server sends it when the app syncs.");
            app::sync_client().request(db);
            st.send_doc.clear();
        } else {
            st.error = err;
        }
    }
    anchor("card.send_confirm");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Не отправлять", "Annuler", "Cancel"))) st.send_doc.clear();
    anchor("card.send_cancel");
}

void note_and_task(app::Db& db, State& st, const app::LeadCard& c) {
    ImGui::SeparatorText(L3(st.lang, "Заметка или задача", "Note ou tâche", "Note or task"));
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("MMMMMMMMMMMM").x);
    input_with_hint("##note", L3(st.lang, "Что сказал клиент, о чём договорились…", "Ce que le client a dit, ce qui est convenu…",
                                 "What the client said, what was agreed…"), &st.note_text);
    anchor("card.note");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "В историю", "Ajouter", "Add note"))) {
        std::string err = db.act([&](sqlite3* x) { atelier::conveyor::note(x, c.id, st.note_text, db.actor(), atelier::now_iso()); }, "note");
        if (err.empty()) st.note_text.clear(); else st.error = err;
    }
    anchor("card.note_add");
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("MMMMMMMMMMMM").x);
    input_with_hint("##task", L3(st.lang, "Задача: позвонить, отправить макет…", "Tâche : appeler, envoyer la maquette…",
                                 "Task: call, send the mock-up…"), &st.task_title);
    anchor("card.task");
    // When: a date and a time of the browser's time zone; the buttons fill them.
    if (st.task_date.empty()) set_task_when(st, 1);
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("00.00.00000").x + ImGui::GetStyle().FramePadding.x * 2);
    ImGui::InputText("##task_date", &st.task_date);
    anchor("card.task_date");
    ImGui::SameLine(0, 4);
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("00:000").x + ImGui::GetStyle().FramePadding.x * 2);
    ImGui::InputText("##task_time", &st.task_time);
    anchor("card.task_time");
    static const int days[] = {0, 1, 3, 7};
    for (int k = 0; k < 4; ++k) {
        static const char* const ru[] = {"сегодня", "завтра", "+3 дня", "+неделя"};
        static const char* const fr[] = {"aujourd'hui", "demain", "+3 jours", "+1 semaine"};
        static const char* const en[] = {"today", "tomorrow", "+3 days", "+1 week"};
        same_line_if_fits(L3(st.lang, ru[k], fr[k], en[k]));
        ImGui::PushID(k);
        if (ImGui::SmallButton(L3(st.lang, ru[k], fr[k], en[k]))) set_task_when(st, days[k]);
        ImGui::PopID();
        anchor("card.task_when." + std::to_string(k));
    }
    same_line_if_fits(L3(st.lang, "Поставить", "Planifier", "Add task"));
    if (ImGui::Button(L3(st.lang, "Поставить", "Planifier", "Add task"))) {
        const std::string now = atelier::now_iso();
        const std::string date = parse_date(st.task_date, local_time(now).substr(0, 4)), clock = parse_clock(st.task_time);
        if (date.empty())
            st.error = std::string(L3(st.lang, "Задача: дата: ожидается дата вида ", "Tâche : date : une date attendue, par exemple ",
                                      "Task: date: expected a date such as ")) + atelier::format_date(local_time(now).substr(0, 10), st.lang);
        else if (clock.empty())
            st.error = L3(st.lang, "Задача: время: ожидается время вида 09:30", "Tâche : heure : une heure attendue, par exemple 09:30",
                          "Task: time: expected a time such as 09:30");
        else {
            const std::string due = utc_of_local(date + "T" + clock + ":00Z");
            st.error = db.act([&](sqlite3* x) { atelier::automation::add_task(x, c.id, st.task_title, due, db.actor(), now); }, "task");
            if (st.error.empty()) st.task_title.clear();
        }
    }
    anchor("card.task_add");
}

void messages_section(app::Db& db, State& st, const app::LeadCard& c) {
    const json& tasks = c.view.contains("tasks") ? c.view["tasks"] : json::array();
    const json& msgs = c.view.contains("messages") ? c.view["messages"] : json::array();
    if (tasks.empty() && msgs.empty()) return;
    ImGui::SeparatorText(L3(st.lang, "Письма и задачи", "E-mails et tâches", "Messages and tasks"));
    int i = 0;
    for (const json& t : tasks) {
        ImGui::PushID(i++);
        if (ImGui::SmallButton(L3(st.lang, "Готово", "Fait", "Done"))) {
            std::string err = db.act([&](sqlite3* x) { atelier::automation::task_done(x, t["id"].get<std::string>(), db.actor(), atelier::now_iso()); },
                                     "task");
            if (!err.empty()) st.error = err;
        }
        anchor("card.task_done." + std::to_string(i - 1));
        ImGui::SameLine();
        ImGui::TextWrapped("%s — %s", human_time(t.value("due_at", ""), st.lang).c_str(), t.value("title", "").c_str());
        ImGui::PopID();
    }
    for (const json& m : msgs) {
        ImGui::PushID(i++);
        const std::string status = m.value("status", "");
        const std::string when = m["sent_at"].is_string() ? m["sent_at"].get<std::string>() : m.value("due_at", "");
        ImGui::TextColored(status_color(status), "%s", message_status(status, st.lang));
        ImGui::SameLine();
        const bool task = m.value("channel", "") == "task";
        ImGui::TextDisabled("%s%s%s", human_time(when, st.lang).c_str(), task ? "" : "  → ", task ? "" : m.value("recipient", "").c_str());
        ImGui::TextWrapped("%s", m.value("subject", "").empty() ? rule_label(m.value("rule", ""), st.lang).c_str() : m.value("subject", "").c_str());
        if (status == "failed" && !m.value("last_error", "").empty())
            text_wrapped(theme::danger(), m["last_error"].get<std::string>());
        if (status == "scheduled" || status == "queued") {
            if (ImGui::SmallButton(L3(st.lang, "Не отправлять", "Ne pas envoyer", "Do not send"))) {
                std::string err = db.act([&](sqlite3* x) {
                    atelier::automation::cancel(x, m["id"].get<std::string>(), atelier::now_iso(), db.actor().name);
                }, "cancel");
                if (!err.empty()) st.error = err;
            }
            anchor("card.message_cancel." + std::to_string(i - 1 - (int)tasks.size()));
        }
        ImGui::PopID();
    }
    if (atelier::sync::meta(db.raw(), "mail_sending") == "0")
        ImGui::TextColored(theme::warning(), "%s",
                           L3(st.lang, "Почта на сервере не настроена: письма ждут в очереди и не уходят.",
                              "Pas de serveur de messagerie configuré : les e-mails attendent en file.",
                              "No mail server is set up on the server: e-mails wait in the outbox."));
}

void journal_section(State& st, const app::LeadCard& c) {
    const json& events = c.view.contains("events") ? c.view["events"] : json::array();
    ImGui::SeparatorText(L3(st.lang, "История", "Historique", "History"));
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        const json& e = *it;
        const json p = e.value("payload", json::object());
        std::string line = human_time(e.value("at", ""), st.lang) + "  " + event_label(e.value("kind", ""), p, st.lang);
        if (p.is_object()) {
            if (p.contains("kind") && p["kind"].is_string()) line += std::string(" (") + doc_kind(p["kind"].get<std::string>(), st.lang) + ")";
            if (p.contains("number") && p["number"].is_string() && !p["number"].get<std::string>().empty())
                line += " " + p["number"].get<std::string>();
            if (p.contains("stage") && p["stage"].is_object() && p["stage"].contains("to"))
                line += std::string(" → ") + stage_name(p["stage"]["to"].get<std::string>(), st.lang);
        }
        const std::string who = e.value("actor_name", "");
        if (!who.empty() && e.value("actor", "") != "system") line += " · " + who;
        if (e.value("kind", "") == "note_added" && p.is_object() && p.contains("text")) {
            ImGui::TextDisabled("%s", line.c_str());
            ImGui::Indent();
            ImGui::TextWrapped("%s", p.value("text", "").c_str());
            ImGui::Unindent();
            continue;
        }
        ImGui::TextDisabled("%s", line.c_str());
    }
}

namespace {

// A rule's trigger as the studio reads it.
std::string trigger_words(const json& spec, Lang l) {
    const json t = spec.value("trigger", json::object());
    if (!t.is_object()) return "";
    if (t.contains("event")) {
        std::string w = std::string(L3(l, "когда: ", "quand : ", "when: ")) + event_label(t.value("event", ""), json::object(), l);
        if (t.contains("kind")) w += std::string(" (") + doc_kind(t.value("kind", ""), l) + ")";
        return w;
    }
    const int64_t d = t.value("days", 0);
    const std::string n = std::to_string(d < 0 ? -d : d);
    const std::string timer = t.value("timer", "");
    if (timer == "invoice_due")
        return d < 0 ? std::string(L3(l, "за ", "", "")) + n + L3(l, " дн. до срока оплаты", " j avant l'échéance", " days before the due date")
               : d == 0 ? std::string(L3(l, "в день срока оплаты", "le jour de l'échéance", "on the due date"))
                        : n + L3(l, " дн. после срока оплаты", " j après l'échéance", " days after the due date");
    const char* what = timer == "brief_sent" ? L3(l, "бриф не заполнен", "brief non rempli", "brief not filled")
                       : timer == "proposal_unopened" ? L3(l, "КП не открыто", "proposition non ouverte", "proposal not opened")
                       : timer == "proposal_sent" ? L3(l, "КП без ответа", "proposition sans réponse", "proposal not answered")
                       : timer == "contract_sent" ? L3(l, "договор не подписан", "contrat non signé", "contract not signed") : "";
    return std::string(what) + L3(l, " через ", " après ", " after ") + n + L3(l, " дн.", " j", " days");
}

const char* channel_words(const json& spec, Lang l) {
    const std::string c = spec.value("channel", "");
    if (c == "task") return L3(l, "задача менеджеру", "tâche du responsable", "task for the owner");
    if (c == "webhook") return L3(l, "вебхук", "webhook", "webhook");
    return spec.value("to", "client") == "owner" ? L3(l, "письмо студии", "e-mail au studio", "e-mail to the studio")
                                                 : L3(l, "письмо клиенту", "e-mail au client", "e-mail to the client");
}

}  // namespace

void rules_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    const json all = atelier::automation::rules(db.raw());
    static const char* langs[] = {"ru", "fr", "en"};
    ImGui::TextWrapped("%s", L3(st.lang, "Что и когда студия сообщает клиенту и себе. Письма уходят с сервера студии.",
                                "Ce que le studio dit au client et à lui-même, et quand. Les e-mails partent du serveur du studio.",
                                "What the studio tells the client and itself, and when. E-mails go from the studio's server."));
    // The list scrolls; the selected rule's editor stays below it. On a
    // narrow screen when and how go on a second line under the rule's name.
    const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 34;
    const float row_h = ImGui::GetFrameHeightWithSpacing() + (narrow ? ImGui::GetTextLineHeightWithSpacing() : 0.0f);
    const float list_h = row_h * std::min<float>(narrow ? 5.5f : 8.5f, (float)all.size() + 0.5f);
    if (ImGui::BeginTable("rules", narrow ? 1 : 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY,
                          ImVec2(0, list_h))) {
        int i = 0;
        for (const json& r : all) {
            const std::string code = r.value("code", "");
            ImGui::PushID(code.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            bool on = r.value("enabled", true);
            if (ImGui::Checkbox("##on", &on)) {
                s.error = db.act([&](sqlite3* x) { atelier::automation::set_rule(x, json{{"code", code}, {"enabled", on}}, atelier::now_iso()); },
                                 "rule");
                s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
            }
            anchor("rules.enabled." + std::to_string(i));
            ImGui::SameLine();
            if (selectable_elided(rule_label(code, st.lang), s.rule_code == code)) {
                s.rule_code = code;
                s.rule_loaded = false;
                s.notice.clear();
                s.error.clear();
            }
            anchor("rules.select." + std::to_string(i));
            const ImVec4 muted = theme::palette().muted;
            if (narrow) {
                ImGui::Indent(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.x);
                text_elided(trigger_words(r["spec"], st.lang) + " · " + channel_words(r["spec"], st.lang), &muted);
                ImGui::Unindent(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.x);
            } else {
                ImGui::TableNextColumn();
                text_elided(trigger_words(r["spec"], st.lang), &muted);
                ImGui::TableNextColumn();
                text_elided(channel_words(r["spec"], st.lang), &muted);
            }
            ImGui::PopID();
            ++i;
        }
        ImGui::EndTable();
    }
    if (s.rule_code.empty()) return;
    json rule;
    for (const json& r : all)
        if (r.value("code", "") == s.rule_code) rule = r;
    if (!rule.is_object()) return;
    const std::string tcode = rule["spec"].value("template", "");
    if (!s.rule_loaded) {
        s.rule_spec = rule["spec"].dump(2);
        json t = tcode.empty() ? json() : atelier::automation::email_template(db.raw(), tcode, langs[s.rule_lang]);
        s.rule_subject = t.is_object() ? t.value("subject", "") : "";
        s.rule_body = t.is_object() ? t.value("body", "") : "";
        s.rule_preview = json();
        s.rule_preview_key.clear();  // made again below, even for the same text
        s.rule_loaded = true;
    }
    ImGui::SeparatorText(rule_label(s.rule_code, st.lang).c_str());
    if (!tcode.empty()) {
        // The text on the left, the message it makes on the right (below on
        // a narrow screen), rendered again as it is typed, on the newest lead.
        const float em = ImGui::GetFontSize();
        const bool wide = ImGui::GetContentRegionAvail().x >= em * 44;
        const float editor_h = ImGui::GetTextLineHeightWithSpacing() * 16;
        if (wide) ImGui::BeginChild("rule_editor", ImVec2(ImGui::GetContentRegionAvail().x * 0.5f, editor_h));
        // The language of the e-mail being edited, named in the interface's.
        const char* lang_names[] = {L3(st.lang, "на русском", "en russe", "in Russian"), L3(st.lang, "на французском", "en français", "in French"),
                                    L3(st.lang, "на английском", "en anglais", "in English")};
        ImGui::SetNextItemWidth(std::min(em * 10, ImGui::GetContentRegionAvail().x));
        if (ImGui::Combo("##rule_lang", &s.rule_lang, lang_names, 3)) s.rule_loaded = false;
        anchor("rules.lang");
        ImGui::TextUnformatted(L3(st.lang, "Тема", "Objet", "Subject"));
        ImGui::SetNextItemWidth(-1);
        ImGui::InputText("##rule_subject", &s.rule_subject);
        anchor("rules.subject");
        ImGui::TextUnformatted(L3(st.lang, "Текст", "Texte", "Text"));
        const ImVec4 muted = theme::palette().muted;
        text_wrapped(muted, L3(st.lang, "Подстановки: {{client.name}}, {{link}}, {{document.number}}, {{document.total}}, {{document.due_on}} …",
                               "Champs : {{client.name}}, {{link}}, {{document.number}}, {{document.total}}, {{document.due_on}} …",
                               "Fields: {{client.name}}, {{link}}, {{document.number}}, {{document.total}}, {{document.due_on}} …"));
        ImGui::InputTextMultiline("##rule_body", &s.rule_body, ImVec2(-1, ImGui::GetTextLineHeight() * 7));
        anchor("rules.body");
        if (ImGui::Button(L3(st.lang, "Сохранить текст", "Enregistrer le texte", "Save the text"))) {
            s.error = db.act([&](sqlite3* x) {
                atelier::automation::save_email_template(x, tcode, langs[s.rule_lang], s.rule_subject, s.rule_body, atelier::now_iso());
            }, "template");
            s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
        }
        anchor("rules.save_template");
        if (wide) {
            ImGui::EndChild();
            ImGui::SameLine();
        }
        // The preview, again whenever the text, the language or the data change.
        const std::string key = s.rule_code + '\n' + langs[s.rule_lang] + '\n' + std::to_string(db.generation()) + '\n' + s.rule_subject +
                                '\n' + s.rule_body;
        if (key != s.rule_preview_key) {
            s.rule_preview_key = key;
            s.rule_preview = json();
            const atelier::automation::EmailText text{langs[s.rule_lang], s.rule_subject, s.rule_body};
            atelier::Stmt l(db.raw(), "SELECT id FROM leads ORDER BY created_at DESC, rowid DESC LIMIT 1");
            if (l.step()) {
                try {
                    s.rule_preview = atelier::automation::preview(db.raw(), s.rule_code, l.text(0), atelier::now_iso(), web::origin(), &text);
                } catch (const atelier::Error& e) {
                    s.rule_preview = json{{"problem", e.what()}};
                }
            }
        }
        ImGui::BeginChild("rule_preview", ImVec2(0, wide ? editor_h : ImGui::GetTextLineHeight() * 9), true);
        anchor("rules.preview");
        if (!s.rule_preview.is_object()) {
            text_wrapped(muted, L3(st.lang, "Предпросмотр появится с первой заявкой.", "L’aperçu apparaîtra avec la première demande.",
                                   "The preview appears with the first lead."));
        } else if (s.rule_preview.value("subject", "").empty() && s.rule_preview.contains("problem")) {
            // The template engine's reason (with its line), without the rule's code.
            std::string why = s.rule_preview.value("problem", "");
            if (const size_t at = why.find("rendered: "); at != std::string::npos) why = why.substr(at + 10);
            text_wrapped(theme::danger(), std::string(L3(st.lang, "Текст пока не собирается: ", "Le texte ne se compose pas encore : ",
                                                         "The text does not render yet: ")) + why);
        } else {
            text_wrapped(muted, std::string(L3(st.lang, "Кому: ", "À : ", "To: ")) + s.rule_preview.value("recipient", ""));
            text_wrapped(theme::palette().text, s.rule_preview.value("subject", ""));
            ImGui::Separator();
            ImGui::TextWrapped("%s", s.rule_preview.value("body", "").c_str());
        }
        ImGui::EndChild();
    }
    if (ImGui::CollapsingHeader(L3(st.lang, "Правило как данные (JSON)", "La règle en données (JSON)", "The rule as data (JSON)"))) {
        ImGui::InputTextMultiline("##rule_spec", &s.rule_spec, ImVec2(-1, ImGui::GetTextLineHeight() * 10));
        if (ImGui::Button(L3(st.lang, "Сохранить правило", "Enregistrer la règle", "Save the rule"))) {
            s.error = db.act([&](sqlite3* x) {
                atelier::automation::set_rule(x, json{{"code", s.rule_code}, {"spec", atelier::parse_json(s.rule_spec, "rule: spec")}},
                                              atelier::now_iso());
            }, "rule");
            s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
        }
        anchor("rules.save_spec");
    }
}

void today_view(app::Db& db, State& st) {
    // Recomputed after a change only.
    if (st.today_generation != db.generation() + 1 || st.today.is_null()) {
        st.today = json::object();
        db.act([&](sqlite3* x) {
            const std::string now = atelier::now_iso();
            st.today["tasks"] = atelier::automation::tasks(x, now);
            st.today["upcoming"] = atelier::automation::upcoming(x, now, 7);
            st.today["failed"] = atelier::automation::outbox(x, "", "failed", 50);
            const atelier::Actor me = db.actor();
            st.today["waiting"] = atelier::waiting_on_manager(x, local_time(now).substr(0, 10), me.owner ? "" : me.id);
            // What the reports say needs attention: money overdue, proposals nobody opened for 2 days.
            const auto owed = atelier::analytics::receivables(x, local_time(now).substr(0, 10));
            json overdue = json::array();
            for (const auto& r : owed.json())
                if (r["bucket"] != "not_due") overdue.push_back(r);
            st.today["overdue"] = overdue;
            atelier::Stmt q(x, "SELECT count(*) FROM proposals p WHERE p.status IN ('draft', 'sent') AND p.created_at <= ?1"
                               " AND NOT EXISTS (SELECT 1 FROM doc_links d WHERE d.kind = 'proposal' AND d.doc_id = p.id AND d.first_opened_at IS NOT NULL)");
            q.bind(1, atelier::automation::add_seconds(now, -2 * 86400));
            q.step();
            st.today["unopened"] = q.int64(0);
            st.today["projects_late"] = atelier::projects::late(x, local_time(now).substr(0, 10)).json();
        });
        st.today_generation = db.generation() + 1;
    }
    const json& tasks = st.today["tasks"];
    if (!st.today["overdue"].empty() || st.today.value("unopened", 0) > 0 || !st.today["projects_late"].empty()) {
        ImGui::SeparatorText(L3(st.lang, "Требует внимания", "À surveiller", "Needs attention"));
        std::map<std::string, std::pair<int64_t, int64_t>> owed;  // currency → invoices, amount
        for (const json& r : st.today["overdue"]) {
            auto& o = owed[r["currency"].get<std::string>()];
            o.first += r["invoices"].get<int64_t>();
            o.second += r["amount_minor"].get<int64_t>();
        }
        int k = 0;
        for (const auto& [cur, o] : owed) {
            ImGui::PushID(k++);
            const std::string line = std::string(L3(st.lang, "Просрочено счетов: ", "Factures en retard : ", "Overdue invoices: ")) +
                                     std::to_string(o.first) + ", " + atelier::format(atelier::Money{o.second, atelier::parse_currency(cur)}, st.lang);
            if (selectable_elided(line)) {
                st.today_open = false;
                st.reports_open = true;
                st.reports.drill = {{"report", "receivables"}, {"grp", ""}, {"key", ""}, {"title", L3(st.lang, "просроченные счета", "factures en retard", "overdue invoices")}};
            }
            anchor("today.overdue." + cur);
            ImGui::PopID();
        }
        if (st.today.value("unopened", 0) > 0) {
            const std::string line = std::string(L3(st.lang, "КП не открыты клиентом больше 2 дней: ", "Propositions non ouvertes depuis 2 jours : ",
                                                    "Proposals not opened for 2 days: ")) + std::to_string(st.today["unopened"].get<int64_t>());
            if (selectable_elided(line)) {
                st.today_open = false;
                st.reports_open = true;
            }
            anchor("today.unopened");
        }
        // Projects late or waiting on the client: one line each, to the project.
        int j = 0;
        for (const json& r : st.today["projects_late"]) {
            ImGui::PushID(1000 + j);
            const std::string reason = r["reason"];
            const int64_t days = r["days"];
            std::string line = r["client"].get<std::string>() + " · ";
            if (reason == "waiting_client") line += L3(st.lang, "ждём клиента", "attend le client", "waiting for the client");
            else if (reason == "materials_late") line += L3(st.lang, "материалы не получены", "éléments non reçus", "materials not received");
            else line += L3(st.lang, "этап опаздывает", "étape en retard", "stage late");
            line += ", " + std::to_string(days) + " " + L3(st.lang, "дн.", "j", "d");
            if (selectable_elided(line)) {
                st.today_open = false;
                st.projects_open = true;
                st.projects.selected = r["project_id"];
                st.projects.generation = 0;
            }
            anchor("today.project." + std::to_string(j++));
            ImGui::PopID();
        }
    }
    ImGui::SeparatorText(L3(st.lang, "Задачи", "Tâches", "Tasks"));
    if (tasks.empty()) ImGui::TextDisabled("%s", L3(st.lang, "Задач нет.", "Aucune tâche.", "No tasks."));
    int i = 0;
    for (const json& t : tasks) {
        ImGui::PushID(i);
        if (ImGui::SmallButton(L3(st.lang, "Готово", "Fait", "Done"))) {
            std::string err = db.act([&](sqlite3* x) { atelier::automation::task_done(x, t["id"].get<std::string>(), db.actor(), atelier::now_iso()); },
                                     "task");
            if (!err.empty()) st.error = err;
        }
        anchor("today.done." + std::to_string(i));
        ImGui::SameLine();
        if (ImGui::SmallButton(L3(st.lang, "Позже…", "Plus tard…", "Later…"))) ImGui::OpenPopup("snooze");
        if (ImGui::BeginPopup("snooze")) {
            // An hour from now; tomorrow or in a week at 09:00 in the browser's time zone.
            static const char* const ru[] = {"через час", "завтра, 09:00", "через неделю, 09:00"};
            static const char* const fr[] = {"dans une heure", "demain, 09:00", "dans une semaine, 09:00"};
            static const char* const en[] = {"in an hour", "tomorrow, 09:00", "in a week, 09:00"};
            static const char* const names[] = {"hour", "tomorrow", "week"};
            for (int k = 0; k < 3; ++k) {
                if (ImGui::Selectable(L3(st.lang, ru[k], fr[k], en[k]))) {
                    const std::string now = atelier::now_iso();
                    std::string until = atelier::automation::add_seconds(now, 3600);
                    if (k > 0) {
                        const std::string day = atelier::automation::add_seconds(local_time(now).substr(0, 10) + "T12:00:00Z", (k == 1 ? 1 : 7) * 86400);
                        until = utc_of_local(day.substr(0, 10) + "T09:00:00Z");
                    }
                    std::string err = db.act([&](sqlite3* x) { atelier::automation::task_snooze(x, t["id"].get<std::string>(), until, now); }, "snooze");
                    if (!err.empty()) st.error = err;
                }
                anchor(std::string("today.snooze_") + names[k]);
            }
            ImGui::EndPopup();
        }
        anchor("today.snooze." + std::to_string(i));
        ImGui::SameLine();
        const bool overdue = t.value("overdue", false);
        const std::string line = human_time(t.value("due_at", ""), st.lang) + "  " + t.value("title", "");
        const ImVec4 red = theme::danger();
        text_elided(line, overdue ? &red : nullptr);
        if (t["lead_id"].is_string() && ImGui::IsItemClicked()) {
            st.selected = t["lead_id"].get<std::string>();
            st.today_open = false;
        }
        ImGui::PopID();
        ++i;
    }
    ImGui::SeparatorText(L3(st.lang, "Ждут вас", "Vous attendent", "Waiting on you"));
    i = 0;
    for (const json& w : st.today["waiting"]) {
        ImGui::PushID(1000 + i);
        const std::string since = w.value("since", "");
        const std::string line = w.value("client", "") + " — " + action_label(w.value("action", ""), st.lang) + ", " +
                                 std::string(L3(st.lang, "ждёт с ", "attend depuis ", "waiting since ")) +
                                 (since.size() == 10 ? atelier::format_date(since, st.lang) : human_time(since, st.lang));
        if (selectable_elided(line)) {
            st.selected = w["id"].get<std::string>();
            st.today_open = false;
        }
        anchor("today.waiting." + std::to_string(i));
        ImGui::PopID();
        ++i;
    }
    if (st.today["waiting"].empty()) ImGui::TextDisabled("%s", L3(st.lang, "Никто не ждёт.", "Personne n'attend.", "Nobody is waiting."));
    if (!st.today["failed"].empty()) {
        ImGui::SeparatorText(L3(st.lang, "Не доставлено", "Non distribués", "Not delivered"));
        i = 0;
        for (const json& m : st.today["failed"]) {
            ImGui::PushID(3000 + i);
            if (ImGui::SmallButton(L3(st.lang, "Отправить ещё раз", "Renvoyer", "Send again"))) {
                std::string err = db.act([&](sqlite3* x) { atelier::automation::resend(x, m["id"].get<std::string>(), atelier::now_iso()); }, "resend");
                if (!err.empty()) st.error = err;
                app::sync_client().request(db);
            }
            anchor("today.resend." + std::to_string(i));
            ImGui::SameLine();
            text_elided(m.value("recipient", "") + " — " + m.value("subject", ""));
            text_wrapped(theme::danger(), m.value("last_error", ""));
            ImGui::PopID();
            ++i;
        }
    }
    if (atelier::sync::meta(db.raw(), "mail_sending") == "0")
        text_wrapped(theme::warning(), L3(st.lang, "Почта на сервере не настроена: письма ждут в очереди и не уходят.",
                                          "Pas de serveur de messagerie configuré : les e-mails attendent en file.",
                                          "No mail server is set up on the server: e-mails wait in the outbox."));
    ImGui::SeparatorText(L3(st.lang, "Скоро уйдут (7 дней)", "À venir (7 jours)", "Coming up (7 days)"));
    if (st.today["upcoming"].empty()) ImGui::TextDisabled("%s", L3(st.lang, "Ничего не запланировано.", "Rien de programmé.", "Nothing scheduled."));
    i = 0;
    for (const json& m : st.today["upcoming"]) {
        ImGui::PushID(2000 + i);
        if (ImGui::SmallButton(L3(st.lang, "Не отправлять", "Ne pas envoyer", "Do not send"))) {
            std::string err = db.act([&](sqlite3* x) {
                atelier::automation::cancel(x, m["id"].get<std::string>(), atelier::now_iso(), db.actor().name);
            }, "cancel");
            if (!err.empty()) st.error = err;
        }
        anchor("today.cancel." + std::to_string(i));
        ImGui::SameLine();
        text_elided(human_time(m.value("due_at", ""), st.lang) + "  " + m.value("client", "") + " — " + rule_label(m.value("rule", ""), st.lang));
        ImGui::PopID();
        ++i;
    }
}

}  // namespace ui
