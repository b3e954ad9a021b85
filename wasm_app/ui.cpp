// wasm_app/ui.cpp — see ui.h.
#include "ui.h"
#include "calendar.h"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "ids.h"
#include "pipeline.h"
#include "platform_web.h"
#include "ui_text.h"

namespace ui {

namespace {

using atelier::Lang;

const char* const kSources[] = {"website", "phone", "referral", "other"};
const T kSourceNames[] = {T::SourceWebsite, T::SourcePhone, T::SourceReferral, T::SourceOther};
const Lang kLangs[] = {Lang::ru, Lang::fr, Lang::en};

// The frame is cleared to the window's colour (main.cpp): the full-screen
// window draws no background of its own, a whole screen of pixels less to
// fill each frame.
void begin_fullscreen(const char* id) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin(id, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground);
}

// One row: the app's name and the studio's, the saved and connection
// states, then undo, the interface's language and the theme on the right.
void header(app::Db& db, State& st, bool saving, bool storage_error) {
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(theme::font(theme::Type::heading));
    ImGui::TextUnformatted("Atelier");
    ImGui::PopFont();
    const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 46;
    if (!narrow) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", saving ? tr(T::Saving, st.lang) : tr(T::Saved, st.lang));
        ImGui::SameLine();
        // One connection state: the network and the studio's server together.
        sync_status(db, st);
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const std::string undo = narrow ? std::string(theme::icon::undo) : std::string(theme::icon::undo) + " " + L3(st.lang, "Отменить", "Annuler", "Undo");
    const float buttons_w = ImGui::CalcTextSize("RUFREN").x + ImGui::CalcTextSize(undo.c_str()).x + ImGui::GetFontSize() * 1.2f +
                            style.FramePadding.x * 10 + style.ItemSpacing.x * 5;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetContentRegionMax().x - buttons_w));
    ImGui::BeginDisabled(!db.can_undo());
    if (ImGui::Button(undo.c_str())) st.undo_requested = true;
    ImGui::EndDisabled();
    anchor("undo");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Ctrl+Z");
    ImGui::SameLine();
    for (Lang l : kLangs) {
        const char* code = l == Lang::ru ? "RU" : l == Lang::fr ? "FR" : "EN";
        bool active = st.lang == l;
        if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(code)) {
            st.lang = l;
            web::local_set("atelier.lang", atelier::lang_code(l));
        }
        if (active) ImGui::PopStyleColor();
        anchor(std::string("lang.") + atelier::lang_code(l));
        ImGui::SameLine(0, style.ItemSpacing.x * 0.4f);
    }
    ImGui::SameLine();
    // Light or dark, kept in the browser.
    const bool dark = theme::mode() == theme::Mode::dark;
    if (ImGui::Button(dark ? theme::icon::light : theme::icon::dark)) {
        theme::set_mode(dark ? theme::Mode::light : theme::Mode::dark);
        web::local_set("atelier.theme", dark ? "light" : "dark");
        st.restyle = true;
        web::wake();
    }
    anchor("theme.toggle");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", dark ? L3(st.lang, "Светлая тема", "Thème clair", "Light theme") : L3(st.lang, "Тёмная тема", "Thème sombre", "Dark theme"));
    // On a phone the states take a row of their own.
    if (narrow) sync_status(db, st);
    if (storage_error) ImGui::TextColored(theme::danger(), "%s", tr(T::StorageError, st.lang));
    ImGui::Spacing();
}

// A label above an input; the anchor names the input itself.
// A text input whose anchor names the input itself.
bool form_input(const char* anchor_name, std::string* value) {
    ImGui::SetNextItemWidth(-FLT_MIN);
    bool enter = ImGui::InputText((std::string("##") + anchor_name).c_str(), value, ImGuiInputTextFlags_EnterReturnsTrue);
    anchor(anchor_name);
    return enter;
}

void new_lead_form(app::Db& db, State& st) {
    const char* codes[] = {"ru", "fr", "en"};
    if (st.lead_lang < 0) {
        std::string l = atelier::studio_details(db.raw()).lang;
        st.lead_lang = l == "fr" ? 1 : l == "en" ? 2 : 0;
    }
    bool submit = false;
    const float em = ImGui::GetFontSize();
    // A button (and "n") opens the form as a dialog.
    if (st.focus_new && !st.new_open) st.new_open = true;
    if (ImGui::Button((std::string(theme::icon::add) + " " + tr(T::NewLead, st.lang)).c_str())) st.new_open = st.focus_new = true;
    anchor("new.open");
    if (!st.error.empty() && !st.new_open) text_wrapped(theme::danger(), st.error);
    else if (!st.notice.empty()) {
        ImGui::SameLine();
        text_elided(st.notice, nullptr);
    }
    if (!st.new_open) return;
    if (!ImGui::IsPopupOpen("##new_lead")) ImGui::OpenPopup("##new_lead");
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, std::min(display.y * 0.3f, em * 14)), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(display.x - em * 2, em * 30), 0));
    if (!ImGui::BeginPopupModal("##new_lead", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        st.new_open = false;
        return;
    }
    theme::text(theme::Type::heading, tr(T::NewLead, st.lang));
    if (ImGui::BeginTable("new_lead_fields", 2, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch);
        auto row = [&](T label, const char* name, std::string* value) {
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(tr(label, st.lang));
            ImGui::TableNextColumn();
            if (st.focus_new && std::string(name) == "new.client_name") {
                ImGui::SetKeyboardFocusHere();
                st.focus_new = false;
            }
            submit |= form_input(name, value);
        };
        row(T::ClientName, "new.client_name", &st.client_name);
        row(T::Company, "new.company", &st.company);
        row(T::Email, "new.email", &st.email);
        row(T::Phone, "new.phone", &st.phone);
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(tr(T::Source, st.lang));
        ImGui::TableNextColumn();
        ImGui::SetNextItemWidth(em * 9);
        if (ImGui::BeginCombo("##source", tr(kSourceNames[st.source], st.lang))) {
            for (int i = 0; i < 4; ++i)
                if (ImGui::Selectable(tr(kSourceNames[i], st.lang), st.source == i)) st.source = i;
            ImGui::EndCombo();
        }
        anchor("new.source");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(em * 4);
        ImGui::Combo("##lead_lang", &st.lead_lang, codes, 3);
        anchor("new.lang");
        ImGui::EndTable();
    }
    if (!st.error.empty()) text_wrapped(theme::danger(), st.error);
    submit |= ImGui::Button(tr(T::Add, st.lang));
    anchor("new.add");
    ImGui::SameLine();
    bool cancel = ImGui::Button(L3(st.lang, "Отмена", "Annuler", "Cancel")) || ImGui::IsKeyPressed(ImGuiKey_Escape, false);
    anchor("new.cancel");
    submit |= ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_Enter);

    if (submit) {
        atelier::NewLead l;
        l.client_name = st.client_name;
        l.company = st.company;
        l.email = st.email;
        l.phone = st.phone;
        l.source = kSources[st.source];
        l.lang = codes[st.lead_lang];
        // The currency follows the language by the studio's rule (core).
        std::string id;
        st.error = db.add_lead(l, &id);
        if (st.error.empty()) {
            st.selected = id;  // the new lead opens in the card
            st.editing_brief = false;
            st.notice = tr(T::LeadAdded, st.lang);
            st.new_open = false;
            st.client_name.clear();
            st.company.clear();
            st.email.clear();
            st.phone.clear();
        } else {
            st.notice.clear();
        }
    }
    if (cancel) {
        st.new_open = false;
        st.error.clear();
    }
    if (!st.new_open) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

