// wasm_app/ui.h — the manager app's screens (Dear ImGui).
//
// One function per screen or panel. The screens read cached rows from
// app::Db and call the core for every change; nothing here computes
// domain results.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <imgui.h>

#include <nlohmann/json.hpp>

#include "app_db.h"
#include "money.h"
#include "workflow.h"
#include "sync.h"
#include "theme.h"

namespace ui {

// The settings view's editors (ui_settings.cpp).
// A party's legal details as typed: its country and the fields of it.
struct RequisitesInput {
    int country = 0;  // ru fr other
    std::map<std::string, std::string> fields;
};

struct Settings {
    int tab = 0;  // the section shown: studio, price list, templates, briefs, rules, calendar
    bool studio_loaded = false;
    atelier::StudioDetails studio;
    std::string currency = "RUB", price_list;
    int64_t price_list_version = 0;
    int tax_mode = -1;     // index of no_vat, vat_on_top, vat_included; -1: read from the price list
    std::string vat_rate;  // as typed, in percent
    // The price list as a form: the parsed list being edited, the money and
    // hours as typed (by field id), and the raw JSON shown for the owner.
    nlohmann::json pl_form;
    std::string pl_form_source;
    std::map<std::string, std::string> pl_typed;
    bool pl_advanced = false;
    // The rows being added, and the service whose rule is open.
    std::string pl_new_role, pl_new_rate, pl_new_service, pl_new_discount, pl_new_stage, pl_service;
    // The stage whose process is open (what the client provides, checklist,
    // materials asked), and the texts as typed, one item a line.
    std::string pl_process, pl_process_for, pl_provides, pl_checklist, pl_materials;
    int template_kind = 0, template_lang = 0;
    bool template_loaded = false, template_advanced = false;
    std::string template_text;
    // The live preview: what it was rendered from, the page, or why there is none.
    std::string template_preview_key, template_preview_text, template_preview, template_preview_problem;
    bool template_preview_broken = false;
    int brief_code = 0;
    bool brief_loaded = false;
    std::string brief_text;
    // The brief template as a form: the parsed template, the question being
    // edited ("section/question" indices), the new question's label.
    nlohmann::json brief_form;
    std::string brief_form_source;
    int brief_section = 0, brief_question = -1;
    std::string brief_new_label;
    bool brief_advanced = false;
    // Notification rules: the one selected, its spec as JSON, its e-mail in one language.
    std::string rule_code;
    bool rule_loaded = false;
    int rule_lang = 0;
    std::string rule_spec, rule_subject, rule_body;
    nlohmann::json rule_preview;
    std::string rule_preview_key;  // what the preview was rendered from
    // The studio's legal details per country (requisites.h).
    RequisitesInput studio_rq;
    bool studio_rq_loaded = false;
    // The working calendar: a country's days that differ from Monday–Friday in one year.
    int cal_country = 0, cal_year = 0;  // ru fr; 0: this year
    uint64_t cal_generation = 0;
    nlohmann::json cal_days = nlohmann::json::array();  // [{day, working, name}]
    std::string cal_day, cal_name;
    bool cal_working = false;
    std::string error, notice;
};

// The Reports view (ui_reports.cpp): its filters, the tables computed for
// them (recomputed when the data or a filter changes), the figure drilled.
struct ReportsState {
    int period = 2;  // 30 days, a quarter, 12 months
    int group = 0;   // all, by source, by owner
    std::string only;  // "owner:NAME", "source:NAME" or "" (analytics.h)
    std::vector<std::string> owners, sources;  // what `only` can name
    double compute_ms = 0;                     // how long the last computation took
    std::string from, to, key, error, exported;
    uint64_t generation = 0;
    nlohmann::json data;
    nlohmann::json drill;  // {"report", "grp", "key", "title"} or null
    std::string drill_key;
    std::vector<std::string> drill_leads;
};

struct ProjectsState {
    std::string selected;               // a project id
    uint64_t generation = 0;            // the data's generation the list was read at, + 1
    nlohmann::json list;                // [{id, lead_id, client, status, stage_name, stage_status, planned_end, late}]
    nlohmann::json view;                // projects::view of the selected one
    std::string drag_stage;             // the stage whose bar is being dragged
    int drag_days = 0;                  // by how many days, while dragging
    std::string ask_title, ask_due, error, notice;
    nlohmann::json support;             // support::view of the selected one
    std::string r_fee, r_hours, r_rate, r_day = "5", r_start;   // the retainer's form
    std::string h_day, h_time, h_note;                          // the hours log's form
};

// Before the app is the studio's: asking the origin for a server, its
// log-in, the studio's data loading, or no server (a local copy).
enum class FirstRun { asking, login, loading, no_server, done };
// The id of the first run's request to /healthz (the sync client's are small).
constexpr int kFirstRunRequest = 1 << 30;

struct State {
    atelier::Lang lang = atelier::Lang::ru;
    FirstRun first_run = FirstRun::asking;
    bool restyle = false;
    bool new_open = false;  // the new lead form, opened by its button where the window is narrow  // the theme changed: the style is set again before the next frame
    bool first_run_asked = false;
    std::string server_studio, login_error;
    // New lead form.
    std::string client_name, company, email, phone;
    int source = 0;
    int lead_lang = -1;  // -1: the studio's default language
    std::string error;    // the last refused action, with the core's reason
    std::string notice;   // the last successful action

