// wasm_app/platform_web.cpp — see platform_web.h for what it does and does not do.
#include "platform_web.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include <emscripten.h>

#include <imgui.h>

namespace web {

namespace {

// All of the glue's state, in one place.
struct WebState {
    int wake_frames = 4;
    bool text_active = false;
    bool text_multiline = false;
    bool persist_pending = false;
    int persist_covering = 0;  // `requested` as of the write in flight
    PersistState persist;
    std::string clipboard;
    int fb_w = 0, fb_h = 0;
    float dpr = 0;
    bool paused = false;  // the main loop is paused until the next wake()
    bool history_moved = false;  // back, forward, or a hash typed in the address bar
    // The preview frame: shown this frame, where, and the page it holds.
    bool panel_wanted = false, panel_shown = false;
    float panel_rect[4] = {0, 0, 0, 0};
    size_t panel_hash = 0;
};
WebState g;

EM_JS(void, js_install, (), {
    var canvas = Module['canvas'];
    var wake = function() { Module['_atelier_wake'](); };
    ['mousemove', 'mousedown', 'mouseup', 'wheel', 'keydown', 'keyup', 'touchstart', 'touchmove', 'touchend',
     'resize', 'focus', 'blur', 'visibilitychange'].forEach(function(t) {
        window.addEventListener(t, wake, true);
    });
    canvas.addEventListener('contextmenu', function(e) { e.preventDefault(); });
    // Back, forward, or a hash typed in: the app follows the URL.
    window.addEventListener('popstate', function() { Module['_atelier_history_moved'](); });
    window.addEventListener('hashchange', function() { Module['_atelier_history_moved'](); });
    // Ctrl+S is the app's "save", not the browser's "save page".
    window.addEventListener('keydown', function(e) {
        if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) e.preventDefault();
    }, true);

    var ta = document.createElement('textarea');
    ta.id = 'atelier-text-input';
    ta.setAttribute('autocomplete', 'off');
    ta.setAttribute('autocorrect', 'off');
    ta.setAttribute('autocapitalize', 'off');
    ta.setAttribute('spellcheck', 'false');
    ta.setAttribute('aria-hidden', 'true');
    ta.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:2px;opacity:0;border:0;padding:0;' +
                       'margin:0;resize:none;outline:none;overflow:hidden;pointer-events:none;z-index:-1;';
    document.body.appendChild(ta);
    Module['atelierTextArea'] = ta;
    var composing = false;
    var send = function(text) {
        if (!text) return;
        var n = lengthBytesUTF8(text) + 1;
        var p = _malloc(n);
        stringToUTF8(text, p, n);
        Module['_atelier_text_input'](p);
        _free(p);
    };
    // Control characters are dropped (Enter, Tab and Backspace reach ImGui as
    // keys). Line breaks that arrive as text (paste, insertText, dictation)
    // are kept for a multi-line field and become spaces in a one-line field.
    var clean = function(s, keepBreaks) {
        var out = "";
        for (var i = 0; i < s.length; i++) {
            var c = s.charCodeAt(i);
            if (c >= 32) out += s.charAt(i);
            else if (keepBreaks && c === 10) out += Module['atelierMultiline'] ? "\n" : " ";
            else if (keepBreaks && c === 13 && s.charCodeAt(i + 1) !== 10) out += Module['atelierMultiline'] ? "\n" : " ";
        }
        return out;
    };
    var flush = function(keepBreaks) {
        var v = ta.value;
        ta.value = "";
        send(clean(v, keepBreaks));
    };
    ta.addEventListener('compositionstart', function() { composing = true; });
    ta.addEventListener('compositionend', function() { composing = false; flush(false); wake(); });
    // Enter typed in the textarea is an 'insertLineBreak' input: ImGui has it as a key already.
    ta.addEventListener('input', function(e) {
        if (!composing && !e.isComposing) flush(e.inputType !== 'insertLineBreak' && e.inputType !== 'insertParagraph');
        wake();
    });
    ta.addEventListener('paste', function(e) {
        var t = e.clipboardData ? e.clipboardData.getData('text/plain') : "";
        e.preventDefault();
        if (!t && Module['atelierClipboard']) t = Module['atelierClipboard'];
        send(clean(t, true));
        wake();
    });
    // A click on the canvas must not take the focus from the textarea: keys
    // typed right after a click between two fields would be lost. GLFW reads
    // keys on the window, so the canvas never needs the focus itself.
    canvas.addEventListener('mousedown', function(e) { e.preventDefault(); }, true);

    FS.mkdir('/data');
    FS.mount(IDBFS, {}, '/data');
    var load = function() {
        FS.syncfs(true, function(err) {
            if (err) console.error('atelier: loading IndexedDB failed', err);
            Module['_atelier_storage_ready'](err ? 0 : 1, 105 /* 'i' */);
        });
    };
    // The shell read the stored files while the module downloaded: they are
    // written into /data as IDBFS itself writes what it loads (directories
    // first, each with its mode and time, so that the next save finds them
    // unchanged), and its database connection is kept for the saves.
    var early = Module['atelierStored'];
    if (!early || IDBFS.DB_VERSION !== early.version || IDBFS.DB_STORE_NAME !== early.store) return load();
    early.take(function(stored) {
        if (!stored) return load();
        // Nothing stored yet: /data starts empty, and the first save makes
        // IDBFS's database (its own upgrade), as a load would have.
        if (stored.none) {
            Module['atelierEmptyImage'] = stored.image;
            return Module['_atelier_storage_ready'](1, 110 /* 'n' */);
        }
        try {
            var order = stored.keys.map(function(k, i) { return i; });
            order.sort(function(a, b) { return stored.keys[a] < stored.keys[b] ? -1 : stored.keys[a] > stored.keys[b] ? 1 : 0; });
            order.forEach(function(i) {
                IDBFS.storeLocalEntry(stored.keys[i], stored.values[i], function(err) { if (err) throw err; });
            });
            if (!IDBFS.dbs['/data']) IDBFS.dbs['/data'] = stored.db;
            else stored.db.close();
        } catch (e) {
            // What was written is the stored files' own; loading again fills in the rest.
            console.error('atelier: the early read of IndexedDB could not be used', e);
            return load();
        }
        Module['_atelier_storage_ready'](1, 101 /* 'e' */);
    });
});

EM_JS(int, js_canvas_size, (int* w, int* h, float* dpr), {
    var canvas = Module['canvas'];
    var r = canvas.getBoundingClientRect();
    var ratio = window.devicePixelRatio || 1;
    var pw = Math.max(1, Math.round(r.width * ratio));
    var ph = Math.max(1, Math.round(r.height * ratio));
    var changed = 0;
    if (canvas.width !== pw || canvas.height !== ph) {
        canvas.width = pw;
        canvas.height = ph;
        changed = 1;
    }
    HEAP32[w >> 2] = pw;
    HEAP32[h >> 2] = ph;
    HEAPF32[dpr >> 2] = ratio;
    return changed;
});

EM_JS(void, js_text_input_active, (int active, int multiline), {
    var ta = Module['atelierTextArea'];
    Module['atelierTextActive'] = !!active;
    Module['atelierMultiline'] = !!multiline;
    if (!ta) return;
    if (active) ta.focus({preventScroll: true});
    else { ta.value = ""; ta.blur(); }
});

EM_JS(void, js_persist, (), {
    FS.syncfs(false, function(err) {
        if (err) console.error('atelier: saving to IndexedDB failed', err);
        Module['_atelier_persisted'](err ? 0 : 1);
    });
});

EM_JS(void, js_set_clipboard, (const char* text), {
    var t = UTF8ToString(text);
    Module['atelierClipboard'] = t;
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(t).catch(function() {});
});

EM_JS(int, js_online, (), { return navigator.onLine ? 1 : 0; });

// location.origin into buf (at most size bytes with the NUL); its length.
EM_JS(int, js_origin, (char* buf, int size), {
    return stringToUTF8(location.origin, buf, size);
});

// The browser's offset from UTC, in minutes, at an instant (DST included).
EM_JS(int, js_utc_offset, (const char* iso), {
    var d = new Date(UTF8ToString(iso));
    return isNaN(d.getTime()) ? 0 : -d.getTimezoneOffset();
});

EM_JS(void, js_set_title, (const char* title), { document.title = UTF8ToString(title); });

// The server's empty database (shell.js fetched it on a first visit)
// written to `path`; 0 when there is none.
EM_JS(int, js_take_empty_image, (const char* path), {
    var bytes = Module['atelierEmptyImage'];
    Module['atelierEmptyImage'] = null;
    if (!bytes || !bytes.byteLength) return 0;
    try {
        FS.writeFile(UTF8ToString(path), new Uint8Array(bytes));
        return 1;
    } catch (e) {
        console.error('atelier: the empty database could not be written', e);
        return 0;
    }
});

// The page is told that the app's first screen is up (shell.js: what waits for it).
EM_JS(void, js_shown, (), { if (Module['atelierShown']) Module['atelierShown'](); });

// The URL's hash (without '#') into buf; its length.
EM_JS(int, js_location_hash, (char* buf, int size), {
    return stringToUTF8(decodeURIComponent(location.hash.replace(/^#/, '')), buf, size);
});

// A new history entry (back returns to the previous one), or the current one replaced.
EM_JS(void, js_set_location_hash, (const char* hash, int push), {
    var url = '#' + UTF8ToString(hash);
    if (location.hash === url) return;
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
});

EM_JS(int, js_local_get, (const char* key, char* buf, int size), {
    try {
        var v = localStorage.getItem(UTF8ToString(key));
        return v === null ? 0 : stringToUTF8(v, buf, size);
    } catch (e) { return 0; }
});

EM_JS(void, js_local_set, (const char* key, const char* value), {
    try { localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); } catch (e) {}
});

EM_JS(void, js_html_panel, (int show, float x, float y, float w, float h, float dpr, const char* html), {
    var f = document.getElementById('atelier-preview');
    if (!show) {
        if (f) f.style.display = 'none';
        return;
    }
    if (!f) {
        f = document.createElement('iframe');
        f.id = 'atelier-preview';
        f.setAttribute('sandbox', '');
        f.setAttribute('title', 'preview');
        f.style.cssText = 'position:absolute;border:1px solid #d0d4dc;border-radius:6px;background:#fff;z-index:5;';
        document.body.appendChild(f);
    }
    var r = Module['canvas'].getBoundingClientRect();
    f.style.left = (r.left + window.scrollX + x / dpr) + 'px';
    f.style.top = (r.top + window.scrollY + y / dpr) + 'px';
    f.style.width = (w / dpr) + 'px';
    f.style.height = (h / dpr) + 'px';
    f.style.display = 'block';
    if (html) f.srcdoc = UTF8ToString(html);
});

EM_JS(void, js_open_html_tab, (const char* html), {
    var blob = new Blob([UTF8ToString(html)], {type: 'text/html;charset=utf-8'});
    window.open(URL.createObjectURL(blob), '_blank');
});

// fetch() with credentials of this origin (the session cookie of a log-in);
// the answer comes back through atelier_http_done (status 0: no network).
EM_JS(void, js_http, (int id, const char* method, const char* url, const char* headers, const char* body, int has_body), {
    if (!Module['atelierFetch']) {
        // One way back into the app for every request: status and text to atelier_http_done.
        Module['atelierFetch'] = function(id, url, init) {
            fetch(url, init)
                .then(function(r) { return r.text().then(function(t) { return [r.status, t]; }); })
                .catch(function() { return [0, String()]; })
                .then(function(res) {
                    var n = lengthBytesUTF8(res[1]) + 1;
                    var p = _malloc(n);
                    stringToUTF8(res[1], p, n);
                    Module['_atelier_http_done'](id, res[0], p);
                    _free(p);
                });
        };
    }
    if (!url) return;
    var init = {method: UTF8ToString(method), headers: JSON.parse(UTF8ToString(headers)), credentials: "same-origin",
                cache: "no-store"};
    if (has_body) init.body = UTF8ToString(body);
    Module['atelierFetch'](id, UTF8ToString(url), init);
});

EM_JS(void, js_upload_file, (int id, const char* url, const char* headers, const char* accept), {
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = UTF8ToString(accept);
    input.style.display = 'none';
    var target = UTF8ToString(url);
    var init = {method: 'POST', headers: JSON.parse(UTF8ToString(headers)), credentials: 'same-origin', cache: 'no-store'};
    input.addEventListener('change', function() {
        var file = input.files && input.files[0];
        input.remove();
        if (!file) return;
        init.body = file;
        Module['atelierFetch'](id, target + (target.indexOf('?') < 0 ? '?' : '&') + 'name=' + encodeURIComponent(file.name), init);
    });
    document.body.appendChild(input);
    input.click();
});

EM_JS(void, js_fetch_file, (int id, const char* url, const char* headers, const char* name), {
    var file = UTF8ToString(name);
    var init = {headers: JSON.parse(UTF8ToString(headers)), credentials: 'same-origin', cache: 'no-store'};
    fetch(UTF8ToString(url), init)
        .then(function(r) {
            if (!r.ok) return r.text().then(function(t) { return [r.status, t]; });
            return r.blob().then(function(b) {
                var a = document.createElement('a');
                a.href = URL.createObjectURL(b);
                a.download = file;
                document.body.appendChild(a);
                a.click();
                a.remove();
                setTimeout(function() { URL.revokeObjectURL(a.href); }, 60000);
                return [200, String()];
            });
        })
        .catch(function() { return [0, String()]; })
        .then(function(res) {
            var n = lengthBytesUTF8(res[1]) + 1;
            var p = _malloc(n);
            stringToUTF8(res[1], p, n);
            Module['_atelier_http_done'](id, res[0], p);
            _free(p);
        });
});

EM_JS(void, js_set_timer, (int ms), {
    if (!Module['atelierOnline']) {
        Module['atelierOnline'] = true;
        window.addEventListener('online', function() { Module['_atelier_sync_timer'](); });
    }
    setTimeout(function() { Module['_atelier_sync_timer'](); }, ms);
});

EM_JS(void, js_download, (const char* name, const char* text), {
    var blob = new Blob([UTF8ToString(text)], {type: 'application/json'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = UTF8ToString(name);
    document.body.appendChild(a);
    a.click();
    a.remove();
});

void start_persist() {
    g.persist_pending = false;
    g.persist.in_flight = true;
    g.persist_covering = g.persist.requested;
    js_persist();
}

}  // namespace

void install() { js_install(); }

bool sync_canvas_size(int* fb_w, int* fb_h, float* dpr) {
    int w = 0, h = 0;
    float r = 1;
    js_canvas_size(&w, &h, &r);
    bool changed = w != g.fb_w || h != g.fb_h || r != g.dpr;
    g.fb_w = w;
    g.fb_h = h;
    g.dpr = r;
    *fb_w = w;
    *fb_h = h;
    *dpr = r;
    return changed;
}

void set_text_input_active(bool active, bool multiline) {
    if (active == g.text_active && multiline == g.text_multiline) return;
    g.text_active = active;
    g.text_multiline = multiline;
    js_text_input_active(active ? 1 : 0, multiline ? 1 : 0);
}

void request_persist() {
    if (!g.persist.storage_ready) return;
    g.persist.requested++;
    if (g.persist.in_flight) g.persist_pending = true;  // another write follows the one in flight
    else start_persist();
}

void set_clipboard(const char* utf8) {
    g.clipboard = utf8 ? utf8 : "";
    js_set_clipboard(g.clipboard.c_str());
}

bool online() { return js_online() != 0; }

std::string origin() {
    char buf[512];
    int n = js_origin(buf, (int)sizeof buf);
    return std::string(buf, (size_t)std::max(0, n));
}

void set_title(const std::string& title) { js_set_title(title.c_str()); }
void shown() { js_shown(); }
bool take_empty_image(const char* path) { return js_take_empty_image(path) != 0; }

std::string location_hash() {
    char buf[256];
    int n = js_location_hash(buf, (int)sizeof buf);
    return std::string(buf, (size_t)std::max(0, n));
}

void set_location_hash(const std::string& hash, bool push) { js_set_location_hash(hash.c_str(), push ? 1 : 0); }

bool take_history_moved() {
    const bool moved = g.history_moved;
    g.history_moved = false;
    return moved;
}

std::string local_get(const std::string& key) {
    char buf[256];
    int n = js_local_get(key.c_str(), buf, (int)sizeof buf);
    return std::string(buf, (size_t)std::max(0, n));
}

void local_set(const std::string& key, const std::string& value) { js_local_set(key.c_str(), value.c_str()); }

int utc_offset_minutes(const std::string& iso) { return js_utc_offset(iso.c_str()); }

void http(int id, const char* method, const std::string& url, const std::string& headers_json, const std::string* body) {
    js_http(id, method, url.c_str(), headers_json.c_str(), body ? body->c_str() : "", body ? 1 : 0);
}

void set_timer(int ms) { js_set_timer(ms); }

void upload_file(int id, const std::string& url, const std::string& headers_json, const char* accept) {
    js_http(0, "", nullptr, "", "", 0);  // defines the shared fetch
    js_upload_file(id, url.c_str(), headers_json.c_str(), accept);
}

void download(const std::string& name, const std::string& text) { js_download(name.c_str(), text.c_str()); }

void fetch_file(int id, const std::string& url, const std::string& headers_json, const std::string& name) {
    js_fetch_file(id, url.c_str(), headers_json.c_str(), name.c_str());
}

double now_ms() { return emscripten_get_now(); }

void open_html_tab(const std::string& html) { js_open_html_tab(html.c_str()); }

void html_panel(float x, float y, float w, float h, const std::string& html) {
    g.panel_wanted = true;
    const size_t hash = std::hash<std::string>{}(html) ^ 0x9e3779b9u;
    const float rect[4] = {x, y, w, h};
    const bool moved = !g.panel_shown || std::memcmp(rect, g.panel_rect, sizeof rect) != 0;
    if (!moved && hash == g.panel_hash) return;
    std::memcpy(g.panel_rect, rect, sizeof rect);
    js_html_panel(1, x, y, w, h, g.dpr > 0 ? g.dpr : 1, hash == g.panel_hash ? nullptr : html.c_str());
    g.panel_hash = hash;
    g.panel_shown = true;
}

void html_panel_end_frame() {
    if (!g.panel_wanted && g.panel_shown) {
        js_html_panel(0, 0, 0, 0, 0, 1, nullptr);
        g.panel_shown = false;
    }
    g.panel_wanted = false;
}

int take_wake_frame() {
    if (g.wake_frames <= 0) return 0;
    return g.wake_frames--;
}

void wake(int frames) {
    if (g.wake_frames < frames) g.wake_frames = frames;
    if (g.paused) {
        g.paused = false;
        emscripten_resume_main_loop();
    }
}

bool asleep() { return g.paused && g.wake_frames <= 0; }

void sleep_until_woken() {
    if (g.paused) return;
    g.paused = true;
    emscripten_pause_main_loop();
}

const PersistState& persist_state() { return g.persist; }

}  // namespace web

extern "C" {

EMSCRIPTEN_KEEPALIVE void atelier_wake() { web::wake(); }

EMSCRIPTEN_KEEPALIVE void atelier_history_moved() {
    web::g.history_moved = true;
    web::wake();
}

EMSCRIPTEN_KEEPALIVE void atelier_text_input(const char* utf8) {
    if (ImGui::GetCurrentContext()) ImGui::GetIO().AddInputCharactersUTF8(utf8);
    web::wake();
}

EMSCRIPTEN_KEEPALIVE void atelier_storage_ready(int ok, int how) {
    web::g.persist.storage_ready = true;
    web::g.persist.storage_error = !ok;
    web::g.persist.storage_read = (char)how;
    web::wake();
}

EMSCRIPTEN_KEEPALIVE void atelier_persisted(int ok) {
    auto& p = web::g.persist;
    p.in_flight = false;
    if (ok) p.completed = web::g.persist_covering;
    else p.storage_error = true;
    if (web::g.persist_pending) web::start_persist();
    web::wake();
}

}  // extern "C"