// Lower-cases ASCII and Russian letters (А-Я, Ё) so that search ignores case.
std::string fold(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') { out += (char)(c + 32); continue; }
        if (c == 0xD0 && i + 1 < s.size()) {
            unsigned char d = (unsigned char)s[i + 1];
            if (d >= 0x90 && d <= 0x9F) { out += (char)0xD0; out += (char)(d + 0x20); ++i; continue; }   // А-П
            if (d >= 0xA0 && d <= 0xAF) { out += (char)0xD1; out += (char)(d - 0x20); ++i; continue; }   // Р-Я
            if (d == 0x81) { out += (char)0xD1; out += (char)0x91; ++i; continue; }                      // Ё
        }
        out += (char)c;
    }
    return out;
}

// The rows to show: filtered and sorted once per change of data, search,
// filter or order; the table then only indexes this vector.
void update_view(const std::vector<app::LeadRow>& rows, State& st, uint64_t generation) {
    std::string key = st.search + "\x1f" + std::to_string(st.stage_filter) + "\x1f" + std::to_string(st.sort_column) +
                      (st.sort_ascending ? "a" : "d");
    if (st.view_generation == generation && st.view_key == key && st.view.size() <= rows.size()) return;
    st.view_generation = generation;
    st.view_key = key;
    st.view.clear();
    const std::string needle = fold(st.search);
    const std::string stage = st.stage_filter >= 0 ? atelier::stages()[(size_t)st.stage_filter] : "";
    for (int i = 0; i < (int)rows.size(); ++i) {
        const app::LeadRow& r = rows[(size_t)i];
        if (!stage.empty() && r.stage != stage) continue;
        if (!needle.empty() && fold(r.client).find(needle) == std::string::npos &&
            fold(r.company).find(needle) == std::string::npos)
            continue;
        st.view.push_back(i);
    }
    if (st.sort_column < 0) return;
    auto stage_ix = [](const std::string& s) {
        const auto& all = atelier::stages();
        return (int)(std::find(all.begin(), all.end(), s) - all.begin());
    };
    std::stable_sort(st.view.begin(), st.view.end(), [&](int a, int b) {
        const app::LeadRow& x = rows[(size_t)a];
        const app::LeadRow& y = rows[(size_t)b];
        int c = 0;
        switch (st.sort_column) {
            case 0: c = x.client.compare(y.client); break;
            case 1: c = x.company.compare(y.company); break;
            case 2: c = x.source.compare(y.source); break;
            case 3: c = stage_ix(x.stage) - stage_ix(y.stage); break;
            case 4: c = x.amount_minor < y.amount_minor ? -1 : x.amount_minor > y.amount_minor ? 1 : 0; break;
        }
        return st.sort_ascending ? c < 0 : c > 0;
    });
}

void leads_toolbar(State& st) {
    // Search and the stage filter share the row; on a phone they share it
    // evenly.
    const float em = ImGui::GetFontSize(), avail = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x;
    const float search_w = std::min(em * 14, avail * 0.55f), stage_w = std::min(em * 10, avail - search_w);
    ImGui::SetNextItemWidth(search_w);
    if (st.focus_search) {
        ImGui::SetWindowFocus();
        ImGui::SetKeyboardFocusHere();
        st.focus_search = false;
    }
    ImGui::InputTextWithHint("##search", tr(T::Search, st.lang), &st.search);
    anchor("leads.search");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(stage_w);
    const char* shown = st.stage_filter < 0 ? "—" : stage_name(atelier::stages()[(size_t)st.stage_filter], st.lang);
    if (ImGui::BeginCombo("##stage", shown, ImGuiComboFlags_HeightLargest)) {
        if (ImGui::Selectable("—", st.stage_filter < 0)) st.stage_filter = -1;
        anchor("leads.stage.all");
        for (int i = 0; i < (int)atelier::stages().size(); ++i) {
            if (ImGui::Selectable(stage_name(atelier::stages()[(size_t)i], st.lang), st.stage_filter == i)) st.stage_filter = i;
            anchor("leads.stage." + atelier::stages()[(size_t)i]);
        }
        ImGui::EndCombo();
    }
    anchor("leads.stage");
}

