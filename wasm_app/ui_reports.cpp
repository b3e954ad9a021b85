// wasm_app/ui_reports.cpp — the Reports view: the core's reports
// (analytics.h) for a period, drawn as charts with ImGui's draw lists and
// as tables; a funnel bar or a table row lists its leads; every table
// exports as CSV. Figures are recomputed only when the data or the filters
// change.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "analytics.h"
#include "calendar.h"
#include "ids.h"
#include "platform_web.h"
#include "ui.h"
#include "ui_text.h"

namespace ui {

namespace {

using nlohmann::json;
namespace an = atelier::analytics;

const char* const kPeriods[][3] = {{"30 дней", "30 jours", "30 days"},
                                   {"Квартал", "Trimestre", "Quarter"},
                                   {"12 месяцев", "12 mois", "12 months"}};
const int kPeriodDays[] = {30, 91, 365};
const char* const kGroups[] = {"", "source", "owner"};

std::string p3(atelier::Lang l, const char* const t[3]) { return L3(l, t[0], t[1], t[2]); }

std::string percent(const json& v) {
    if (!v.is_number()) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f %%", v.get<double>() * 100);
    return buf;
}

std::string num(const json& v) {
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", v.get<double>());
        return buf;
    }
    if (v.is_string()) return v.get<std::string>();
    return "—";
}

std::string money(const json& minor, const json& currency, atelier::Lang l) {
    if (!minor.is_number_integer() || !currency.is_string()) return "—";
    try {
        return atelier::format(atelier::Money{minor.get<int64_t>(), atelier::parse_currency(currency.get<std::string>())}, l);
    } catch (const std::exception&) {
        return "—";
    }
}

const char* reason_label(const std::string& code, atelier::Lang l) {
    struct R {
        const char *code, *ru, *fr, *en;
    };
    static const R rs[] = {{"too_expensive", "Дорого", "Trop cher", "Too expensive"},
                           {"competitor", "Другая студия", "Un concurrent", "Another studio"},
                           {"no_answer", "Не отвечает", "Ne répond plus", "No answer"},
                           {"postponed", "Отложен", "Reporté", "Postponed"},
                           {"not_our_work", "Не наш профиль", "Hors métier", "Not our work"},
                           {"other", "Другое", "Autre", "Other"}};
    for (const R& r : rs)
        if (code == r.code) return L3(l, r.ru, r.fr, r.en);
    return "";
}

// A report's group as the interface says it: a source, "nobody", a month.
std::string group_label(const std::string& g, atelier::Lang l) {
    struct R {
        const char *code, *ru, *fr, *en;
    };
    static const R rs[] = {{"website", "Сайт", "Site web", "Website"},
                           {"referral", "Рекомендация", "Recommandation", "Referral"},
                           {"phone", "Звонок", "Téléphone", "Phone"},
                           {"ads", "Реклама", "Publicité", "Ads"},
                           {"exhibition", "Выставка", "Salon", "Exhibition"},
                           {"other", "Другое", "Autre", "Other"},
                           {"(none)", "Источник не указан", "Source inconnue", "No source"},
                           {"(unassigned)", "Без ответственного", "Sans responsable", "Unassigned"},
                           {"all", "", "", ""}};
    for (const R& r : rs)
        if (g == r.code) return L3(l, r.ru, r.fr, r.en);
    return g;
}

const char* step_label(const std::string& s, atelier::Lang l) {
    struct R {
        const char *code, *ru, *fr, *en;
    };
    static const R rs[] = {{"intake", "Приём заявки", "Réception", "Intake"},
                           {"brief", "Бриф", "Brief", "Brief"},
                           {"estimate", "Расчёт", "Chiffrage", "Estimate"},
                           {"proposal", "КП", "Proposition", "Proposal"},
                           {"contract", "Договор", "Contrat", "Contract"},
                           {"invoice", "Счёт", "Facture", "Invoice"},
                           {"payment", "Оплата", "Paiement", "Payment"},
                           {"total", "Всего", "Total", "Total"}};
    for (const R& r : rs)
        if (s == r.code) return L3(l, r.ru, r.fr, r.en);
    return "";
}

const char* bucket_label(const std::string& b, atelier::Lang l) {
    if (b == "not_due") return L3(l, "Срок не наступил", "Pas encore dû", "Not due yet");
    if (b == "0-30") return L3(l, "Просрочка до 30 дней", "Retard ≤ 30 j", "Up to 30 days late");
    if (b == "31-60") return L3(l, "31–60 дней", "31–60 jours", "31–60 days");
    if (b == "61-90") return L3(l, "61–90 дней", "61–90 jours", "61–90 days");
    return L3(l, "Больше 90 дней", "Plus de 90 jours", "Over 90 days");
}

// A report's table as CSV (RFC 4180), figures as the core gives them.
std::string csv(const json& t) {
    auto cell = [](const json& v) {
        std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    std::string out;
    for (size_t i = 0; i < t["columns"].size(); ++i) out += (i ? "," : "") + cell(t["columns"][i]);
    out += "\r\n";
    for (const json& r : t["rows"]) {
        for (size_t i = 0; i < t["columns"].size(); ++i) out += (i ? "," : "") + cell(r[t["columns"][i].get<std::string>()]);
        out += "\r\n";
    }
    return out;
}

void export_button(State& st, const char* name, const json& t) {
    ImGui::PushID(name);
    if (ImGui::SmallButton(L3(st.lang, "CSV", "CSV", "CSV"))) {
        web::download(std::string("atelier-") + name + "-" + st.reports.from + "-" + st.reports.to + ".csv", csv(t));
        st.reports.exported = name;
    }
    anchor(std::string("reports.csv.") + name);
    ImGui::PopID();
}

// Horizontal bars: label on the left, the bar, the figure after it.
// Returns the index of the bar clicked, or -1.
int bars(const char* id, const std::vector<std::string>& labels, const std::vector<double>& values, const std::vector<std::string>& figures,
         const ImVec4& colour) {
    const float em = ImGui::GetFontSize();
    const float w = ImGui::GetContentRegionAvail().x;
    float label_w = 0;
    for (const std::string& l : labels) label_w = std::max(label_w, ImGui::CalcTextSize(l.c_str()).x);
    label_w = std::min(label_w + em * 0.6f, w * 0.4f);
    float fig_w = 0;
    for (const std::string& f : figures) fig_w = std::max(fig_w, ImGui::CalcTextSize(f.c_str()).x);
    const float bar_w = std::max(em * 3, w - label_w - fig_w - em * 1.2f);
    double top = 0;
    for (double v : values) top = std::max(top, v);
    int clicked = -1;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 fill = ImGui::GetColorU32(colour), track = ImGui::GetColorU32(theme::palette().panel),
                text = ImGui::GetColorU32(theme::palette().text), muted = ImGui::GetColorU32(theme::muted());
    for (size_t i = 0; i < values.size(); ++i) {
        ImGui::PushID((int)i);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        if (ImGui::InvisibleButton(id, ImVec2(w, em * 1.6f))) clicked = (int)i;
        anchor(std::string(id) + "." + std::to_string(i));
        const bool hover = ImGui::IsItemHovered();
        const std::string label = elide(labels[i], label_w - em * 0.4f);
        dl->AddText(ImVec2(p.x, p.y + em * 0.3f), text, label.c_str());
        const ImVec2 b0(p.x + label_w, p.y + em * 0.25f), b1(p.x + label_w + bar_w, p.y + em * 1.35f);
        dl->AddRectFilled(b0, b1, track, em * 0.2f);
        const float frac = top > 0 ? (float)(values[i] / top) : 0;
        if (frac > 0) dl->AddRectFilled(b0, ImVec2(b0.x + std::max(em * 0.2f, bar_w * frac), b1.y), hover ? ImGui::GetColorU32(theme::palette().accent_hover) : fill, em * 0.2f);
        dl->AddText(ImVec2(b1.x + em * 0.5f, p.y + em * 0.3f), muted, figures[i].c_str());
        if (hover && label != labels[i]) ImGui::SetTooltip("%s", labels[i].c_str());
        ImGui::PopID();
    }
    return clicked;
}

// Columns per month: `series` of values (one colour each), month labels under them.
void columns(const char* id, const std::vector<std::string>& months, const std::vector<std::vector<double>>& series,
             const std::vector<ImVec4>& colours, bool line) {
    const float em = ImGui::GetFontSize();
    const float w = ImGui::GetContentRegionAvail().x, h = em * 8;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(w, h + em * 1.4f));
    anchor(id);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    double top = 0;
    for (const auto& s : series)
        for (double v : s) top = std::max(top, v);
    const size_t n = months.size();
    if (n == 0) return;
    const float slot = w / (float)n;
    dl->AddLine(ImVec2(p.x, p.y + h), ImVec2(p.x + w, p.y + h), ImGui::GetColorU32(theme::palette().border));
    for (size_t s = 0; s < series.size(); ++s) {
        const ImU32 c = ImGui::GetColorU32(colours[s]);
        ImVec2 prev;
        for (size_t i = 0; i < n && i < series[s].size(); ++i) {
            const float v = top > 0 ? (float)(series[s][i] / top) : 0;
            if (line) {
                const ImVec2 pt(p.x + slot * ((float)i + 0.5f), p.y + h - v * (h - em * 0.5f));
                if (i) dl->AddLine(prev, pt, c, em * 0.15f);
                dl->AddCircleFilled(pt, em * 0.22f, c);
                prev = pt;
            } else {
                const float bw = slot * 0.7f / (float)series.size();
                const float x = p.x + slot * (float)i + slot * 0.15f + bw * (float)s;
                dl->AddRectFilled(ImVec2(x, p.y + h - v * (h - em * 0.5f)), ImVec2(x + bw * 0.9f, p.y + h), c, em * 0.15f);
            }
        }
    }
    // Month labels, thinned out to what fits.
    const float lw = ImGui::CalcTextSize("00.00").x + em * 0.4f;
    const size_t every = std::max<size_t>(1, (size_t)(lw / std::max(1.0f, slot)) + 1);
    for (size_t i = 0; i < n; i += every) {
        const std::string m = months[i].size() >= 7 ? months[i].substr(5, 2) + "." + months[i].substr(2, 2) : months[i];
        dl->AddText(ImVec2(p.x + slot * ((float)i + 0.5f) - ImGui::CalcTextSize(m.c_str()).x * 0.5f, p.y + h + em * 0.2f),
                    ImGui::GetColorU32(theme::muted()), m.c_str());
    }
}

void compute(app::Db& db, State& st) {
    ReportsState& r = st.reports;
    const std::string today = local_time(atelier::now_iso()).substr(0, 10);
    r.to = today;
    r.from = atelier::iso_date(atelier::day_number(today, "today") - kPeriodDays[r.period] + 1);
    const std::string key = r.from + r.to + std::to_string(r.group) + r.only;
    if (r.generation == db.generation() + 1 && r.key == key) return;
    r.key = key;
    r.generation = db.generation() + 1;
    r.error.clear();
    r.data = json::object();
    const auto t0 = std::chrono::steady_clock::now();
    const std::string g = kGroups[r.group];
    std::string err = db.act([&](sqlite3* x) {
        auto table = [&](const char* name, const std::vector<std::string>& args) {
            const an::Table t = an::run(x, name, args);
            r.data[name] = {{"columns", t.columns}, {"rows", t.json()}};
        };
        table("funnel", {r.from, r.to, g, r.only});
        table("win_rate", {r.from, r.to, g.empty() ? "owner" : g, r.only});
        table("lost_reasons", {r.from, r.to, "", r.only});
        table("revenue", {r.from.substr(0, 8) + "01", r.to});
        table("receivables", {today});
        table("proposals", {r.from, r.to, "", r.only});
        table("forecast", {today.substr(0, 7), "6"});
        table("time", {r.from, r.to, "", r.only});
        // The owners and sources the filter offers: those of the period's leads.
        r.owners.clear();
        r.sources.clear();
        for (const json& row : an::run(x, "win_rate", {r.from, r.to, "owner"}).json()) r.owners.push_back(row["grp"]);
        for (const json& row : an::run(x, "win_rate", {r.from, r.to, "source"}).json()) r.sources.push_back(row["grp"]);
        for (auto* v : {&r.owners, &r.sources}) v->erase(std::unique(v->begin(), v->end()), v->end());
    }, "reports");
    if (!err.empty()) r.error = err;
    r.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void reports_view(app::Db& db, State& st) {
    ReportsState& r = st.reports;
    const float em = ImGui::GetFontSize();
    // Filters: the period and how the funnel is split.
    for (int i = 0; i < 3; ++i) {
        if (i) ImGui::SameLine();
        const bool on = r.period == i;
        if (on) ImGui::PushStyleColor(ImGuiCol_Button, theme::palette().accent);
        if (on) ImGui::PushStyleColor(ImGuiCol_Text, theme::palette().on_accent);
        if (ImGui::Button(p3(st.lang, kPeriods[i]).c_str())) r.period = i;
        if (on) ImGui::PopStyleColor(2);
        anchor("reports.period." + std::to_string(i));
    }
    static const char* const group_names[][3] = {{"Все вместе", "Tout", "All"}, {"По источникам", "Par source", "By source"},
                                                 {"По менеджерам", "Par responsable", "By manager"}};
    same_line_if_fits(em * 10);
    ImGui::SetNextItemWidth(em * 10);
    if (ImGui::BeginCombo("##group", p3(st.lang, group_names[r.group]).c_str())) {
        for (int i = 0; i < 3; ++i) {
            if (ImGui::Selectable(p3(st.lang, group_names[i]).c_str(), r.group == i)) r.group = i;
            anchor("reports.group." + std::to_string(i));
        }
        ImGui::EndCombo();
    }
    anchor("reports.group");
    // Whose requests, or from where: one owner's, one source's, or all.
    auto only_label = [&](const std::string& only) {
        if (only.empty()) return std::string(L3(st.lang, "Все заявки", "Toutes les demandes", "All requests"));
        const bool owner = only.rfind("owner:", 0) == 0;
        const std::string name = group_label(only.substr(only.find(':') + 1), st.lang);
        return std::string(owner ? L3(st.lang, "Менеджер: ", "Responsable : ", "Manager: ") : L3(st.lang, "Источник: ", "Source : ", "Source: ")) + name;
    };
    same_line_if_fits(em * 15);
    ImGui::SetNextItemWidth(em * 15);
    if (ImGui::BeginCombo("##only", only_label(r.only).c_str())) {
        int n = 0;
        auto option = [&](const std::string& only) {
            if (ImGui::Selectable(only_label(only).c_str(), r.only == only)) r.only = only;
            anchor("reports.only." + std::to_string(n++));
        };
        option("");
        for (const std::string& o : r.owners) option("owner:" + o);
        for (const std::string& s : r.sources) option("source:" + s);
        ImGui::EndCombo();
    }
    anchor("reports.only");
    compute(db, st);
    if (!r.error.empty()) text_wrapped(theme::danger(), r.error);
    if (!r.data.is_object() || !r.data.contains("funnel")) return;
    ImGui::BeginChild("reports.body", ImVec2(0, 0));

    // The funnel: how many reached each stage, by group; a bar lists its leads.
    ImGui::SeparatorText(L3(st.lang, "Воронка", "Entonnoir", "Funnel"));
    export_button(st, "funnel", r.data["funnel"]);
    std::map<std::string, std::vector<const json*>> by_group;
    std::vector<std::string> order;
    for (const json& row : r.data["funnel"]["rows"]) {
        const std::string g = row["grp"];
        if (!by_group.count(g)) order.push_back(g);
        by_group[g].push_back(&row);
    }
    for (const std::string& g : order) {
        std::vector<std::string> labels, figures, keys;
        std::vector<double> values;
        for (const json* row : by_group[g]) {
            labels.push_back(stage_name((*row)["stage"].get<std::string>(), st.lang));
            values.push_back((double)(*row)["entered"].get<int64_t>());
            figures.push_back(num((*row)["entered"]) + ((*row)["conversion_next"].is_number() ? "  → " + percent((*row)["conversion_next"]) : ""));
            keys.push_back((*row)["stage"]);
        }
        if (g != "all") ImGui::TextDisabled("%s", group_label(g, st.lang).c_str());
        const int k = bars(("reports.funnel." + g).c_str(), labels, values, figures, theme::palette().accent);
        if (k >= 0) r.drill = {{"report", "funnel"}, {"grp", g}, {"key", keys[(size_t)k]}, {"title", labels[(size_t)k]}};
    }
    // The leads behind the bar clicked.
    if (r.drill.is_object()) {
        const std::string want = r.drill.dump() + r.key;
        if (r.drill_key != want) {
            r.drill_key = want;
            r.drill_leads.clear();
            std::vector<std::string> args = {r.from, r.to, kGroups[r.group], r.only};
            const std::string rep = r.drill["report"];
            if (rep == "receivables") args = {r.to};
            if (rep == "lost_reasons") args = {r.from, r.to, ""};
            db.act([&](sqlite3* x) { r.drill_leads = an::drill(x, rep, args, r.drill["grp"], r.drill["key"]); }, "reports");
        }
        ImGui::Spacing();
        ImGui::Text("%s: %s (%d)", L3(st.lang, "Заявки", "Demandes", "Requests"), r.drill["title"].get<std::string>().c_str(), (int)r.drill_leads.size());
        ImGui::SameLine();
        if (ImGui::SmallButton(L3(st.lang, "Скрыть", "Masquer", "Hide"))) r.drill = nullptr;
        anchor("reports.drill.close");
        int shown = 0;
        for (const std::string& id : r.drill_leads) {
            if (shown >= 30) break;
            const app::LeadRow* lead = nullptr;
            for (const app::LeadRow& l : db.leads())
                if (l.id == id) lead = &l;
            if (!lead) continue;
            ImGui::PushID(shown);
            if (selectable_elided(lead->client + (lead->company.empty() ? "" : " — " + lead->company) + " · " + stage_name(lead->stage, st.lang))) {
                st.selected = id;
                st.reports_open = false;
            }
            anchor("reports.drill." + std::to_string(shown));
            ImGui::PopID();
            ++shown;
        }
        if ((int)r.drill_leads.size() > shown)
            ImGui::TextDisabled(L3(st.lang, "…и ещё %d", "…et %d de plus", "…and %d more"), (int)r.drill_leads.size() - shown);
    }

    // Win rate per manager or source.
    ImGui::SeparatorText(L3(st.lang, "Конверсия в сделку", "Taux de réussite", "Win rate"));
    export_button(st, "win_rate", r.data["win_rate"]);
    if (ImGui::BeginTable("reports.win", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn(L3(st.lang, "Кто / откуда", "Qui / d'où", "Who / where from"));
        ImGui::TableSetupColumn(L3(st.lang, "Заявок", "Demandes", "Requests"));
        ImGui::TableSetupColumn(L3(st.lang, "Выиграно", "Gagnées", "Won"));
        ImGui::TableSetupColumn(L3(st.lang, "Доля", "Taux", "Rate"));
        ImGui::TableSetupColumn(L3(st.lang, "Средняя сделка", "Affaire moyenne", "Average deal"));
        ImGui::TableHeadersRow();
        for (const json& row : r.data["win_rate"]["rows"]) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            text_elided(group_label(row["grp"].get<std::string>(), st.lang));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(row["leads"]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(row["won"]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(percent(row["win_rate"]).c_str());
            ImGui::TableNextColumn();
            text_elided(money(row["avg_won_minor"], row["currency"], st.lang));
        }
        ImGui::EndTable();
    }

    // Why requests were lost.
    ImGui::SeparatorText(L3(st.lang, "Причины отказов", "Raisons des pertes", "Why requests were lost"));
    export_button(st, "lost_reasons", r.data["lost_reasons"]);
    {
        std::map<std::string, int64_t> by;
        for (const json& row : r.data["lost_reasons"]["rows"]) by[row["reason"].get<std::string>()] += row["leads"].get<int64_t>();
        std::vector<std::pair<std::string, int64_t>> sorted(by.begin(), by.end());
        std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::vector<std::string> l, f, k;
        std::vector<double> v;
        for (const auto& [code, n] : sorted) {
            l.push_back(reason_label(code, st.lang));
            v.push_back((double)n);
            f.push_back(std::to_string(n));
            k.push_back(code);
        }
        const int c = bars("reports.lost", l, v, f, theme::danger());
        if (c >= 0) r.drill = {{"report", "lost_reasons"}, {"grp", "all"}, {"key", "/" + k[(size_t)c]}, {"title", l[(size_t)c]}};
    }

    // Money: paid per month (the studio's currency), and what is owed.
    ImGui::SeparatorText(L3(st.lang, "Деньги", "Encaissements", "Money"));
    export_button(st, "revenue", r.data["revenue"]);
    {
        std::vector<std::string> months;
        std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_cur;
        for (const json& row : r.data["revenue"]["rows"]) {
            const std::string m = row["month"];
            if (months.empty() || months.back() != m) months.push_back(m);
            auto& s = by_cur[row["currency"].get<std::string>()];
            s.first.resize(months.size());
            s.second.resize(months.size());
            s.first[months.size() - 1] = (double)row["invoiced_minor"].get<int64_t>();
            s.second[months.size() - 1] = (double)row["paid_minor"].get<int64_t>();
        }
        for (auto& [cur, s] : by_cur) {
            ImGui::TextDisabled("%s — %s, %s", cur.c_str(), L3(st.lang, "выставлено", "facturé", "invoiced"), L3(st.lang, "оплачено", "encaissé", "paid"));
            s.first.resize(months.size());
            s.second.resize(months.size());
            columns(("reports.revenue." + cur).c_str(), months, {s.first, s.second}, {theme::palette().border, theme::palette().accent}, false);
        }
    }
    ImGui::TextUnformatted(L3(st.lang, "Дебиторская задолженность", "Créances", "Receivables"));
    same_line_if_fits(em * 3);
    export_button(st, "receivables", r.data["receivables"]);
    int bi = 0;
    for (const json& row : r.data["receivables"]["rows"]) {
        ImGui::PushID(bi);
        const std::string b = row["bucket"];
        const ImVec4 red = theme::danger();
        const std::string line = std::string(bucket_label(b, st.lang)) + ": " + money(row["amount_minor"], row["currency"], st.lang) + " (" +
                                 num(row["invoices"]) + ")";
        if (selectable_elided(line, false)) r.drill = {{"report", "receivables"}, {"grp", ""}, {"key", b}, {"title", bucket_label(b, st.lang)}};
        if (b != "not_due") ImGui::GetWindowDrawList()->AddRectFilled(ImGui::GetItemRectMin(), ImVec2(ImGui::GetItemRectMin().x + em * 0.2f, ImGui::GetItemRectMax().y), ImGui::GetColorU32(red));
        anchor("reports.receivables." + b);
        ImGui::PopID();
        ++bi;
    }

    // The forecast: the open pipeline weighted by stage, month by month.
    ImGui::SeparatorText(L3(st.lang, "Прогноз поступлений", "Prévisions", "Forecast"));
    export_button(st, "forecast", r.data["forecast"]);
    {
        std::map<std::string, std::pair<std::vector<std::string>, std::vector<double>>> by_cur;
        for (const json& row : r.data["forecast"]["rows"]) {
            auto& s = by_cur[row["currency"].get<std::string>()];
            s.first.push_back(row["month"]);
            s.second.push_back((double)row["weighted_minor"].get<int64_t>());
        }
        for (auto& [cur, s] : by_cur) {
            ImGui::TextDisabled("%s", cur.c_str());
            columns(("reports.forecast." + cur).c_str(), s.first, {s.second}, {theme::palette().success}, true);
        }
    }

    // Proposals: opened and accepted.
    ImGui::SeparatorText(L3(st.lang, "Коммерческие предложения", "Propositions", "Proposals"));
    export_button(st, "proposals", r.data["proposals"]);
    for (const json& row : r.data["proposals"]["rows"]) {
        ImGui::Text("%s %s · %s %s (%s) · %s %s (%s)", num(row["made"]).c_str(), L3(st.lang, "отправлено", "envoyées", "sent"),
                    num(row["opened"]).c_str(), L3(st.lang, "открыто", "ouvertes", "opened"), percent(row["open_rate"]).c_str(),
                    num(row["accepted"]).c_str(), L3(st.lang, "принято", "acceptées", "accepted"), percent(row["accept_rate"]).c_str());
        ImGui::TextDisabled("%s %s %s · %s %s %s", L3(st.lang, "открывают через", "ouvertes après", "opened after"), num(row["median_hours_to_open"]).c_str(),
                            L3(st.lang, "ч", "h", "h"), L3(st.lang, "принимают через", "acceptées après", "accepted after"),
                            num(row["median_hours_to_accept"]).c_str(), L3(st.lang, "ч", "h", "h"));
    }

    // The manager's minutes per request, step by step, against the seed's.
    ImGui::SeparatorText(L3(st.lang, "Минуты менеджера на заявку", "Minutes du responsable par demande", "Manager's minutes per request"));
    export_button(st, "time", r.data["time"]);
    {
        std::vector<std::string> l, f;
        std::vector<double> v;
        for (const json& row : r.data["time"]["rows"]) {
            const std::string step = row["step"];
            l.push_back(step_label(step, st.lang));
            v.push_back(row["minutes_per_request"].is_number() ? row["minutes_per_request"].get<double>() : 0);
            f.push_back(num(row["minutes_per_request"]) + " / " + num(row["baseline_minutes"]) + L3(st.lang, " мин", " min", " min"));
        }
        bars("reports.time", l, v, f, theme::palette().success);
        ImGui::TextDisabled("%s", L3(st.lang, "Против 110 минут на заявку без автоматизации (по данным студии из исходной статьи).",
                                     "Contre 110 minutes par demande sans automatisation (chiffres du studio de l'article source).",
                                     "Against 110 minutes per request without automation (the source article's studio)."));
    }
    ImGui::EndChild();
}

}  // namespace ui
