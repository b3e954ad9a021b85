// wasm_app/platform_web.h — the browser glue of the manager app.
//
// Implemented features:
//  [X] Canvas fills the window; backbuffer = CSS size × devicePixelRatio,
//      re-checked every frame (browser zoom changes the ratio); fonts and
//      style are rebuilt at the new scale, so text is sharp at any ratio.
//  [X] Text input through a hidden, focused <textarea> while ImGui wants
//      text: 'input' and 'compositionend' events carry the text, so IME,
//      dead keys, dictation, insertText and mobile keyboards all work.
//  [X] Paste: the textarea's 'paste' event (system clipboard) feeds the text.
//  [X] Copy: ImGui's copy goes to navigator.clipboard (and an in-app copy,
//      used for paste when the browser refuses clipboard access).
//  [X] Idle: no frame is drawn unless an input event, a resize or an
//      asynchronous completion woke the app; the frame loop is paused while
//      idle, so idle CPU is near zero.
//  [X] Persistence: /data is IDBFS (IndexedDB); mounted and loaded before
//      the database opens, written back after every committed change.
//  [X] WebGL context loss: the shell shows a message instead of a dead canvas.
//  [ ] Touch gestures beyond single-finger tap/drag (GLFW maps touch to mouse).
//  [ ] IME candidate window placement at the text cursor.
#pragma once
#include <string>

namespace web {

// Installs the DOM listeners and the hidden textarea; mounts IDBFS and fills
// it: from what the shell has already read out of IndexedDB while the module
// downloaded (shell.js), or else by loading it now. atelier_storage_ready()
// is called when /data is usable.
void install();

// Keeps the canvas backbuffer at CSS size × devicePixelRatio. Returns true
// when the size or the ratio changed since the last call.
bool sync_canvas_size(int* fb_w, int* fb_h, float* dpr);

// Focuses or blurs the hidden textarea to follow io.WantTextInput;
// `multiline` tells whether line breaks in pasted text are kept.
void set_text_input_active(bool active, bool multiline);

// Requests that /data be written to IndexedDB (coalesced; asynchronous).
void request_persist();

void set_clipboard(const char* utf8);

// Opens an HTML document in a new browser tab (print views, previews).
void open_html_tab(const std::string& html);

// An HTML page shown over the canvas, in a sandboxed frame (no scripts, its
// own origin), at a rectangle of the framebuffer: a live preview beside an
// editor. Called every frame it is shown; the page is replaced only when
// `html` changes. A frame that does not call it hides it (html_panel_end_frame).
void html_panel(float x, float y, float w, float h, const std::string& html);
void html_panel_end_frame();

// navigator.onLine: whether the browser believes it has a network.
bool online();
// The page's origin ("https://studio.example"): where client links live.
std::string origin();

// The browser tab's title.
void set_title(const std::string& title);
// The app's first screen (or the reason it has none) is drawn.
void shown();
// On a first visit (nothing stored), the server's database with the schema
// and no data, written to `path`; false when the shell has none for it.
bool take_empty_image(const char* path);

// The URL's hash, without '#' ("leads/<id>"); set as a new history entry
// (push) or in place of the current one. take_history_moved() is true once
// after back, forward or an edited hash.
std::string location_hash();
void set_location_hash(const std::string& hash, bool push);
bool take_history_moved();
// localStorage: what the browser keeps for this origin beside the database.
std::string local_get(const std::string& key);
void local_set(const std::string& key, const std::string& value);

// The browser's time zone's offset from UTC at an instant (ISO 8601 UTC),
// in minutes: +180 in Moscow, +60 or +120 in Paris.
int utc_offset_minutes(const std::string& iso);

// Starts an HTTP request to the app's own server; atelier_http_done(id,
// status, body) follows (status 0: no network). `body` may be null.
void http(int id, const char* method, const std::string& url, const std::string& headers_json, const std::string* body);
// Lets the manager pick a file (`accept`: ".txt,.csv") and posts its bytes,
// unchanged, to the app's server at `url` (the file's name appended as
// &name=); atelier_http_done(id, status, body) follows. Nothing happens if
// the manager cancels the picker.
void upload_file(int id, const std::string& url, const std::string& headers_json, const char* accept);
// atelier_sync_timer() runs after `ms`, and whenever the browser comes online.
void set_timer(int ms);
// Offers `text` as a file download.
void download(const std::string& name, const std::string& text);
// Fetches `url` from the app's server and offers its bytes as a download
// named `name`; atelier_http_done(id, status, error body) follows (200: the
// browser has the file).
void fetch_file(int id, const std::string& url, const std::string& headers_json, const std::string& name);
double now_ms();

// Frames to draw before going idle again; raised by every event.
int take_wake_frame();
void wake(int frames = 4);
// Pauses the frame loop until the next wake() (an event, a resize, a completion).
void sleep_until_woken();
// Asleep: no frame is due until something wakes the app.
bool asleep();

struct PersistState {
    int requested = 0;   // persist requests made
    int completed = 0;   // requests whose data reached IndexedDB
    bool in_flight = false;
    bool storage_ready = false;
    bool storage_error = false;
    // How the stored files came: 'e' read by the shell while the module
    // downloaded, 'n' nothing stored (a first visit: nothing to read), 'i'
    // loaded by IDBFS when the app started (the shell's read failed).
    char storage_read = 0;
};
const PersistState& persist_state();

}  // namespace web