    // Leads table: search as you type, a stage filter, sorting by column.
    std::string search;
    int stage_filter = -1;       // index into atelier::stages(), -1 for all
    int sort_column = -1;        // -1: newest first
    bool sort_ascending = true;
    std::vector<int> view;       // row indices shown, recomputed only when one of these changes:
    uint64_t view_generation = 0;
    std::string view_key;
    bool focus_search = false, focus_new = false;
    bool undo_requested = false;

    // Pipeline board: a column per stage, leads dragged between columns.
    bool board = false;
    bool settings_open = false;
    Settings settings;
    bool sync_open = false;
    std::string sync_email, sync_password;  // the connect form (the password is cleared once sent)
    std::vector<std::vector<int>> board_columns;  // row indices per stage
    std::vector<int64_t> board_rub, board_eur;    // sums per stage
    uint64_t board_generation = 0;
    std::map<std::string, app::BoardFacts> board_facts;  // the cards shown, by lead id
    int board_stage = -1;  // on a narrow screen, the one column shown

    // Lead card.
    std::string selected;                // lead id
    bool editing_brief = false;
    std::string brief_code = "corporate";
    std::map<std::string, std::string> brief_text;  // text, number and date answers as typed
    nlohmann::json brief_answers = nlohmann::json::object();  // choice, multi and yes/no answers
    std::map<std::string, std::string> brief_problems;  // question id → message
    // The brief version the card shows: 0 for the newest, else its number (for brief_version_for's lead).
    std::string brief_version_for;
    int brief_version = 0;
    bool show_estimate = false;
    std::string live_key, live_estimate;  // the brief's answers as last priced, and the result shown
    std::string discount;          // the discount chosen for the next version
    std::string override_key;      // the line being edited, "<service>/<role>"
    std::string override_text;     // its amount as typed
    bool focus_override = false;
    std::map<std::string, std::string> part_payment;  // invoice id → amount typed for a partial payment
    // An acceptance the manager records (the client said yes by phone, e-mail or on paper).
    int accept_channel = 0;  // phone, email, paper
    std::string accept_name, accept_note, accept_for;  // accept_for: the document the form was opened for
    // "Send to client": the document, and the e-mail as it will go.
    std::string send_doc, send_kind;
    nlohmann::json send_preview;

    // A note and a task written on the lead.
    std::string note_text, task_title;
    std::string task_date, task_time;  // as typed, in the browser's time zone

    bool help_open = false;  // "?": the keyboard shortcuts
    // The client's contacts being corrected in the card (the lead's id, the fields as typed).
    std::string contacts_for, contact_name, contact_company, contact_email, contact_phone;
    int contact_lang = 0, contact_currency = 0;  // ru fr en; RUB EUR USD
    // The client's legal details being edited (see requisites.h).
    std::string requisites_for;
    RequisitesInput rq;

    // The header's one connection state, as shown.
    std::string connection;