void leads_table(app::Db& db, State& st) {
    const auto& rows = db.leads();
    leads_toolbar(st);
    update_view(rows, st, db.generation());
    ImGui::SameLine();
    ImGui::Text("%s: %d / %d", tr(T::Leads, st.lang), (int)st.view.size(), (int)rows.size());
    if (rows.empty()) {
        ImGui::TextDisabled("%s", tr(T::NoLeads, st.lang));
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Sortable |
                                  ImGuiTableFlags_SortTristate;
    // Beside an open card, or on a phone, the table keeps the client, the
    // stage, the amount and the next step.
    const bool compact = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 48;
    // On a phone the next step is the card's button: the amounts get the room.
    const bool phone = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 30;
    if (!ImGui::BeginTable("leads", 6, flags, ImVec2(0, 0))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr(T::Client, st.lang), 0, 2.0f);
    ImGui::TableSetupColumn(tr(T::Company, st.lang), compact ? ImGuiTableColumnFlags_Disabled : 0, 2.0f);
    ImGui::TableSetupColumn(tr(T::Source, st.lang), compact ? ImGuiTableColumnFlags_Disabled : 0, 1.0f);
    ImGui::TableSetupColumn(tr(T::Stage, st.lang), 0, 1.3f);
    ImGui::TableSetupColumn(tr(T::Amount, st.lang), 0, 1.3f);
    ImGui::TableSetupColumn(tr(T::Actions, st.lang), ImGuiTableColumnFlags_NoSort | (phone ? ImGuiTableColumnFlags_Disabled : 0), 1.6f);
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
        if (specs->SpecsCount > 0) {
            st.sort_column = specs->Specs[0].ColumnIndex;
            st.sort_ascending = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
        } else {
            st.sort_column = -1;
        }
        specs->SpecsDirty = false;
        update_view(rows, st, db.generation());
    }

    ImGuiListClipper clipper;
    clipper.Begin((int)st.view.size());
    std::string move_id;
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const app::LeadRow& r = rows[(size_t)st.view[(size_t)i]];
            ImGui::PushID(r.id.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const std::string client = elide(r.client, ImGui::GetContentRegionAvail().x);
            if (ImGui::Selectable((client + "##client").c_str(), st.selected == r.id,
                                  ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap)) {
                st.selected = r.id;
                st.editing_brief = false;
            }
            anchor("row." + std::to_string(i) + ".client");
            if (client != r.client && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.client.c_str());
            ImGui::TableNextColumn();
            const std::string company = elide(r.company, ImGui::GetContentRegionAvail().x);
            ImGui::TextUnformatted(company.c_str());
            if (company != r.company && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.company.c_str());
            ImGui::TableNextColumn();
            int src = 3;
            for (int k = 0; k < 4; ++k)
                if (r.source == kSources[k]) src = k;
            text_elided(tr(kSourceNames[src], st.lang));
            ImGui::TableNextColumn();
            {
                const std::string stage = elide(stage_name(r.stage, st.lang), ImGui::GetContentRegionAvail().x);
                ImGui::TextColored(theme::stage(r.stage), "%s", stage.c_str());
                if (stage != stage_name(r.stage, st.lang) && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", stage_name(r.stage, st.lang));
            }
            ImGui::TableNextColumn();
            auto cur = atelier::currency_from_code(r.currency);
            {
                // Amounts right-aligned, so that their digits line up.
                const std::string whole = cur ? atelier::format(atelier::Money{r.amount_minor, *cur}, st.lang) : "";
                const std::string amount = elide(whole, ImGui::GetContentRegionAvail().x);
                const float pad = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(amount.c_str()).x;
                if (pad > 0) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + pad);
                ImGui::TextUnformatted(amount.c_str());
                if (amount != whole && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", whole.c_str());
            }
            ImGui::TableNextColumn();
            std::string next = atelier::next_stage(r.stage);
            if (!next.empty()) {
                // The next stage's name, cut with "…" to the column; the whole of it on hover.
                const std::string whole = std::string(tr(T::Next, st.lang)) + ": " + stage_name(next, st.lang);
                const std::string label = elide(std::string("→ ") + stage_name(next, st.lang),
                                                ImGui::GetContentRegionAvail().x - ImGui::GetStyle().FramePadding.x * 2);
                if (ImGui::SmallButton(label.c_str())) move_id = r.id;
                anchor("row." + std::to_string(i) + ".next");
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", whole.c_str());
            }
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
    if (!move_id.empty()) {
        st.error = db.move_next(move_id);
        st.notice.clear();
    }
}

}  // namespace

std::string elide(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    std::string s = text;
    while (!s.empty()) {
        // The last character: its continuation bytes, then its first byte.
        while (!s.empty() && (s.back() & 0xC0) == 0x80) s.pop_back();
        if (!s.empty()) s.pop_back();
        if (ImGui::CalcTextSize((s + "…").c_str()).x <= width) break;
    }
    return s + "…";
}

void text_elided(const std::string& text, const ImVec4* color) {
    const std::string shown = elide(text, ImGui::GetContentRegionAvail().x);
    if (color) ImGui::TextColored(*color, "%s", shown.c_str());
    else ImGui::TextUnformatted(shown.c_str());
    if (shown != text && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

bool selectable_elided(const std::string& text, bool selected) {
    const std::string shown = elide(text, ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x);
    const bool pressed = ImGui::Selectable((shown + "###elided").c_str(), selected);
    if (shown != text && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    return pressed;
}

bool same_line_if_fits(const char* label) {
    const ImGuiStyle& style = ImGui::GetStyle();
    return same_line_if_fits(ImGui::CalcTextSize(label, nullptr, true).x + style.FramePadding.x * 2);
}

bool same_line_if_fits(float w) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float right = ImGui::GetItemRectMax().x + style.ItemSpacing.x + w;
    if (right > ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) return false;
    ImGui::SameLine();
    return true;
}

bool input_with_hint(const char* id, const char* hint, std::string* value, ImGuiInputTextFlags flags) {
    const std::string shown = elide(hint, ImGui::CalcItemWidth() - ImGui::GetStyle().FramePadding.x * 2);
    return ImGui::InputTextWithHint(id, shown.c_str(), value, flags);
}

void text_wrapped(const ImVec4& color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

const char* L3(Lang l, const char* ru, const char* fr, const char* en) {
    return l == Lang::fr ? fr : l == Lang::en ? en : ru;
}

void anchor(const std::string& name) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    const ImRect clip = ImGui::GetCurrentWindowRead()->InnerClipRect;
    anchors()[name] = Anchor{a.x, a.y, b.x - a.x, b.y - a.y, clip.Min.x, clip.Min.y, clip.GetWidth(), clip.GetHeight()};
}

std::map<std::string, Anchor>& anchors() {
    static std::map<std::string, Anchor> a;
    return a;
}


namespace {

void update_board(const std::vector<app::LeadRow>& rows, State& st, uint64_t generation) {
    if (st.board_generation == generation && !st.board_columns.empty()) return;
    const auto& all = atelier::stages();
    st.board_columns.assign(all.size(), {});
    st.board_rub.assign(all.size(), 0);
    st.board_eur.assign(all.size(), 0);
    for (int i = 0; i < (int)rows.size(); ++i) {
        size_t k = (size_t)(std::find(all.begin(), all.end(), rows[(size_t)i].stage) - all.begin());
        if (k >= all.size()) continue;
        st.board_columns[k].push_back(i);
        // Saturating: a column's sum shows the largest amount rather than wrap.
        auto add = [](int64_t& sum, int64_t v) { if (__builtin_add_overflow(sum, v, &sum)) sum = v < 0 ? INT64_MIN : INT64_MAX; };
        if (rows[(size_t)i].currency == "EUR") add(st.board_eur[k], rows[(size_t)i].amount_minor);
        else if (rows[(size_t)i].currency == "RUB") add(st.board_rub[k], rows[(size_t)i].amount_minor);
    }
    st.board_generation = generation;
}

// The pipeline: one column per stage with its count and sums; a lead is
// moved by dragging its card onto another column (the core refuses an
// illegal move, and the reason is shown).
// "Why was it lost?": a reason from the studio's list (data), and a few
// words (needed for "other"). Closing as lost happens only here.
void lost_dialog(app::Db& db, State& st) {
    const char* title = L3(st.lang, "Почему заявка потеряна?", "Pourquoi la demande est-elle perdue ?", "Why was this lead lost?");
    const std::string popup = std::string(title) + "###lost";
    if (st.lose_open) {
        ImGui::OpenPopup(popup.c_str());
        st.lose_open = false;
    }
    // Fits its content, so that a message shown under the choices never
    // pushes the buttons out of sight.
    if (!ImGui::BeginPopupModal(popup.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) return;
    nlohmann::json reasons = nlohmann::json::array();
    try {
        reasons = atelier::lost_reasons(db.raw());
    } catch (const std::exception& e) {
        st.lose_error = e.what();
    }
    if (const app::LeadCard* c = db.card(st.lose_lead)) ImGui::TextDisabled("%s", c->client.c_str());
    for (const nlohmann::json& r : reasons) {
        const std::string code = r.value("code", "");
        const std::string label = r["label"].value(atelier::lang_code(st.lang), code);
        if (ImGui::RadioButton(label.c_str(), st.lose_reason == code)) st.lose_reason = code;
        anchor("lost.reason." + code);
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 24);
    ImGui::InputTextWithHint("##lost_text", L3(st.lang, "Подробности (для «другое» обязательно)", "Précisions (obligatoires pour « autre »)",
                                                 "Details (needed for \"other\")"), &st.lose_text);
    anchor("lost.text");
    if (!st.lose_error.empty()) text_wrapped(theme::danger(), st.lose_error);
    const bool blank = st.lose_text.find_first_not_of(" \t") == std::string::npos;
    if (ImGui::Button(L3(st.lang, "Закрыть как потерянную", "Classer comme perdue", "Close as lost"))) {
        if (st.lose_reason.empty()) {
            st.lose_error = L3(st.lang, "Выберите причину.", "Choisissez une raison.", "Choose a reason.");
        } else if (st.lose_reason == "other" && blank) {
            st.lose_error = L3(st.lang, "Для «другое» напишите пару слов.", "Pour « autre », écrivez quelques mots.", "For \"other\", write a few words.");
        } else {
            std::string err = db.act([&](sqlite3* x) {
                atelier::conveyor::lose(x, st.lose_lead, st.lose_reason, st.lose_text, db.actor(), atelier::now_iso());
            }, "lost");
            if (err.empty()) {
                st.lose_lead.clear();
                st.error.clear();
                ImGui::CloseCurrentPopup();
            } else {
                st.lose_error = err;
            }
        }
    }
    anchor("lost.confirm");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Отмена", "Annuler", "Cancel")) || ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        st.lose_lead.clear();
        ImGui::CloseCurrentPopup();
    }
    anchor("lost.cancel");
    ImGui::EndPopup();
}

// Why a lead cannot move from one stage to another, said in the
// interface's language; "" when it can.
std::string move_refusal(const std::string& from, const std::string& to, Lang l) {
    if (from.empty()) return "";
    if (to == "won" && from != "invoiced")
        return L3(l, "Сделка выигрывается после подписания договора и выставления счёта.",
                  "Une affaire est gagnée une fois le contrat signé et facturé.",
                  "A lead is won once its contract is signed and invoiced.");
    if (to != "won" && !atelier::stage_allowed(from, to))
        return std::string(L3(l, "Заявку нельзя перевести из «", "La demande ne peut pas passer de « ", "A lead cannot move from \"")) +
               stage_name(from, l) + L3(l, "» в «", " » à « ", "\" to \"") + stage_name(to, l) + L3(l, "».", " ».", "\".");
    return "";
}

// "?": the keyboard shortcuts, in the interface's language.
void shortcuts_help(State& st) {
    const std::string popup = std::string(L3(st.lang, "Клавиши", "Raccourcis clavier", "Keyboard shortcuts")) + "###help";
    if (st.help_open && !ImGui::IsPopupOpen(popup.c_str())) ImGui::OpenPopup(popup.c_str());
    if (!ImGui::BeginPopupModal(popup.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) {
        st.help_open = false;
        return;
    }
    static const struct { const char* keys; const char* ru; const char* fr; const char* en; } rows[] = {
        {"N", "новая заявка", "nouvelle demande", "new lead"},
        {"/", "поиск по заявкам", "rechercher une demande", "search the leads"},
        {"Esc", "закрыть карточку или окно", "fermer la fiche ou la fenêtre", "close the card or the dialog"},
        {"Ctrl+Enter", "следующий шаг заявки", "étape suivante de la demande", "the lead's next step"},
        {"Ctrl+S", "сохранить черновик брифа", "enregistrer le brouillon du brief", "save the brief draft"},
        {"Ctrl+Z", "отменить последнее изменение", "annuler la dernière modification", "undo the last change"},
        {"?", "эта подсказка", "cette aide", "this help"},
    };
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_SizingFixedFit)) {
        for (const auto& r : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.keys);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(L3(st.lang, r.ru, r.fr, r.en));
        }
        ImGui::EndTable();
    }
    anchor("help.keys");
    if (ImGui::Button(L3(st.lang, "Закрыть", "Fermer", "Close")) || ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        st.help_open = false;
        ImGui::CloseCurrentPopup();
    }
    anchor("help.close");
    ImGui::EndPopup();
}

// A card: the stage's colour, the client, the company, what the lead waits
// for, its days in the stage, its owner's initials, the amount, and a red
// mark when a task or an invoice is overdue.
void board_card(State& st, const app::LeadRow& r, const std::string& today) {
    const float em = ImGui::GetFontSize();
    auto facts = st.board_facts.find(r.id);
    const app::BoardFacts* f = facts == st.board_facts.end() ? nullptr : &facts->second;
    if (ImGui::Selectable("##card", st.selected == r.id, 0, ImVec2(0, em * 4.5f))) st.selected = r.id;
    anchor("board." + r.id);
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    const float pad = em * 0.5f, w = b.x - a.x - pad - em * 0.4f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const theme::Palette& p = theme::palette();
    dl->AddRect(a, b, ImGui::GetColorU32(f && f->overdue ? theme::danger() : p.border), ImGui::GetStyle().FrameRounding);
    dl->AddRectFilled(a, ImVec2(a.x + em * 0.2f, b.y), ImGui::GetColorU32(theme::stage(r.stage)), ImGui::GetStyle().FrameRounding,
                      ImDrawFlags_RoundCornersLeft);
    // The amount, top right, whole; the client beside it, cut if need be.
    auto cur = atelier::currency_from_code(r.currency);
    const std::string amount = cur && r.amount_minor ? atelier::format(atelier::Money{r.amount_minor, *cur}, st.lang) : "";
    const std::string amount_shown = elide(amount, w * 0.6f);
    const float amount_w = amount_shown.empty() ? 0 : ImGui::CalcTextSize(amount_shown.c_str()).x + em * 0.5f;
    if (!amount_shown.empty())
        dl->AddText(ImVec2(b.x - em * 0.4f - ImGui::CalcTextSize(amount_shown.c_str()).x, a.y + em * 0.2f), ImGui::GetColorU32(p.text),
                    amount_shown.c_str());
    const std::string client = elide(r.client, w - amount_w);
    dl->AddText(ImVec2(a.x + pad, a.y + em * 0.2f), ImGui::GetColorU32(p.text), client.c_str());
    const std::string company = elide(r.company, w);
    dl->AddText(ImVec2(a.x + pad, a.y + em * 1.25f), ImGui::GetColorU32(p.muted), company.c_str());
    std::string action;
    if (f && !f->action.empty())
        action = f->client_turn ? std::string(L3(st.lang, "ждём клиента", "attend le client", "waiting for the client"))
                                : std::string("→ ") + action_label(f->action, st.lang);
    const std::string action_shown = elide(action, w);
    dl->AddText(ImVec2(a.x + pad, a.y + em * 2.3f), ImGui::GetColorU32(f && f->overdue ? theme::danger() : p.muted), action_shown.c_str());
    // Days in the stage (with "!" when something is overdue), bottom left;
    // the owner's initials, bottom right.
    std::string age;
    if (f && f->since.size() >= 10 && today.size() >= 10) {
        try {
            const int64_t days = atelier::day_number(today.substr(0, 10), "today") - atelier::day_number(local_time(f->since).substr(0, 10), "since");
            age = days <= 0 ? L3(st.lang, "сегодня", "aujourd'hui", "today")
                            : std::to_string(days) + L3(st.lang, " дн.", " j", " d");
            if (f->overdue) age = std::string("! ") + age;
        } catch (const std::exception&) {
        }
    }
    if (!age.empty())
        dl->AddText(ImVec2(a.x + pad, a.y + em * 3.35f), ImGui::GetColorU32(f->overdue ? theme::danger() : p.muted), age.c_str());
    std::string initials;
    if (f && !f->owner.empty()) {
        bool next = true;
        for (size_t i = 0; i < f->owner.size() && initials.size() < 8; ++i) {
            const unsigned char c = (unsigned char)f->owner[i];
            if (c == ' ') { next = true; continue; }
            if (next && (c & 0xC0) != 0x80) {
                const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
                initials += f->owner.substr(i, n);
                next = false;
            }
        }
        const float iw = ImGui::CalcTextSize(initials.c_str()).x;
        const ImVec2 c(b.x - em * 0.4f - iw * 0.5f - em * 0.2f, a.y + em * 3.85f);
        dl->AddCircleFilled(c, iw * 0.5f + em * 0.3f, ImGui::GetColorU32(p.surface));
        dl->AddText(ImVec2(c.x - iw * 0.5f, c.y - em * 0.5f), ImGui::GetColorU32(p.muted), initials.c_str());
    }
    if (ImGui::IsItemHovered() && (client != r.client || company != r.company || action_shown != action || amount_shown != amount || !initials.empty()))
        ImGui::SetTooltip("%s\n%s\n%s\n%s%s%s", r.client.c_str(), r.company.c_str(), amount.c_str(), action.c_str(),
                          f && !f->owner.empty() ? "\n" : "", f ? f->owner.c_str() : "");
    if (ImGui::BeginDragDropSource()) {
        ImGui::SetDragDropPayload("LEAD", r.id.c_str(), r.id.size() + 1);
        ImGui::TextUnformatted(r.client.c_str());
        ImGui::EndDragDropSource();
    }
}

// A lead dropped on a stage: moved there, or the reason it cannot be.
void drop_lead(app::Db& db, State& st, const std::string& id, const std::string& to) {
    std::string from;
    for (const app::LeadRow& r : db.leads())
        if (r.id == id) from = r.stage;
    if (from == to) {
        // Dropped back where it was: nothing to do.
    } else if (to == "lost") {
        ask_lost_reason(st, id);  // closing as lost takes a reason
    } else if (std::string why = move_refusal(from, to, st.lang); !why.empty()) {
        st.error = why;
        st.notice.clear();
    } else {
        st.error = db.act([&](sqlite3* d) { atelier::conveyor::move(d, id, to, "", db.actor(), atelier::now_iso()); });
        st.notice.clear();
    }
}

void pipeline_board(app::Db& db, State& st) {
    const auto& rows = db.leads();
    const bool changed = st.board_generation != db.generation();
    update_board(rows, st, db.generation());
    const auto& all = atelier::stages();
    const int limit = 50;  // a column shows its newest 50 cards
    const std::string now = atelier::now_iso(), today = local_time(now);
    if (changed || st.board_facts.empty()) {
        std::vector<std::string> ids;
        for (const auto& col : st.board_columns)
            for (size_t i = 0; i < col.size() && i < (size_t)limit; ++i) ids.push_back(rows[(size_t)col[i]].id);
        st.board_facts = db.board_facts(ids, now);
    }
    const float em = ImGui::GetFontSize();
    // Wide enough for every column with its sums: the whole board; else the
    // stages as a row of buttons (each takes drops) and one column below.
    std::vector<std::vector<std::string>> sums(all.size());
    for (size_t k = 0; k < all.size(); ++k) {
        if (st.board_rub[k]) sums[k].push_back(atelier::format({st.board_rub[k], atelier::Currency::RUB}, st.lang));
        if (st.board_eur[k]) sums[k].push_back(atelier::format({st.board_eur[k], atelier::Currency::EUR}, st.lang));
    }
    const bool wide = ImGui::GetContentRegionAvail().x >= em * 7.5f * (float)all.size();
    auto cards = [&](size_t k) {
        ImGui::TextDisabled("%d", (int)st.board_columns[k].size());
        const ImVec4 muted = theme::palette().muted;
        for (const std::string& sum : sums[k]) text_elided(sum, &muted);
        int shown = 0;
        for (int i : st.board_columns[k]) {
            if (shown++ == limit) {
                ImGui::TextDisabled("+%d", (int)st.board_columns[k].size() - limit);
                break;
            }
            const app::LeadRow& r = rows[(size_t)i];
            ImGui::PushID(r.id.c_str());
            board_card(st, r, today);
            ImGui::PopID();
        }
    };
    if (!wide) {
        if (st.board_stage < 0 || st.board_stage >= (int)all.size()) {
            st.board_stage = 0;
            while (st.board_stage + 1 < (int)all.size() && st.board_columns[(size_t)st.board_stage].empty()) ++st.board_stage;
        }
        const theme::Palette& p = theme::palette();
        for (size_t k = 0; k < all.size(); ++k) {
            const std::string label = std::string(stage_name(all[k], st.lang)) + "  " + std::to_string(st.board_columns[k].size());
            if (k) same_line_if_fits(label.c_str());
            const bool current = st.board_stage == (int)k;
            ImGui::PushStyleColor(ImGuiCol_Button, current ? p.accent : p.panel);
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, current ? p.accent_hover : ImGui::GetStyleColorVec4(ImGuiCol_ButtonHovered));
            ImGui::PushStyleColor(ImGuiCol_Text, current ? p.on_accent : p.text);
            if (ImGui::Button((label + "##stage" + std::to_string(k)).c_str())) st.board_stage = (int)k;
            ImGui::PopStyleColor(3);
            anchor("board.column." + all[k]);
            if (ImGui::BeginDragDropTarget()) {
                if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("LEAD")) drop_lead(db, st, (const char*)pl->Data, all[k]);
                ImGui::EndDragDropTarget();
            }
        }
        ImGui::Separator();
        ImGui::PushID(st.board_stage);
        cards((size_t)st.board_stage);
        ImGui::PopID();
        return;
    }
    if (!ImGui::BeginTable("board", (int)all.size(), ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_PadOuterX | ImGuiTableFlags_SizingStretchSame))
        return;
    for (size_t k = 0; k < all.size(); ++k) ImGui::TableSetupColumn(stage_name(all[k], st.lang));
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    for (size_t k = 0; k < all.size(); ++k) {
        ImGui::TableNextColumn();
        ImGui::PushID((int)k);
        cards(k);
        ImGui::PopID();
    }
    // Each column, header to bottom of the window, takes drops. The targets
    // are declared after the table, where the clip rectangle is the window's.
    ImGuiTable* table = ImGui::GetCurrentTable();
    const float bottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight();
    std::vector<ImRect> rects;
    for (size_t k = 0; k < all.size(); ++k)
        rects.emplace_back(ImVec2(table->Columns[(int)k].MinX, table->OuterRect.Min.y), ImVec2(table->Columns[(int)k].MaxX, bottom));
    ImGui::EndTable();
    for (size_t k = 0; k < all.size(); ++k) {
        const ImRect& rect = rects[k];
        anchors()["board.column." + all[k]] = Anchor{rect.Min.x, rect.Min.y, rect.GetWidth(), rect.GetHeight()};
        if (ImGui::BeginDragDropTargetCustom(rect, ImGui::GetID(("drop." + all[k]).c_str()))) {
            if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("LEAD")) drop_lead(db, st, (const char*)pl->Data, all[k]);
            ImGui::EndDragDropTarget();
        }
    }
}

}  // namespace

