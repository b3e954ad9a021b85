// wasm_app/main.cpp — the manager app: Dear ImGui over GLFW and WebGL2.
//
// Start-up: install the browser glue (which mounts IndexedDB), create the
// window and ImGui, and run the frame loop. The database opens once
// IndexedDB is loaded. A frame is drawn only when something woke the app
// (platform_web.h), so an idle app costs nothing.
//
// For tests, atelier_debug_state() returns the app's state as JSON: the
// leads read back from the database, persistence counters, frames drawn and
// the screen rectangles of named widgets (in CSS pixels).
#include <emscripten.h>
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "app_db.h"
#include "store.h"
#include "workflow.h"
#include "leads.h"
#include "platform_web.h"
#include "sync.h"
#include "sync_client.h"
#include "time_meter.h"
#include "analytics.h"
#include "ids.h"
#include "ui.h"
#include "ui_text.h"
#include "version.h"

namespace {

constexpr const char* kDbPath = "/data/atelier.db";

struct App {
    GLFWwindow* window = nullptr;
    app::Db db;
    ui::State state;
    float font_scale = 0;
    int fb_w = 0, fb_h = 0;
    float dpr = 1;
    long frames_drawn = 0;
    double first_frame_ms = 0;   // performance.now() when the first frame was drawn
    double first_screen_ms = 0;  // and the first drawn with the database open (the manager's screens)
    bool shown = false;          // the page told that the first screen (or why there is none) is up
    bool db_image = false;       // the database began as the server's empty one (a first visit)
    double last_frame_ms = 0;    // CPU time of the last drawn frame
    bool db_tried = false;
    std::string db_error;
    // For tests: the text one frame showed and the labels it cut.
    bool capture_next = false;
    nlohmann::json captured;
};
App g_app;

// What a frame showed, read back from its draw data: every glyph quad is
// four vertices whose UVs span the glyph's rectangle in the font atlas, so
// the glyphs give the text, run by run, and show where a label was cut by a
// clip rectangle (cut on the CPU, its right UV falls short of the glyph's;
// cut by the scissor, its quad crosses the clip edge).
struct GlyphAt {
    unsigned cp;
    float u1, v1, x0, y0, y1, advance;
};

nlohmann::json read_frame(const ImDrawData* dd, float dpr) {
    std::map<std::pair<float, float>, GlyphAt> glyphs;
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    for (const ImFont* f : atlas->Fonts)
        for (const ImFontGlyph& g : f->Glyphs)
            if (g.Visible) glyphs[{g.U0, g.V0}] = {g.Codepoint, g.U1, g.V1, g.X0, g.Y0, g.Y1, g.AdvanceX};
    const float em = atlas->Fonts.Size ? atlas->Fonts[0]->FontSize : 13.0f;
    // A field's value longer than the field is cut at the field's edge, as
    // in any text field: the right edges of the fields' frames, to tell them
    // from labels.
    const ImGuiStyle& style = ImGui::GetStyle();
    std::vector<ImU32> frame_colors;
    for (ImGuiCol c : {ImGuiCol_FrameBg, ImGuiCol_FrameBgHovered, ImGuiCol_FrameBgActive})
        frame_colors.push_back(ImGui::ColorConvertFloat4ToU32(style.Colors[c]) & 0x00FFFFFFu);
    auto in_field = [&](const ImDrawList* list, float x, float y0, float y1) {
        for (const ImDrawVert& v : list->VtxBuffer)
            if (std::fabs(v.pos.x - x) <= 1.5f && v.pos.y >= y0 - em && v.pos.y <= y1 + em &&
                std::find(frame_colors.begin(), frame_colors.end(), v.col & 0x00FFFFFFu) != frame_colors.end())
                return true;
        return false;
    };
    std::string text, run;
    nlohmann::json cuts = nlohmann::json::array();
    float run_top = -1e9f, run_end = -1e9f;
    auto end_run = [&] {
        if (!run.empty()) text += run + "\n";
        run.clear();
    };
    for (int l = 0; dd && l < dd->CmdListsCount; ++l) {
        const ImDrawList* list = dd->CmdLists[l];
        end_run();
        run_top = run_end = -1e9f;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) continue;
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
            for (unsigned k = 0; k + 6 <= cmd.ElemCount; k += 3) {
                const unsigned i = idx[k];
                if (idx[k + 1] != i + 1 || idx[k + 2] != i + 2 || idx[k + 3] != i || idx[k + 4] != i + 2 || idx[k + 5] != i + 3) continue;
                const ImDrawVert &a = vtx[i], &b = vtx[i + 1], &c = vtx[i + 2];
                if (a.uv.y != b.uv.y || b.uv.x != c.uv.x || a.uv.x == b.uv.x) continue;
                auto found = glyphs.find({a.uv.x, a.uv.y});
                if (found == glyphs.end()) continue;
                k += 3;
                const GlyphAt& g = found->second;
                const float scale = c.uv.y == g.v1 && g.y1 > g.y0 ? (c.pos.y - a.pos.y) / (g.y1 - g.y0) : 1.0f;
                const float top = a.pos.y - g.y0 * scale, pen = a.pos.x - g.x0 * scale;
                if (std::fabs(top - run_top) > em * 0.3f || pen < run_end - em * 0.2f || pen - run_end > em * 0.7f) end_run();
                else if (pen - run_end > em * 0.15f) run += ' ';
                char utf8[5] = {};
                ImTextCharToUtf8(utf8, g.cp);
                run += utf8;
                run_top = top;
                run_end = pen + g.advance * scale;
                const bool cpu_cut = b.uv.x < g.u1 - 1e-6f;
                const bool scissor_cut = a.pos.x < cmd.ClipRect.z && b.pos.x > cmd.ClipRect.z + 0.5f &&
                                         a.pos.y < cmd.ClipRect.w && c.pos.y > cmd.ClipRect.y;
                // A multi-line field is a child window on the field's colour:
                // its long lines end at the child's clip, as in any editor.
                // (ImGui names that child "<window>/<##label>_<id>".)
                auto in_editor = [&] {
                    const char* name = list->_OwnerName ? std::strrchr(list->_OwnerName, '/') : nullptr;
                    return name && std::strncmp(name + 1, "##", 2) == 0;
                };
                if ((cpu_cut && !in_field(list, b.pos.x, a.pos.y, c.pos.y)) || (scissor_cut && !in_editor()))
                    cuts.push_back({{"x", (int)(b.pos.x / dpr)}, {"y", (int)(a.pos.y / dpr)}, {"in", run}});
            }
        }
    }
    end_run();
    // A cut glyph names the run it ended; the run's whole text is kept.
    for (auto& cut : cuts) {
        std::string start = cut["in"];
        size_t at = text.find(start);
        size_t eol = at == std::string::npos ? std::string::npos : text.find('\n', at);
        if (eol != std::string::npos) cut["in"] = text.substr(at, eol - at);
    }
    return {{"text", text}, {"cuts", cuts}};
}


