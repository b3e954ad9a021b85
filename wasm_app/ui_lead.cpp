// wasm_app/ui_lead.cpp — the lead card: the lead's data, its history, its
// documents, and one button for the next step of the conveyor.
//
//   brief (filled here from a phone call) → estimate → proposal →
//   accepted by the client → contract → signed (invoices follow) → payments
//
// Every button calls one core action in one transaction; nothing here
// computes a price or writes a document.

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <map>
#include <set>

#include "brief.h"
#include "client_pages.h"
#include "conveyor.h"
#include "error.h"
#include "documents.h"
#include "ids.h"
#include "money.h"
#include "pricing.h"
#include "requisites.h"
#include "store.h"
#include "platform_web.h"
#include "ui.h"
#include "ui_text.h"
#include "workflow.h"

namespace ui {

namespace {

using atelier::Lang;
using nlohmann::json;

std::string text_in(const json& j, Lang l) {
    return j.is_object() ? j.value(atelier::lang_code(l), "") : "";
}

std::string today() { return atelier::now_iso().substr(0, 10); }

// Opens the brief editor on the stored answers, or on sensible defaults.
void start_brief(app::Db& db, State& st, const app::LeadCard& c) {
    st.editing_brief = true;
    st.brief_problems.clear();
    st.brief_text.clear();
    st.brief_answers = json::object();
    if (!c.brief_code.empty()) st.brief_code = c.brief_code;
    const json& tpl = db.brief_template(st.brief_code);
    json stored = c.answers.is_object() ? c.answers : json::object();
    for (const json& s : tpl.value("sections", json::array()))
        for (const json& q : s["questions"]) {
            const std::string id = q["id"], type = q["type"];
            const json* a = stored.contains(id) ? &stored[id] : nullptr;
            if (type == "text" || type == "longtext" || type == "date") {
                st.brief_text[id] = a && a->is_string() ? a->get<std::string>() : "";
            } else if (type == "number") {
                st.brief_text[id] = a && a->is_number_integer() ? std::to_string(a->get<int64_t>())
                                  : q.value("required", false) && q.contains("min") && q["min"].get<int64_t>() >= 1 && id == "languages"
                                      ? "1" : "";
            } else if (type == "choice") {
                st.brief_answers[id] = a ? *a : q["options"][0]["id"];
            } else if (type == "multi") {
                st.brief_answers[id] = a && a->is_array() ? *a : json::array();
            } else if (type == "yesno") {
                st.brief_answers[id] = a && a->is_boolean() ? a->get<bool>() : false;
            } else if (type == "requisites") {
                st.brief_answers[id] = a && a->is_object() ? *a : json::object();  // edited in the card's legal details
            }
        }
    // What the lead already says needs no retyping.
    if (st.brief_text.count("company") && st.brief_text["company"].empty())
        st.brief_text["company"] = c.company.empty() ? c.client : c.company;
    if (st.brief_text.count("activity") && st.brief_text["activity"].empty()) st.brief_text["activity"] = c.title;
}

// The editor's fields as the client page posts them, so that the core turns
// both into answers the same way (brief_input).
atelier::FormFields editor_fields(app::Db& db, const State& st) {
    atelier::FormFields f;
    const json& tpl = db.brief_template(st.brief_code);
    for (const json& s : tpl.value("sections", json::array()))
        for (const json& q : s["questions"]) {
            const std::string id = q["id"], type = q["type"];
            if (auto t = st.brief_text.find(id); t != st.brief_text.end()) {
                f.emplace(id, t->second);
                continue;
            }
            auto a = st.brief_answers.find(id);
            if (a == st.brief_answers.end()) continue;
            if (type == "multi" && a->is_array())
                for (const json& o : *a) f.emplace(id, o.get<std::string>());
            else if (type == "yesno" && a->is_boolean()) f.emplace(id, a->get<bool>() ? "yes" : "no");
            else if (type == "requisites" && a->is_object() && !a->empty()) {
                const std::string country = a->value("country", "other");
                f.emplace(id + ".country", country);
                for (auto it = a->begin(); it != a->end(); ++it)
                    if (it->is_string() && it.key() != "country" && it.key() != "kind") f.emplace(id + "." + country + "." + it.key(), it->get<std::string>());
            }
            else if (a->is_string()) f.emplace(id, a->get<std::string>());
        }
    return f;
}

// The price as the brief is being filled: recomputed (in memory, nothing
// stored) whenever an answer changes, never on frames where nothing did.
void live_estimate(app::Db& db, State& st, const app::LeadCard& c) {
    json answers = st.brief_answers;
    for (const auto& [id, v] : st.brief_text) {
        if (v.empty()) continue;
        char* end = nullptr;
        long long n = std::strtoll(v.c_str(), &end, 10);
        answers[id] = (*end == 0) ? json(n) : json(v);
    }
    for (auto it = answers.begin(); it != answers.end();)
        it = (it->is_array() && it->empty()) ? answers.erase(it) : std::next(it);
    std::string key = c.currency + answers.dump();
    if (key != st.live_key) {
        st.live_key = key;
        st.live_estimate.clear();
        if (auto pl = db.price_list(c.currency)) {
            try {
                json e = json::parse(atelier::estimate_json(*pl, answers));
                auto cur = atelier::currency_from_code(c.currency);
                if (cur)
                    st.live_estimate = std::string(L3(st.lang, "Предварительно: ", "Estimation : ", "Estimate so far: ")) +
                                       atelier::format(atelier::Money{e["total"].get<int64_t>(), *cur}, st.lang) + ", " +
                                       std::to_string(e["working_days"].get<int64_t>()) + L3(st.lang, " раб. дн.", " jours ouvrés", " working days");
            } catch (const std::exception&) {
                // An answer the rules cannot use yet (being typed): nothing shown.
            }
        }
    }
    if (!st.live_estimate.empty()) ImGui::TextColored(theme::palette().accent, "%s", st.live_estimate.c_str());
    anchor("brief.live_estimate");
}

void brief_editor(app::Db& db, State& st, const app::LeadCard& c) {
    const json& tpl = db.brief_template(st.brief_code);
    ImGui::SeparatorText(text_in(tpl.value("title", json()), st.lang).c_str());
    static const char* codes[] = {"corporate", "shop", "landing"};
    if (c.brief_code.empty()) {  // the template is chosen once, before the first save
        for (const char* code : codes) {
            const std::string title = text_in(db.brief_template(code).value("title", json()), st.lang);
            if (code != codes[0]) same_line_if_fits(ImGui::CalcTextSize(title.c_str()).x + ImGui::GetFrameHeight() * 2);
            if (ImGui::RadioButton(title.c_str(), st.brief_code == code)) {
                st.brief_code = code;
                start_brief(db, st, c);
            }
        }
    }
    auto save = [&](bool submit) {
        atelier::BriefInput in = atelier::brief_input(tpl, editor_fields(db, st), submit);
        st.brief_problems.clear();
        for (const auto& p : in.problems) st.brief_problems[p.question] = atelier::problem_text(p.message, st.lang);
        if (!st.brief_problems.empty()) return;
        st.error = db.act([&](sqlite3* d) { atelier::conveyor::save_brief(d, c.id, st.brief_code, in.answers, submit, db.actor(), atelier::now_iso()); });
        if (st.error.empty()) st.editing_brief = false;
    };
    // The buttons come first: the brief is long, and they stay in reach.
    if (ImGui::Button(L3(st.lang, "Сохранить черновик (Ctrl+S)", "Enregistrer le brouillon (Ctrl+S)", "Save draft (Ctrl+S)")) ||
        ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_S))
        save(false);
    anchor("brief.save");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Бриф заполнен", "Brief rempli", "Brief complete"))) save(true);
    anchor("brief.submit");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Отмена", "Annuler", "Cancel"))) st.editing_brief = false;
    if (!st.brief_problems.empty())
        ImGui::TextColored(theme::danger(), "%s", L3(st.lang, "Проверьте ответы ниже", "Vérifiez les réponses ci-dessous", "Check the answers below"));
    live_estimate(db, st, c);
    const float field_w = ImGui::GetContentRegionAvail().x * 0.6f;
    for (const json& s : tpl.value("sections", json::array())) {
        const json& qs = s["questions"];
        if (std::all_of(qs.begin(), qs.end(), [](const json& q) { return q["type"] == "requisites"; })) continue;
        ImGui::TextDisabled("%s", text_in(s["title"], st.lang).c_str());
        for (const json& q : qs) {
            const std::string id = q["id"], type = q["type"];
            if (type == "requisites") continue;  // the card's legal details edit them
            ImGui::PushID(id.c_str());
            std::string label = text_in(q["label"], st.lang) + (q.value("required", false) ? " *" : "");
            ImGui::TextUnformatted(label.c_str());
            if (type == "text" || type == "date" || type == "number") {
                ImGui::SetNextItemWidth(field_w);
                ImGuiInputTextFlags f = type == "number" ? ImGuiInputTextFlags_CharsDecimal : 0;
                ImGui::InputText("##v", &st.brief_text[id], f);
                anchor("brief." + id);
            } else if (type == "longtext") {
                ImGui::InputTextMultiline("##v", &st.brief_text[id], ImVec2(field_w, ImGui::GetTextLineHeight() * 3));
                anchor("brief." + id);
            } else if (type == "choice") {
                std::string cur = st.brief_answers.value(id, "");
                std::string shown;
                for (const json& o : q["options"]) if (o["id"] == cur) shown = text_in(o["label"], st.lang);
                ImGui::SetNextItemWidth(field_w);
                if (ImGui::BeginCombo("##v", shown.c_str())) {
                    for (const json& o : q["options"])
                        if (ImGui::Selectable(text_in(o["label"], st.lang).c_str(), o["id"] == cur)) st.brief_answers[id] = o["id"];
                    ImGui::EndCombo();
                }
                anchor("brief." + id);
            } else if (type == "multi") {
                json& arr = st.brief_answers[id];
                if (!arr.is_array()) arr = json::array();
                int k = 0;
                for (const json& o : q["options"]) {
                    bool on = std::find(arr.begin(), arr.end(), o["id"]) != arr.end();
                    const std::string label = text_in(o["label"], st.lang);
                    if (k++) same_line_if_fits(ImGui::CalcTextSize(label.c_str()).x + ImGui::GetFrameHeight() * 2);
                    if (ImGui::Checkbox(label.c_str(), &on)) {
                        if (on) arr.push_back(o["id"]);
                        else arr.erase(std::remove(arr.begin(), arr.end(), o["id"]), arr.end());
                    }
                    anchor("brief." + id + "." + o["id"].get<std::string>());
                }
            } else if (type == "yesno") {
                bool v = st.brief_answers.value(id, false);
                if (ImGui::Checkbox(L3(st.lang, "Да", "Oui", "Yes"), &v)) st.brief_answers[id] = v;
                anchor("brief." + id);
            }
            auto p = st.brief_problems.find(id);
            if (p != st.brief_problems.end()) text_wrapped(theme::danger(), p->second);
            ImGui::PopID();
        }
    }
}

// The brief's answers, version by version. Once a version has been
// estimated it stays as it was: an edit makes the next version, and the
// answers it changed are marked.
void brief_section(app::Db& db, State& st, const app::LeadCard& c) {
    if (!c.view.contains("brief") || !c.view["brief"].is_object()) return;
    // Read in place: the card's view is cached until the data changes.
    static const json kNone = json::array(), kNoAnswers = json::object();
    auto at = [](const json& j, const char* key, const json& none) -> const json& {
        auto it = j.find(key);
        return it == j.end() ? none : *it;
    };
    const json& history = at(c.view["brief"], "history", kNone);
    const int n = static_cast<int>(history.size());
    if (n == 0) return;
    if (st.brief_version_for != c.id) {
        st.brief_version_for = c.id;
        st.brief_version = 0;
    }
    const int shown = st.brief_version >= 1 && st.brief_version <= n ? st.brief_version : n;
    const json& v = history[shown - 1];
    const json& tpl = db.brief_template(c.brief_code);
    const ImVec4 muted = theme::palette().muted, accent = theme::palette().accent;
    std::string head = L3(st.lang, "Бриф", "Brief", "Brief");
    if (n > 1)
        head += std::string(" · ") + L3(st.lang, "версия ", "version ", "version ") + std::to_string(shown) + L3(st.lang, " из ", " sur ", " of ") +
                std::to_string(n);
    if (!ImGui::CollapsingHeader((head + "###brief").c_str())) {
        anchor("card.brief");
        return;
    }
    anchor("card.brief");
    // The versions, each by its number and day.
    if (n > 1) {
        for (int k = 1; k <= n; ++k) {
            const std::string label = "v" + std::to_string(k) + " · " + human_time(history[k - 1].value("updated_at", ""), st.lang);
            if (k > 1) same_line_if_fits(label.c_str());
            const bool on = k == shown;
            if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::SmallButton(label.c_str())) st.brief_version = k == n ? 0 : k;
            if (on) ImGui::PopStyleColor();
            anchor("card.brief.version." + std::to_string(k));
        }
    }
    std::string status = v.value("status", "") == "submitted" ? L3(st.lang, "Заполнен", "Rempli", "Filled in") : L3(st.lang, "Черновик", "Brouillon", "Draft");
    status += ", " + human_time(v.value("updated_at", ""), st.lang);
    const json& made = at(v, "estimates", kNone);
    if (made.is_array() && !made.empty()) {
        std::string list;
        for (const json& e : made) list += (list.empty() ? "v" : ", v") + e.dump();
        status += std::string(". ") + L3(st.lang, "Расчёт по этой версии: ", "Chiffrage de cette version : ", "Estimated from this version: ") + list;
    }
    text_wrapped(muted, status);
    // The template's questions, in its order (pointers into the cached template).
    std::vector<const json*> order;
    std::map<std::string, const json*> questions;
    for (const json& sct : tpl.contains("sections") && tpl["sections"].is_array() ? tpl["sections"] : kNone)
        for (const json& q : sct.contains("questions") && sct["questions"].is_array() ? sct["questions"] : kNone)
            if (q.is_object() && q.contains("id") && q["id"].is_string()) {
                questions[q["id"].get<std::string>()] = &q;
                order.push_back(&q);
            }
    std::set<std::string> changed;
    for (const json& id : at(v, "changed", kNone))
        if (id.is_string()) changed.insert(id.get<std::string>());
    if (!changed.empty()) {
        std::string list;
        for (const json& id : v["changed"]) {
            auto q = questions.find(id.get<std::string>());
            if (q != questions.end()) list += (list.empty() ? "" : ", ") + text_in((*q->second)["label"], st.lang);
        }
        if (!list.empty())
            text_wrapped(accent, std::string(L3(st.lang, "Изменено с версии ", "Modifié depuis la version ", "Changed since version ")) +
                                     std::to_string(shown - 1) + ": " + list);
    }
    // Each answer under its question; a changed one marked.
    const json& answers = at(v, "answers", kNoAnswers);
    const bool stacked = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 28;
    if (ImGui::BeginTable("brief_answers", stacked ? 1 : 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) {
        if (!stacked) {
            ImGui::TableSetupColumn("q", ImGuiTableColumnFlags_WidthStretch, 2.0f);
            ImGui::TableSetupColumn("a", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        }
        for (const json* qp : order) {
                const json& q = *qp;
                const std::string id = q.value("id", ""), type = q.value("type", "");
                if (id.empty() || type == "requisites") continue;  // the legal details are shown above
                auto a = answers.find(id);
                std::string text = a == answers.end() ? "" : atelier::answer_text(q, *a, st.lang);
                const bool is_changed = changed.count(id) > 0;
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                std::string label = (is_changed ? "• " : "") + text_in(q["label"], st.lang);
                text_elided(label, is_changed ? &accent : &muted);
                if (!stacked) ImGui::TableNextColumn();
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(text.empty() ? "—" : text.c_str());
                ImGui::PopTextWrapPos();
                anchor("card.brief.answer." + id);
            }
        ImGui::EndTable();
    }
    if (c.stage == "won" || c.stage == "lost") return;
    // Only the newest version is edited; once estimated, the edit is a new version.
    const json& newest = history[n - 1];
    const bool estimated = !at(newest, "estimates", kNone).empty();
    if (shown == n) {
        if (ImGui::Button(L3(st.lang, "Изменить бриф", "Modifier le brief", "Edit the brief"))) start_brief(db, st, c);
        anchor("card.edit_brief");
        if (estimated)
            text_wrapped(muted, L3(st.lang, "Изменения станут новой версией брифа; расчёт и документы по этой версии останутся как есть.",
                                   "Les modifications feront une nouvelle version du brief ; le chiffrage et les documents de celle-ci restent tels quels.",
                                   "The changes will make a new version of the brief; the estimate and documents of this one stay as they are."));
    }
    // A newer version than the estimate: offer to price it.
    int priced = 0;
    for (int k = n; k >= 1 && !priced; --k)
        if (!at(history[k - 1], "estimates", kNone).empty()) priced = k;
    if (priced && priced < n && newest.value("status", "") == "submitted") {
        text_wrapped(theme::warning(), std::string(L3(st.lang, "Расчёт сделан по версии ", "Le chiffrage date de la version ", "The estimate is of version ")) +
                                           std::to_string(priced) + L3(st.lang, " брифа.", " du brief.", " of the brief."));
        if (ImGui::Button((std::string(L3(st.lang, "Пересчитать по версии ", "Rechiffrer selon la version ", "Estimate version ")) + std::to_string(n)).c_str()))
            st.error = db.act([&](sqlite3* d) { atelier::conveyor::estimate(d, c.id, json{{"start_date", today()}}, db.actor(), atelier::now_iso()); });
        anchor("card.reestimate");
    }
}

// The one button for the next step, chosen from what the lead has.
void next_step(app::Db& db, State& st, const app::LeadCard& c) {
    const app::Doc* est = c.latest("estimate");
    const app::Doc* prop = c.latest("proposal");
    const app::Doc* contract = c.latest("contract");
    // Ctrl+Enter presses the next-step button (the first one, for invoices).
    bool chord = !ImGui::GetIO().WantTextInput && ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_Enter);
    auto button = [&](const char* anchor_name, const char* label) {
        bool pressed = ImGui::Button(label) || chord;
        chord = false;
        anchor(anchor_name);
        return pressed;
    };
    const std::string now = atelier::now_iso();
    if (c.stage == "won" || c.stage == "lost") return;
    if (c.brief_status != "submitted") {
        if (button("card.fill_brief", L3(st.lang, "Заполнить бриф", "Remplir le brief", "Fill in the brief"))) start_brief(db, st, c);
        return;
    }
    if (!est || (prop && prop->status == "superseded" && prop == c.latest("proposal"))) {
        if (button("card.estimate", L3(st.lang, "Рассчитать стоимость", "Chiffrer", "Estimate")))
            st.error = db.act([&](sqlite3* d) { atelier::conveyor::estimate(d, c.id, json{{"start_date", today()}}, db.actor(), now); });
        return;
    }
    if (!prop || prop->status == "superseded") {
        if (button("card.proposal", L3(st.lang, "Создать КП", "Créer la proposition", "Create the proposal")))
            st.error = db.act([&](sqlite3* d) { atelier::conveyor::propose(d, est->id, db.actor(), now); });
        return;
    }
    // The client accepts on its own page (the link); what the manager can do
    // here is record an acceptance given by phone, e-mail or on paper, which
    // the documents and the journal keep apart from the client's own.
    auto record = [&](const app::Doc& doc, bool sign) {
        if (st.accept_for != doc.id) {
            st.accept_for = doc.id;
            st.accept_name = c.client;
            st.accept_note.clear();
            st.accept_channel = 0;
        }
        static const char* channels[] = {"phone", "email", "paper"};
        const char* labels[] = {L3(st.lang, "по телефону", "par téléphone", "by phone"), L3(st.lang, "по e-mail", "par e-mail", "by e-mail"),
                                L3(st.lang, "на бумаге", "sur papier", "on paper")};
        ImGui::TextDisabled("%s", sign ? L3(st.lang, "Клиент подписывает договор по ссылке. Или запишите подпись:",
                                            "Le client signe le contrat par son lien. Ou enregistrez la signature :",
                                            "The client signs the contract on its link. Or record the signature:")
                                       : L3(st.lang, "Клиент принимает КП по ссылке. Или запишите его согласие:",
                                            "Le client accepte la proposition par son lien. Ou enregistrez son accord :",
                                            "The client accepts the proposal on its link. Or record the acceptance:"));
        for (int k = 0; k < 3; ++k) {
            if (k) ImGui::SameLine();
            if (ImGui::RadioButton(labels[k], st.accept_channel == k)) st.accept_channel = k;
            anchor(std::string("card.accept_channel.") + channels[k]);
        }
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
        ImGui::InputText(L3(st.lang, "Кто согласился", "Qui a accepté", "Who accepted"), &st.accept_name);
        anchor("card.accept_name");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
        ImGui::InputText(L3(st.lang, "Заметка", "Note", "Note"), &st.accept_note);
        anchor("card.accept_note");
        const char* id = sign ? "card.accept_contract" : "card.accept_proposal";
        const char* label = sign ? L3(st.lang, "Записать подпись договора", "Enregistrer la signature", "Record the signature")
                                 : L3(st.lang, "Записать согласие с КП", "Enregistrer l’acceptation", "Record the acceptance");
        if (button(id, label)) {
            const atelier::Acceptance how{channels[st.accept_channel], st.accept_name, "", st.accept_note};
            st.error = db.act([&](sqlite3* d) {
                if (sign) atelier::conveyor::sign(d, doc.id, how, db.actor(), now);
                else atelier::conveyor::accept(d, doc.id, how, db.actor(), now);
            });
            if (st.error.empty()) st.accept_for.clear();
        }
    };
    if (prop->status == "sent" || prop->status == "draft") {
        record(*prop, false);
        return;
    }
    if (contract && (contract->status == "sent" || contract->status == "draft")) {
        record(*contract, true);
        return;
    }
    int n = 0;
    for (const app::Doc& d : c.docs) {
        if (d.kind != "invoice") continue;
        ++n;
        if (d.status == "paid" || d.status == "void") continue;
        ImGui::PushID(d.id.c_str());
        if (d.status == "draft") {
            // A later payment of the schedule: issued when its moment comes (the launch).
            if (button(("card.issue." + std::to_string(n)).c_str(), L3(st.lang, "Выставить следующий счёт", "Émettre la facture suivante", "Issue the next invoice")))
                st.error = db.act([&](sqlite3* x) { atelier::conveyor::issue(x, d.id, db.actor(), now); });
            ImGui::PopID();
            continue;
        }
        std::string label = std::string(L3(st.lang, "Оплачен счёт ", "Facture payée ", "Invoice paid ")) + d.number;
        if (button(("card.pay." + std::to_string(n)).c_str(), label.c_str())) {
            // What is left to pay; the core's reference makes a repeated click one payment.
            st.error = db.act([&](sqlite3* x) { atelier::conveyor::pay(x, d.id, 0, "", today(), "bank_transfer", db.actor(), now); });
        }
        // A partial payment: the amount received, in the lead's currency.
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        ImGui::InputTextWithHint("##part", L3(st.lang, "часть", "acompte", "part"), &st.part_payment[d.id]);
        anchor("card.part." + std::to_string(n));
        ImGui::SameLine();
        if (button(("card.part_pay." + std::to_string(n)).c_str(), L3(st.lang, "Внести", "Enregistrer", "Record"))) {
            auto cur = atelier::currency_from_code(c.currency);
            st.error = db.act([&](sqlite3* x) {
                int64_t amount = atelier::parse_money(st.part_payment[d.id], cur ? *cur : atelier::Currency::RUB, st.lang, "payment").minor;
                if (amount <= 0) throw atelier::Error("payment: amount_minor: must be positive");
                atelier::conveyor::pay(x, d.id, amount, "", today(), "bank_transfer", db.actor(), now);
            });
            if (st.error.empty()) st.part_payment[d.id].clear();
        }
        ImGui::PopID();
    }
}

const char* kind_name(const std::string& k, const State& st) {
    if (k == "estimate") return L3(st.lang, "Расчёт", "Chiffrage", "Estimate");
    if (k == "proposal") return L3(st.lang, "КП", "Proposition", "Proposal");
    if (k == "contract") return L3(st.lang, "Договор", "Contrat", "Contract");
    if (k == "invoice") return L3(st.lang, "Счёт", "Facture", "Invoice");
    return k.c_str();
}

const char* status_name(const std::string& s, const State& st) {
    if (s == "ready") return "";
    if (s == "draft") return L3(st.lang, "черновик", "brouillon", "draft");
    if (s == "sent") return L3(st.lang, "отправлен", "envoyé", "sent");
    if (s == "accepted") return L3(st.lang, "принят", "accepté", "accepted");
    if (s == "superseded") return L3(st.lang, "заменён", "remplacé", "superseded");
    if (s == "declined") return L3(st.lang, "отклонён", "refusé", "declined");
    if (s == "issued") return L3(st.lang, "выставлен", "émise", "issued");
    if (s == "partially_paid") return L3(st.lang, "оплачен частично", "payée en partie", "partly paid");
    if (s == "paid") return L3(st.lang, "оплачен", "payée", "paid");
    if (s == "void") return L3(st.lang, "аннулирован", "annulée", "void");
    return s.c_str();
}

std::string name_of(const json& names, const char* group, const std::string& id, Lang l) {
    if (!names.contains(group) || !names[group].contains(id)) return id;
    return names[group][id].value(atelier::lang_code(l), id);
}

// The estimate: lines grouped by stage, manual overrides marked, totals, the
// difference from the previous version, and a new version with another
// discount or an overridden line.
void estimate_view(app::Db& db, State& st, const app::LeadCard& c) {
    const json& e = c.estimate;
    if (!e.is_object()) return;
    auto cur = atelier::currency_from_code(e.value("currency", "RUB"));
    if (!cur) return;
    auto money = [&](int64_t v) { return atelier::format(atelier::Money{v, *cur}, st.lang); };
    const json& names = e["names"];
    ImGui::SeparatorText((std::string(L3(st.lang, "Расчёт, версия ", "Chiffrage, version ", "Estimate, version ")) + std::to_string(c.estimate_version)).c_str());

    // Another discount makes a new version.
    std::string shown = st.discount.empty() ? "—" : name_of(names, "discounts", st.discount, st.lang);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    if (ImGui::BeginCombo(L3(st.lang, "Скидка", "Remise", "Discount"), shown.c_str())) {
        if (ImGui::Selectable("—", st.discount.empty())) st.discount.clear();
        if (names.contains("discounts"))
            for (auto it = names["discounts"].begin(); it != names["discounts"].end(); ++it)
                if (ImGui::Selectable(it.value().value(atelier::lang_code(st.lang), it.key()).c_str(), st.discount == it.key()))
                    st.discount = it.key();
        ImGui::EndCombo();
    }
    anchor("estimate.discount");
    ImGui::SameLine();
    auto new_version = [&](json overrides) {
        json opt = {{"start_date", today()}, {"overrides", std::move(overrides)}};
        if (!st.discount.empty()) opt["discount"] = st.discount;
        st.error = db.act([&](sqlite3* d) { atelier::conveyor::estimate(d, c.id, opt, db.actor(), atelier::now_iso()); });
    };
    if (ImGui::Button(L3(st.lang, "Пересчитать", "Recalculer", "Recalculate"))) new_version(c.estimate_overrides);
    anchor("estimate.recalculate");

    if (ImGui::BeginTable("estimate", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn(L3(st.lang, "Работа", "Prestation", "Work"), 0, 3.0f);
        ImGui::TableSetupColumn(L3(st.lang, "Специалист", "Intervenant", "Specialist"), 0, 2.0f);
        ImGui::TableSetupColumn(L3(st.lang, "Часы", "Heures", "Hours"), 0, 0.8f);
        ImGui::TableSetupColumn(L3(st.lang, "Ставка", "Taux", "Rate"), 0, 1.2f);
        ImGui::TableSetupColumn(L3(st.lang, "Сумма", "Montant", "Amount"), 0, 2.2f);
        ImGui::TableHeadersRow();
        std::string stage;
        for (const json& ln : e["lines"]) {
            const std::string key = ln["key"];
            if (ln["stage"] != stage) {
                stage = ln["stage"];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", name_of(names, "stages", stage, st.lang).c_str());
            }
            ImGui::PushID(key.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name_of(names, "services", ln["service"], st.lang).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name_of(names, "roles", ln["role"], st.lang).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(atelier::format_hours(ln["centihours"].get<int64_t>(), st.lang).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(money(ln["rate"]).c_str());
            ImGui::TableNextColumn();
            if (st.override_key == key) {
                ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
                if (st.focus_override) {
                    ImGui::SetKeyboardFocusHere();
                    st.focus_override = false;
                }
                bool enter = ImGui::InputText("##amount", &st.override_text, ImGuiInputTextFlags_EnterReturnsTrue);
                anchor("estimate.override." + key);
                if (enter) {
                    try {
                        int64_t v = atelier::parse_money(st.override_text, *cur, st.lang, "amount").minor;
                        json ov = c.estimate_overrides.is_object() ? c.estimate_overrides : json::object();
                        ov[key] = {{"amount", v}};
                        st.override_key.clear();
                        new_version(ov);
                    } catch (const std::exception& ex) {
                        st.error = ex.what();
                    }
                }
            } else {
                bool manual = ln.value("overridden", false);
                std::string text = money(ln["amount"]);
                if (manual)
                    text += std::string(" (") + L3(st.lang, "вручную; расчёт ", "manuel ; calculé ", "manual; computed ") +
                            money(ln["computed_amount"]) + ")";
                if (ImGui::Selectable(text.c_str(), false)) {
                    st.override_key = key;
                    st.focus_override = true;
                    // The field appears next frame and takes the focus the
                    // frame after: keep drawing until it has the caret.
                    web::wake(4);
                    st.override_text = atelier::format(atelier::Money{ln["amount"], *cur}, st.lang);
                }
                anchor("estimate.line." + key);
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    // The same lines by role: who works how long, for how much.
    std::map<std::string, std::pair<int64_t, int64_t>> by_role;  // role → (centihours, amount)
    for (const json& ln : e["lines"]) {
        auto& r = by_role[ln["role"].get<std::string>()];
        r.first += ln["centihours"].get<int64_t>();
        r.second += ln["amount"].get<int64_t>();
    }
    if (ImGui::BeginTable("by_role", 3, ImGuiTableFlags_SizingStretchProp)) {
        for (const auto& [role, r] : by_role) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", name_of(names, "roles", role, st.lang).c_str());
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s %s", atelier::format_hours(r.first, st.lang).c_str(), L3(st.lang, "ч", "h", "h"));
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", money(r.second).c_str());
        }
        ImGui::EndTable();
    }
    anchor("estimate.by_role");
    ImGui::Text("%s: %s", L3(st.lang, "Итого по работам", "Total des prestations", "Subtotal"), money(e["subtotal"]).c_str());
    if (e["discount"].is_object())
        ImGui::Text("%s: -%s", L3(st.lang, "Скидка", "Remise", "Discount"), money(e["discount"]["amount"]).c_str());
    if (e["tax"]["amount"].get<int64_t>() != 0)
        ImGui::Text("%s: %s", L3(st.lang, "НДС", "TVA", "VAT"), money(e["tax"]["amount"]).c_str());
    ImGui::Text("%s: %s", L3(st.lang, "Итого", "Total", "Total"), money(e["total"]).c_str());
    anchor("estimate.total");

    // What changed since the previous version.
    const json& p = c.previous_estimate;
    if (p.is_object()) {
        int64_t delta = e["total"].get<int64_t>() - p["total"].get<int64_t>();
        ImGui::TextDisabled("%s v%lld: %s%s", L3(st.lang, "Разница с", "Écart avec", "Change from"), (long long)(c.estimate_version - 1),
                            delta >= 0 ? "+" : "", money(delta).c_str());
        std::map<std::string, int64_t> before, after;
        for (const json& ln : p["lines"]) before[ln["key"]] = ln["amount"];
        for (const json& ln : e["lines"]) after[ln["key"]] = ln["amount"];
        for (const auto& [k, v] : after) {
            auto it = before.find(k);
            if (it == before.end()) ImGui::TextDisabled("  + %s", k.c_str());
            else if (it->second != v) ImGui::TextDisabled("  %s: %s → %s", k.c_str(), money(it->second).c_str(), money(v).c_str());
        }
        for (const auto& [k, v] : before)
            if (!after.count(k)) ImGui::TextDisabled("  − %s", k.c_str());
    }
}

}  // namespace

// The client's name, company, e-mail and phone, corrected in place.
// The core's refusal of a contact, said in the interface's language.

static void contacts_form(app::Db& db, State& st, const app::LeadCard& c) {
    const float w = ImGui::GetFontSize() * 16;
    auto row = [&](const char* label, std::string* value, const char* name) {
        ImGui::SetNextItemWidth(w);
        ImGui::InputText(label, value);
        anchor(std::string("card.contact.") + name);
    };
    row(L3(st.lang, "Клиент", "Client", "Client"), &st.contact_name, "client_name");
    row(L3(st.lang, "Компания", "Société", "Company"), &st.contact_company, "company");
    row("E-mail", &st.contact_email, "email");
    row(L3(st.lang, "Телефон", "Téléphone", "Phone"), &st.contact_phone, "phone");
    // The client's language (its documents and e-mails) and the currency of
    // its price list; the currency stays once the contract is signed.
    static const char* const langs[] = {"ru", "fr", "en"};
    static const char* const currencies[] = {"RUB", "EUR", "USD"};
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
    ImGui::Combo(L3(st.lang, "Язык", "Langue", "Language"), &st.contact_lang, langs, 3);
    anchor("card.contact.lang");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
    ImGui::Combo(L3(st.lang, "Валюта", "Devise", "Currency"), &st.contact_currency, currencies, 3);
    anchor("card.contact.currency");
    if (ImGui::Button(L3(st.lang, "Сохранить", "Enregistrer", "Save"))) {
        const json changes = {{"client_name", st.contact_name}, {"company", st.contact_company}, {"email", st.contact_email},
                              {"phone", st.contact_phone}, {"lang", langs[st.contact_lang]}, {"currency", currencies[st.contact_currency]}};
        std::string err = db.act([&](sqlite3* x) { atelier::conveyor::edit_contacts(x, c.id, changes, db.actor(), atelier::now_iso()); },
                                 "contacts");
        st.error = err;
        if (err.empty()) st.contacts_for.clear();
    }
    anchor("card.contact_save");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Отмена", "Annuler", "Cancel"))) {
        st.contacts_for.clear();
        st.error.clear();
    }
    anchor("card.contact_cancel");
}

// The fields of a party's legal details per country, as the documents print
// them; the studio's also its bank (for its invoices) and signatory.
static const std::vector<const char*>& requisite_keys(int country, bool studio) {
    static const std::vector<const char*> ru = {"legal_name", "inn", "kpp", "ogrn", "address", "bank", "bik", "account", "corr_account"};
    static const std::vector<const char*> fr = {"legal_name", "legal_form", "siret", "tva", "rcs", "address", "bank", "iban", "bic"};
    static const std::vector<const char*> other = {"legal_name", "vat", "address"};
    static const std::vector<const char*> ru_studio = {"legal_name", "inn", "kpp", "ogrn", "address", "bank", "bik", "account", "corr_account", "signatory"};
    static const std::vector<const char*> fr_studio = {"legal_name", "legal_form", "capital", "siret", "tva", "rcs", "address", "bank", "iban", "bic", "signatory"};
    static const std::vector<const char*> other_studio = {"legal_name", "vat", "address", "bank", "iban", "bic", "signatory"};
    if (studio) return country == 0 ? ru_studio : country == 1 ? fr_studio : other_studio;
    return country == 0 ? ru : country == 1 ? fr : other;
}

static const char* const kCountryCode[] = {"ru", "fr", "other"};
static const char* const kKinds[] = {"company", "sole_trader", "person"};

void requisites_load(RequisitesInput& in, const json& r, const std::string& fallback) {
    in.fields.clear();
    if (r.is_object())
        for (auto it = r.begin(); it != r.end(); ++it)
            if (it->is_string()) in.fields[it.key()] = it->get<std::string>();
    const std::string country = r.is_object() ? r.value("country", fallback) : fallback;
    in.country = country == "ru" ? 0 : country == "fr" ? 1 : 2;
}

void requisites_fields(State& st, RequisitesInput& in, bool studio, const std::string& prefix) {
    const char* names[3] = {L3(st.lang, "Россия", "Russie", "Russia"), L3(st.lang, "Франция", "France", "France"),
                            L3(st.lang, "Другая страна", "Autre pays", "Another country")};
    const char* kind_names[3] = {L3(st.lang, "Организация", "Société", "Company"), L3(st.lang, "ИП", "Entrepreneur individuel", "Sole trader"),
                                 L3(st.lang, "Частное лицо", "Particulier", "Private person")};
    const float em = ImGui::GetFontSize();
    const auto& keys = requisite_keys(in.country, studio);
    // Labels on the left, fields on the right; the labels are long
    // ("Корреспондентский счёт"), so on a narrow screen each goes above its field.
    const bool stacked = ImGui::GetContentRegionAvail().x < em * 26;
    float label_w = ImGui::CalcTextSize(L3(st.lang, "Вид лица", "Type", "Kind")).x;
    for (const char* key : keys) label_w = std::max(label_w, ImGui::CalcTextSize(atelier::requisite_label(key, kCountryCode[in.country], st.lang).c_str()).x);
    label_w = std::min(label_w, ImGui::GetContentRegionAvail().x * 0.45f);
    auto label = [&](const std::string& text) {
        if (stacked) {
            ImGui::TextWrapped("%s", text.c_str());
            ImGui::SetNextItemWidth(-FLT_MIN);
            return;
        }
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        text_elided(text);
        ImGui::TableNextColumn();
        ImGui::SetNextItemWidth(std::min(em * 18, ImGui::GetContentRegionAvail().x));
    };
    if (!stacked && !ImGui::BeginTable((prefix + ".table").c_str(), 2, ImGuiTableFlags_SizingFixedFit)) return;
    if (!stacked) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, label_w);
        ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch);
    }
    label(L3(st.lang, "Страна", "Pays", "Country"));
    ImGui::Combo("##country", &in.country, names, 3);
    anchor(prefix + ".country");
    int kind = in.fields["kind"] == "sole_trader" ? 1 : in.fields["kind"] == "person" ? 2 : 0;
    label(L3(st.lang, "Вид лица", "Type", "Kind"));
    if (ImGui::Combo("##kind", &kind, kind_names, studio ? 2 : 3)) in.fields["kind"] = kKinds[kind];
    anchor(prefix + ".kind");
    for (const char* key : requisite_keys(in.country, studio)) {
        label(atelier::requisite_label(key, kCountryCode[in.country], st.lang));
        ImGui::InputText((std::string("##") + key).c_str(), &in.fields[key]);
        anchor(prefix + "." + key);
    }
    if (!stacked) ImGui::EndTable();
}

bool requisites_value(const State& st, const RequisitesInput& in, bool studio, json* out, std::string* error) {
    auto kind = in.fields.find("kind");
    json r = {{"country", kCountryCode[in.country]}, {"kind", kind == in.fields.end() || kind->second.empty() ? "company" : kind->second}};
    for (const char* key : requisite_keys(in.country, studio)) {
        auto it = in.fields.find(key);
        std::string v = it == in.fields.end() ? "" : it->second;
        v.erase(0, v.find_first_not_of(" \t"));
        v.erase(v.find_last_not_of(" \t") + 1);
        if (!v.empty()) r[key] = v;
    }
    error->clear();
    for (const std::string& p : atelier::requisites_problems(r, studio))
        *error += (error->empty() ? "" : "\n") + atelier::requisite_problem_text(p, kCountryCode[in.country], st.lang);
    *out = r;
    return error->empty();
}

static void start_requisites(State& st, const app::LeadCard& c) {
    st.requisites_for = c.id;
    const json r = c.view.contains("requisites") && c.view["requisites"].is_object() ? c.view["requisites"] : json::object();
    requisites_load(st.rq, r, c.currency == "RUB" ? "ru" : c.lang == "fr" ? "fr" : "other");
    if (st.rq.fields["legal_name"].empty()) st.rq.fields["legal_name"] = c.company;
}

// The client's legal details: the fields of its country, checked by the
// core (check digits), every refusal named in the interface's language.
static void requisites_form(app::Db& db, State& st, const app::LeadCard& c) {
    requisites_fields(st, st.rq, false, "card.rq");
    if (ImGui::Button(L3(st.lang, "Сохранить", "Enregistrer", "Save"))) {
        json r;
        if (requisites_value(st, st.rq, false, &r, &st.error)) {
            st.error = db.act([&](sqlite3* x) { atelier::conveyor::set_requisites(x, c.id, r, db.actor(), atelier::now_iso()); }, "requisites");
            if (st.error.empty()) st.requisites_for.clear();
        }
    }
    anchor("card.rq_save");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Отмена", "Annuler", "Cancel"))) {
        st.requisites_for.clear();
        st.error.clear();
    }
    anchor("card.rq_cancel");
}

