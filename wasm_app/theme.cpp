// wasm_app/theme.cpp — see theme.h.
#include "theme.h"

namespace theme {

namespace {

constexpr ImVec4 rgb(int hex, float a = 1.0f) {
    return ImVec4(((hex >> 16) & 0xFF) / 255.0f, ((hex >> 8) & 0xFF) / 255.0f, (hex & 0xFF) / 255.0f, a);
}

const Palette kLight = {
    rgb(0xF6F6F4), rgb(0xFFFFFF), rgb(0xDEDED9), rgb(0x1D1D1F), rgb(0x6B6B70),
    rgb(0x2F5FD0), rgb(0x3D6EE0), rgb(0x2550B8), rgb(0xFFFFFF),
    rgb(0x2E7D32), rgb(0xA15C00), rgb(0xC62828),
};
const Palette kDark = {
    rgb(0x15171B), rgb(0x1E2126), rgb(0x30343C), rgb(0xE6E6E8), rgb(0x9A9AA3),
    rgb(0x5B8CFF), rgb(0x6E9BFF), rgb(0x4A7BEE), rgb(0x0D1020),
    rgb(0x66BB6A), rgb(0xF0A040), rgb(0xEF5350),
};

Mode g_mode = Mode::light;
ImFont* g_fonts[4] = {};

struct Size {
    Type type;
    float px;
    const char* file;
    bool icons;
};
const Size kSizes[] = {
    {Type::body, 15.0f, "/fonts/inter.otf", true},
    {Type::title, 22.0f, "/fonts/inter.otf", false},
    {Type::heading, 17.0f, "/fonts/inter.otf", true},
    {Type::caption, 13.0f, "/fonts/inter.otf", false},
};

const ImWchar kText[] = {
    0x0020, 0x00FF,  // Basic Latin, Latin-1 Supplement
    0x0100, 0x017F,  // Latin Extended-A (French œ, Œ, ...)
    0x0400, 0x045F,  // Cyrillic
    0x2010, 0x2027,  // dashes, quotes, bullet, ellipsis
    0x2030, 0x203A,  // per mille, guillemets
    0x20AC, 0x20AC,  // €
    0x20BD, 0x20BD,  // ₽
    0x2116, 0x2116,  // №
    0x2190, 0x2193,  // arrows
    0,
};
const ImWchar kIcons[] = {0xE145, 0xE935, 0};

}  // namespace

Mode mode() { return g_mode; }
void set_mode(Mode m) { g_mode = m; }
const Palette& palette() { return g_mode == Mode::dark ? kDark : kLight; }

void build_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    for (const Size& s : kSizes) {
        ImFontConfig cfg;
        cfg.OversampleH = 2;
        cfg.PixelSnapH = true;
        ImFont* f = io.Fonts->AddFontFromFileTTF(s.file, s.px * scale, &cfg, kText);
        if (!f) f = io.Fonts->AddFontDefault();
        if (s.icons) {
            ImFontConfig ic;
            ic.MergeMode = true;
            ic.PixelSnapH = true;
            ic.GlyphMinAdvanceX = s.px * scale * 1.1f;
            ic.GlyphOffset = ImVec2(0, s.px * scale * 0.2f);  // icons sit on the text's middle, not its baseline
            io.Fonts->AddFontFromFileTTF("/fonts/icons.ttf", s.px * scale * 1.1f, &ic, kIcons);
        }
        g_fonts[(int)s.type] = f;
    }
    io.FontDefault = g_fonts[(int)Type::body];
}

ImFont* font(Type t) { return g_fonts[(int)t] ? g_fonts[(int)t] : ImGui::GetFont(); }

void text(Type t, const char* s) {
    ImGui::PushFont(font(t));
    if (t == Type::caption) ImGui::PushStyleColor(ImGuiCol_Text, palette().muted);
    ImGui::TextUnformatted(s);
    if (t == Type::caption) ImGui::PopStyleColor();
    ImGui::PopFont();
}

ImVec4 stage(const std::string& s) {
    const bool dark = g_mode == Mode::dark;
    if (s == "won") return palette().success;
    if (s == "lost") return palette().muted;
    if (s == "new") return dark ? rgb(0x8AB4F8) : rgb(0x1A5FB4);
    if (s == "brief_sent" || s == "brief_filled") return dark ? rgb(0xB39DDB) : rgb(0x5E35B1);
    if (s == "estimated" || s == "proposal_sent") return dark ? rgb(0x4DD0E1) : rgb(0x00796B);
    if (s == "contract_sent" || s == "contract_signed") return dark ? rgb(0xFFB74D) : rgb(0xA15C00);
    return dark ? rgb(0xF48FB1) : rgb(0xAD1457);  // invoiced, paid in part
}

