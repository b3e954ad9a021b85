// wasm_app/ui_projects.cpp — the Projects view: the projects signed
// contracts opened (projects.h), each with where it is and whether it is
// late; the selected one on a timeline of its stages (planned bars, what
// happened, today), a bar dragged to move a stage and the later ones; the
// materials asked of the client and their answers.
#include <algorithm>
#include <cmath>
#include <string>

#include "calendar.h"
#include "ids.h"
#include "projects.h"
#include "store.h"
#include "theme.h"
#include "ui.h"
#include "ui_text.h"

namespace ui {

namespace {

using nlohmann::json;

const char* status_label(const std::string& s, atelier::Lang l) {
    if (s == "in_progress") return L3(l, "идёт", "en cours", "in progress");
    if (s == "waiting_client") return L3(l, "ждём клиента", "attend le client", "waiting for the client");
    if (s == "done") return L3(l, "готов", "terminée", "done");
    return L3(l, "запланирован", "prévue", "planned");
}

void load(app::Db& db, State& st, const std::string& today) {
    ProjectsState& p = st.projects;
    if (p.generation == db.generation() + 1) return;
    p.generation = db.generation() + 1;
    p.list = json::array();
    p.view = nullptr;
    db.act([&](sqlite3* x) {
        atelier::Stmt q(x, "SELECT p.id, p.lead_id, cl.name, p.status, s.name, s.status, (SELECT max(planned_end) FROM project_stages y WHERE y.project_id = p.id),"
                           " EXISTS (SELECT 1 FROM project_stages z WHERE z.project_id = p.id AND z.status != 'done' AND (z.planned_end < ?1 OR z.status = 'waiting_client'))"
                           " OR EXISTS (SELECT 1 FROM material_requests m WHERE m.project_id = p.id AND m.status = 'open' AND m.due_on < ?1)"
                           " FROM projects p JOIN leads l ON l.id = p.lead_id JOIN clients cl ON cl.id = l.client_id"
                           " LEFT JOIN project_stages s ON s.id = (SELECT id FROM project_stages w WHERE w.project_id = p.id AND w.status != 'done' ORDER BY position LIMIT 1)"
                           " ORDER BY p.status = 'done', p.created_at DESC");
        q.bind(1, today);
        while (q.step())
            p.list.push_back({{"id", q.text(0)}, {"lead_id", q.text(1)}, {"client", q.text(2)}, {"status", q.text(3)},
                              {"stage_name", q.is_null(4) ? "" : q.text(4)}, {"stage_status", q.is_null(5) ? "done" : q.text(5)},
                              {"planned_end", q.is_null(6) ? "" : q.text(6)}, {"attention", q.int64(7) != 0}});
        if (!p.selected.empty()) p.view = atelier::projects::view(x, p.selected);
    });
}

// The stages on a calendar: one row each, the planned dates as a bar (what
// happened, for a done stage), today as a line. A bar not done drags by
// whole days; on release the stage moves and the later ones follow.
void timeline(app::Db& db, State& st, const json& v, const std::string& today) {
    ProjectsState& p = st.projects;
    const float em = ImGui::GetFontSize();
    int64_t first = atelier::day_number(today, "today"), last = first;
    for (const json& s : v["stages"]) {
        first = std::min(first, atelier::day_number(s["planned_start"].get<std::string>(), "start"));
        last = std::max(last, atelier::day_number(s["planned_end"].get<std::string>(), "end"));
        if (s["actual_start"].is_string()) first = std::min(first, atelier::day_number(s["actual_start"].get<std::string>(), "start"));
        if (s["actual_end"].is_string()) last = std::max(last, atelier::day_number(s["actual_end"].get<std::string>(), "end"));
    }
    first -= 2;
    last += 3;
    const float name_w = std::min(em * 11, ImGui::GetContentRegionAvail().x * 0.35f);
    const float width = std::max(em * 8, ImGui::GetContentRegionAvail().x - name_w - em * 0.5f);
    const float per_day = width / (float)(last - first + 1), row_h = em * 1.7f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const ImVec2 area(top.x + name_w, top.y);
    const int n = (int)v["stages"].size();
    const float height = row_h * (float)n + em * 1.4f;
    // Month starts along the top, weekends shaded.
    const ImU32 grid = ImGui::GetColorU32(theme::palette().border), faint = ImGui::GetColorU32(ImVec4(0.5f, 0.5f, 0.5f, 0.08f));
    for (int64_t d = first; d <= last; ++d) {
        const float x = area.x + (float)(d - first) * per_day;
        const int64_t weekday = ((d % 7) + 7 + 3) % 7;
        if (weekday >= 5) dl->AddRectFilled(ImVec2(x, area.y + em * 1.2f), ImVec2(x + per_day, area.y + height), faint);
        const std::string iso = atelier::iso_date(d);
        if (iso.substr(8, 2) == "01" || d == first) {
            dl->AddLine(ImVec2(x, area.y + em * 1.1f), ImVec2(x, area.y + height), grid);
            dl->AddText(ImVec2(x + em * 0.2f, area.y), ImGui::GetColorU32(theme::muted()), atelier::format_date(iso, st.lang).substr(st.lang == atelier::Lang::en ? 0 : 3).c_str());
        }
    }
    const float today_x = area.x + (float)(atelier::day_number(today, "today") - first) * per_day;
    int row = 0;
    std::string dropped;
    int dropped_days = 0;
    for (const json& s : v["stages"]) {
        const float y = area.y + em * 1.4f + row_h * (float)row;
        const std::string status = s["status"];
        ImGui::SetCursorScreenPos(ImVec2(top.x, y + (row_h - em) * 0.5f));
        ImGui::PushClipRect(ImVec2(top.x, y), ImVec2(top.x + name_w - em * 0.3f, y + row_h), true);
        ImGui::TextUnformatted(s["name"].get<std::string>().c_str());
        ImGui::PopClipRect();
        const bool done = status == "done";
        const std::string from = done && s["actual_start"].is_string() ? s["actual_start"].get<std::string>() : s["planned_start"].get<std::string>();
        const std::string to = done && s["actual_end"].is_string() ? s["actual_end"].get<std::string>() : s["planned_end"].get<std::string>();
        const std::string id = s["id"];
        const int shift = p.drag_stage == id ? p.drag_days : 0;
        float x0 = area.x + (float)(atelier::day_number(from, "from") - first + shift) * per_day;
        float x1 = area.x + (float)(atelier::day_number(to, "to") - first + 1 + shift) * per_day;
        ImGui::SetCursorScreenPos(ImVec2(x0, y + row_h * 0.15f));
        ImGui::InvisibleButton(("##bar" + id).c_str(), ImVec2(std::max(x1 - x0, em * 0.6f), row_h * 0.7f));
        anchor("projects.stage." + std::to_string(row));
        if (!done && ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
            p.drag_stage = id;
            p.drag_days = (int)std::lround(ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 2.0f).x / per_day);
        }
        if (ImGui::IsItemDeactivated() && p.drag_stage == id) {
            dropped = id;
            dropped_days = p.drag_days;
            p.drag_stage.clear();
            p.drag_days = 0;
        }
        const ImVec4 c = done ? theme::palette().success : status == "waiting_client" ? theme::palette().warning
                         : status == "in_progress"                    ? theme::palette().accent
                                                                      : theme::palette().muted;
        const bool late = !done && s["planned_end"].get<std::string>() < today;
        dl->AddRectFilled(ImVec2(x0, y + row_h * 0.15f), ImVec2(x1, y + row_h * 0.85f),
                          ImGui::GetColorU32(ImVec4(c.x, c.y, c.z, status == "planned" ? 0.45f : 0.9f)), em * 0.25f);
        if (late) dl->AddRect(ImVec2(x0, y + row_h * 0.15f), ImVec2(x1, y + row_h * 0.85f), ImGui::GetColorU32(theme::danger()), em * 0.25f, 0, 2.0f);
        if (ImGui::IsItemHovered() && p.drag_stage.empty())
            ImGui::SetTooltip("%s\n%s – %s · %s", s["name"].get<std::string>().c_str(), atelier::format_date(from, st.lang).c_str(),
                              atelier::format_date(to, st.lang).c_str(), status_label(status, st.lang));
        ++row;
    }
    dl->AddLine(ImVec2(today_x, area.y + em * 1.1f), ImVec2(today_x, area.y + height), ImGui::GetColorU32(theme::danger()), 1.5f);
    ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + height + em * 0.3f));
    ImGui::Dummy(ImVec2(1, 1));
    if (!dropped.empty() && dropped_days != 0) {
        for (const json& s : v["stages"])
            if (s["id"] == dropped) {
                const std::string start = atelier::iso_date(atelier::day_number(s["planned_start"].get<std::string>(), "start") + dropped_days);
                p.error = db.act([&](sqlite3* x) { atelier::projects::move_stage(x, dropped, start, db.actor(), atelier::now_iso()); }, "project_stage_moved");
                p.notice = p.error.empty() ? std::string(L3(st.lang, "Этап перенесён, следующие сдвинуты за ним.", "L’étape est déplacée, les suivantes aussi.",
                                                             "The stage moved, and the later ones with it.")) : "";
            }
    }
}

}  // namespace

