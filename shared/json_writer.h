// atelier/json_writer.h — a minimal, fast JSON writer for hot paths.
//
// nlohmann::json builds a tree of nodes; for outputs produced per row (an
// estimate for each of 100,000 briefs) appending to one string is several
// times faster. Keys and structure are the caller's business; strings are
// escaped here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace atelier {

class JsonWriter {
public:
    std::string out;

    JsonWriter& begin_object() { sep(); out += '{'; first_ = true; return *this; }
    JsonWriter& end_object() { out += '}'; first_ = false; return *this; }
    JsonWriter& begin_array() { sep(); out += '['; first_ = true; return *this; }
    JsonWriter& end_array() { out += ']'; first_ = false; return *this; }
    JsonWriter& key(std::string_view k) {
        sep();
        str_raw(k);
        out += ':';
        first_ = true;  // the value follows without a comma
        return *this;
    }
    JsonWriter& value(std::string_view s) { sep(); str_raw(s); return *this; }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(int64_t v) { sep(); out += std::to_string(v); return *this; }
    JsonWriter& value(int v) { return value((int64_t)v); }
    JsonWriter& value(bool b) { sep(); out += b ? "true" : "false"; return *this; }
    JsonWriter& null() { sep(); out += "null"; return *this; }
    // Inserts already-serialised JSON as a value.
    JsonWriter& raw(std::string_view json) { sep(); out += json; return *this; }

private:
    bool first_ = true;
    void sep() {
        if (!first_) out += ',';
        first_ = false;
    }
    void str_raw(std::string_view s) {
        out += '"';
        for (char c : s) {
            unsigned char u = (unsigned char)c;
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else if (u < 0x20) {
                static const char* hex = "0123456789abcdef";
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 15];
            } else out += c;
        }
        out += '"';
    }
};

}  // namespace atelier
