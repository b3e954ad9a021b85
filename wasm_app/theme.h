// wasm_app/theme.h — the app's visual system, written down once.
//
// Colours (light by default, dark on request; the choice is kept in the
// browser), a type scale (title, heading, body, caption: Inter, with
// Material Icons merged into body and heading), spacing and radii, all
// applied through ImGui's style; the screens ask for roles ("danger",
// "muted", a stage's colour), never for raw colours.
//
//   surface     the window's background        panel      cards, the sidebar, inputs
//   border      lines between things           text       body text
//   muted       secondary text, captions        accent     the primary action, selection
//   success / warning / danger                  stage(s)   each pipeline stage's colour
//
// Type scale (CSS pixels, × the device pixel ratio): title 22, heading 17,
// body 15, caption 13, all Inter Regular (one weight keeps the download
// within its 1 MB budget). Spacing runs on a 4 px grid:
// window padding 16×14, frame padding 10×6, item spacing 10×8; radii 6 for
// controls, 8 for panels.
#pragma once
#include <imgui.h>

#include <string>

namespace theme {

enum class Mode { light, dark };
enum class Type { title, heading, body, caption };

struct Palette {
    ImVec4 surface, panel, border, text, muted, accent, accent_hover, accent_active, on_accent, success, warning, danger;
};

Mode mode();
void set_mode(Mode m);  // applied at the next apply()
const Palette& palette();

// Loads the fonts (from /fonts, preloaded) at `scale` × their CSS size.
void build_fonts(float scale);
// Sets ImGui's colours, spacing and radii for the mode, at `scale`.
void apply(float scale);

ImFont* font(Type t);

inline ImVec4 success() { return palette().success; }
inline ImVec4 warning() { return palette().warning; }
inline ImVec4 danger() { return palette().danger; }
inline ImVec4 muted() { return palette().muted; }
// A pipeline stage's colour ("won", "lost", "proposal_sent", …).
ImVec4 stage(const std::string& stage);

// Text in a type of the scale.
void text(Type t, const char* s);

// Material Icons (UTF-8), merged into the body and heading fonts.
namespace icon {
constexpr const char* today = "\xee\xa3\x9f";          // U+E8DF
constexpr const char* leads = "\xee\xa3\xaf";          // U+E8EF view_list
constexpr const char* pipeline = "\xee\xa3\xac";       // U+E8EC view_column
constexpr const char* settings = "\xee\xa2\xb8";       // U+E8B8
constexpr const char* sync = "\xee\x98\xa7";           // U+E627
constexpr const char* add = "\xee\x85\x85";            // U+E145
constexpr const char* search = "\xee\xa2\xb6";         // U+E8B6
constexpr const char* close = "\xee\x97\x8d";          // U+E5CD
constexpr const char* more = "\xee\x97\x94";           // U+E5D4 more_vert
constexpr const char* dark = "\xee\x94\x9c";           // U+E51C dark_mode
constexpr const char* light = "\xee\x94\x98";          // U+E518 light_mode
constexpr const char* help = "\xee\xa3\xbd";           // U+E8FD help_outline
constexpr const char* document = "\xee\xa1\xb3";       // U+E873 description
constexpr const char* undo = "\xee\x85\xa6";           // U+E166
constexpr const char* person = "\xee\x9f\xbd";         // U+E7FD
constexpr const char* cloud_done = "\xee\x8a\xbf";     // U+E2BF
constexpr const char* cloud_off = "\xee\x8b\x81";      // U+E2C1
constexpr const char* check = "\xee\x97\x8a";          // U+E5CA
constexpr const char* calendar = "\xee\xa4\xb5";       // U+E935 calendar_today
constexpr const char* reports = "\xee\x89\xab";        // U+E26B bar_chart
constexpr const char* projects = "\xee\xa3\xb9";       // U+E8F9 work
}  // namespace icon

}  // namespace theme