void draw_loading(const char* message) {
    begin_fullscreen("##loading");
    ImGui::TextUnformatted(message);
    ImGui::End();
}

// What an undone action was, in the interface's language ("" when it has no name).
static std::string action_name(const std::string& code, Lang l) {
    static const struct { const char* code; const char* ru; const char* fr; const char* en; } names[] = {
        {"new lead", "новая заявка", "nouvelle demande", "new lead"},
        {"next stage", "переход на следующий этап", "passage à l'étape suivante", "move to the next stage"},
        {"note", "заметка", "note", "note"},
        {"task", "задача", "tâche", "task"},
        {"snooze", "перенос задачи", "tâche reportée", "task put off"},
        {"stage", "этап проекта", "étape du projet", "project stage"},
        {"lost", "закрытие как потерянной", "classement comme perdue", "closing as lost"},
        {"cancel", "отмена письма", "envoi annulé", "message cancelled"},
        {"resend", "повторная отправка", "renvoi", "sending again"},
        {"send", "отправка клиенту", "envoi au client", "sending to the client"},
        {"rule", "правило уведомлений", "règle de notification", "notification rule"},
        {"template", "шаблон", "modèle", "template"},
        {"contacts", "изменение контактов", "coordonnées modifiées", "contacts changed"},
    };
    for (const auto& n : names)
        if (code == n.code) return L3(l, n.ru, n.fr, n.en);
    return "";
}