void rebuild_fonts(float scale) {
    theme::build_fonts(scale);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    theme::apply(scale);
    g_app.font_scale = scale;
}

const char* get_clipboard(void*) { return ""; }  // paste arrives as text input (platform_web.h)
void set_clipboard(void*, const char* text) { web::set_clipboard(text); }

void frame() {
    App& a = g_app;
    if (web::sync_canvas_size(&a.fb_w, &a.fb_h, &a.dpr)) web::wake();
    if (a.dpr != a.font_scale || a.state.restyle) {
        if (a.dpr != a.font_scale) rebuild_fonts(a.dpr);
        else theme::apply(a.dpr);
        a.state.restyle = false;
    }

    const web::PersistState& ps = web::persist_state();
    // The database opens after the first frame, which shows the loading
    // screen meanwhile (storage can be ready before it: shell.js).
    if (!a.db_tried && ps.storage_ready && a.frames_drawn > 0) {
        a.db_tried = true;
        // A first visit starts from the server's empty database when the
        // shell got one: migrating a new file here is most of that wait.
        // One that does not open (not a database, a newer schema) is
        // dropped, and the app makes its own.
        a.db_image = ps.storage_read == 'n' && web::take_empty_image(kDbPath);
        a.db_error = a.db.open(kDbPath);
        if (!a.db_error.empty() && a.db_image) {
            std::fprintf(stderr, "atelier: the server's empty database was not used: %s\n", a.db_error.c_str());
            std::remove(kDbPath);
            a.db_image = false;
            a.db_error = a.db.open(kDbPath);
        }
        app::sync_client().request(a.db, 300);  // catch up with the server, if connected
        web::wake();
    }
    if (!web::take_wake_frame()) {
        // Nothing to draw; a storage load or write in flight wakes us when it ends.
        if (a.db_tried || (ps.storage_ready && a.frames_drawn > 0)) web::sleep_until_woken();
        return;
    }
    const double t0 = emscripten_get_now();
    // Input queued for this frame: a moment of the manager's work (time_meter.h).
    const bool input = ImGui::GetCurrentContext()->InputEventsQueue.Size > 0;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    // ImGui works in framebuffer pixels: GLFW reports the mouse in canvas
    // pixels, and fonts and style are scaled by the device pixel ratio.
    io.DisplaySize = ImVec2((float)a.fb_w, (float)a.fb_h);
    io.DisplayFramebufferScale = ImVec2(1, 1);
    ImGui::NewFrame();

    if (!a.db.is_open()) {
        ui::draw_loading(a.db_tried ? a.db_error.c_str() : ui::tr(ui::T::Loading, a.state.lang));
    } else {
        // A screen that throws is ended where it stopped (its windows and
        // stacks closed) and says why, instead of taking the app down.
        try {
            ui::draw_app(a.db, a.state, ps.in_flight || ps.completed < ps.requested, ps.storage_error);
        } catch (const std::exception& e) {
            ImGui::ErrorCheckEndFrameRecover(nullptr);
            a.state.error = std::string(ui::L3(a.state.lang, "Экран не удалось показать: ", "L’écran n’a pas pu s’afficher : ",
                                                "The screen could not be drawn: ")) + e.what();
        }
    }
    ImGui::Render();
    web::html_panel_end_frame();
    if (a.capture_next) {
        a.capture_next = false;
        a.captured = read_frame(ImGui::GetDrawData(), a.dpr);
        a.captured["frame"] = a.frames_drawn + 1;
    }
    glViewport(0, 0, a.fb_w, a.fb_h);
    const ImVec4 bg = theme::palette().surface;
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    a.frames_drawn++;
    a.last_frame_ms = emscripten_get_now() - t0;
    if (a.frames_drawn == 1) a.first_frame_ms = emscripten_get_now();
    if (a.first_screen_ms == 0 && a.db.is_open()) a.first_screen_ms = emscripten_get_now();
    if (a.db_tried && !a.shown) {
        a.shown = true;
        web::shown();
    }

    // ImGui trickles queued input over several frames (a key down and up,
    // a click's press and release): keep drawing until the queue is empty.
    if (ImGui::GetCurrentContext()->InputEventsQueue.Size > 0) web::wake(2);
    const ImGuiInputTextState* its = ImGui::GetInputTextState(ImGui::GetActiveID());
    web::set_text_input_active(io.WantTextInput, its && (its->Flags & ImGuiInputTextFlags_Multiline));
    if (a.db.is_open() && a.state.first_run == ui::FirstRun::done) {
        const ui::State& st = a.state;
        const bool card = !st.board && !st.today_open && !st.reports_open && !st.projects_open && !st.settings_open && !st.sync_open;
        app::time_meter().frame(a.db, emscripten_get_now(), input, card ? st.selected : std::string());
    }
    if (a.db.is_open() && a.db.take_dirty()) {
        web::request_persist();
        app::sync_client().note_commit(a.db);
    }
}

}  // namespace

