// wasm_app/ui_settings.cpp — settings and editors: studio and bank details,
// the price list and its rules, document templates, brief templates,
// notification rules (ui_messages.cpp).
//
// Every editor edits a text (fields, or JSON and mustache for the data
// edited as text) and saves it through one core function that checks it
// first: a refused edit shows the reason (with the JSON path or template
// line) and leaves the stored data as it was.

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "calendar.h"
#include "client_pages.h"
#include "json_in.h"
#include "conveyor.h"
#include "error.h"
#include "documents.h"
#include "ids.h"
#include "store.h"
#include "platform_web.h"
#include "ui.h"
#include "requisites.h"
#include "workflow.h"

namespace ui {

namespace {

using atelier::Lang;

// A refusal of a raw editor (JSON, HTML): the sentence, then the core's own
// words, which name the line or the JSON path the owner has to fix.
std::string with_detail(const app::Db& db, const std::string& err) {
    if (err.empty() || db.detail().empty()) return err;
    std::string d = db.detail();
    if (d.rfind("atelier: ", 0) == 0) d = d.substr(9);
    return err + "\n" + d;
}

void field(const char* label, const char* id, std::string* v) {
    ImGui::TextUnformatted(label);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.9f);
    ImGui::InputText(id, v);
    anchor(std::string("settings.") + (id + 2));
}

void studio_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    if (!s.studio_loaded) {
        s.studio = atelier::studio_details(db.raw());
        s.studio_loaded = true;
    }
    if (!s.studio_rq_loaded) {
        requisites_load(s.studio_rq, atelier::studio_requisites(db.raw()), s.studio.currency == "EUR" ? "fr" : "ru");
        s.studio_rq_loaded = true;
    }
    // Two columns: the studio and its defaults on the left, its legal
    // details (per country, with the bank its invoices name) on the right.
    // On a narrow screen, one under the other.
    const bool two = ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 50;
    if (!two || ImGui::BeginTable("studio_fields", 2, ImGuiTableFlags_SizingStretchSame)) {
        if (two) ImGui::TableNextColumn();
        field(L3(st.lang, "Название студии", "Nom du studio", "Studio name"), "##name", &s.studio.name);
        field("E-mail", "##email", &s.studio.email);
        field(L3(st.lang, "Телефон", "Téléphone", "Phone"), "##phone", &s.studio.phone);
        // Defaults for new leads: their language (and so their documents') and currency.
        const char* langs[] = {"ru", "fr", "en"};
        const char* currencies[] = {"RUB", "EUR", "USD"};
        int li = s.studio.lang == "fr" ? 1 : s.studio.lang == "en" ? 2 : 0;
        int ci = s.studio.currency == "EUR" ? 1 : s.studio.currency == "USD" ? 2 : 0;
        ImGui::TextUnformatted(L3(st.lang, "Язык и валюта новых заявок", "Langue et devise des nouvelles demandes",
                                  "Language and currency of new leads"));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        if (ImGui::Combo("##studio_lang", &li, langs, 3)) s.studio.lang = langs[li];
        anchor("settings.lang");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        if (ImGui::Combo("##studio_currency", &ci, currencies, 3)) s.studio.currency = currencies[ci];
        anchor("settings.currency");
        if (two) ImGui::TableNextColumn();
        ImGui::SeparatorText(L3(st.lang, "Реквизиты для документов", "Coordonnées légales des documents", "Legal details for the documents"));
        requisites_fields(st, s.studio_rq, true, "settings.rq");
        if (two) ImGui::EndTable();
    }
    if (ImGui::Button(L3(st.lang, "Сохранить", "Enregistrer", "Save"))) {
        // The legal details are written (and checked: check digits, the
        // fields the invoices need) only when they were changed.
        nlohmann::json r;
        std::string problems;
        const nlohmann::json stored = atelier::studio_requisites(db.raw());
        const bool ok = requisites_value(st, s.studio_rq, true, &r, &problems);
        // What is stored, read through the same form: any field typed,
        // emptied or the country changed is a change.
        RequisitesInput before;
        requisites_load(before, stored, "");
        nlohmann::json was;
        std::string ignored;
        requisites_value(st, before, true, &was, &ignored);
        const bool fresh = (!stored.is_object() || stored.empty()) && r.size() <= 2;  // nothing typed on a new studio
        const bool legal_changed = !fresh && (before.country != s.studio_rq.country || r != was);
        if (legal_changed && !ok) {
            s.error = problems;
        } else {
            s.error = db.act([&](sqlite3* d) {
                atelier::save_studio(d, s.studio);
                if (legal_changed) {
                    atelier::set_studio_requisites(d, r);
                }
            }, "studio");
        }
        s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
        if (s.error.empty()) s.studio_rq_loaded = false;
    }
    anchor("settings.save_studio");
}

void text_editor(const char* id, std::string* text, float lines) {
    ImGui::InputTextMultiline(id, text, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * lines),
                              ImGuiInputTextFlags_AllowTabInput);
    anchor(std::string("settings.") + (id + 2));
}

// Hours as the interface writes them: "3,5" in ru and fr, "3.5" in en.
std::string hours_text(const nlohmann::json& h, Lang l) {
    if (!h.is_number()) return "";
    const int64_t tenths = (int64_t)(h.get<double>() * 100 + 0.5);
    std::string out = std::to_string(tenths / 100);
    if (tenths % 100) {
        out += l == Lang::en ? "." : ",";
        out += std::to_string(tenths % 100 / 10);
        if (tenths % 10) out += std::to_string(tenths % 10);
    }
    return out;
}

// "3,5", "3.5", "" (none): hours; false when it is not a number of hours.
bool parse_hours(std::string t, double* out) {
    for (char& c : t) if (c == ',') c = '.';
    t.erase(0, t.find_first_not_of(' '));
    t.erase(t.find_last_not_of(' ') + 1);
    if (t.empty()) { *out = 0; return true; }
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (!end || *end || v < 0 || v > 10000) return false;
    *out = v;
    return true;
}

// The price list as a form: the roles with their rates typed as money, the
// services' hours per role as a table, the options' percentages. Every
// change goes into the JSON that is saved as the new version.
bool texts_input(const char* id, nlohmann::json* texts, const std::string& anchor_prefix);

std::string trim_copy(const std::string& t) {
    const size_t a = t.find_first_not_of(" \t\n"), b = t.find_last_not_of(" \t\n");
    return a == std::string::npos ? "" : t.substr(a, b - a + 1);
}

// An id for a new role, service or discount: the name's Latin letters and
// digits, else the kind ("role_2"); never one the list has.
std::string new_id(const std::string& name, const nlohmann::json& list, const char* kind) {
    std::string id;
    for (unsigned char c : name) {
        if (c < 128 && std::isalnum(c)) id += (char)std::tolower(c);
        else if (!id.empty() && id.back() != '_') id += '_';
    }
    while (!id.empty() && id.back() == '_') id.pop_back();
    if (id.empty()) id = kind;
    auto taken = [&](const std::string& x) {
        for (const nlohmann::json& e : list)
            if (e.value("id", "") == x) return true;
        return false;
    };
    std::string out = id;
    for (int k = 2; taken(out); ++k) out = id + "_" + std::to_string(k);
    return out;
}

nlohmann::json same_in_every_language(const std::string& text) { return {{"ru", text}, {"fr", text}, {"en", text}}; }

// Takes the entries whose `key` is `id` out of a list.
void erase_where(nlohmann::json& list, const char* key, const std::string& id) {
    for (auto it = list.begin(); it != list.end();) it = it->value(key, "") == id ? list.erase(it) : std::next(it);
}

// A row's remove button (a cross), with what it does on hover.
bool remove_button(const std::string& anchor_name, const char* what) {
    const bool pressed = ImGui::SmallButton(theme::icon::close);
    anchor(anchor_name);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", what);
    return pressed;
}

// The width of a column holding remove buttons.
float remove_column_width() { return ImGui::CalcTextSize(theme::icon::close).x + ImGui::GetStyle().FramePadding.x * 2; }

// The name of a new service, stage or discount and its button, anchored
// "settings.pl.new_<what>" and "settings.pl.add_<what>": the name, trimmed,
// when the button is pressed with one; pressed without, `error` says so.
std::string new_item(const char* what, const char* hint, std::string* name, const char* button, const char* missing, std::string* error) {
    ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 18, ImGui::GetContentRegionAvail().x));
    input_with_hint((std::string("##new_") + what).c_str(), hint, name);
    anchor(std::string("settings.pl.new_") + what);
    same_line_if_fits(button);
    std::string out;
    if (ImGui::Button(button)) {
        out = trim_copy(*name);
        if (out.empty()) *error = missing;
        else name->clear();
    }
    anchor(std::string("settings.pl.add_") + what);
    return out;
}

// The brief questions a rule can ask about: those of every brief template
// with an answer to test or count, by id, first seen first.
struct RuleQuestion {
    std::string id, type, label;
    nlohmann::json options;
};

std::vector<RuleQuestion> rule_questions(app::Db& db, Lang l) {
    std::vector<RuleQuestion> out;
    std::set<std::string> seen;
    for (const char* code : {"corporate", "shop", "landing"})
        for (const nlohmann::json& sct : db.brief_template(code).value("sections", nlohmann::json::array()))
            for (const nlohmann::json& q : sct.value("questions", nlohmann::json::array())) {
                const std::string id = q.value("id", ""), type = q.value("type", "");
                if (id.empty() || !(type == "yesno" || type == "choice" || type == "multi" || type == "number") || !seen.insert(id).second) continue;
                out.push_back({id, type, q.contains("label") && q["label"].is_object() ? q["label"].value(atelier::lang_code(l), id) : id,
                               q.value("options", nlohmann::json::array())});
            }
    return out;
}

const char* driver_name(const std::string& d, Lang l) {
    if (d == "per_page") return L3(l, "за страницу", "par page", "per page");
    if (d == "per_item") return L3(l, "за позицию", "par élément", "per item");
    if (d == "per_language") return L3(l, "за язык", "par langue", "per language");
    return L3(l, "за проект", "forfait", "per project");
}

