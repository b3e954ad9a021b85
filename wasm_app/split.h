// wasm_app/split.h — the app's module in two parts.
//
// The build splits app.wasm (wasm_app/split_module.py): the primary part
// holds what the first frames need (Dear ImGui, GLFW, SQLite, the platform
// layer, the theme and the loading screen); app.deferred.wasm holds the
// manager's screens and the core they run. The shell fetches both at once
// and starts the app on the primary part; when the deferred part has been
// instantiated it calls atelier_split_ready(), and from then on the frame
// draws the screens. The functions of namespace `deferred` are the only
// direct calls from the primary part into the deferred one, and each is
// called only after that, so no call waits for bytes still on the way.
// (Were one to, the shell instantiates the part on the spot from the bytes
// it has, and counts the call: tests check that the count stays 0.)
#pragma once

namespace deferred {

#define ATELIER_DEFERRED [[gnu::noinline]]

// A call from the primary part: through a pointer that no optimiser can
// see through, so that the callee is never inlined into its caller (the
// split would then have to keep it, and all it calls, in the primary part).
template <class F>
F* opaque(F* f) {
    F* volatile p = f;
    return p;
}
#define ATELIER_DEFERRED_CALL(fn) (::deferred::opaque(&fn))

ATELIER_DEFERRED void open_db();
ATELIER_DEFERRED void draw(bool saving, bool storage_error);
ATELIER_DEFERRED void capture();
ATELIER_DEFERRED void after_frame(bool input);

ATELIER_DEFERRED const char* debug_time();
ATELIER_DEFERRED const char* debug_anchor(const char* name);
ATELIER_DEFERRED const char* debug_state();
ATELIER_DEFERRED const char* debug_digest();
ATELIER_DEFERRED void http_done(int id, int status, const char* body);
ATELIER_DEFERRED void sync_timer();
ATELIER_DEFERRED int bench_fill(int n);
ATELIER_DEFERRED const char* bench_exec(const char* sql);
ATELIER_DEFERRED double bench_query_ms(const char* sql);

}  // namespace deferred