// The view and the open lead live in the URL's hash ("leads/<id>",
// "pipeline", "today", "settings", "sync"): reload, back and forward work.
static std::string route_of(const State& st) {
    if (st.today_open) return "today";
    if (st.reports_open) return "reports";
    if (st.projects_open) return "projects";
    if (st.settings_open) return "settings";
    if (st.sync_open) return "sync";
    if (st.board) return "pipeline";
    return st.selected.empty() ? "leads" : "leads/" + st.selected;
}

static void apply_route(State& st, const std::string& r) {
    st.today_open = r == "today";
    st.reports_open = r == "reports";
    st.projects_open = r == "projects";
    st.settings_open = r == "settings";
    st.sync_open = r == "sync";
    st.board = r == "pipeline";
    if (st.today_open) st.today = nlohmann::json();
    if (r.rfind("leads/", 0) == 0 && r.size() > 6 && r.size() <= 70) st.selected = r.substr(6);
    else if (r == "leads" || r.empty()) st.selected.clear();
}

static void follow_route(State& st) {
    static bool started = false;
    static std::string written;
    if (!started) {
        // Where the last session was, and in which language.
        const std::string l = web::local_get("atelier.lang");
        if (l == "ru" || l == "fr" || l == "en") st.lang = atelier::parse_lang(l);
        apply_route(st, web::location_hash());
    } else if (web::take_history_moved()) {
        apply_route(st, web::location_hash());
        written = web::location_hash();
    }
    const std::string want = route_of(st);
    if (want != written) {
        web::set_location_hash(want, started);
        written = want;
    }
    started = true;
}