// When a service is in the estimate and how many times: its rule, edited for
// the shapes a form can say (always; an answer is, has or is over a value;
// a quantity from a number or a count of choices). Richer rules stay in
// the JSON and are shown as such.
bool service_rule_editor(State& st, nlohmann::json& pl, const std::string& sid, const std::vector<RuleQuestion>& questions) {
    const Lang l = st.lang;
    const float em = ImGui::GetFontSize();
    if (!pl.contains("rules") || !pl["rules"].is_array()) pl["rules"] = nlohmann::json::array();
    nlohmann::json& rules = pl["rules"];
    int at = -1;
    for (int i = 0; i < (int)rules.size(); ++i)
        if (rules[i].value("service", "") == sid) at = i;
    bool changed = false;
    auto find_q = [&](const std::string& id) -> const RuleQuestion* {
        for (const RuleQuestion& q : questions)
            if (q.id == id) return &q;
        return nullptr;
    };
    auto option_label = [&](const RuleQuestion& q, const nlohmann::json& v) {
        for (const nlohmann::json& o : q.options)
            if (o.value("id", nlohmann::json()) == v && o.contains("label")) return o["label"].value(atelier::lang_code(l), v.dump());
        return v.is_string() ? v.get<std::string>() : v.dump();
    };
    // In the estimate: never (no rule), always, or when the brief says so.
    const nlohmann::json* when = at >= 0 && rules[at].contains("when") ? &rules[at]["when"] : nullptr;
    const bool simple_when = !when || (when->is_object() && when->contains("answer") && find_q(when->value("answer", "")) &&
                                       (when->contains("is") || when->contains("has") || when->contains("gt")));
    int mode = at < 0 ? 0 : !when ? 1 : 2;
    const char* modes[] = {L3(l, "Не входит в расчёт", "Hors chiffrage", "Not in estimates"), L3(l, "Всегда", "Toujours", "Always"),
                           L3(l, "Когда в брифе…", "Quand le brief dit…", "When the brief says…")};
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(L3(l, "В расчёте", "Dans le chiffrage", "In the estimate"));
    ImGui::SameLine(em * 9);
    if (!simple_when) {
        text_wrapped(theme::palette().muted, L3(l, "по составному условию (изменяется в JSON прайс-листа)", "selon une condition composée (modifiable dans le JSON)",
                                                "by a compound condition (edited in the price list's JSON)"));
    } else {
        ImGui::SetNextItemWidth(std::min(em * 14, ImGui::GetContentRegionAvail().x));
        int picked = -1;
        if (ImGui::BeginCombo("##mode", modes[mode])) {
            for (int k = 0; k < 3; ++k) {
                if (ImGui::Selectable(modes[k], k == mode)) picked = k;
                anchor("settings.pl.svc.mode." + std::to_string(k));
            }
            ImGui::EndCombo();
        }
        if (picked >= 0 && picked != mode) {
            mode = picked;
            if (mode == 0) {
                if (at >= 0) rules.erase(rules.begin() + at);
                at = -1;
            } else {
                if (at < 0) {
                    rules.push_back({{"service", sid}});
                    at = (int)rules.size() - 1;
                }
                if (mode == 1) rules[at].erase("when");
                else if (!questions.empty()) {
                    const RuleQuestion& q = questions.front();
                    nlohmann::json w = {{"answer", q.id}};
                    if (q.type == "yesno") w["is"] = true;
                    else if (q.type == "number") w["gt"] = 0;
                    else if (!q.options.empty()) w[q.type == "multi" ? "has" : "is"] = q.options[0].value("id", nlohmann::json());
                    rules[at]["when"] = w;
                }
            }
            changed = true;
        }
        anchor("settings.pl.svc.when");
        if (at >= 0 && rules[at].contains("when")) {
            nlohmann::json& w = rules[at]["when"];
            const RuleQuestion* q = find_q(w.value("answer", ""));
            ImGui::Dummy(ImVec2(0, 0));
            ImGui::SameLine(em * 9);
            ImGui::SetNextItemWidth(std::min(em * 16, ImGui::GetContentRegionAvail().x));
            if (ImGui::BeginCombo("##question", q ? q->label.c_str() : "")) {
                for (const RuleQuestion& c : questions) {
                    if (ImGui::Selectable(c.label.c_str(), q && q->id == c.id)) {
                        w = {{"answer", c.id}};
                        if (c.type == "yesno") w["is"] = true;
                        else if (c.type == "number") w["gt"] = 0;
                        else if (!c.options.empty()) w[c.type == "multi" ? "has" : "is"] = c.options[0].value("id", nlohmann::json());
                        q = &c;
                        changed = true;
                    }
                    anchor("settings.pl.svc.question." + c.id);
                }
                ImGui::EndCombo();
            }
            anchor("settings.pl.svc.question");
            if (q) {
                same_line_if_fits(em * 10);
                ImGui::SetNextItemWidth(std::min(em * 10, ImGui::GetContentRegionAvail().x));
                if (q->type == "yesno") {
                    int yes = w.value("is", true) ? 0 : 1;
                    const char* yn[] = {L3(l, "да", "oui", "yes"), L3(l, "нет", "non", "no")};
                    if (ImGui::BeginCombo("##yes", yn[yes])) {
                        for (int k = 0; k < 2; ++k) {
                            if (ImGui::Selectable(yn[k], k == yes)) w["is"] = k == 0, changed = true;
                            anchor(std::string("settings.pl.svc.value.") + (k == 0 ? "yes" : "no"));
                        }
                        ImGui::EndCombo();
                    }
                } else if (q->type == "number") {
                    int gt = w.value("gt", 0);
                    ImGui::TextUnformatted(L3(l, "больше", "plus de", "over"));
                    ImGui::SameLine();
                    ImGui::SetNextItemWidth(std::min(em * 5, ImGui::GetContentRegionAvail().x));
                    if (ImGui::InputInt("##gt", &gt, 0, 0)) w["gt"] = std::max(0, gt), changed = true;
                } else {
                    const char* key = q->type == "multi" ? "has" : "is";
                    const std::string shown = w.contains(key) ? option_label(*q, w[key]) : "";
                    if (ImGui::BeginCombo("##value", shown.c_str())) {
                        for (const nlohmann::json& o : q->options) {
                            if (ImGui::Selectable(option_label(*q, o.value("id", nlohmann::json())).c_str(), w.value(key, nlohmann::json()) == o["id"])) {
                                w[key] = o["id"];
                                changed = true;
                            }
                            anchor("settings.pl.svc.value." + o.value("id", std::string()));
                        }
                        ImGui::EndCombo();
                    }
                }
                anchor("settings.pl.svc.value");
            }
        }
    }
    // How many: once, or as many as an answer says.
    if (at >= 0) {
        nlohmann::json& r = rules[at];
        const nlohmann::json* qty = r.contains("quantity") ? &r["quantity"] : nullptr;
        const bool simple_qty = !qty || (qty->is_object() && qty->size() >= 1 && ((qty->contains("answer") && find_q(qty->value("answer", ""))) ||
                                                                                  (qty->contains("count") && find_q(qty->value("count", ""))) ||
                                                                                  qty->contains("const")));
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(L3(l, "Количество", "Quantité", "Quantity"));
        ImGui::SameLine(em * 9);
        if (!simple_qty) {
            text_wrapped(theme::palette().muted, L3(l, "по формуле (изменяется в JSON прайс-листа)", "selon une formule (modifiable dans le JSON)",
                                                    "by a formula (edited in the price list's JSON)"));
        } else {
            // The choices: one, the answer of a number question, the count of a multi question.
            std::vector<std::pair<std::string, nlohmann::json>> choices = {{L3(l, "одна", "une", "one"), nlohmann::json()}};
            for (const RuleQuestion& q : questions) {
                if (q.type == "number") choices.push_back({q.label, {{"answer", q.id}}});
                if (q.type == "multi") choices.push_back({std::string(L3(l, "сколько выбрано: ", "nombre choisi : ", "how many chosen: ")) + q.label, {{"count", q.id}}});
            }
            nlohmann::json base = qty ? *qty : nlohmann::json();
            if (base.is_object()) for (const char* k : {"minus", "min", "max"}) base.erase(k);
            std::string shown = choices[0].first;
            for (const auto& c : choices)
                if (c.second == base) shown = c.first;
            if (qty && qty->contains("const")) shown = std::to_string(qty->value("const", 1));
            ImGui::SetNextItemWidth(std::min(em * 16, ImGui::GetContentRegionAvail().x));
            if (ImGui::BeginCombo("##qty", shown.c_str())) {
                for (const auto& c : choices) {
                    if (ImGui::Selectable(c.first.c_str(), c.second == base)) {
                        if (c.second.is_null()) r.erase("quantity");
                        else r["quantity"] = c.second;
                        changed = true;
                    }
                    anchor("settings.pl.svc.quantity." + (c.second.is_null() ? std::string("one") : c.second.begin().key() + "." + c.second.begin()->get<std::string>()));
                }
                ImGui::EndCombo();
            }
            anchor("settings.pl.svc.quantity");
        }
    }
    return changed;
}

// Lines of text as a list: each line trimmed, empty ones dropped.
nlohmann::json lines_of(const std::string& text) {
    nlohmann::json out = nlohmann::json::array();
    size_t from = 0;
    while (from <= text.size()) {
        size_t to = text.find('\n', from);
        if (to == std::string::npos) to = text.size();
        const std::string line = trim_copy(text.substr(from, to - from));
        if (!line.empty()) out.push_back(line);
        from = to + 1;
    }
    return out;
}