// The manager's minutes as atelier_time reports them for requests made today (for tests).
extern "C" EMSCRIPTEN_KEEPALIVE const char* atelier_debug_time() {
    static std::string out;
    App& a = g_app;
    nlohmann::json j = nlohmann::json::array();
    if (a.db.is_open()) {
        const std::string today = atelier::now_iso().substr(0, 10);
        try {
            j = atelier::analytics::time(a.db.raw(), today, today, "").json();
            // Each step's seconds beside its minutes (rounded to tenths, a
            // quick step shows 0.0): what the requests' report paths hold.
            atelier::Stmt q(a.db.raw(), "SELECT sum(t_intake), sum(t_brief), sum(t_estimate), sum(t_proposal), sum(t_contract),"
                                        " sum(t_invoice), sum(t_payment) FROM lead_paths WHERE substr(created_at, 1, 10) = ?1");
            q.bind(1, today);
            if (q.step()) {
                static const char* const steps[] = {"intake", "brief", "estimate", "proposal", "contract", "invoice", "payment"};
                int64_t total = 0;
                for (int i = 0; i < 7; ++i) {
                    const int64_t sec = q.int64(i);
                    total += sec;
                    for (auto& row : j)
                        if (row.is_object() && row.value("step", "") == steps[i]) row["seconds"] = sec;
                }
                for (auto& row : j)
                    if (row.is_object() && row.value("step", "") == "total") row["seconds"] = total;
            }
        } catch (const std::exception& e) {
            j = {{"error", e.what()}};
        }
    }
    out = j.dump();
    return out.c_str();
}

