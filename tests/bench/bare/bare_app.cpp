// tests/bench/bare/bare_app.cpp — the yardstick of the app's first frame.
//
// Dear ImGui on GLFW and WebGL2, SQLite, and the app's fonts at the app's
// sizes, built with the app's flags: everything the manager app loads
// before its own code runs. bench_app.mjs loads it beside the app, in the
// same browser and from the same server, and reports the app's first frame
// as a ratio to this one's, which moves less between machines than either.
#include <initializer_list>

#include <emscripten.h>
#include <emscripten/html5.h>
#include <GLFW/glfw3.h>

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <sqlite3.h>

namespace {

GLFWwindow* window = nullptr;
sqlite3* db = nullptr;
int frames = 0;

void frame() {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::GetIO().DisplaySize = ImVec2((float)w, (float)h);
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("bare", nullptr, ImGuiWindowFlags_NoDecoration);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &q, nullptr);
    const int rows = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    ImGui::Text("Заявки: %d", rows);
    ImGui::End();
    ImGui::Render();
    glViewport(0, 0, w, h);
    glClearColor(0.96f, 0.96f, 0.97f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (++frames == 1) EM_ASM({ window.bareFirstFrame = performance.now(); });
    if (frames == 2) emscripten_pause_main_loop();
}

}  // namespace

int main() {
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    window = glfwCreateWindow(1280, 800, "bare", nullptr, nullptr);
    if (!window) return 1;
    glfwMakeContextCurrent(window);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    static const ImWchar text[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x0400, 0x045F, 0x2010, 0x2027, 0x2030, 0x203A,
                                   0x20AC, 0x20AC, 0x20BD, 0x20BD, 0x2116, 0x2116, 0x2190, 0x2193, 0};
    static const ImWchar icons[] = {0xE145, 0xE935, 0};
    const float ratio = (float)emscripten_get_device_pixel_ratio();
    for (float px : {15.0f, 22.0f, 17.0f, 13.0f}) {
        ImFontConfig cfg;
        cfg.OversampleH = 2;
        cfg.PixelSnapH = true;
        io.Fonts->AddFontFromFileTTF("/fonts/inter.otf", px * ratio, &cfg, text);
        if (px == 15.0f || px == 17.0f) {
            ImFontConfig ic;
            ic.MergeMode = true;
            io.Fonts->AddFontFromFileTTF("/fonts/icons.ttf", px * ratio * 1.1f, &ic, icons);
        }
    }
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t(name) VALUES ('a'), ('b')", nullptr, nullptr, nullptr);
    emscripten_set_main_loop(frame, 0, false);
    return 0;
}