// The open stage's process in the interface's language: what the client
// provides, its checklist and the materials a new project asks for, one a
// line. True when the price list changed.
template <class NameOf>
bool stage_process(nlohmann::json& pl, Settings& s, Lang l, const NameOf& name_of) {
    nlohmann::json* stage = nullptr;
    for (nlohmann::json& stg : pl["stages"])
        if (!s.pl_process.empty() && stg.value("id", "") == s.pl_process) stage = &stg;
    if (!stage) return false;
    const std::string lang = atelier::lang_code(l);
    auto text_of = [&](const char* field) {
        const nlohmann::json& f = stage->contains(field) ? (*stage)[field] : nlohmann::json();
        return f.is_object() && f.contains(lang) && f[lang].is_string() ? f[lang].get<std::string>() : std::string();
    };
    auto list_of = [&](const char* field) {
        const nlohmann::json& f = stage->contains(field) ? (*stage)[field] : nlohmann::json();
        std::string out;
        if (f.is_object() && f.contains(lang) && f[lang].is_array())
            for (const nlohmann::json& it : f[lang])
                if (it.is_string()) out += (out.empty() ? "" : "\n") + it.get<std::string>();
        return out;
    };
    if (s.pl_process_for != s.pl_process + "|" + lang) {
        s.pl_process_for = s.pl_process + "|" + lang;
        s.pl_provides = text_of("client_provides");
        s.pl_checklist = list_of("checklist");
        s.pl_materials = list_of("materials");
    }
    auto set = [&](const char* field, nlohmann::json v) {
        if (!stage->contains(field) || !(*stage)[field].is_object()) (*stage)[field] = nlohmann::json::object();
        (*stage)[field][lang] = std::move(v);
    };
    bool changed = false;
    ImGui::SeparatorText((std::string(L3(l, "Процесс этапа «", "Déroulé de l’étape « ", "The process of stage \"")) + name_of(*stage) +
                          L3(l, "»", " »", "\"")).c_str());
    ImGui::TextUnformatted(L3(l, "Что нужно от клиента к этапу", "Ce que le client fournit pour l’étape", "What the client provides for the stage"));
    if (ImGui::InputTextMultiline("##pl_provides", &s.pl_provides, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 2.5f))) {
        set("client_provides", trim_copy(s.pl_provides));
        changed = true;
    }
    anchor("settings.pl.provides");
    ImGui::TextUnformatted(L3(l, "Чек-лист этапа, по пункту в строке", "Liste de contrôle, un point par ligne", "The stage's checklist, one item a line"));
    if (ImGui::InputTextMultiline("##pl_checklist", &s.pl_checklist, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 5.5f))) {
        set("checklist", lines_of(s.pl_checklist));
        changed = true;
    }
    anchor("settings.pl.checklist");
    ImGui::TextUnformatted(L3(l, "Запросить у клиента, когда проект откроется (к началу этапа), по строке",
                              "À demander au client à l’ouverture du projet (pour le début de l’étape), une ligne chacun",
                              "Ask the client when a project opens (needed by the stage's start), one a line"));
    if (ImGui::InputTextMultiline("##pl_materials", &s.pl_materials, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 3.5f))) {
        set("materials", lines_of(s.pl_materials));
        changed = true;
    }
    anchor("settings.pl.materials");
    return changed;
}