void projects_view(app::Db& db, State& st) {
    ProjectsState& p = st.projects;
    const std::string today = local_time(atelier::now_iso()).substr(0, 10);
    load(db, st, today);
    const float em = ImGui::GetFontSize();
    if (!p.error.empty()) text_wrapped(theme::danger(), p.error);
    if (!p.notice.empty()) text_wrapped(theme::palette().success, p.notice);
    if (p.list.empty()) {
        text_wrapped(theme::muted(), L3(st.lang, "Проектов пока нет: проект открывается, когда клиент подписывает договор.",
                                        "Aucun projet pour l’instant : un projet s’ouvre quand le client signe le contrat.",
                                        "No projects yet: a project opens when the client signs the contract."));
        return;
    }
    // The list: where each project is, late ones marked.
    const float list_h = std::min(em * 1.9f * (float)(p.list.size() + 1) + em * 0.5f, p.selected.empty() ? ImGui::GetContentRegionAvail().y : em * 10);
    if (ImGui::BeginTable("projects", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp, ImVec2(0, list_h))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(L3(st.lang, "Клиент", "Client", "Client"), ImGuiTableColumnFlags_WidthStretch, 3);
        ImGui::TableSetupColumn(L3(st.lang, "Этап", "Étape", "Stage"), ImGuiTableColumnFlags_WidthStretch, 3);
        ImGui::TableSetupColumn(L3(st.lang, "Окончание", "Fin prévue", "Ends"), ImGuiTableColumnFlags_WidthStretch, 2);
        ImGui::TableHeadersRow();
        ImGuiListClipper clip;
        clip.Begin((int)p.list.size());
        while (clip.Step())
            for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
                const json& r = p.list[(size_t)i];
                ImGui::PushID(i);
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                const std::string id = r["id"];
                if (ImGui::Selectable(("##row" + id).c_str(), p.selected == id, ImGuiSelectableFlags_SpanAllColumns)) {
                    p.selected = p.selected == id ? "" : id;
                    p.generation = 0;
                    p.error.clear();
                    p.notice.clear();
                }
                anchor("projects.row." + std::to_string(i));
                ImGui::SameLine(0, 0);
                text_elided(r["client"].get<std::string>(), r["attention"].get<bool>() ? &theme::palette().danger : nullptr);
                ImGui::TableNextColumn();
                text_elided(r["status"] == "done" ? std::string(L3(st.lang, "Завершён", "Terminé", "Done"))
                                                  : r["stage_name"].get<std::string>() + " · " + status_label(r["stage_status"], st.lang));
                ImGui::TableNextColumn();
                const std::string end = r["planned_end"];
                text_elided(end.empty() ? "—" : atelier::format_date(end, st.lang));
                ImGui::PopID();
            }
        ImGui::EndTable();
    }
    if (!p.view.is_object()) return;
    const json& v = p.view;
    ImGui::SeparatorText((v["client"].get<std::string>() + " · " + L3(st.lang, "договор № ", "contrat n° ", "contract No. ") + v["contract_number"].get<std::string>()).c_str());
    timeline(db, st, v, today);
    // The current stage: waiting on the client, or back at work.
    for (const json& s : v["stages"]) {
        if (s["status"] == "done") continue;
        const bool waiting = s["status"] == "waiting_client";
        const std::string label = waiting ? L3(st.lang, "Клиент ответил: продолжаем", "Le client a répondu : on reprend", "The client answered: back at work")
                                          : L3(st.lang, "Ждём клиента", "En attente du client", "Waiting for the client");
        if (ImGui::Button((label + "##wait").c_str())) {
            const std::string id = s["id"];
            p.error = db.act([&](sqlite3* x) {
                atelier::projects::set_stage_status(x, id, waiting ? "in_progress" : "waiting_client", db.actor(), atelier::now_iso());
            }, "project_stage_status");
        }
        anchor("projects.wait");
        break;
    }
    // Materials asked of the client.
    ImGui::SeparatorText(L3(st.lang, "Материалы от клиента", "Éléments du client", "Materials from the client"));
    int k = 0;
    for (const json& r : v["requests"]) {
        ImGui::PushID(k);
        const bool answered = r["status"] == "answered";
        std::string line = r["title"].get<std::string>();
        if (r["due_on"].is_string()) line += std::string(" · ") + L3(st.lang, "до ", "pour le ", "by ") + atelier::format_date(r["due_on"].get<std::string>(), st.lang);
        const bool late = !answered && r["due_on"].is_string() && r["due_on"].get<std::string>() < today;
        text_elided(line, late ? &theme::palette().danger : nullptr);
        anchor("projects.request." + std::to_string(k));
        if (answered) {
            ImGui::Indent(em);
            text_wrapped(theme::palette().success, std::string(L3(st.lang, "Ответ: ", "Réponse : ", "Answer: ")) + r["answer"].get<std::string>());
            ImGui::Unindent(em);
        }
        ImGui::PopID();
        ++k;
    }
    ImGui::SetNextItemWidth(std::min(em * 18, ImGui::GetContentRegionAvail().x));
    input_with_hint("##ask_title", L3(st.lang, "Что нужно от клиента (логотип, тексты, доступы)", "Ce qu’il faut du client (logo, textes, accès)",
                                      "What the client must send (logo, texts, accesses)"), &p.ask_title);
    anchor("projects.ask.title");
    same_line_if_fits(em * 7);
    ImGui::SetNextItemWidth(em * 7);
    input_with_hint("##ask_due", L3(st.lang, "ГГГГ-ММ-ДД", "AAAA-MM-JJ", "YYYY-MM-DD"), &p.ask_due);
    anchor("projects.ask.due");
    same_line_if_fits(L3(st.lang, "Запросить", "Demander", "Ask"));
    if (ImGui::Button(L3(st.lang, "Запросить", "Demander", "Ask"))) {
        std::string stage;
        for (const json& s : v["stages"])
            if (stage.empty() && s["status"] != "done") stage = s["stage"];
        const std::string id = v["id"];
        p.error = db.act([&](sqlite3* x) {
            atelier::projects::request_material(x, id, stage, p.ask_title, p.ask_due, db.actor(), atelier::now_iso());
        }, "material_requested");
        if (p.error.empty()) {
            p.ask_title.clear();
            p.ask_due.clear();
            p.notice = L3(st.lang, "Запрос добавлен: клиент увидит его на странице проекта.", "Demande ajoutée : le client la verra sur la page du projet.",
                          "Asked: the client sees it on the project's page.");
        }
    }
    anchor("projects.ask");
}

}  // namespace ui
