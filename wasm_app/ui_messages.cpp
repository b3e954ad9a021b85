// wasm_app/ui_messages.cpp — what reaches the client and the manager's day:
// a document's link (copy, send with a preview), the lead's messages and
// tasks, its activity journal, and the Today view (tasks, leads waiting on
// the manager, messages coming up).
//
// The app never sends: "send" records an event (document_sent) that the
// studio's server turns into an e-mail by its rules when the app syncs.

#include <imgui.h>

#include <array>
#include <map>

#include "automation.h"
#include "ids.h"
#include "money.h"
#include "platform_web.h"
#include "store.h"
#include "ui.h"
#include "sync_client.h"
#include "ui_text.h"

namespace ui {

using atelier::Lang;
using nlohmann::json;

std::string human_time(const std::string& iso, Lang l) {
    if (iso.size() < 16) return iso;
    static const char* ru[] = {"янв.", "февр.", "марта", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.", "нояб.", "дек."};
    static const char* fr[] = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."};
    static const char* en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::string hm = iso.substr(11, 5);
    const std::string today = atelier::now_iso().substr(0, 10);
    if (iso.compare(0, 10, today) == 0) return std::string(L3(l, "сегодня, ", "aujourd'hui, ", "today, ")) + hm;
    int m = std::atoi(iso.substr(5, 2).c_str()), d = std::atoi(iso.substr(8, 2).c_str());
    if (m < 1 || m > 12) return iso;
    std::string date = l == Lang::en ? std::string(en[m - 1]) + " " + std::to_string(d) : std::to_string(d) + " " + (l == Lang::ru ? ru : fr)[m - 1];
    if (iso.compare(0, 4, today, 0, 4) != 0) date += " " + iso.substr(0, 4);
    return date + ", " + hm;
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
    };
    auto it = k.find(code);
    return it == k.end() ? code : it->second[l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2];
}

ImVec4 status_color(const std::string& s) {
    if (s == "sent") return ImVec4(0.25f, 0.65f, 0.35f, 1);
    if (s == "failed") return ImVec4(0.9f, 0.35f, 0.3f, 1);
    if (s == "cancelled") return ImVec4(0.55f, 0.55f, 0.58f, 1);
    return ImVec4(0.85f, 0.6f, 0.2f, 1);
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
    if (p.contains("problem")) ImGui::TextColored(ImVec4(0.9f, 0.35f, 0.3f, 1), "%s", p["problem"].get<std::string>().c_str());
    const bool mail = app::sync_client().status(db).value("mail_sending", "") != "0";
    if (!mail)
        ImGui::TextColored(ImVec4(0.85f, 0.6f, 0.2f, 1), "%s",
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
            ImGui::TextColored(ImVec4(0.9f, 0.35f, 0.3f, 1), "%s", m["last_error"].get<std::string>().c_str());
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
    if (app::sync_client().status(db).value("mail_sending", "") == "0")
        ImGui::TextColored(ImVec4(0.85f, 0.6f, 0.2f, 1), "%s",
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
        ImGui::TextDisabled("%s", line.c_str());
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
            json waiting = json::array();
            atelier::Stmt q(x, "SELECT l.id, c.name, l.stage, l.updated_at FROM leads l JOIN clients c ON c.id = l.client_id"
                               " WHERE l.stage IN ('new', 'brief_filled', 'estimated') ORDER BY l.updated_at LIMIT 200");
            while (q.step()) waiting.push_back({{"id", q.text(0)}, {"client", q.text(1)}, {"stage", q.text(2)}, {"since", q.text(3)}});
            st.today["waiting"] = waiting;
        });
        st.today_generation = db.generation() + 1;
    }
    const json& tasks = st.today["tasks"];
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
        if (ImGui::SmallButton(L3(st.lang, "Завтра", "Demain", "Tomorrow"))) {
            std::string err = db.act([&](sqlite3* x) {
                const std::string now = atelier::now_iso();
                atelier::automation::task_snooze(x, t["id"].get<std::string>(), atelier::automation::add_seconds(now, 86400), now);
            }, "snooze");
            if (!err.empty()) st.error = err;
        }
        anchor("today.snooze." + std::to_string(i));
        ImGui::SameLine();
        const bool overdue = t.value("overdue", false);
        const std::string line = human_time(t.value("due_at", ""), st.lang) + "  " + t.value("title", "");
        if (overdue) ImGui::TextColored(ImVec4(0.9f, 0.35f, 0.3f, 1), "%s", line.c_str());
        else ImGui::TextUnformatted(line.c_str());
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
        const std::string line = w.value("client", "") + " — " + stage_name(w.value("stage", ""), st.lang) + ", " +
                                 human_time(w.value("since", ""), st.lang);
        if (ImGui::Selectable(line.c_str())) {
            st.selected = w["id"].get<std::string>();
            st.today_open = false;
        }
        anchor("today.waiting." + std::to_string(i));
        ImGui::PopID();
        ++i;
    }
    if (st.today["waiting"].empty()) ImGui::TextDisabled("%s", L3(st.lang, "Никто не ждёт.", "Personne n'attend.", "Nobody is waiting."));
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
        ImGui::Text("%s  %s — %s", human_time(m.value("due_at", ""), st.lang).c_str(), m.value("client", "").c_str(),
                    rule_label(m.value("rule", ""), st.lang).c_str());
        ImGui::PopID();
        ++i;
    }
}

}  // namespace ui