// The browser tab says where the manager is: the open lead, or the view.
static void page_title(app::Db& db, const State& st) {
    std::string where = st.today_open      ? L3(st.lang, "Сегодня", "Aujourd'hui", "Today")
                        : st.reports_open  ? L3(st.lang, "Отчёты", "Rapports", "Reports")
                        : st.projects_open ? L3(st.lang, "Проекты", "Projets", "Projects")
                        : st.settings_open ? L3(st.lang, "Настройки", "Réglages", "Settings")
                        : st.sync_open     ? L3(st.lang, "Синхронизация", "Synchronisation", "Sync")
                        : st.board         ? L3(st.lang, "Воронка", "Pipeline", "Pipeline")
                                           : tr(T::Leads, st.lang);
    if (!st.selected.empty() && !st.board && !st.today_open && !st.reports_open && !st.projects_open && !st.settings_open && !st.sync_open)
        if (const app::LeadCard* c = db.card(st.selected)) where = c->client;
    // The studio's name, for the loading screen of the next visit.
    static uint64_t seen_generation = 0;
    static std::string studio;
    if (db.generation() != seen_generation) {
        seen_generation = db.generation();
        std::string name;
        try {
            name = atelier::studio_details(db.raw()).name;
        } catch (const std::exception&) {
        }
        if (!name.empty() && name != studio) {
            studio = name;
            web::local_set("atelier.studio", name);
        }
    }
    static std::string shown;
    const std::string title = where + " — Atelier";
    if (title != shown) {
        web::set_title(title);
        shown = title;
    }
}