    // "Why was it lost?": the lead, the reason chosen, the words typed.
    std::string lose_lead, lose_reason, lose_text, lose_error;
    bool lose_open = false;

    // Reports: the funnel, win rates, losses, money, the forecast, minutes per request.
    bool reports_open = false;
    ReportsState reports;

    // Projects: the signed contracts' projects, one on a timeline.
    bool projects_open = false;
    ProjectsState projects;

    // Today: tasks, leads waiting on the manager, messages coming up.
    bool today_open = false;
    nlohmann::json today;
    uint64_t today_generation = 0;
};

void settings_view(app::Db& db, State& st);
// Sync with the server (ui_sync.cpp): the screen, and the header's status.
void sync_view(app::Db& db, State& st);
void sync_status(app::Db& db, State& st);
// The interface's three languages, for strings used in one place.
const char* L3(atelier::Lang l, const char* ru, const char* fr, const char* en);
// `text` cut with "…" to `width` pixels (whole characters); itself if it fits.
std::string elide(const std::string& text, float width);
// Text cut to the space left with "…", the whole of it on hover.
void text_elided(const std::string& text, const ImVec4* color = nullptr);
bool selectable_elided(const std::string& text, bool selected = false);
// SameLine() when a button labelled `label` still fits on the line; else
// the button goes to the next line.
bool same_line_if_fits(const char* label);
bool same_line_if_fits(float width);
// An input whose hint is cut with "…" to the field's width.
bool input_with_hint(const char* id, const char* hint, std::string* value, ImGuiInputTextFlags flags = 0);
// A message in a colour, wrapped at the window's edge.
void text_wrapped(const ImVec4& color, const std::string& text);

// Opens "Why was it lost?" for a lead: closing as lost takes a reason.
void ask_lost_reason(State& st, const std::string& lead_id);
// The lead card beside the table (ui_lead.cpp).
void lead_card(app::Db& db, State& st);
// The legal details form (country, kind, the country's fields; the studio's
// with its bank and signatory), anchors "<prefix>.<field>". On Save, the
// details when they pass the core's checks; else *error names each problem
// in the interface's language.
void requisites_load(RequisitesInput& in, const nlohmann::json& r, const std::string& country);
void requisites_fields(State& st, RequisitesInput& in, bool studio, const std::string& prefix);
bool requisites_value(const State& st, const RequisitesInput& in, bool studio, nlohmann::json* out, std::string* error);
// What reaches the client and the manager's day (ui_messages.cpp).
void document_actions(app::Db& db, State& st, const app::LeadCard& c, const app::Doc& d);
void send_preview(app::Db& db, State& st, const app::LeadCard& c);
void messages_section(app::Db& db, State& st, const app::LeadCard& c);
void note_and_task(app::Db& db, State& st, const app::LeadCard& c);
void journal_section(State& st, const app::LeadCard& c);
void today_view(app::Db& db, State& st);
void reports_view(app::Db& db, State& st);
void projects_view(app::Db& db, State& st);
void rules_section(app::Db& db, State& st);
// "сегодня, 14:02", "29 нояб., 14:02", "Nov 29 2025, 14:02", in the
// browser's time zone.
std::string human_time(const std::string& iso, atelier::Lang l);
// The manager's next action ("send_proposal") as words of the interface.
const char* action_label(const std::string& action, atelier::Lang l);
// A UTC time (ISO 8601) in the browser's time zone, written as
// "YYYY-MM-DDTHH:MM:SSZ"; and back.
std::string local_time(const std::string& iso);
std::string utc_of_local(const std::string& local);
void anchor(const std::string& name);

// Screen rectangles of named widgets, in framebuffer pixels, for tests.
struct Anchor {
    float x, y, w, h;
    float cx, cy, cw, ch;  // what of its window is on screen (a scrolled-away widget is outside it)
};
std::map<std::string, Anchor>& anchors();

void draw_loading(const char* message);
// The first run's screens; true while one of them is the whole screen.
bool first_run(app::Db& db, State& st);
// The answer of the origin's /healthz: an Atelier server (its studio's name) or not.
void first_run_answer(State& st, int status, const std::string& body);
void draw_app(app::Db& db, State& st, bool saving, bool storage_error);

}  // namespace ui