namespace {

// A widget's rectangle in CSS pixels, and the part of its window on screen.
nlohmann::json anchor_json(const ui::Anchor& r, float dpr) {
    nlohmann::json j = {{"x", r.x / dpr}, {"y", r.y / dpr}, {"w", r.w / dpr}, {"h", r.h / dpr}};
    if (r.cw > 0) j["clip"] = {r.cx / dpr, r.cy / dpr, r.cw / dpr, r.ch / dpr};
    return j;
}

}  // namespace

// One widget's rectangle and the frame count, shaped as the state with only
// that widget: what a test's click needs, without the whole state.
extern "C" EMSCRIPTEN_KEEPALIVE const char* atelier_debug_anchor(const char* name) {
    static std::string out;
    nlohmann::json an = nlohmann::json::object();
    const auto it = ui::anchors().find(name ? name : "");
    if (it != ui::anchors().end()) an[it->first] = anchor_json(it->second, g_app.dpr);
    out = nlohmann::json{{"frames_drawn", g_app.frames_drawn}, {"anchors", an}}.dump();
    return out.c_str();
}

// How many frames the app has drawn, and whether it is asleep (no frame due
// until something wakes it): for tests that wait for the next frame or for
// drawing to stop, without reading the whole state.
extern "C" EMSCRIPTEN_KEEPALIVE long atelier_debug_frames() { return g_app.frames_drawn; }
extern "C" EMSCRIPTEN_KEEPALIVE int atelier_debug_asleep() { return web::asleep() ? 1 : 0; }