void price_list_form(app::Db& db, State& st) {
    Settings& s = st.settings;
    if (s.pl_form_source != s.price_list) {
        s.pl_form = atelier::parse_json_or_discard(s.price_list);
        s.pl_form_source = s.price_list;
        s.pl_typed.clear();
        s.pl_process_for.clear();
    }
    nlohmann::json& pl = s.pl_form;
    if (!pl.is_object() || !pl.contains("roles") || !pl["roles"].is_array()) return;
    const auto cur = atelier::currency_from_code(s.currency);
    if (!cur) return;
    const std::string lang = atelier::lang_code(st.lang);
    const float em = ImGui::GetFontSize();
    bool changed = false;
    auto name_of = [&](const nlohmann::json& x) {
        if (x.contains("name") && x["name"].is_object()) return x["name"].value(lang, x.value("id", ""));
        return x.value("id", std::string());
    };
    ImGui::SeparatorText(L3(st.lang, "Роли и ставки в час", "Rôles et taux horaires", "Roles and hourly rates"));
    std::string remove_role;
    // The name takes what the rate and the button leave, up to a readable width.
    const ImVec2 list_size(std::min(ImGui::GetContentRegionAvail().x, em * 28), 0);
    if (ImGui::BeginTable("pl_roles", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg, list_size)) {
        ImGui::TableSetupColumn("role", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("rate", ImGuiTableColumnFlags_WidthFixed, em * 9);
        ImGui::TableSetupColumn("remove", ImGuiTableColumnFlags_WidthFixed, remove_column_width());
        for (nlohmann::json& role : pl["roles"]) {
            const std::string id = role.value("id", "");
            ImGui::PushID(id.c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            text_elided(name_of(role));
            ImGui::TableNextColumn();
            const std::string key = "rate." + id;
            if (!s.pl_typed.count(key))
                s.pl_typed[key] = atelier::format(atelier::Money{role.value("rate", (int64_t)0), *cur}, st.lang);
            ImGui::SetNextItemWidth(-FLT_MIN);
            ImGui::InputText("##rate", &s.pl_typed[key]);
            anchor("settings.pl.rate." + id);
            if (ImGui::IsItemDeactivatedAfterEdit()) {
                try {
                    const int64_t minor = atelier::parse_money(s.pl_typed[key], *cur, st.lang, "rate").minor;
                    if (minor <= 0) throw atelier::Error("price_list: rate: must be positive");
                    role["rate"] = minor;
                    s.pl_typed[key] = atelier::format(atelier::Money{minor, *cur}, st.lang);
                    changed = true;
                    s.error.clear();
                } catch (const atelier::Error& e) {
                    s.error = name_of(role) + ": " + L3(st.lang, "ставка — нужна сумма, например ", "taux — un montant attendu, par exemple ",
                                                        "rate — expected an amount such as ") +
                              atelier::format(atelier::Money{250000, *cur}, st.lang);
                }
            }
            ImGui::TableNextColumn();
            if (pl["roles"].size() > 1 &&
                remove_button("settings.pl.remove_role." + id, L3(st.lang, "Убрать роль", "Retirer le rôle", "Remove the role")))
                remove_role = id;
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    // A role removed takes its hours out of every service and every option.
    if (!remove_role.empty()) {
        erase_where(pl["roles"], "id", remove_role);
        if (pl.contains("services"))
            for (nlohmann::json& svc : pl["services"])
                if (svc.contains("hours") && svc["hours"].is_object()) svc["hours"].erase(remove_role);
        if (pl.contains("options"))
            for (nlohmann::json& o : pl["options"])
                if (o.contains("roles") && o["roles"].is_array()) {
                    auto& rl = o["roles"];
                    rl.erase(std::remove(rl.begin(), rl.end(), nlohmann::json(remove_role)), rl.end());
                }
        changed = true;
    }
    // A new role: its name and hourly rate.
    ImGui::SetNextItemWidth(std::min(em * 14, ImGui::GetContentRegionAvail().x));
    input_with_hint("##new_role", L3(st.lang, "Новая роль, например «Иллюстратор»", "Nouveau rôle, par ex. « Illustrateur »", "New role, e.g. \"Illustrator\""),
                    &s.pl_new_role);
    anchor("settings.pl.new_role");
    same_line_if_fits(em * 9);
    ImGui::SetNextItemWidth(std::min(em * 9, ImGui::GetContentRegionAvail().x));
    input_with_hint("##new_rate", atelier::format(atelier::Money{250000, *cur}, st.lang).c_str(), &s.pl_new_rate);
    anchor("settings.pl.new_rate");
    same_line_if_fits(L3(st.lang, "Добавить роль", "Ajouter le rôle", "Add the role"));
    if (ImGui::Button(L3(st.lang, "Добавить роль", "Ajouter le rôle", "Add the role"))) {
        int64_t minor = 0;
        try {
            minor = atelier::parse_money(s.pl_new_rate, *cur, st.lang, "rate").minor;
        } catch (const atelier::Error&) {
            minor = 0;
        }
        const std::string name = trim_copy(s.pl_new_role);
        if (name.empty()) {
            s.error = L3(st.lang, "Новая роль: название — укажите его.", "Nouveau rôle : nom — indiquez-le.", "New role: name — type it.");
        } else if (minor <= 0) {
            s.error = name + ": " + L3(st.lang, "ставка — нужна сумма, например ", "taux — un montant attendu, par exemple ",
                                       "rate — expected an amount such as ") + atelier::format(atelier::Money{250000, *cur}, st.lang);
        } else {
            pl["roles"].push_back({{"id", new_id(name, pl["roles"], "role")}, {"name", same_in_every_language(name)}, {"rate", minor}});
            s.pl_new_role.clear();
            s.pl_new_rate.clear();
            s.error.clear();
            changed = true;
        }
    }
    anchor("settings.pl.add_role");
    if (pl.contains("services") && pl["services"].is_array()) {
        ImGui::SeparatorText(L3(st.lang, "Услуги: часы по ролям", "Services : heures par rôle", "Services: hours per role"));
        const nlohmann::json& roles = pl["roles"];
        const int n = (int)roles.size() + 1;
        // One table with the window's own scrolling (a table scrolling inside
        // a scrolling panel would take the wheel from it).
        if (ImGui::BeginTable("pl_services", n, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn(L3(st.lang, "Услуга", "Service", "Service"), ImGuiTableColumnFlags_WidthStretch, 3.0f);
            for (const nlohmann::json& role : roles) ImGui::TableSetupColumn(name_of(role).c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableHeadersRow();
            for (nlohmann::json& svc : pl["services"]) {
                const std::string sid = svc.value("id", "");
                ImGui::PushID(sid.c_str());
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::AlignTextToFramePadding();
                if (selectable_elided(name_of(svc), s.pl_service == sid)) s.pl_service = s.pl_service == sid ? "" : sid;
                anchor("settings.pl.service." + sid);
                for (const nlohmann::json& role : roles) {
                    ImGui::TableNextColumn();
                    const std::string rid = role.value("id", "");
                    const std::string key = "hours." + sid + "." + rid;
                    if (!s.pl_typed.count(key))
                        s.pl_typed[key] = svc.contains("hours") && svc["hours"].contains(rid) ? hours_text(svc["hours"][rid], st.lang) : "";
                    ImGui::PushID(rid.c_str());
                    ImGui::SetNextItemWidth(-FLT_MIN);
                    ImGui::InputText("##h", &s.pl_typed[key], ImGuiInputTextFlags_CharsDecimal);
                    anchor("settings.pl.hours." + sid + "." + rid);
                    if (ImGui::IsItemDeactivatedAfterEdit()) {
                        double h = 0;
                        if (!parse_hours(s.pl_typed[key], &h)) {
                            s.error = name_of(svc) + ", " + name_of(role) + ": " +
                                      L3(st.lang, "часы — нужно число, например 3,5", "heures — un nombre attendu, par exemple 3,5",
                                         "hours — expected a number such as 3.5");
                        } else {
                            if (!svc.contains("hours") || !svc["hours"].is_object()) svc["hours"] = nlohmann::json::object();
                            if (h == 0) svc["hours"].erase(rid);
                            else if (h == (double)(int64_t)h) svc["hours"][rid] = (int64_t)h;
                            else svc["hours"][rid] = h;
                            s.pl_typed[key] = hours_text(svc["hours"].value(rid, nlohmann::json()), st.lang);
                            changed = true;
                            s.error.clear();
                        }
                    }
                    ImGui::PopID();
                }
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        // The selected service: its name, stage, unit, and when it is priced.
        nlohmann::json* svc = nullptr;
        for (nlohmann::json& x : pl["services"])
            if (x.value("id", "") == s.pl_service) svc = &x;
        if (svc) {
            ImGui::PushID("svc_editor");
            ImGui::BeginChild("svc_editor", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
            ImGui::TextUnformatted(name_of(*svc).c_str());
            ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::CalcTextSize(L3(st.lang, "Убрать услугу", "Retirer le service", "Remove the service")).x -
                            ImGui::GetStyle().FramePadding.x * 2);
            bool removed = false;
            if (ImGui::SmallButton(L3(st.lang, "Убрать услугу", "Retirer le service", "Remove the service"))) removed = true;
            anchor("settings.pl.remove_service");
            if (!removed) {
                changed |= texts_input("svc_name", &(*svc)["name"], "settings.pl.svc.name");
                if (pl.contains("stages") && pl["stages"].is_array()) {
                    ImGui::AlignTextToFramePadding();
                    ImGui::TextUnformatted(L3(st.lang, "Этап", "Étape", "Stage"));
                    ImGui::SameLine(em * 9);
                    std::string shown;
                    for (const nlohmann::json& stg : pl["stages"])
                        if (stg.value("id", "") == svc->value("stage", "")) shown = name_of(stg);
                    ImGui::SetNextItemWidth(std::min(em * 14, ImGui::GetContentRegionAvail().x));
                    if (ImGui::BeginCombo("##stage", shown.c_str())) {
                        for (const nlohmann::json& stg : pl["stages"])
                            if (ImGui::Selectable(name_of(stg).c_str(), stg.value("id", "") == svc->value("stage", ""))) {
                                (*svc)["stage"] = stg["id"];
                                changed = true;
                            }
                        ImGui::EndCombo();
                    }
                    anchor("settings.pl.svc.stage");
                }
                ImGui::AlignTextToFramePadding();
                ImGui::TextUnformatted(L3(st.lang, "Единица", "Unité", "Unit"));
                ImGui::SameLine(em * 9);
                ImGui::SetNextItemWidth(std::min(em * 14, ImGui::GetContentRegionAvail().x));
                const std::string driver = svc->value("driver", "fixed");
                if (ImGui::BeginCombo("##driver", driver_name(driver, st.lang))) {
                    for (const char* d : {"fixed", "per_page", "per_item", "per_language"})
                        if (ImGui::Selectable(driver_name(d, st.lang), driver == d)) {
                            (*svc)["driver"] = d;
                            changed = true;
                        }
                    ImGui::EndCombo();
                }
                anchor("settings.pl.svc.driver");
                changed |= service_rule_editor(st, pl, s.pl_service, rule_questions(db, st.lang));
            }
            ImGui::EndChild();
            ImGui::PopID();
            if (removed) {
                erase_where(pl["services"], "id", s.pl_service);
                if (pl.contains("rules") && pl["rules"].is_array()) erase_where(pl["rules"], "service", s.pl_service);
                s.pl_service.clear();
                changed = true;
            }
        }
        // A new service, in the first stage, once per project, priced always until its rule says otherwise.
        const std::string name = new_item("service", L3(st.lang, "Новая услуга, например «Анимация»", "Nouveau service, par ex. « Animation »",
                                                       "New service, e.g. \"Animation\""), &s.pl_new_service,
                                          L3(st.lang, "Добавить услугу", "Ajouter le service", "Add the service"),
                                          L3(st.lang, "Новая услуга: название — укажите его.", "Nouveau service : nom — indiquez-le.", "New service: name — type it."),
                                          &s.error);
        if (!name.empty()) {
            const std::string id = new_id(name, pl["services"], "service");
            nlohmann::json svc_new = {{"id", id}, {"name", same_in_every_language(name)}, {"driver", "fixed"},
                                      {"hours", {{pl["roles"][0].value("id", ""), 1}}}};
            if (pl.contains("stages") && pl["stages"].is_array() && !pl["stages"].empty()) svc_new["stage"] = pl["stages"][0]["id"];
            pl["services"].push_back(svc_new);
            if (!pl.contains("rules") || !pl["rules"].is_array()) pl["rules"] = nlohmann::json::array();
            pl["rules"].push_back({{"service", id}});
            s.pl_service = id;
            s.error.clear();
            changed = true;
        }
    }
    if (pl.contains("options") && pl["options"].is_array()) {
        ImGui::SeparatorText(L3(st.lang, "Опции, %", "Options, %", "Options, %"));
        if (ImGui::BeginTable("pl_options", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg, list_size)) {
            ImGui::TableSetupColumn("option", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn("percent", ImGuiTableColumnFlags_WidthFixed, em * 5);
            for (nlohmann::json& o : pl["options"]) {
                if (!o.contains("percent")) continue;
                const std::string id = o.value("id", "");
                ImGui::PushID(id.c_str());
                ImGui::TableNextColumn();
                ImGui::AlignTextToFramePadding();
                text_elided(name_of(o));
                ImGui::TableNextColumn();
                int pct = o.value("percent", 0);
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::InputInt("##pct", &pct, 0, 0) && pct > 0 && pct <= 1000) {
                    o["percent"] = pct;
                    changed = true;
                }
                anchor("settings.pl.option." + id);
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
    }
    // Stages: their names and the days of margin each adds to the timeline;
    // a stage no service and no payment uses can be removed, and one added.
    if (!pl.contains("stages") || !pl["stages"].is_array()) pl["stages"] = nlohmann::json::array();
    {
        ImGui::SeparatorText(L3(st.lang, "Этапы и запас дней", "Étapes et jours de marge", "Stages and days of margin"));
        std::string remove_stage;
        const char* process_label = L3(st.lang, "Процесс", "Déroulé", "Process");
        if (!pl["stages"].empty() && ImGui::BeginTable("pl_stages", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg,
                                                       ImVec2(std::min(ImGui::GetContentRegionAvail().x, em * 38), 0))) {
            ImGui::TableSetupColumn("stage", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn("days", ImGuiTableColumnFlags_WidthFixed, em * 5);
            ImGui::TableSetupColumn("process", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize(process_label).x + em);
            ImGui::TableSetupColumn("remove", ImGuiTableColumnFlags_WidthFixed, remove_column_width());
            for (nlohmann::json& stg : pl["stages"]) {
                const std::string id = stg.value("id", "");
                ImGui::PushID(id.c_str());
                ImGui::TableNextColumn();
                std::string name = name_of(stg);
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::InputText("##name", &name) && !trim_copy(name).empty()) {
                    if (!stg.contains("name") || !stg["name"].is_object()) stg["name"] = nlohmann::json::object();
                    stg["name"][lang] = name;
                    changed = true;
                }
                anchor("settings.pl.stage." + id);
                ImGui::TableNextColumn();
                int days = stg.value("buffer_days", 0);
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::InputInt("##days", &days, 0, 0) && days >= 0 && days <= 365) {
                    stg["buffer_days"] = days;
                    changed = true;
                }
                anchor("settings.pl.buffer." + id);
                ImGui::TableNextColumn();
                // The stage's part of the studio's process, edited below the table.
                const bool open = s.pl_process == id;
                if (open) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
                if (ImGui::SmallButton(process_label)) s.pl_process = open ? "" : id;
                if (open) ImGui::PopStyleColor();
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", L3(st.lang, "Что нужно от клиента, чек-лист и материалы, которые проект запросит сам",
                                               "Ce que le client fournit, la liste de contrôle et les éléments que le projet demandera",
                                               "What the client provides, the checklist and the materials a project asks for by itself"));
                anchor("settings.pl.process." + id);
                ImGui::TableNextColumn();
                // What keeps the stage: its services and the payments due after it.
                std::string used;
                if (pl.contains("services") && pl["services"].is_array())
                    for (const nlohmann::json& svc : pl["services"])
                        if (svc.value("stage", "") == id) used += (used.empty() ? "" : ", ") + name_of(svc);
                if (pl.contains("payment_schedule") && pl["payment_schedule"].is_array())
                    for (const nlohmann::json& pay : pl["payment_schedule"])
                        if (pay.value("on", "") == id) used += (used.empty() ? "" : ", ") + name_of(pay);
                const std::string why = used.empty() ? L3(st.lang, "Убрать этап", "Retirer l’étape", "Remove the stage")
                                                     : std::string(L3(st.lang, "Этап нужен: ", "L’étape sert à : ", "The stage is used by: ")) + used;
                ImGui::BeginDisabled(!used.empty() || pl["stages"].size() < 2);
                if (remove_button("settings.pl.remove_stage." + id, why.c_str())) remove_stage = id;
                ImGui::EndDisabled();
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        if (!remove_stage.empty()) {
            erase_where(pl["stages"], "id", remove_stage);
            changed = true;
        }
        changed = stage_process(pl, s, st.lang, name_of) || changed;
        const std::string stage = new_item("stage", L3(st.lang, "Новый этап, например «Тестирование»", "Nouvelle étape, par ex. « Recette »",
                                                        "New stage, e.g. \"Testing\""), &s.pl_new_stage,
                                           L3(st.lang, "Добавить этап", "Ajouter l’étape", "Add the stage"),
                                           L3(st.lang, "Новый этап: название — укажите его.", "Nouvelle étape : nom — indiquez-la.", "New stage: name — type it."),
                                           &s.error);
        if (!stage.empty()) {
            pl["stages"].push_back({{"id", new_id(stage, pl["stages"], "stage")}, {"name", same_in_every_language(stage)}, {"buffer_days", 0}});
            s.error.clear();
            changed = true;
        }
    }
    // The payment schedule: each payment's share, its name, and when it falls
    // due (at signing, or at the end of a stage); the shares make 100 %.
    if (!pl.contains("payment_schedule") || !pl["payment_schedule"].is_array() || pl["payment_schedule"].empty())
        pl["payment_schedule"] = nlohmann::json::array({{{"percent", 100}, {"name", same_in_every_language(L3(st.lang, "Оплата", "Paiement", "Payment"))}}});
    {
        nlohmann::json& ps = pl["payment_schedule"];
        ImGui::SeparatorText(L3(st.lang, "График оплаты", "Échéancier", "Payment schedule"));
        int remove_payment = -1, sum = 0;
        const std::string last_stage = pl.contains("stages") && pl["stages"].is_array() && !pl["stages"].empty()
                                           ? pl["stages"].back().value("id", "") : "";
        auto when_name = [&](const std::string& on) {
            if (on == "signing") return std::string(L3(st.lang, "при подписании", "à la signature", "at signing"));
            if (pl.contains("stages"))
                for (const nlohmann::json& stg : pl["stages"])
                    if (stg.value("id", "") == on) return std::string(L3(st.lang, "после этапа «", "après l’étape « ", "after \"")) + name_of(stg) +
                                                          L3(st.lang, "»", " »", "\"");
            return on;
        };
        if (ImGui::BeginTable("pl_payments", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
            ImGui::TableSetupColumn("percent", ImGuiTableColumnFlags_WidthFixed, em * 4);
            ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn("on", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn("remove", ImGuiTableColumnFlags_WidthFixed, remove_column_width());
            for (int i = 0; i < (int)ps.size(); ++i) {
                nlohmann::json& pay = ps[i];
                ImGui::PushID(i);
                ImGui::TableNextColumn();
                int pct = pay.value("percent", 0);
                sum += pct;
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::InputInt("##pct", &pct, 0, 0) && pct >= 1 && pct <= 100) {
                    pay["percent"] = pct;
                    changed = true;
                }
                anchor("settings.pl.payment." + std::to_string(i) + ".percent");
                ImGui::TableNextColumn();
                std::string name = name_of(pay);
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::InputText("##name", &name) && !trim_copy(name).empty()) {
                    if (!pay.contains("name") || !pay["name"].is_object()) pay["name"] = same_in_every_language(name);
                    pay["name"][lang] = name;
                    changed = true;
                }
                anchor("settings.pl.payment." + std::to_string(i) + ".name");
                ImGui::TableNextColumn();
                const std::string on = pay.value("on", i == 0 ? std::string("signing") : last_stage);
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::BeginCombo("##on", when_name(on).c_str())) {
                    std::vector<std::string> ids = {"signing"};
                    if (pl.contains("stages"))
                        for (const nlohmann::json& stg : pl["stages"]) ids.push_back(stg.value("id", ""));
                    for (const std::string& x : ids) {
                        if (ImGui::Selectable(when_name(x).c_str(), x == on)) {
                            pay["on"] = x;
                            changed = true;
                        }
                        anchor("settings.pl.payment." + std::to_string(i) + ".on." + x);
                    }
                    ImGui::EndCombo();
                }
                anchor("settings.pl.payment." + std::to_string(i) + ".on");
                ImGui::TableNextColumn();
                if (ps.size() > 1 && remove_button("settings.pl.payment." + std::to_string(i) + ".remove",
                                                   L3(st.lang, "Убрать платёж", "Retirer le paiement", "Remove the payment")))
                    remove_payment = i;
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        if (remove_payment >= 0) {
            ps.erase(ps.begin() + remove_payment);
            changed = true;
        }
        if (sum != 100)
            text_wrapped(theme::danger(), std::string(L3(st.lang, "Доли платежей в сумме ", "Les parts des paiements font ", "The payments add up to ")) +
                                              std::to_string(sum) + L3(st.lang, " %, а должны составлять 100 %.", " %, elles doivent faire 100 %.",
                                                                       "%; they must make 100%."));
        if (sum != 100) anchor("settings.pl.payments_sum");
        if (ImGui::Button(L3(st.lang, "Добавить платёж", "Ajouter un paiement", "Add a payment"))) {
            ps.push_back({{"percent", std::max(1, 100 - sum)}, {"name", same_in_every_language(L3(st.lang, "Платёж", "Paiement", "Payment"))},
                          {"on", last_stage.empty() ? std::string("signing") : last_stage}});
            changed = true;
        }
        anchor("settings.pl.add_payment");
    }
    // Discounts: a percent or an amount, with the total they never go under.
    if (!pl.contains("discounts") || !pl["discounts"].is_array()) pl["discounts"] = nlohmann::json::array();
    ImGui::SeparatorText(L3(st.lang, "Скидки", "Remises", "Discounts"));
    std::string remove_discount;
    if (!pl["discounts"].empty() &&
        ImGui::BeginTable("pl_discounts", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn(L3(st.lang, "Скидка", "Remise", "Discount"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(L3(st.lang, "Размер", "Montant", "Size"), ImGuiTableColumnFlags_WidthFixed, em * 8);
        ImGui::TableSetupColumn(L3(st.lang, "Не ниже", "Plancher", "Floor"), ImGuiTableColumnFlags_WidthFixed, em * 9);
        ImGui::TableSetupColumn("##remove", ImGuiTableColumnFlags_WidthFixed, remove_column_width());
        ImGui::TableHeadersRow();
        for (nlohmann::json& d : pl["discounts"]) {
            const std::string id = d.value("id", "");
            ImGui::PushID(id.c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            text_elided(name_of(d));
            // "10 %" or an amount, typed in one field.
            ImGui::TableNextColumn();
            const std::string key = "discount." + id;
            if (!s.pl_typed.count(key))
                s.pl_typed[key] = d.contains("percent") ? std::to_string(d.value("percent", 0)) + " %"
                                                        : atelier::format(atelier::Money{d.value("amount", (int64_t)0), *cur}, st.lang);
            ImGui::SetNextItemWidth(-FLT_MIN);
            ImGui::InputText("##size", &s.pl_typed[key]);
            anchor("settings.pl.discount." + id);
            if (ImGui::IsItemDeactivatedAfterEdit()) {
                const std::string t = trim_copy(s.pl_typed[key]);
                if (!t.empty() && t.back() == '%') {
                    const int pct = std::atoi(t.c_str());
                    if (pct >= 1 && pct <= 100) {
                        d.erase("amount");
                        d["percent"] = pct;
                        s.pl_typed[key] = std::to_string(pct) + " %";
                        changed = true;
                        s.error.clear();
                    } else {
                        s.error = name_of(d) + ": " + L3(st.lang, "размер — процент от 1 до 100", "montant — un pourcentage de 1 à 100",
                                                         "size — a percent from 1 to 100");
                    }
                } else {
                    try {
                        const int64_t minor = atelier::parse_money(t, *cur, st.lang, "amount").minor;
                        if (minor <= 0) throw atelier::Error("discount: amount: must be positive");
                        d.erase("percent");
                        d["amount"] = minor;
                        s.pl_typed[key] = atelier::format(atelier::Money{minor, *cur}, st.lang);
                        changed = true;
                        s.error.clear();
                    } catch (const atelier::Error&) {
                        s.error = name_of(d) + ": " + L3(st.lang, "размер — процент («10 %») или сумма", "montant — un pourcentage (« 10 % ») ou une somme",
                                                         "size — a percent (\"10 %\") or an amount");
                    }
                }
            }
            ImGui::TableNextColumn();
            const std::string fkey = "floor." + id;
            if (!s.pl_typed.count(fkey))
                s.pl_typed[fkey] = d.value("floor", (int64_t)0) > 0 ? atelier::format(atelier::Money{d.value("floor", (int64_t)0), *cur}, st.lang) : "";
            ImGui::SetNextItemWidth(-FLT_MIN);
            ImGui::InputText("##floor", &s.pl_typed[fkey]);
            anchor("settings.pl.floor." + id);
            if (ImGui::IsItemDeactivatedAfterEdit()) {
                const std::string t = trim_copy(s.pl_typed[fkey]);
                try {
                    const int64_t minor = t.empty() ? 0 : atelier::parse_money(t, *cur, st.lang, "floor").minor;
                    if (minor < 0) throw atelier::Error("discount: floor: must not be negative");
                    if (minor == 0) d.erase("floor");
                    else d["floor"] = minor;
                    s.pl_typed[fkey] = minor ? atelier::format(atelier::Money{minor, *cur}, st.lang) : "";
                    changed = true;
                    s.error.clear();
                } catch (const atelier::Error&) {
                    s.error = name_of(d) + ": " + L3(st.lang, "не ниже — нужна сумма или пусто", "plancher — une somme ou rien", "floor — an amount or nothing");
                }
            }
            ImGui::TableNextColumn();
            if (remove_button("settings.pl.remove_discount." + id, L3(st.lang, "Убрать скидку", "Retirer la remise", "Remove the discount")))
                remove_discount = id;
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (!remove_discount.empty()) {
        erase_where(pl["discounts"], "id", remove_discount);
        changed = true;
    }
    const std::string discount = new_item("discount", L3(st.lang, "Новая скидка, например «Постоянный клиент»", "Nouvelle remise, par ex. « Client fidèle »",
                                                         "New discount, e.g. \"Returning client\""), &s.pl_new_discount,
                                          L3(st.lang, "Добавить скидку", "Ajouter la remise", "Add the discount"),
                                          L3(st.lang, "Новая скидка: название — укажите его.", "Nouvelle remise : nom — indiquez-le.", "New discount: name — type it."),
                                          &s.error);
    if (!discount.empty()) {
        pl["discounts"].push_back({{"id", new_id(discount, pl["discounts"], "discount")}, {"name", same_in_every_language(discount)}, {"percent", 10}});
        s.error.clear();
        changed = true;
    }
    if (changed) {
        s.price_list = pl.dump(2);
        s.pl_form_source = s.price_list;
    }
}

void price_list_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    for (const char* cur : {"RUB", "EUR"}) {
        if (ImGui::RadioButton(cur, s.currency == cur)) {
            s.currency = cur;
            s.price_list.clear();
            s.tax_mode = -1;
        }
        anchor(std::string("settings.price_currency.") + cur);
        ImGui::SameLine();
    }
    ImGui::NewLine();
    if (s.price_list.empty()) {
        s.tax_mode = -1;
        try {
            atelier::PriceListRow row = atelier::active_price_list(db.raw(), s.currency);
            s.price_list = atelier::parse_json_or_discard(row.body).dump(2);
            s.price_list_version = row.version;
        } catch (const atelier::Error&) {
            // none in this currency yet: the editor starts empty
        }
    }
    ImGui::TextDisabled("%s %lld", L3(st.lang, "Версия", "Version", "Version"), (long long)s.price_list_version);
    // The tax as fields of their own (they are also in the JSON below).
    {
        nlohmann::json pl = atelier::parse_json_or_discard(s.price_list);
        const char* modes[] = {"no_vat", "vat_on_top", "vat_included"};
        const char* mode_names[] = {L3(st.lang, "Без НДС", "Sans TVA", "No VAT"),
                                    L3(st.lang, "НДС сверху", "TVA en sus", "VAT on top"),
                                    L3(st.lang, "НДС включён", "TVA incluse", "VAT included")};
        if (s.tax_mode < 0 && pl.is_object() && pl.contains("tax") && pl["tax"].is_object()) {
            std::string m = pl["tax"].value("mode", "no_vat");
            s.tax_mode = m == "vat_on_top" ? 1 : m == "vat_included" ? 2 : 0;
            int64_t bp = pl["tax"].value("rate_bp", (int64_t)0);
            s.vat_rate = std::to_string(bp / 100) + (bp % 100 ? "." + std::to_string(bp % 100 / 10) + (bp % 10 ? std::to_string(bp % 10) : "") : "");
        }
        ImGui::TextUnformatted(L3(st.lang, "Налог", "Taxe", "Tax"));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
        if (s.tax_mode < 0) s.tax_mode = 0;
        ImGui::Combo("##tax_mode", &s.tax_mode, mode_names, 3);
        anchor("settings.tax_mode");
        // The rate and its button go to the next line on a narrow screen.
        const char* rate_label = L3(st.lang, "ставка, %", "taux, %", "rate, %");
        if (!same_line_if_fits(ImGui::CalcTextSize(rate_label).x + ImGui::GetFontSize() * 4 + ImGui::GetStyle().ItemSpacing.x)) ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(rate_label);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
        ImGui::InputText("##vat_rate", &s.vat_rate, ImGuiInputTextFlags_CharsDecimal);
        anchor("settings.vat_rate");
        same_line_if_fits(L3(st.lang, "Применить", "Appliquer", "Apply"));
        if (ImGui::Button(L3(st.lang, "Применить", "Appliquer", "Apply"))) {
            // "20", "20.5", "5,5" → basis points.
            std::string r = s.vat_rate;
            for (char& c : r) if (c == ',') c = '.';
            int64_t bp = -1;
            size_t dot = r.find('.');
            std::string whole = r.substr(0, dot), frac = dot == std::string::npos ? "" : r.substr(dot + 1);
            bool ok = !whole.empty() && whole.size() <= 3 && frac.size() <= 2 &&
                      whole.find_first_not_of("0123456789") == std::string::npos &&
                      frac.find_first_not_of("0123456789") == std::string::npos;
            if (ok) bp = std::stoll(whole) * 100 + (frac.empty() ? 0 : std::stoll(frac) * (frac.size() == 1 ? 10 : 1));
            if (!ok) {
                s.error = std::string("tax: rate: expected a percentage such as 20 or 5.5, got \"") + s.vat_rate + "\"";
            } else {
                s.error = db.act([&](sqlite3* d) {
                    s.price_list_version = atelier::set_price_list_tax(d, s.currency, modes[s.tax_mode], bp, atelier::now_iso());
                });
                if (s.error.empty()) {
                    s.price_list.clear();  // reload the JSON with the new tax
                    s.notice = L3(st.lang, "Сохранено", "Enregistré", "Saved");
                }
            }
        }
        anchor("settings.apply_tax");
        // The rates of the currency's country: Russia's 2026 rates (22 %, and the
        // simplified regime's 5 % and 7 %), France's (20 %, 10 %, 5,5 %, 2,1 %).
        static const int64_t rub_rates[] = {2200, 1000, 700, 500};
        static const int64_t eur_rates[] = {2000, 1000, 550, 210};
        const bool rub = s.currency == "RUB";
        ImGui::TextDisabled("%s", L3(st.lang, "Ставки:", "Taux :", "Rates:"));
        for (int64_t bp : rub ? rub_rates : eur_rates) {
            ImGui::SameLine();
            std::string label = std::to_string(bp / 100) + (bp % 100 ? (st.lang == atelier::Lang::en ? "." : ",") + std::to_string(bp % 100 / 10) +
                                                                            (bp % 10 ? std::to_string(bp % 10) : "") : "") + " %";
            if (ImGui::SmallButton((label + "##rate" + std::to_string(bp)).c_str())) {
                s.vat_rate = std::to_string(bp / 100) + (bp % 100 ? "." + std::to_string(bp % 100 / 10) + (bp % 10 ? std::to_string(bp % 10) : "") : "");
                if (s.tax_mode == 0) s.tax_mode = 2;
            }
            anchor(("settings.rate." + std::to_string(bp)).c_str());
        }
    }
    price_list_form(db, st);
    ImGui::Checkbox(L3(st.lang, "JSON прайс-листа (для владельца)", "JSON des tarifs (pour le propriétaire)", "The price list's JSON (for the owner)"),
                    &s.pl_advanced);
    anchor("settings.pl.advanced");
    if (s.pl_advanced) text_editor("##price_list", &s.price_list, 18);
    if (ImGui::Button(L3(st.lang, "Сохранить новую версию", "Enregistrer une nouvelle version", "Save as a new version"))) {
        s.error = with_detail(db, db.act([&](sqlite3* d) { s.price_list_version = atelier::save_price_list(d, s.price_list, atelier::now_iso()); }));
        s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
    }
    anchor("settings.save_price_list");
}

void templates_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    static const char* kinds[] = {"proposal", "contract", "invoice", "act"};
    static const char* langs[] = {"ru", "fr", "en"};
    const char* kind_names[] = {L3(st.lang, "Предложение", "Proposition", "Proposal"), L3(st.lang, "Договор", "Contrat", "Contract"),
                                L3(st.lang, "Счёт", "Facture", "Invoice"), L3(st.lang, "Акт", "Procès-verbal", "Certificate")};
    bool changed = false;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    changed |= ImGui::Combo("##kind", &s.template_kind, kind_names, 4);
    anchor("settings.template_kind");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
    changed |= ImGui::Combo("##lang", &s.template_lang, langs, 3);
    if (changed || !s.template_loaded) {
        s.template_text = atelier::latest_template(db.raw(), kinds[s.template_kind], langs[s.template_lang]);
        if (s.template_text.empty())
            s.template_text = atelier::default_template(kinds[s.template_kind], atelier::parse_lang(langs[s.template_lang]));
        s.template_loaded = true;
    }
    // The editor on the left, the newest document of this kind rendered
    // with the text being edited on the right (below on a narrow screen).
    const float em = ImGui::GetFontSize();
    const bool wide = ImGui::GetContentRegionAvail().x >= em * 48;
    const float area_h = std::max(ImGui::GetContentRegionAvail().y, ImGui::GetTextLineHeightWithSpacing() * 24);
    if (wide) ImGui::BeginChild("template_editor", ImVec2(ImGui::GetContentRegionAvail().x * 0.42f, area_h));
    text_wrapped(theme::palette().muted,
                 L3(st.lang, "Документы собираются из этого шаблона. Справа — последний документ этого вида с текстом шаблона, как он сейчас набран.",
                    "Les documents sont produits à partir de ce modèle. À droite, le dernier document de ce type avec le texte du modèle tel qu’il est saisi.",
                    "Documents are made from this template. Beside it, the newest document of this kind with the template's text as it is typed."));
    ImGui::Checkbox(L3(st.lang, "HTML шаблона (для владельца)", "HTML du modèle (pour le propriétaire)", "The template's HTML (for the owner)"),
                    &s.template_advanced);
    anchor("settings.template.advanced");
    if (s.template_advanced) text_editor("##template", &s.template_text, wide ? 22 : 16);
    if (ImGui::Button(L3(st.lang, "Сохранить новую версию", "Enregistrer une nouvelle version", "Save as a new version"))) {
        s.error = with_detail(db, db.act([&](sqlite3* d) {
            atelier::save_template(d, kinds[s.template_kind], langs[s.template_lang], s.template_text, atelier::now_iso());
        }));
        s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
    }
    anchor("settings.save_template");
    same_line_if_fits(L3(st.lang, "Открыть во вкладке", "Ouvrir dans un onglet", "Open in a tab"));
    const bool open_tab = ImGui::Button(L3(st.lang, "Открыть во вкладке", "Ouvrir dans un onglet", "Open in a tab"));
    anchor("settings.preview_template");
    if (wide) {
        ImGui::EndChild();
        ImGui::SameLine();
    }
    // Rendered again when the text, the kind, the language or the data change.
    const std::string key = std::string(kinds[s.template_kind]) + '\n' + langs[s.template_lang] + '\n' + std::to_string(db.generation());
    if (key != s.template_preview_key || s.template_text != s.template_preview_text) {
        s.template_preview_key = key;
        s.template_preview_text = s.template_text;
        s.template_preview.clear();
        s.template_preview_problem.clear();
        s.template_preview_broken = false;
        const std::string id = atelier::latest_document(db.raw(), kinds[s.template_kind]);
        if (id.empty()) {
            s.template_preview_problem = L3(st.lang, "Предпросмотр появится с первым документом этого вида.",
                                            "L’aperçu apparaîtra avec le premier document de ce type.",
                                            "The preview appears with the first document of this kind.");
        } else {
            try {
                auto data = atelier::document_data(db.raw(), kinds[s.template_kind], id, atelier::parse_lang(langs[s.template_lang]));
                s.template_preview = atelier::render_template(s.template_text, data);
            } catch (const std::exception& e) {
                // The template engine's words name the line to fix.
                s.template_preview_broken = true;
                s.template_preview_problem = std::string(L3(st.lang, "Шаблон пока не собирается: ", "Le modèle ne se compose pas encore : ",
                                                            "The template does not render yet: ")) + e.what();
            }
        }
    }
    if (open_tab && !s.template_preview.empty()) web::open_html_tab(s.template_preview);
    ImGui::BeginChild("template_preview", ImVec2(0, wide ? area_h : ImGui::GetTextLineHeightWithSpacing() * 24), true);
    anchor("settings.template_preview");
    if (!s.template_preview_problem.empty()) {
        text_wrapped(s.template_preview_broken ? theme::danger() : theme::palette().muted, s.template_preview_problem);
    } else if (!ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) {
        // The page itself, in a frame over this panel, clipped to what of it is on screen.
        const ImVec2 lo = ImGui::GetWindowDrawList()->GetClipRectMin(), hi = ImGui::GetWindowDrawList()->GetClipRectMax();
        if (hi.x - lo.x > em * 4 && hi.y - lo.y > em * 4) web::html_panel(lo.x, lo.y, hi.x - lo.x, hi.y - lo.y, s.template_preview);
    }
    ImGui::EndChild();
}

const char* question_type_name(const std::string& t, Lang l) {
    if (t == "text") return L3(l, "Строка", "Texte court", "Short text");
    if (t == "longtext") return L3(l, "Текст", "Texte long", "Long text");
    if (t == "number") return L3(l, "Число", "Nombre", "Number");
    if (t == "choice") return L3(l, "Один вариант", "Un choix", "One choice");
    if (t == "multi") return L3(l, "Несколько вариантов", "Plusieurs choix", "Several choices");
    if (t == "yesno") return L3(l, "Да / нет", "Oui / non", "Yes / no");
    if (t == "date") return L3(l, "Дата", "Date", "Date");
    if (t == "requisites") return L3(l, "Реквизиты", "Coordonnées légales", "Legal details");
    return "";
}

// A text in three languages: one field per language.
bool texts_input(const char* id, nlohmann::json* texts, const std::string& anchor_prefix) {
    static const char* const langs[] = {"ru", "fr", "en"};
    if (!texts->is_object()) *texts = nlohmann::json::object();
    bool changed = false;
    const float em = ImGui::GetFontSize();
    for (int k = 0; k < 3; ++k) {
        std::string v = texts->value(langs[k], "");
        ImGui::PushID(k);
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", langs[k]);
        ImGui::SameLine(em * 2);
        ImGui::SetNextItemWidth(-FLT_MIN);
        if (ImGui::InputText((std::string("##") + id).c_str(), &v)) {
            (*texts)[langs[k]] = v;
            changed = true;
        }
        anchor(anchor_prefix + "." + langs[k]);
        ImGui::PopID();
    }
    return changed;
}

// Blank languages of every text take the first language typed, so that a
// studio that works in one language does not type three.
void fill_languages(nlohmann::json& j) {
    if (j.is_object()) {
        if (j.size() <= 3 && (j.contains("ru") || j.contains("fr") || j.contains("en"))) {
            std::string any;
            for (const char* l : {"ru", "fr", "en"})
                if (j.value(l, "") != "" && any.empty()) any = j.value(l, "");
            if (!any.empty())
                for (const char* l : {"ru", "fr", "en"})
                    if (j.value(l, "").empty()) j[l] = any;
            return;
        }
        for (auto& [k, v] : j.items()) fill_languages(v);
    } else if (j.is_array()) {
        for (auto& v : j) fill_languages(v);
    }
}

// Brief templates as a form: the sections and their questions (label, type,
// required, help, options), moved, removed and added; a preview of the
// client's form; the JSON behind a checkbox for the owner.
void brief_templates_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    static const char* codes[] = {"corporate", "shop", "landing"};
    static const char* const types[] = {"text", "longtext", "number", "choice", "multi", "yesno", "date", "requisites"};
    const std::string lang = atelier::lang_code(st.lang);
    const float em = ImGui::GetFontSize();
    // The templates by their titles.
    std::string titles[3];
    for (int k = 0; k < 3; ++k) {
        const nlohmann::json& t = db.brief_template(codes[k]);
        titles[k] = t.is_object() && t.contains("title") && t["title"].is_object() ? t["title"].value(lang, codes[k]) : codes[k];
    }
    ImGui::SetNextItemWidth(em * 16);
    bool changed = false;
    if (ImGui::BeginCombo("##brief_code", titles[s.brief_code].c_str())) {
        for (int k = 0; k < 3; ++k)
            if (ImGui::Selectable(titles[k].c_str(), s.brief_code == k)) {
                s.brief_code = k;
                changed = true;
            }
        ImGui::EndCombo();
    }
    anchor("settings.brief_code");
    if (changed || !s.brief_loaded) {
        nlohmann::json t = atelier::latest_brief_template(db.raw(), codes[s.brief_code]);
        s.brief_text = t.empty() ? "" : t.dump(2);
        s.brief_loaded = true;
        s.brief_question = -1;
        s.brief_section = 0;
    }
    if (s.brief_form_source != s.brief_text) {
        s.brief_form = atelier::parse_json_or_discard(s.brief_text);
        s.brief_form_source = s.brief_text;
    }
    nlohmann::json& tpl = s.brief_form;
    bool edited = false;
    if (tpl.is_object() && tpl.contains("sections") && tpl["sections"].is_array()) {
        nlohmann::json& sections = tpl["sections"];
        for (size_t si = 0; si < sections.size(); ++si) {
            nlohmann::json& sec = sections[si];
            if (!sec.contains("questions") || !sec["questions"].is_array()) continue;
            ImGui::PushID((int)si);
            const std::string stitle = sec.contains("title") && sec["title"].is_object() ? sec["title"].value(lang, "") : "";
            ImGui::SeparatorText(stitle.c_str());
            nlohmann::json& qs = sec["questions"];
            int move = 0, remove = -1, which = -1;
            for (size_t qi = 0; qi < qs.size(); ++qi) {
                nlohmann::json& q = qs[qi];
                ImGui::PushID((int)qi);
                const std::string id = q.value("id", "");
                const bool open = s.brief_section == (int)si && s.brief_question == (int)qi;
                const std::string label = (q.contains("label") && q["label"].is_object() ? q["label"].value(lang, id) : id) +
                                          (q.value("required", false) ? " *" : "");
                // The type and three buttons (up, down, remove), right-aligned.
                const ImGuiStyle& style = ImGui::GetStyle();
                const float buttons = ImGui::CalcTextSize("↑").x * 2 + ImGui::CalcTextSize(theme::icon::close).x +
                                      style.FramePadding.x * 6 + style.ItemSpacing.x * 2;
                const float right = buttons + em * 10.5f;
                ImGui::SetNextItemAllowOverlap();
                const std::string shown = elide(label, ImGui::GetContentRegionAvail().x - right);
                if (ImGui::Selectable((shown + "###q").c_str(), open)) {
                    s.brief_section = (int)si;
                    s.brief_question = open ? -1 : (int)qi;
                }
                anchor("settings.brief.q." + id);
                if (shown != label && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", label.c_str());
                ImGui::SameLine(ImGui::GetContentRegionMax().x - right);
                ImGui::TextDisabled("%s", question_type_name(q.value("type", ""), st.lang));
                ImGui::SameLine(ImGui::GetContentRegionMax().x - buttons);
                if (ImGui::SmallButton("↑")) { move = -1; which = (int)qi; }
                anchor("settings.brief.up." + id);
                ImGui::SameLine();
                if (ImGui::SmallButton("↓")) { move = 1; which = (int)qi; }
                anchor("settings.brief.down." + id);
                ImGui::SameLine();
                if (ImGui::SmallButton((std::string(theme::icon::close) + "##del").c_str())) remove = (int)qi;
                anchor("settings.brief.remove." + id);
                if (open) {
                    ImGui::Indent(em);
                    ImGui::TextUnformatted(L3(st.lang, "Вопрос", "Question", "Question"));
                    if (q.contains("label")) edited |= texts_input("label", &q["label"], "settings.brief.label");
                    ImGui::TextUnformatted(L3(st.lang, "Подсказка клиенту", "Aide pour le client", "Help for the client"));
                    nlohmann::json help = q.contains("help") ? q["help"] : nlohmann::json::object();
                    if (texts_input("help", &help, "settings.brief.help")) {
                        q["help"] = help;
                        edited = true;
                    }
                    int t = 0;
                    for (int k = 0; k < 8; ++k)
                        if (q.value("type", "") == types[k]) t = k;
                    ImGui::SetNextItemWidth(em * 12);
                    if (ImGui::BeginCombo("##type", question_type_name(types[t], st.lang))) {
                        for (int k = 0; k < 8; ++k)
                            if (ImGui::Selectable(question_type_name(types[k], st.lang), t == k)) {
                                q["type"] = types[k];
                                if ((k == 3 || k == 4) && !q.contains("options"))
                                    q["options"] = nlohmann::json::array({{{"id", "a"}, {"label", {{"ru", "Вариант"}, {"fr", "Option"}, {"en", "Option"}}}}});
                                edited = true;
                            }
                        ImGui::EndCombo();
                    }
                    anchor("settings.brief.type");
                    ImGui::SameLine();
                    bool required = q.value("required", false);
                    if (ImGui::Checkbox(L3(st.lang, "Обязательный", "Obligatoire", "Required"), &required)) {
                        q["required"] = required;
                        edited = true;
                    }
                    anchor("settings.brief.required");
                    if (q.contains("options") && q["options"].is_array() && (q["type"] == "choice" || q["type"] == "multi")) {
                        ImGui::TextUnformatted(L3(st.lang, "Варианты ответа", "Réponses proposées", "Options"));
                        int drop = -1;
                        for (size_t oi = 0; oi < q["options"].size(); ++oi) {
                            nlohmann::json& o = q["options"][oi];
                            ImGui::PushID((int)oi);
                            if (ImGui::SmallButton((std::string(theme::icon::close) + "##opt").c_str())) drop = (int)oi;
                            ImGui::SameLine();
                            std::string v = o.contains("label") && o["label"].is_object() ? o["label"].value(lang, "") : "";
                            ImGui::SetNextItemWidth(-FLT_MIN);
                            if (ImGui::InputText("##opt_label", &v)) {
                                o["label"][lang] = v;
                                edited = true;
                            }
                            anchor("settings.brief.option." + std::to_string(oi));
                            ImGui::PopID();
                        }
                        if (drop >= 0 && q["options"].size() > 1) {
                            q["options"].erase((size_t)drop);
                            edited = true;
                        }
                        if (ImGui::SmallButton(L3(st.lang, "+ вариант", "+ réponse", "+ option"))) {
                            std::string oid;
                            for (int n = (int)q["options"].size() + 1;; ++n) {
                                oid = "o" + std::to_string(n);
                                bool taken = false;
                                for (const auto& o : q["options"]) taken = taken || o.value("id", "") == oid;
                                if (!taken) break;
                            }
                            q["options"].push_back({{"id", oid}, {"label", {{lang, L3(st.lang, "Вариант", "Option", "Option")}}}});
                            edited = true;
                        }
                        anchor("settings.brief.add_option");
                    }
                    ImGui::Unindent(em);
                }
                ImGui::PopID();
            }
            if (remove >= 0) {
                qs.erase((size_t)remove);
                s.brief_question = -1;
                edited = true;
            } else if (which >= 0 && which + move >= 0 && which + move < (int)qs.size()) {
                std::swap(qs[(size_t)which], qs[(size_t)(which + move)]);
                if (s.brief_section == (int)si && s.brief_question == which) s.brief_question = which + move;
                edited = true;
            }
            ImGui::PopID();
        }
        // A new question: its label, in the section chosen.
        ImGui::Spacing();
        std::vector<std::string> section_names;
        for (const auto& sec : sections) section_names.push_back(sec.contains("title") && sec["title"].is_object() ? sec["title"].value(lang, "") : "");
        if (s.brief_section < 0 || s.brief_section >= (int)sections.size()) s.brief_section = 0;
        ImGui::SetNextItemWidth(em * 16);
        input_with_hint("##new_question", L3(st.lang, "Новый вопрос…", "Nouvelle question…", "New question…"), &s.brief_new_label);
        anchor("settings.brief.new_label");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(em * 12);
        if (!section_names.empty() && ImGui::BeginCombo("##new_section", section_names[(size_t)s.brief_section].c_str())) {
            for (size_t k = 0; k < section_names.size(); ++k)
                if (ImGui::Selectable(section_names[k].c_str(), s.brief_section == (int)k)) s.brief_section = (int)k;
            ImGui::EndCombo();
        }
        same_line_if_fits(L3(st.lang, "Добавить вопрос", "Ajouter la question", "Add the question"));
        if (ImGui::Button(L3(st.lang, "Добавить вопрос", "Ajouter la question", "Add the question")) && !sections.empty()) {
            if (s.brief_new_label.find_first_not_of(' ') == std::string::npos) {
                s.error = L3(st.lang, "Новый вопрос: напишите его текст.", "Nouvelle question : écrivez son texte.", "New question: write its text.");
            } else {
                std::set<std::string> ids;
                for (const auto& sec : sections)
                    for (const auto& q : sec["questions"]) ids.insert(q.value("id", ""));
                std::string id;
                for (int n = 1;; ++n)
                    if (!ids.count(id = "q" + std::to_string(n))) break;
                nlohmann::json& qs = sections[(size_t)s.brief_section]["questions"];
                qs.push_back({{"id", id}, {"type", "text"}, {"required", false}, {"label", {{lang, s.brief_new_label}}}});
                s.brief_question = (int)qs.size() - 1;
                s.brief_new_label.clear();
                s.error.clear();
                edited = true;
            }
        }
        anchor("settings.brief.add");
    }
    if (edited) {
        s.brief_text = tpl.dump(2);
        s.brief_form_source = s.brief_text;
    }
    ImGui::Checkbox(L3(st.lang, "JSON брифа (для владельца)", "JSON du brief (pour le propriétaire)", "The brief's JSON (for the owner)"),
                    &s.brief_advanced);
    anchor("settings.brief.advanced");
    if (s.brief_advanced) text_editor("##brief_template", &s.brief_text, 16);
    if (ImGui::Button(L3(st.lang, "Сохранить новую версию", "Enregistrer une nouvelle version", "Save as a new version"))) {
        nlohmann::json out = atelier::parse_json_or_discard(s.brief_text);
        std::string text = s.brief_text;
        if (out.is_object()) {
            fill_languages(out);
            text = out.dump(2);
        }
        s.error = with_detail(db, db.act([&](sqlite3* d) { atelier::save_brief_template(d, text, atelier::now_iso()); }));
        s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
        if (s.error.empty()) s.brief_text = text;
    }
    anchor("settings.save_brief_template");
    ImGui::SameLine();
    // The client's form as this template gives it, in the interface's language.
    if (ImGui::Button(L3(st.lang, "Предпросмотр", "Aperçu", "Preview"))) {
        nlohmann::json out = atelier::parse_json_or_discard(s.brief_text);
        fill_languages(out);
        std::string html;
        s.error = with_detail(db, db.act([&](sqlite3* d) { html = atelier::brief_preview_html(d, out, st.lang); }));
        if (s.error.empty()) web::open_html_tab(html);
    }
    anchor("settings.preview_brief");
}

}  // namespace

// The working calendar every timeline and due date counts by: the year's
// holidays and worked weekend days per country, each switchable, and a day
// to add (a decree's transfer, a regional holiday).
void calendar_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    static const char* const countries[] = {"ru", "fr"};
    if (s.cal_year == 0) s.cal_year = std::stoi(atelier::now_iso().substr(0, 4));
    const char* names[2] = {L3(st.lang, "Россия", "Russie", "Russia"), L3(st.lang, "Франция", "France", "France")};
    bool reload = s.cal_generation != db.generation();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    reload |= ImGui::Combo("##cal_country", &s.cal_country, names, 2);
    anchor("settings.cal.country");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##cal_prev", ImGuiDir_Left)) --s.cal_year, reload = true;
    anchor("settings.cal.prev");
    ImGui::SameLine();
    ImGui::Text("%d", s.cal_year);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##cal_next", ImGuiDir_Right)) ++s.cal_year, reload = true;
    anchor("settings.cal.next");
    if (reload) {
        s.cal_generation = db.generation();
        s.cal_days = nlohmann::json::array();
        atelier::Stmt q(db.raw(), "SELECT day, working, name FROM calendar_days WHERE country = ?1 AND substr(day, 1, 4) = ?2 ORDER BY day");
        q.bind(1, countries[s.cal_country]).bind(2, std::to_string(s.cal_year));
        while (q.step()) s.cal_days.push_back({{"day", q.text(0)}, {"working", q.int64(1) != 0}, {"name", q.text(2)}});
    }
    ImGui::TextUnformatted(L3(st.lang, "Добавить день", "Ajouter un jour", "Add a day"));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::InputTextWithHint("##cal_day", L3(st.lang, "ГГГГ-ММ-ДД", "AAAA-MM-JJ", "YYYY-MM-DD"), &s.cal_day);
    anchor("settings.cal.new_day");
    // On a narrow screen the row wraps where the next field would not fit.
    same_line_if_fits(ImGui::GetFontSize() * 8);
    ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 14, ImGui::GetContentRegionAvail().x));
    ImGui::InputTextWithHint("##cal_name", L3(st.lang, "Название", "Nom", "Name"), &s.cal_name);
    anchor("settings.cal.new_name");
    const char* working = L3(st.lang, "рабочий", "ouvré", "working");
    same_line_if_fits(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(working).x);
    ImGui::Checkbox(working, &s.cal_working);
    anchor("settings.cal.new_working");
    same_line_if_fits(L3(st.lang, "Добавить", "Ajouter", "Add"));
    if (ImGui::Button(L3(st.lang, "Добавить", "Ajouter", "Add"))) {
        std::string err = db.act([&](sqlite3* x) { atelier::set_calendar_day(x, countries[s.cal_country], s.cal_day, s.cal_working, s.cal_name); },
                                 "calendar");
        s.error = err;
        if (err.empty()) {
            s.notice = L3(st.lang, "Сохранено", "Enregistré", "Saved");
            if (s.cal_day.size() >= 4) s.cal_year = std::atoi(s.cal_day.substr(0, 4).c_str());
            s.cal_day.clear();
            s.cal_name.clear();
            s.cal_generation = 0;
        }
    }
    anchor("settings.cal.add");
    ImGui::PushStyleColor(ImGuiCol_Text, theme::palette().muted);
    ImGui::TextWrapped("%s", L3(st.lang, "Праздники и перенесённые рабочие дни: по ним считаются сроки этапов и оплаты счетов.",
                                 "Jours fériés et jours ouvrés déplacés : les délais des étapes et des factures en tiennent compte.",
                                 "Holidays and moved working days: stage timelines and invoice due dates count by them."));
    ImGui::PopStyleColor();
    if (s.cal_days.empty())
        ImGui::TextWrapped("%s", L3(st.lang, "На этот год дней нет: считаются только выходные.", "Aucun jour pour cette année : seuls les week-ends comptent.",
                                  "No days for this year: only weekends count."));
    if (!s.cal_days.empty() && ImGui::BeginTable("calendar", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn(L3(st.lang, "День", "Jour", "Day"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 9);
        ImGui::TableSetupColumn(L3(st.lang, "Рабочий", "Ouvré", "Working"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5);
        ImGui::TableSetupColumn(L3(st.lang, "Название", "Nom", "Name"));
        ImGui::TableHeadersRow();
        for (const auto& d : s.cal_days) {
            const std::string day = d["day"];
            ImGui::PushID(day.c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(atelier::format_date(day, st.lang).c_str());
            ImGui::TableNextColumn();
            bool working = d["working"];
            if (ImGui::Checkbox("##w", &working)) {
                s.error = db.act([&](sqlite3* x) { atelier::set_calendar_day(x, countries[s.cal_country], day, working, d["name"].get<std::string>()); },
                                 "calendar");
                s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
            }
            anchor("settings.cal.day." + day);
            ImGui::TableNextColumn();
            text_elided(d["name"].get_ref<const std::string&>());
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

void settings_view(app::Db& db, State& st) {
    Settings& s = st.settings;
    if (!s.error.empty()) text_wrapped(theme::danger(), s.error);
    else if (!s.notice.empty()) text_wrapped(theme::success(), s.notice);
    // The sections as a row of buttons that wraps on a narrow screen.
    static const char* const ids[] = {"studio", "price_list", "templates", "briefs", "rules", "calendar"};
    const char* names[] = {L3(st.lang, "Студия и банк", "Studio et banque", "Studio and bank"),
                           L3(st.lang, "Прайс-лист и правила", "Tarifs et règles", "Price list and rules"),
                           L3(st.lang, "Шаблоны документов", "Modèles de documents", "Document templates"),
                           L3(st.lang, "Брифы", "Briefs", "Briefs"),
                           L3(st.lang, "Уведомления", "Notifications", "Notifications"),
                           L3(st.lang, "Календарь", "Calendrier", "Calendar")};
    const theme::Palette& p = theme::palette();
    for (int k = 0; k < 6; ++k) {
        if (k) same_line_if_fits(names[k]);
        const bool current = s.tab == k;
        ImGui::PushStyleColor(ImGuiCol_Button, current ? p.accent : p.panel);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, current ? p.accent_hover : ImGui::GetStyleColorVec4(ImGuiCol_ButtonHovered));
        ImGui::PushStyleColor(ImGuiCol_Text, current ? p.on_accent : p.text);
        if (ImGui::Button(names[k])) s.tab = k;
        ImGui::PopStyleColor(3);
        anchor(std::string("settings.tab.") + ids[k]);
    }
    ImGui::Spacing();
    ImGui::BeginChild("settings");
    switch (s.tab) {
        case 0: studio_section(db, st); break;
        case 1: price_list_section(db, st); break;
        case 2: templates_section(db, st); break;
        case 3: brief_templates_section(db, st); break;
        case 4: rules_section(db, st); break;
        default: calendar_section(db, st); break;
    }
    ImGui::EndChild();
}

}  // namespace ui