void apply(float scale) {
    const Palette& p = palette();
    ImGuiStyle& st = ImGui::GetStyle();
    st = ImGuiStyle();
    st.WindowPadding = ImVec2(16, 14);
    st.FramePadding = ImVec2(10, 6);
    st.ItemSpacing = ImVec2(10, 8);
    st.ItemInnerSpacing = ImVec2(8, 6);
    st.CellPadding = ImVec2(8, 6);
    st.IndentSpacing = 18;
    st.ScrollbarSize = 12;
    st.WindowRounding = 0;
    st.ChildRounding = 8;
    st.FrameRounding = 6;
    st.PopupRounding = 8;
    st.ScrollbarRounding = 8;
    st.GrabRounding = 6;
    st.TabRounding = 6;
    st.WindowBorderSize = 0;
    st.ChildBorderSize = 1;
    st.FrameBorderSize = 1;
    st.PopupBorderSize = 1;
    st.SeparatorTextBorderSize = 1;
    ImVec4* c = st.Colors;
    auto mix = [](ImVec4 a, ImVec4 b, float t) {
        return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, 1.0f);
    };
    const ImVec4 tint = ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.14f);
    c[ImGuiCol_Text] = p.text;
    c[ImGuiCol_TextDisabled] = p.muted;
    c[ImGuiCol_WindowBg] = p.surface;
    c[ImGuiCol_ChildBg] = p.panel;
    c[ImGuiCol_PopupBg] = p.panel;
    c[ImGuiCol_Border] = p.border;
    c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = p.panel;
    c[ImGuiCol_FrameBgHovered] = mix(p.panel, p.accent, 0.06f);
    c[ImGuiCol_FrameBgActive] = mix(p.panel, p.accent, 0.10f);
    c[ImGuiCol_TitleBg] = p.surface;
    c[ImGuiCol_TitleBgActive] = p.surface;
    c[ImGuiCol_TitleBgCollapsed] = p.surface;
    c[ImGuiCol_MenuBarBg] = p.panel;
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = p.border;
    c[ImGuiCol_ScrollbarGrabHovered] = mix(p.border, p.text, 0.2f);
    c[ImGuiCol_ScrollbarGrabActive] = mix(p.border, p.text, 0.35f);
    c[ImGuiCol_CheckMark] = p.accent;
    c[ImGuiCol_SliderGrab] = p.accent;
    c[ImGuiCol_SliderGrabActive] = p.accent_active;
    // Buttons are quiet (panel with a border); the primary one is pushed accent by the screen.
    c[ImGuiCol_Button] = mix(p.panel, p.text, g_mode == Mode::dark ? 0.08f : 0.04f);
    c[ImGuiCol_ButtonHovered] = mix(p.panel, p.accent, 0.14f);
    c[ImGuiCol_ButtonActive] = mix(p.panel, p.accent, 0.24f);
    c[ImGuiCol_Header] = tint;
    c[ImGuiCol_HeaderHovered] = ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.10f);
    c[ImGuiCol_HeaderActive] = ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.20f);
    c[ImGuiCol_Separator] = p.border;
    c[ImGuiCol_SeparatorHovered] = p.accent;
    c[ImGuiCol_SeparatorActive] = p.accent_active;
    c[ImGuiCol_ResizeGrip] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ResizeGripHovered] = tint;
    c[ImGuiCol_ResizeGripActive] = p.accent;
    c[ImGuiCol_Tab] = p.surface;
    c[ImGuiCol_TabHovered] = mix(p.panel, p.accent, 0.14f);
    c[ImGuiCol_TabActive] = p.panel;
    c[ImGuiCol_TabUnfocused] = p.surface;
    c[ImGuiCol_TabUnfocusedActive] = p.panel;
    c[ImGuiCol_PlotLines] = p.accent;
    c[ImGuiCol_PlotHistogram] = p.accent;
    c[ImGuiCol_TableHeaderBg] = p.surface;
    c[ImGuiCol_TableBorderStrong] = p.border;
    c[ImGuiCol_TableBorderLight] = p.border;
    c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(p.text.x, p.text.y, p.text.z, 0.025f);
    c[ImGuiCol_TextSelectedBg] = ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.30f);
    c[ImGuiCol_DragDropTarget] = p.accent;
    c[ImGuiCol_NavHighlight] = p.accent;
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, g_mode == Mode::dark ? 0.55f : 0.30f);
    st.ScaleAllSizes(scale);
}

}  // namespace theme