extern "C" EMSCRIPTEN_KEEPALIVE const char* atelier_debug_state() {
    static std::string out;
    App& a = g_app;
    const web::PersistState& ps = web::persist_state();
    nlohmann::json j;
    j["version"] = ATELIER_VERSION;
    j["db_open"] = a.db.is_open();
    j["db_error"] = a.db_error;
    j["frames_drawn"] = a.frames_drawn;
    j["first_frame_ms"] = a.first_frame_ms;
    j["first_screen_ms"] = a.first_screen_ms;
    j["db_image"] = a.db_image;
    j["last_frame_ms"] = a.last_frame_ms;
    j["view_count"] = a.state.view.size();
    j["persist"] = {{"requested", ps.requested}, {"completed", ps.completed}, {"in_flight", ps.in_flight},
                    {"storage_ready", ps.storage_ready}, {"storage_error", ps.storage_error},
                    {"storage_read", ps.storage_read == 'e' ? "early" : ps.storage_read == 'n' ? "none" : ps.storage_read == 'i' ? "idbfs" : ""}};
    j["dpr"] = a.dpr;
    j["framebuffer"] = {a.fb_w, a.fb_h};
    j["lang"] = atelier::lang_code(a.state.lang);
    j["want_text_input"] = ImGui::GetCurrentContext() ? ImGui::GetIO().WantTextInput : false;
    j["nav_window"] = ImGui::GetCurrentContext() && GImGui->NavWindow ? GImGui->NavWindow->Name : "";
    j["error"] = a.state.error;
    j["selected"] = a.state.selected;
    j["editing_brief"] = a.state.editing_brief;
    j["brief_text"] = a.state.brief_text;
    j["brief_version"] = a.state.brief_version;  // the version the card shows; 0: the newest
    j["brief_problems"] = a.state.brief_problems;
    j["online"] = web::online();
    j["override_text"] = a.state.override_text;
    j["live_estimate"] = a.state.live_estimate;
    j["settings"] = {{"error", a.state.settings.error}, {"notice", a.state.settings.notice},
                     {"price_list_version", a.state.settings.price_list_version}, {"pl_form", a.state.settings.pl_form},
                     {"brief_form", a.state.settings.brief_form},
                     {"rule", a.state.settings.rule_code}, {"rule_preview", a.state.settings.rule_preview},
                     {"template_preview", {{"chars", a.state.settings.template_preview.size()},
                                           {"problem", a.state.settings.template_preview_problem}}},
                     {"calendar", {{"country", a.state.settings.cal_country == 1 ? "fr" : "ru"}, {"year", a.state.settings.cal_year},
                                   {"days", a.state.settings.cal_days}, {"new_day", a.state.settings.cal_day}}}};
    if (a.db.is_open()) j["studio_name"] = atelier::studio_details(a.db.raw()).name;
    if (const app::LeadCard* c = a.db.is_open() ? a.db.card(a.state.selected) : nullptr) {
        nlohmann::json card = {{"stage", c->stage}, {"estimate_version", c->estimate_version}};
        nlohmann::json invoices = nlohmann::json::array();
        for (const auto& d : c->docs)
            if (d.kind == "invoice") invoices.push_back({{"number", d.number}, {"status", d.status}, {"total", d.total}});
        card["invoices"] = invoices;
        if (c->estimate.is_object()) {
            card["total"] = c->estimate["total"];
            card["discount"] = c->estimate["discount"].is_object() ? c->estimate["discount"]["id"] : nlohmann::json(nullptr);
            nlohmann::json overridden = nlohmann::json::array();
            for (const auto& ln : c->estimate["lines"])
                if (ln.value("overridden", false)) overridden.push_back({{"key", ln["key"]}, {"amount", ln["amount"]}, {"computed", ln["computed_amount"]}});
            card["overridden"] = overridden;
        }
        card["view"] = c->view;  // the core's lead_view, as the API serves it
        j["card"] = card;
    }
    j["sync"] = app::sync_client().status(a.db);
    j["today"] = a.state.today_open ? a.state.today : nlohmann::json(nullptr);
    j["reports"] = a.state.reports_open ? nlohmann::json{{"from", a.state.reports.from}, {"to", a.state.reports.to}, {"data", a.state.reports.data},
                                                         {"drill", a.state.reports.drill}, {"drill_leads", a.state.reports.drill_leads},
                                                         {"exported", a.state.reports.exported}, {"error", a.state.reports.error},
                                                         {"only", a.state.reports.only}, {"owners", a.state.reports.owners}, {"sources", a.state.reports.sources},
                                                         {"compute_ms", a.state.reports.compute_ms}}
                                      : nlohmann::json(nullptr);
    j["projects"] = a.state.projects_open ? nlohmann::json{{"list", a.state.projects.list}, {"selected", a.state.projects.selected},
                                                           {"view", a.state.projects.view}, {"error", a.state.projects.error},
                                                           {"notice", a.state.projects.notice}, {"drag_days", a.state.projects.drag_days},
                                                           {"support", a.state.projects.support}, {"file_state", app::sync_client().file_state()}}
                                          : nlohmann::json(nullptr);
    j["view"] = a.state.today_open ? "today" : a.state.reports_open ? "reports" : a.state.projects_open ? "projects" : a.state.settings_open ? "settings" : a.state.sync_open ? "sync" : a.state.board ? "board" : "table";
    j["notice"] = a.state.notice;
    j["time"] = {{"recorded", app::time_meter().recorded_seconds()}, {"pending", app::time_meter().pending_seconds()}};
    j["connection"] = a.state.connection;
    static const char* const first_run_names[] = {"asking", "login", "loading", "no_server", "done"};
    j["first_run"] = first_run_names[(int)a.state.first_run];
    j["theme"] = theme::mode() == theme::Mode::dark ? "dark" : "light";
    j["login_error"] = a.state.login_error;
    j["server_studio"] = a.state.server_studio;
    j["help"] = a.state.help_open;
    j["contacts_for"] = a.state.contacts_for;
    j["contact_email"] = a.state.contact_email;
    j["requisites_for"] = a.state.requisites_for;
    j["rq"] = a.state.rq.fields;
    j["studio_rq"] = a.state.settings.studio_rq.fields;
    j["note_text"] = a.state.note_text;
    j["task_title"] = a.state.task_title;
    j["task_date"] = a.state.task_date;
    j["lost_dialog"] = a.state.lose_lead.empty() ? nlohmann::json(nullptr)
                                                 : nlohmann::json{{"lead", a.state.lose_lead}, {"reason", a.state.lose_reason},
                                                                  {"error", a.state.lose_error}};
    j["task_time"] = a.state.task_time;
    j["send_preview"] = a.state.send_doc.empty() ? nlohmann::json(nullptr) : a.state.send_preview;
    j["form"] = {{"client_name", a.state.client_name}, {"company", a.state.company}, {"email", a.state.email},
                 {"phone", a.state.phone}};
    nlohmann::json an = nlohmann::json::object();
    for (const auto& [name, r] : ui::anchors()) an[name] = anchor_json(r, a.dpr);
    j["anchors"] = an;
    if (!a.captured.is_null()) j["captured"] = a.captured;
    // The newest 500 leads are enough for tests; a full dump of 100,000 would
    // cost more than the app itself.
    j["leads"] = a.db.is_open() ? atelier::leads_json(a.db.raw(), 500) : nlohmann::json::array();
    out = j.dump();
    return out.c_str();
}

