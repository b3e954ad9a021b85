// wasm_app/ui_settings.cpp — settings and editors: studio and bank details,
// the price list and its rules, document templates, brief templates,
// notification rules (ui_messages.cpp).
//
// Every editor edits a text (fields, or JSON and mustache for the data
// edited as text) and saves it through one core function that checks it
// first: a refused edit shows the reason (with the JSON path or template
// line) and leaves the stored data as it was.

#include <cstdlib>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "calendar.h"
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
void price_list_form(State& st) {
    Settings& s = st.settings;
    if (s.pl_form_source != s.price_list) {
        s.pl_form = atelier::parse_json_or_discard(s.price_list);
        s.pl_form_source = s.price_list;
        s.pl_typed.clear();
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
    if (ImGui::BeginTable("pl_roles", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("role", ImGuiTableColumnFlags_WidthFixed, em * 14);
        ImGui::TableSetupColumn("rate", ImGuiTableColumnFlags_WidthFixed, em * 9);
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
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
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
                text_elided(name_of(svc));
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
    }
    if (pl.contains("options") && pl["options"].is_array()) {
        ImGui::SeparatorText(L3(st.lang, "Опции, %", "Options, %", "Options, %"));
        if (ImGui::BeginTable("pl_options", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
            ImGui::TableSetupColumn("option", ImGuiTableColumnFlags_WidthFixed, em * 14);
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
        ImGui::SameLine();
        ImGui::TextUnformatted(L3(st.lang, "ставка, %", "taux, %", "rate, %"));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
        ImGui::InputText("##vat_rate", &s.vat_rate, ImGuiInputTextFlags_CharsDecimal);
        anchor("settings.vat_rate");
        ImGui::SameLine();
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
    price_list_form(st);
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
    text_editor("##template", &s.template_text, 16);
    if (ImGui::Button(L3(st.lang, "Сохранить новую версию", "Enregistrer une nouvelle version", "Save as a new version"))) {
        s.error = with_detail(db, db.act([&](sqlite3* d) {
            atelier::save_template(d, kinds[s.template_kind], langs[s.template_lang], s.template_text, atelier::now_iso());
        }));
        s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
    }
    anchor("settings.save_template");
    ImGui::SameLine();
    // Preview: the newest document of this kind rendered with the text being edited.
    if (ImGui::Button(L3(st.lang, "Предпросмотр", "Aperçu", "Preview"))) {
        s.error = db.act([&](sqlite3* d) {
            std::string id = atelier::latest_document(d, kinds[s.template_kind]);
            if (id.empty()) throw std::runtime_error(L3(st.lang, "Нет документа для предпросмотра", "Aucun document à prévisualiser", "No document to preview"));
            auto data = atelier::document_data(d, kinds[s.template_kind], id, atelier::parse_lang(langs[s.template_lang]));
            web::open_html_tab(atelier::render_template(s.template_text, data));
        });
    }
    anchor("settings.preview_template");
}

void brief_templates_section(app::Db& db, State& st) {
    Settings& s = st.settings;
    static const char* codes[] = {"corporate", "shop", "landing"};
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    bool changed = ImGui::Combo("##brief_code", &s.brief_code, codes, 3);
    if (changed || !s.brief_loaded) {
        nlohmann::json t = atelier::latest_brief_template(db.raw(), codes[s.brief_code]);
        s.brief_text = t.empty() ? "" : t.dump(2);
        s.brief_loaded = true;
    }
    text_editor("##brief_template", &s.brief_text, 16);
    if (ImGui::Button(L3(st.lang, "Сохранить новую версию", "Enregistrer une nouvelle version", "Save as a new version"))) {
        s.error = with_detail(db, db.act([&](sqlite3* d) { atelier::save_brief_template(d, s.brief_text, atelier::now_iso()); }));
        s.notice = s.error.empty() ? L3(st.lang, "Сохранено", "Enregistré", "Saved") : "";
    }
    anchor("settings.save_brief_template");
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
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    ImGui::InputTextWithHint("##cal_name", L3(st.lang, "Название", "Nom", "Name"), &s.cal_name);
    anchor("settings.cal.new_name");
    ImGui::SameLine();
    ImGui::Checkbox(L3(st.lang, "рабочий", "ouvré", "working"), &s.cal_working);
    anchor("settings.cal.new_working");
    ImGui::SameLine();
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
    ImGui::TextDisabled("%s", L3(st.lang, "Праздники и перенесённые рабочие дни: по ним считаются сроки этапов и оплаты счетов.",
                                 "Jours fériés et jours ouvrés déplacés : les délais des étapes et des factures en tiennent compte.",
                                 "Holidays and moved working days: stage timelines and invoice due dates count by them."));
    if (s.cal_days.empty())
        ImGui::TextUnformatted(L3(st.lang, "На этот год дней нет: считаются только выходные.", "Aucun jour pour cette année : seuls les week-ends comptent.",
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
            ImGui::TextUnformatted(d["name"].get_ref<const std::string&>().c_str());
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
        ImGui::PushStyleColor(ImGuiCol_Text, current ? p.on_accent : p.text);
        if (ImGui::Button(names[k])) s.tab = k;
        ImGui::PopStyleColor(2);
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