// The views: the sidebar's items (icon, name, count), or a row of buttons on a phone.
static void navigation(app::Db& db, State& st, bool row) {
    const bool other = st.settings_open || st.sync_open || st.today_open || st.reports_open || st.projects_open;
    int open = 0;
    for (const app::LeadRow& l : db.leads()) open += l.stage != "won" && l.stage != "lost";
    struct Item {
        const char* icon;
        std::string name;
        bool active;
        int count;  // -1: none
        const char* anchor_name;
        int view;   // 0 today, 1 leads, 2 pipeline, 3 settings, 4 sync, 5 reports, 6 projects
    };
    const Item items[] = {
        {theme::icon::today, L3(st.lang, "Сегодня", "Aujourd'hui", "Today"), st.today_open, -1, "view.today", 0},
        {theme::icon::leads, tr(T::Leads, st.lang), !st.board && !other, (int)db.leads().size(), "view.table", 1},
        {theme::icon::pipeline, L3(st.lang, "Воронка", "Pipeline", "Pipeline"), st.board && !other, open, "view.board", 2},
        {theme::icon::projects, L3(st.lang, "Проекты", "Projets", "Projects"), st.projects_open, -1, "view.projects", 6},
        {theme::icon::reports, L3(st.lang, "Отчёты", "Rapports", "Reports"), st.reports_open, -1, "view.reports", 5},
        {theme::icon::settings, L3(st.lang, "Настройки", "Réglages", "Settings"), st.settings_open, -1, "view.settings", 3},
        {theme::icon::sync, L3(st.lang, "Синхронизация", "Synchronisation", "Sync"), st.sync_open, -1, "view.sync", 4},
    };
    const float em = ImGui::GetFontSize();
    if (!row) {
        ImGui::PushFont(theme::font(theme::Type::caption));
        ImGui::TextDisabled("%s", L3(st.lang, "РАЗДЕЛЫ", "SECTIONS", "SECTIONS"));
        ImGui::PopFont();
    }
    int pressed = -1;
    for (const Item& it : items) {
        const std::string label = std::string(it.icon) + "  " + it.name;
        if (row) {
            // The phone's bottom bar: equal touch targets, an icon over
            // its name.
            constexpr int n = (int)(sizeof items / sizeof items[0]);
            const float w = (ImGui::GetContentRegionMax().x - ImGui::GetStyle().WindowPadding.x - ImGui::GetStyle().ItemSpacing.x * (n - 1)) / n;
            if (&it != items) ImGui::SameLine();
            ImGui::PushStyleColor(ImGuiCol_Button, it.active ? theme::palette().panel : ImVec4(0, 0, 0, 0));
            if (ImGui::Button((std::string("##") + it.anchor_name).c_str(), ImVec2(w, em * 3.2f))) pressed = it.view;
            ImGui::PopStyleColor();
            anchor(it.anchor_name);
            const ImVec2 min = ImGui::GetItemRectMin();
            const ImU32 col = ImGui::GetColorU32(it.active ? theme::palette().accent : theme::palette().muted);
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->AddText(ImVec2(min.x + (w - ImGui::CalcTextSize(it.icon).x) * 0.5f, min.y + em * 0.35f), col, it.icon);
            ImGui::PushFont(theme::font(theme::Type::caption));
            const std::string name = elide(it.name, w - em * 0.2f);
            dl->AddText(ImVec2(min.x + (w - ImGui::CalcTextSize(name.c_str()).x) * 0.5f, min.y + em * 1.75f), col, name.c_str());
            ImGui::PopFont();
            if (name != it.name && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", it.name.c_str());
            continue;
        }
        if (ImGui::Selectable(("##" + std::string(it.anchor_name)).c_str(), it.active, 0, ImVec2(0, em * 1.8f))) pressed = it.view;
        anchor(it.anchor_name);
        // The icon and name over the selectable, the count right-aligned.
        const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float y = min.y + (max.y - min.y - em) * 0.5f;
        const ImU32 col = ImGui::GetColorU32(it.active ? theme::palette().accent : theme::palette().text);
        dl->AddText(ImVec2(min.x + em * 0.4f, y), col, label.c_str());
        if (it.count >= 0) {
            const std::string n = std::to_string(it.count);
            dl->AddText(ImVec2(max.x - ImGui::CalcTextSize(n.c_str()).x - em * 0.4f, y), ImGui::GetColorU32(theme::muted()), n.c_str());
        }
    }
    switch (pressed) {
        case 0:
            st.today_open = true;
            st.settings_open = st.sync_open = st.reports_open = st.projects_open = false;
            st.today = nlohmann::json();  // fresh on every visit
            break;
        case 1: st.board = st.settings_open = st.sync_open = st.today_open = st.reports_open = st.projects_open = false; break;
        case 2:
            st.board = true;
            st.settings_open = st.sync_open = st.today_open = st.reports_open = st.projects_open = false;
            break;
        case 3:
            st.settings_open = true;
            st.sync_open = st.today_open = st.reports_open = st.projects_open = false;
            break;
        case 4:
            st.sync_open = true;
            st.settings_open = st.today_open = st.reports_open = st.projects_open = false;
            break;
        case 5:
            st.reports_open = true;
            st.settings_open = st.today_open = st.sync_open = st.projects_open = false;
            break;
        case 6:
            st.projects_open = true;
            st.settings_open = st.today_open = st.sync_open = st.reports_open = false;
            st.projects.generation = 0;  // fresh on every visit
            break;
        default: break;
    }
}

// The open view.
static void content(app::Db& db, State& st) {
    if (st.today_open) return today_view(db, st);
    if (st.reports_open) return reports_view(db, st);
    if (st.projects_open) return projects_view(db, st);
    if (st.settings_open) return settings_view(db, st);
    if (st.sync_open) return sync_view(db, st);
    if (st.selected.empty() || st.board) {
        if (st.board) pipeline_board(db, st);
        else leads_table(db, st);
        return;
    }
    // Wide: the table and the card side by side; medium: the card over the table.
    const float w = ImGui::GetContentRegionAvail().x;
    if (w >= ImGui::GetFontSize() * 70) {
        ImGui::BeginChild("table", ImVec2(w * 0.45f, 0));
        leads_table(db, st);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("card", ImVec2(0, 0), ImGuiChildFlags_Border);
        lead_card(db, st);
        ImGui::EndChild();
    } else {
        ImGui::BeginChild("card", ImVec2(0, ImGui::GetContentRegionAvail().y * 0.62f), ImGuiChildFlags_Border);
        lead_card(db, st);
        ImGui::EndChild();
        ImGui::BeginChild("table", ImVec2(0, 0));
        leads_table(db, st);
        ImGui::EndChild();
    }
}

void draw_app(app::Db& db, State& st, bool saving, bool storage_error) {
    anchors().clear();
    db.set_lang(st.lang);
    if (first_run(db, st)) return;
    // Shortcuts while no text field is being edited: "/" search, "n" new lead,
    // Escape closes the lead card.
    if (!ImGui::GetIO().WantTextInput && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
        // "?" (whatever the keyboard layout puts it on) lists the shortcuts.
        const ImGuiIO& io = ImGui::GetIO();
        bool question = false;
        for (ImWchar c : io.InputQueueCharacters) question = question || c == '?';
        if (question || (io.KeyShift && ImGui::IsKeyPressed(ImGuiKey_Slash, false))) st.help_open = true;
        else if (ImGui::IsKeyPressed(ImGuiKey_Slash, false)) st.focus_search = true;
        if (ImGui::IsKeyPressed(ImGuiKey_N, false)) st.focus_new = true;
        if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) { st.selected.clear(); st.editing_brief = false; }
        if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_Z) && db.can_undo()) st.undo_requested = true;
    }
    if (st.undo_requested) {
        st.undo_requested = false;
        std::string label = action_name(db.undo_label(), st.lang);
        st.error = db.undo();
        st.notice = st.error.empty() ? std::string(L3(st.lang, "Отменено", "Annulé", "Undone")) + (label.empty() ? "" : ": " + label) : "";
    }
    begin_fullscreen("##atelier");
    header(db, st, saving, storage_error);
    // Wide: a sidebar with the views and their counts beside the content;
    // narrow (a phone): the same views as a row of buttons above it.
    const float em = ImGui::GetFontSize();
    const bool narrow = ImGui::GetContentRegionAvail().x < em * 52;
    if (!narrow) {
        ImGui::BeginChild("sidebar", ImVec2(em * 12.5f, 0), ImGuiChildFlags_Border);
        navigation(db, st, false);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("content", ImVec2(0, 0), ImGuiChildFlags_None);
    } else {
        // A phone: the views in a bar at the bottom, under the content.
        ImGui::BeginChild("content", ImVec2(0, -(em * 3.2f + ImGui::GetStyle().ItemSpacing.y)), ImGuiChildFlags_None);
    }
    // The content is one panel: the panels inside it (the table, the card,
    // a view's own) would fill the same colour again over it.
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(0, 0, 0, 0));
    new_lead_form(db, st);
    follow_route(st);
    page_title(db, st);
    lost_dialog(db, st);
    shortcuts_help(st);
    content(db, st);
    ImGui::PopStyleColor();
    ImGui::EndChild();
    if (narrow) navigation(db, st, true);
    ImGui::End();
}

void ask_lost_reason(State& st, const std::string& lead_id) {
    st.lose_lead = lead_id;
    st.lose_reason.clear();
    st.lose_text.clear();
    st.lose_error.clear();
    st.lose_open = true;
}

}  // namespace ui