// For tests: the next frame is drawn with its text captured; the debug
// state's "captured" then holds that text and the cut glyphs.
extern "C" EMSCRIPTEN_KEEPALIVE void atelier_debug_capture() {
    g_app.capture_next = true;
    web::wake();
}

// For tests: the digest of the replicated data (equal replicas, equal digests).
extern "C" EMSCRIPTEN_KEEPALIVE const char* atelier_debug_digest() {
    static std::string out;
    try {
        out = g_app.db.is_open() ? atelier::sync::digest(g_app.db.raw()) : "";
    } catch (const std::exception& e) {
        out = e.what();
    }
    return out.c_str();
}

extern "C" EMSCRIPTEN_KEEPALIVE void atelier_http_done(int id, int status, const char* body) {
    if (id == ui::kFirstRunRequest) return ui::first_run_answer(g_app.state, status, body ? body : "");
    app::sync_client().on_http(g_app.db, id, status, body ? body : "");
}

extern "C" EMSCRIPTEN_KEEPALIVE void atelier_sync_timer() { app::sync_client().on_timer(g_app.db); }

// For benchmarks: adds `n` generated leads in one transaction.
extern "C" EMSCRIPTEN_KEEPALIVE int atelier_bench_fill(int n) {
    App& a = g_app;
    if (!a.db.is_open() || n <= 0) return 0;
    std::string err = a.db.act([&](sqlite3* d) {
        atelier::exec(d, "BEGIN");
        atelier::Stmt s(d, "SELECT id FROM studio LIMIT 1");
        s.step();
        std::string studio = s.text(0);
        atelier::Stmt c(d, "WITH RECURSIVE k(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM k WHERE v < ?1)"
                           " INSERT INTO clients(id, studio_id, name, company, lang, created_at)"
                           " SELECT 'bench-c' || v, ?2, 'Клиент ' || v, 'Компания ' || (v % 977), 'ru', '2026-01-01T00:00:00Z' FROM k");
        c.bind(1, (int64_t)n).bind(2, studio).step();
        atelier::Stmt l(d, "WITH RECURSIVE k(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM k WHERE v < ?1)"
                           " INSERT INTO leads(id, studio_id, client_id, source, stage, lang, amount_minor, currency, created_at, updated_at)"
                           " SELECT 'bench-l' || v, ?2, 'bench-c' || v, 'website', CASE v % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'estimated' ELSE 'won' END,"
                           " 'ru', v * 1000, 'RUB', printf('2026-01-01T00:%02d:%02dZ', (v / 60) % 60, v % 60), '2026-01-01T00:00:00Z' FROM k");
        l.bind(1, (int64_t)n).bind(2, studio).step();
        atelier::exec(d, "COMMIT");
    });
    if (!err.empty()) sqlite3_exec(a.db.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
    web::wake();
    return err.empty() ? n : -1;
}

// For benchmarks: runs SQL on the app's database ("" or the error), and
// times a query stepped to its end (milliseconds; -1 when it fails).
extern "C" EMSCRIPTEN_KEEPALIVE const char* atelier_bench_exec(const char* sql) {
    static std::string err;
    err = g_app.db.act([&](sqlite3* d) { atelier::exec(d, sql); });
    web::wake();
    return err.c_str();
}

extern "C" EMSCRIPTEN_KEEPALIVE double atelier_bench_query_ms(const char* sql) {
    if (!g_app.db.is_open()) return -1;
    const double t0 = emscripten_get_now();
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(g_app.db.raw(), sql, -1, &st, nullptr) != SQLITE_OK) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? emscripten_get_now() - t0 : -1;
}

int main() {
    web::install();
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    g_app.window = glfwCreateWindow(1280, 800, "Atelier", nullptr, nullptr);
    if (!g_app.window) {  // the browser refused a WebGL2 context: the shell says so
        EM_ASM({ if (Module.noGraphics) Module.noGraphics(); });
        return 1;
    }
    glfwMakeContextCurrent(g_app.window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.ConfigInputTextCursorBlink = false;  // a blinking cursor would keep the app drawing
    io.GetClipboardTextFn = get_clipboard;
    io.SetClipboardTextFn = set_clipboard;
    theme::set_mode(web::local_get("atelier.theme") == "dark" ? theme::Mode::dark : theme::Mode::light);

    ImGui_ImplGlfw_InitForOpenGL(g_app.window, true);
    glfwSetCharCallback(g_app.window, nullptr);  // text comes from the hidden textarea only
    ImGui_ImplOpenGL3_Init("#version 300 es");
    io.GetClipboardTextFn = get_clipboard;  // the GLFW backend installs its own; use the browser's
    io.SetClipboardTextFn = set_clipboard;

    emscripten_set_main_loop(frame, 0, false);
    return 0;
}