// The signed project's stages: done (when), or a button that says so; the
// payments due at a stage's end are issued when it is done.
void project_section(app::Db& db, State& st, const app::LeadCard& c) {
    if (!c.view.contains("project") || !c.view["project"].is_object()) return;
    const json& stages = c.view["project"]["stages"];
    if (!stages.is_array() || stages.empty()) return;
    ImGui::SeparatorText(L3(st.lang, "Этапы проекта", "Étapes du projet", "Project stages"));
    // The whole project (timeline, materials, support) in its view.
    const json& pid = c.view["project"]["project_id"];
    if (pid.is_string()) {
        if (ImGui::SmallButton(L3(st.lang, "Открыть проект", "Ouvrir le projet", "Open the project"))) {
            st.projects_open = true;
            st.settings_open = st.today_open = st.sync_open = st.reports_open = st.board = false;
            st.projects.selected = pid.get<std::string>();
            st.projects.generation = 0;
        }
        anchor("card.project");
    }
    const auto cur = atelier::currency_from_code(c.currency);
    for (const json& s : stages) {
        const std::string id = s.value("id", "");
        ImGui::PushID(id.c_str());
        const bool done = s["done_at"].is_string();
        if (done) {
            ImGui::TextColored(theme::success(), "%s", L3(st.lang, "готово", "fait", "done"));
        } else if (c.stage != "lost" && ImGui::SmallButton(L3(st.lang, "Завершить", "Terminer", "Complete"))) {
            st.error = db.act([&](sqlite3* x) { atelier::conveyor::complete_stage(x, c.id, id, db.actor(), atelier::now_iso()); }, "stage");
        }
        anchor("card.stage." + id);
        ImGui::SameLine();
        std::string line = text_in(s.value("name", json()), st.lang);
        if (line.empty()) line = id;
        if (done) {
            // The act of the stage's work, to print and sign: issued with the
            // stage (an older stage's is issued now), frozen.
            const std::string contract = c.view["project"].value("contract_id", "");
            const json& act = s.contains("act") ? s["act"] : json();
            const bool is_signed = act.is_object() && act.value("status", "") == "signed";
            if (ImGui::SmallButton(is_signed ? L3(st.lang, "Акт подписан", "PV signé", "Certificate signed") : L3(st.lang, "Акт", "PV", "Certificate"))) {
                st.error = db.act([&](sqlite3* x) {
                    std::string act_id = act.is_object() ? act.value("id", "")
                                       : atelier::conveyor::issue_act(x, contract, id, db.actor(), atelier::now_iso()).made["act_id"].get<std::string>();
                    web::open_html_tab(atelier::document_html(x, "act", act_id, atelier::parse_lang(c.lang)));
                }, "act");
            }
            anchor("card.act." + id);
            if (act.is_object() && ImGui::IsItemHovered())
                ImGui::SetTooltip("%s %s", L3(st.lang, "Акт №", "PV n°", "Certificate No."), act.value("number", "").c_str());
            ImGui::SameLine();
        }
        if (done) line += ", " + human_time(s["done_at"].get<std::string>(), st.lang);
        else if (!s.value("planned_end", "").empty()) {
            // As the project plans it now: moved stages keep their new dates.
            const std::string status = s.value("status", "");
            if (status == "in_progress") line += L3(st.lang, " · идёт", " · en cours", " · in progress");
            else if (status == "waiting_client") line += L3(st.lang, " · ждём клиента", " · attend le client", " · waiting for the client");
            line += std::string(L3(st.lang, ", до ", ", jusqu'au ", ", until ")) + atelier::format_date(s.value("planned_end", ""), st.lang);
        } else if (!s.value("end", "").empty()) line += std::string(L3(st.lang, ", до ", ", jusqu'au ", ", until ")) + atelier::format_date(s.value("end", ""), st.lang);
        for (const json& p : s["payments"]) {
            line += std::string("  → ") + L3(st.lang, "счёт ", "facture ", "invoice ") + std::to_string(p.value("percent", 0)) + " %";
            if (cur) line += " (" + atelier::format(atelier::Money{p.value("amount_minor", (int64_t)0), *cur}, st.lang) + ")";
            if (p.value("status", "") == "draft") line += L3(st.lang, ", будет выставлен", ", à émettre", ", to be issued");
        }
        ImGui::TextUnformatted(line.c_str());
        ImGui::PopID();
    }
}

