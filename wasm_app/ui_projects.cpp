// wasm_app/ui_projects.cpp — the Projects view: the projects signed
// contracts opened (projects.h), each with where it is and whether it is
// late; the selected one on a timeline of its stages (planned bars, what
// happened, today), a bar dragged to move a stage and the later ones; the
// materials asked of the client and their answers; support after launch:
// the retainer, its billed months, the hours log.
#include <algorithm>
#include <cmath>
#include <string>

#include "calendar.h"
#include "ids.h"
#include "projects.h"
#include "store.h"
#include "support.h"
#include "sync_client.h"
#include "uploads.h"
#include "theme.h"
#include "ui.h"
#include "ui_text.h"

namespace ui {

namespace {

// One field of a row of fields: on the line before when `width` fits there
// (not for the row's first), at most `width` wide, with its anchor.
void row_field(bool first, float width, const char* id, const char* hint, std::string* text, const char* anchor_name) {
    if (!first) same_line_if_fits(width);
    ImGui::SetNextItemWidth(std::min(width, ImGui::GetContentRegionAvail().x));
    input_with_hint(id, hint, text);
    anchor(anchor_name);
}

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
        if (!p.selected.empty()) {
            p.view = atelier::projects::view(x, p.selected);
            p.support = atelier::support::view(x, p.view["id"].get<std::string>());
        }
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

// Hours as people write them: "1,5", "1.5", "1:30", "2" → minutes; -1 when not.
int64_t minutes_of(const std::string& text) {
    std::string t;
    for (char c : text)
        if (c != ' ') t += c;
    if (t.empty() || t.size() > 8) return -1;
    const size_t sep = t.find_first_of(",.:");
    const std::string whole = t.substr(0, sep), frac = sep == std::string::npos ? "" : t.substr(sep + 1);
    if ((whole.empty() && frac.empty()) || whole.find_first_not_of("0123456789") != std::string::npos ||
        frac.find_first_not_of("0123456789") != std::string::npos)
        return -1;
    int64_t m = (whole.empty() ? 0 : std::stoll(whole)) * 60;
    if (!frac.empty()) {
        if (t[sep] == ':') {
            if (frac.size() != 2 || std::stoll(frac) >= 60) return -1;
            m += std::stoll(frac);
        } else {
            // Tenths and hundredths of an hour, rounded to the minute.
            const std::string f = (frac + "00").substr(0, 2);
            m += (std::stoll(f) * 60 + 50) / 100;
        }
    }
    return m;
}

std::string hours_of(int64_t minutes, atelier::Lang l) { return atelier::format_hours((minutes * 100 + 30) / 60, l); }

// Support after launch: the retainer's terms (or a form to set them), the
// months billed with their invoice and act, the hours logged.
void support_section(app::Db& db, State& st, const json& v, const std::string& today) {
    ProjectsState& p = st.projects;
    const json& sv = p.support;
    if (!sv.is_object()) return;
    const float em = ImGui::GetFontSize();
    const atelier::Lang l = st.lang;
    ImGui::SeparatorText(L3(l, "Поддержка после запуска", "Maintenance après la mise en ligne", "Support after launch"));
    const json& r = sv["retainer"];
    const std::string project = v["id"];
    std::string currency = r.is_object() ? r["currency"].get<std::string>() : std::string();
    if (currency.empty())
        db.act([&](sqlite3* x) {
            atelier::Stmt q(x, "SELECT currency FROM leads WHERE id = ?1");
            q.bind(1, v["lead_id"].get<std::string>());
            if (q.step()) currency = q.text(0);
        });
    const auto cur = atelier::currency_from_code(currency).value_or(atelier::Currency::RUB);
    auto money = [&](int64_t m) { return atelier::format(atelier::Money{m, cur}, l); };
    if (r.is_object()) {
        std::string terms = money(r["fee_minor"]) + L3(l, " в месяц · ", " par mois · ", " a month · ") + std::to_string(r["hours_included"].get<int64_t>()) +
                            L3(l, " ч включено · ", " h incluses · ", " h included · ") + money(r["hour_rate_minor"]) + L3(l, "/ч сверх · ", "/h au-delà · ", "/h beyond · ") +
                            L3(l, "счёт ", "facturé le ", "billed on day ") + std::to_string(r["day"].get<int64_t>()) + L3(l, "-го числа", " du mois", "");
        text_wrapped(r["status"] == "stopped" ? theme::muted() : ImGui::GetStyleColorVec4(ImGuiCol_Text), terms);
        anchor("projects.retainer");
        if (r.contains("next")) {
            const json& n = r["next"];
            text_wrapped(theme::muted(), std::string(L3(l, "Следующий счёт и акт: ", "Prochaine facture et PV : ", "Next invoice and certificate: ")) +
                                             atelier::format_date(n["billed_on"].get<std::string>(), l) + L3(l, ", за ", ", pour ", ", for ") +
                                             atelier::format_date(n["starts_on"].get<std::string>(), l) + " – " + atelier::format_date(n["ends_on"].get<std::string>(), l));
        }
        if (r["status"] == "stopped")
            text_wrapped(theme::muted(), std::string(L3(l, "Остановлена: последний оплачиваемый день ", "Arrêtée : dernier jour facturé le ", "Stopped: the last day billed is ")) +
                                             atelier::format_date(r["stopped_on"].get<std::string>(), l));
        else if (ImGui::SmallButton(L3(l, "Остановить поддержку", "Arrêter la maintenance", "Stop the support"))) {
            p.error = db.act([&](sqlite3* x) { atelier::support::stop_retainer(x, project, today, db.actor(), atelier::now_iso()); }, "retainer_stopped");
            if (p.error.empty()) p.notice = L3(l, "Поддержка остановлена: текущий месяц будет выставлен, следующие — нет.",
                                               "Maintenance arrêtée : le mois en cours sera facturé, pas les suivants.",
                                               "Support stopped: this month is billed, none after it.");
        }
        anchor("projects.retainer.stop");
        if (!sv["months"].empty() && ImGui::BeginTable("months", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn(L3(l, "Месяц", "Mois", "Month"), ImGuiTableColumnFlags_WidthStretch, 3);
            ImGui::TableSetupColumn(L3(l, "Часы", "Heures", "Hours"), ImGuiTableColumnFlags_WidthStretch, 1.3f);
            ImGui::TableSetupColumn(L3(l, "Счёт", "Facture", "Invoice"), ImGuiTableColumnFlags_WidthStretch, 3);
            ImGui::TableSetupColumn(L3(l, "Акт", "PV", "Certificate"), ImGuiTableColumnFlags_WidthStretch, 2);
            ImGui::TableHeadersRow();
            int k = 0;
            for (const json& m : sv["months"]) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                text_elided(atelier::format_date(m["starts_on"].get<std::string>(), l) + " – " + atelier::format_date(m["ends_on"].get<std::string>(), l));
                anchor("projects.month." + std::to_string(k++));
                ImGui::TableNextColumn();
                text_elided(hours_of(m["minutes"], l) + (m["extra_minutes"].get<int64_t>() > 0 ? " (+" + hours_of(m["extra_minutes"], l) + ")" : ""),
                            m["extra_minutes"].get<int64_t>() > 0 ? &theme::palette().warning : nullptr);
                ImGui::TableNextColumn();
                const bool paid = m["invoice_status"] == "paid";
                text_elided(m["invoice_id"].is_null() ? "—" : "№ " + m["invoice_number"].get<std::string>() + " · " + money(m["total_minor"]) +
                                                                    (paid ? L3(l, " · оплачен", " · payée", " · paid") : ""),
                            paid ? &theme::palette().success : nullptr);
                ImGui::TableNextColumn();
                text_elided(m["act_id"].is_null() ? "—" : m["act_status"] == "signed" ? L3(l, "подписан", "signé", "signed") : L3(l, "на подписи", "à signer", "to sign"));
            }
            ImGui::EndTable();
        }
    } else {
        text_wrapped(theme::muted(), L3(l, "Абонемент: ежемесячный счёт и акт в выбранный день, часы сверх включённых — по ставке.",
                                        "Forfait : une facture et un PV chaque mois au jour choisi, les heures au-delà au taux horaire.",
                                        "A retainer: an invoice and a certificate each month on its day, hours beyond those included at the rate."));
    }
    // The retainer's terms: set, or changed for the months to come.
    if (!r.is_object() || r["status"] == "stopped" || ImGui::TreeNode(L3(l, "Изменить условия", "Modifier les conditions", "Change the terms"))) {
        const bool node = r.is_object() && r["status"] != "stopped";
        if (p.r_start.empty()) p.r_start = today;
        if (r.is_object() && p.r_fee.empty()) {
            p.r_fee = atelier::format(atelier::Money{r["fee_minor"], cur}, l);
            p.r_hours = std::to_string(r["hours_included"].get<int64_t>());
            p.r_rate = atelier::format(atelier::Money{r["hour_rate_minor"], cur}, l);
            p.r_day = std::to_string(r["day"].get<int64_t>());
        }
        const float w = std::min(em * 8, ImGui::GetContentRegionAvail().x);
        row_field(true, w, "##r_fee", L3(l, "В месяц", "Par mois", "A month"), &p.r_fee, "projects.r_fee");
        row_field(false, em * 5, "##r_hours", L3(l, "Часов", "Heures", "Hours"), &p.r_hours, "projects.r_hours");
        row_field(false, w, "##r_rate", L3(l, "Ставка/ч", "Taux/h", "Rate/h"), &p.r_rate, "projects.r_rate");
        row_field(false, em * 4, "##r_day", L3(l, "День", "Jour", "Day"), &p.r_day, "projects.r_day");
        if (!r.is_object() || r["status"] == "stopped") {
            row_field(false, em * 7, "##r_start", L3(l, "С (ГГГГ-ММ-ДД)", "Début (AAAA-MM-JJ)", "From (YYYY-MM-DD)"), &p.r_start,
                      "projects.r_start");
        }
        const char* label = r.is_object() && r["status"] != "stopped" ? L3(l, "Сохранить условия", "Enregistrer", "Save the terms")
                                                                       : L3(l, "Подключить поддержку", "Activer la maintenance", "Start the support");
        same_line_if_fits(label);
        if (ImGui::Button(label)) {
            // Each field checked: amounts as the language writes them, whole hours and day.
            std::string problems;
            json terms = json::object();
            auto amount = [&](const std::string& text, const char* field) {
                try {
                    terms[field] = atelier::parse_money(text, cur, l, field).minor;
                } catch (const std::exception& e) {
                    problems += (problems.empty() ? "" : "; ") + std::string(e.what()).substr(9);
                }
            };
            auto whole = [&](const std::string& text, const char* field, const char* expect) {
                if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos)
                    problems += (problems.empty() ? "" : "; ") + std::string(field) + ": " + expect;
                else terms[field] = std::stoll(text);
            };
            amount(p.r_fee, "fee_minor");
            whole(p.r_hours, "hours_included", L3(l, "целое число часов", "un nombre entier d'heures", "a whole number of hours"));
            amount(p.r_rate, "hour_rate_minor");
            whole(p.r_day, "day", L3(l, "число от 1 до 28", "un jour de 1 à 28", "a day from 1 to 28"));
            if (!r.is_object() || r["status"] == "stopped") terms["starts_on"] = p.r_start;
            if (!problems.empty()) p.error = problems;
            else {
                p.error = db.act([&](sqlite3* x) { atelier::support::set_retainer(x, project, terms, db.actor(), atelier::now_iso()); }, "retainer_set");
                if (p.error.empty()) {
                    p.r_fee.clear();
                    p.notice = L3(l, "Условия поддержки сохранены: счёт и акт будут выставляться сами.",
                                  "Conditions enregistrées : la facture et le PV partiront d'eux-mêmes.",
                                  "Terms saved: the invoice and the certificate go out on their own.");
                }
            }
        }
        anchor("projects.retainer.save");
        if (node) ImGui::TreePop();
    }
    // The hours log: what was done after launch, billed beyond the hours included.
    ImGui::SeparatorText(L3(l, "Часы", "Heures", "Hours"));
    if (p.h_day.empty()) p.h_day = today;
    row_field(true, em * 7, "##h_day", L3(l, "ГГГГ-ММ-ДД", "AAAA-MM-JJ", "YYYY-MM-DD"), &p.h_day, "projects.h_day");
    row_field(false, em * 4, "##h_time", L3(l, "1,5", "1,5", "1.5"), &p.h_time, "projects.h_time");
    row_field(false, em * 14, "##h_note", L3(l, "Что сделано", "Ce qui a été fait", "What was done"), &p.h_note, "projects.h_note");
    same_line_if_fits(L3(l, "Записать", "Noter", "Log"));
    if (ImGui::Button(L3(l, "Записать", "Noter", "Log"))) {
        const int64_t m = minutes_of(p.h_time);
        if (m < 1) p.error = L3(l, "Часы: например 1,5 или 1:30", "Heures : par exemple 1,5 ou 1:30", "Hours: for example 1.5 or 1:30");
        else {
            p.error = db.act([&](sqlite3* x) { atelier::support::log_hours(x, project, p.h_day, m, p.h_note, db.actor(), atelier::now_iso()); }, "hours");
            if (p.error.empty()) {
                p.h_time.clear();
                p.h_note.clear();
            }
        }
    }
    anchor("projects.h_log");
    int k = 0;
    for (const json& h : sv["hours"]) {
        if (k >= 30) break;
        const bool billed = h["billed_in"].is_string();
        text_elided(atelier::format_date(h["worked_on"].get<std::string>(), l) + " · " + hours_of(h["minutes"], l) + L3(l, " ч · ", " h · ", " h · ") +
                        h["note"].get<std::string>() + (billed ? std::string(L3(l, " · в счёте за ", " · facturé ", " · billed ")) + h["billed_in"].get<std::string>() : ""),
                    billed ? &theme::palette().muted : nullptr);
        anchor("projects.hour." + std::to_string(k++));
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
    int k = 0, files_shown = 0;
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
            if (!r["answer"].get<std::string>().empty())
                text_wrapped(theme::palette().success, std::string(L3(st.lang, "Ответ: ", "Réponse : ", "Answer: ")) + r["answer"].get<std::string>());
            // The files stay on the server: fetched when the manager asks.
            app::SyncClient& sc = app::sync_client();
            const bool can = sc.connected_cached();
            for (const json& f : r["files"]) {
                ImGui::PushID(f["id"].get<std::string>().c_str());
                const std::string label = f["name"].get<std::string>() + " · " + atelier::uploads::size_text(f["size"].get<int64_t>(), atelier::lang_code(st.lang));
                ImGui::BeginDisabled(!can);
                if (ImGui::SmallButton(label.c_str())) sc.fetch_file(db, f["id"], f["name"]);
                ImGui::EndDisabled();
                if (!can && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
                    ImGui::SetTooltip("%s", L3(st.lang, "Файлы клиента хранятся на сервере: подключите синхронизацию, чтобы открыть их.",
                                               "Les fichiers du client sont sur le serveur : connectez la synchronisation pour les ouvrir.",
                                               "The client's files are on the server: connect sync to open them."));
                anchor("projects.file." + std::to_string(files_shown++));
                ImGui::PopID();
            }
            ImGui::Unindent(em);
        }
        ImGui::PopID();
        ++k;
    }
    row_field(true, em * 18, "##ask_title",
              L3(st.lang, "Что нужно от клиента (логотип, тексты, доступы)", "Ce qu’il faut du client (logo, textes, accès)",
                 "What the client must send (logo, texts, accesses)"),
              &p.ask_title, "projects.ask.title");
    row_field(false, em * 7, "##ask_due", L3(st.lang, "ГГГГ-ММ-ДД", "AAAA-MM-JJ", "YYYY-MM-DD"), &p.ask_due, "projects.ask.due");
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
    const std::string& fs = app::sync_client().file_state();
    if (fs == "loading") text_wrapped(theme::palette().muted, L3(st.lang, "Загружаем файл с сервера…", "Téléchargement du fichier…", "Fetching the file…"));
    else if (!fs.empty() && fs != "done") text_wrapped(theme::palette().danger, fs);
    support_section(db, st, v, today);
}

}  // namespace ui