void lead_card(app::Db& db, State& st) {
    const app::LeadCard* c = db.card(st.selected);
    if (!c) {
        st.selected.clear();
        return;
    }
    ImGui::Text("%s", c->client.c_str());
    anchor("card.title");
    ImGui::SameLine();
    ImGui::TextColored(theme::stage(c->stage), "%s", stage_name(c->stage, st.lang));
    // The other actions than the next step: in a menu.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float close_w = ImGui::CalcTextSize(theme::icon::close).x + style.FramePadding.x * 2;
    const float more_w = ImGui::CalcTextSize(theme::icon::more).x + style.FramePadding.x * 2;
    ImGui::SameLine(ImGui::GetContentRegionMax().x - close_w - style.ItemSpacing.x - more_w);
    if (ImGui::SmallButton((std::string(theme::icon::more) + "##more").c_str())) ImGui::OpenPopup("card_more");
    anchor("card.more");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", L3(st.lang, "Другие действия", "Autres actions", "More actions"));
    if (ImGui::BeginPopup("card_more")) {
        if (ImGui::MenuItem(L3(st.lang, "Изменить контакты", "Modifier les coordonnées", "Edit contacts"))) {
            st.contacts_for = c->id;
            st.contact_name = c->client;
            st.contact_company = c->company;
            st.contact_email = c->email;
            st.contact_phone = c->phone;
            st.contact_lang = c->lang == "fr" ? 1 : c->lang == "en" ? 2 : 0;
            st.contact_currency = c->currency == "EUR" ? 1 : c->currency == "USD" ? 2 : 0;
        }
        anchor("card.edit_contacts");
        if (ImGui::MenuItem(L3(st.lang, "Реквизиты…", "Coordonnées légales…", "Legal details…"))) start_requisites(st, *c);
        anchor("card.edit_requisites");
        if (c->stage != "won" && c->stage != "lost") {
            ImGui::Separator();
            if (ImGui::MenuItem(L3(st.lang, "Закрыть как проигранную…", "Clore comme perdue…", "Close as lost…"))) ask_lost_reason(st, c->id);
            anchor("card.lose");
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine(ImGui::GetContentRegionMax().x - close_w);
    if (ImGui::SmallButton((std::string(theme::icon::close) + "##close").c_str())) {
        st.selected.clear();
        return;
    }
    if (st.contacts_for == c->id) {
        contacts_form(db, st, *c);
    } else {
        if (!c->company.empty()) ImGui::TextUnformatted(c->company.c_str());
        if (!c->email.empty() || !c->phone.empty()) {
            const ImVec4 muted = theme::palette().muted;
            text_elided(c->email + "  " + c->phone, &muted);
        }
    }
    // The client's legal details, as the documents print them.
    if (st.requisites_for == c->id) {
        requisites_form(db, st, *c);
    } else if (c->view.contains("requisites") && c->view["requisites"].is_object() && !c->view["requisites"].empty()) {
        const json& r = c->view["requisites"];
        std::string line = r.value("legal_name", "");
        for (const char* k : {"inn", "kpp", "ogrn", "siret", "tva", "vat"})
            if (r.contains(k) && r[k].is_string() && !r[k].get<std::string>().empty())
                line += (line.empty() ? "" : ", ") + (std::string(k) == "inn" ? std::string(L3(st.lang, "ИНН", "INN", "INN"))
                                                    : std::string(k) == "kpp" ? std::string(L3(st.lang, "КПП", "KPP", "KPP"))
                                                    : std::string(k) == "ogrn" ? std::string(L3(st.lang, "ОГРН", "OGRN", "OGRN"))
                                                    : std::string(k) == "tva" ? std::string("TVA")
                                                    : std::string(k) == "vat" ? std::string(L3(st.lang, "НДС", "TVA", "VAT"))
                                                                              : std::string("SIRET")) +
                        " " + r[k].get<std::string>();
        if (!line.empty()) {
            const ImVec4 muted = theme::palette().muted;
            text_elided(std::string(L3(st.lang, "Реквизиты:", "Coordonnées légales :", "Legal details:")) + " " + line, &muted);
        }
    }
    // What the client wrote in the site form, and where it came from.
    const std::string message = c->view.value("message", "");
    if (!message.empty()) ImGui::TextWrapped("%s «%s»", L3(st.lang, "Сообщение с сайта:", "Message du site :", "Message from the site:"), message.c_str());
    if (c->view.contains("utm") && c->view["utm"].is_object() && !c->view["utm"].empty()) {
        std::string tags;
        for (const auto& [k, v] : c->view["utm"].items()) tags += (tags.empty() ? "" : ", ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        ImGui::PushStyleColor(ImGuiCol_Text, theme::palette().muted);
        ImGui::TextWrapped("%s %s", L3(st.lang, "Источник:", "Provenance :", "Came from:"), tags.c_str());
        ImGui::PopStyleColor();
    }
    if (auto cur = atelier::currency_from_code(c->currency); cur && c->amount_minor)
        ImGui::Text("%s", atelier::format(atelier::Money{c->amount_minor, *cur}, st.lang).c_str());
    ImGui::Separator();

    if (st.editing_brief) {
        brief_editor(db, st, *c);
        return;
    }
    next_step(db, st, *c);
    if (!st.error.empty()) text_wrapped(theme::danger(), st.error);
    brief_section(db, st, *c);

    if (c->estimate.is_object()) {
        if (ImGui::Checkbox(L3(st.lang, "Показать расчёт", "Afficher le chiffrage", "Show the estimate"), &st.show_estimate)) {}
        anchor("card.show_estimate");
        if (st.show_estimate) estimate_view(db, st, *c);
    }
    if (!c->docs.empty()) ImGui::SeparatorText(L3(st.lang, "Документы", "Documents", "Documents"));
    for (const app::Doc& d : c->docs) {
        ImGui::PushID(d.id.c_str());
        std::string line = std::string(kind_name(d.kind, st)) + (d.number.empty() ? "" : " " + d.number) + "  v" +
                           std::to_string(d.version) + "  " + status_name(d.status, st);
        if (d.total) {
            if (auto cur = atelier::currency_from_code(c->currency))
                line += "  " + atelier::format(atelier::Money{d.total, *cur}, st.lang);
        }
        ImGui::TextUnformatted(line.c_str());
        if (d.kind != "estimate") {
            ImGui::SameLine();
            if (ImGui::SmallButton(L3(st.lang, "Печать", "Imprimer", "Print"))) {
                std::string err = db.act([&](sqlite3* x) {
                    web::open_html_tab(atelier::document_html(x, d.kind, d.id, atelier::parse_lang(c->lang)));
                });
                if (!err.empty()) st.error = err;
            }
            anchor("card.print." + d.kind);
            document_actions(db, st, *c, d);
        }
        ImGui::PopID();
    }
    project_section(db, st, *c);
    send_preview(db, st, *c);
    messages_section(db, st, *c);
    note_and_task(db, st, *c);
    journal_section(st, *c);
}

}  // namespace ui
