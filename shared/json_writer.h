// atelier/json_writer.h — a minimal, fast JSON writer for hot paths.
//
// nlohmann::json builds a tree of nodes; for outputs produced per row (an
// estimate for each of 100,000 briefs) writing into one buffer is several
// times faster. Keys and structure are the caller's business; strings are
// escaped here. The buffer grows geometrically and is trimmed by str().
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace atelier {

class JsonWriter {
public:
    JsonWriter() : buf_(own_) {}
    // Writes into `buffer`, whose size is kept between uses: a writer reused
    // per row neither allocates nor clears memory once it is large enough.
    explicit JsonWriter(std::string& buffer) : buf_(buffer) {}

    void reserve(size_t n) { grow(n); }

    JsonWriter& begin_object() { sep(); put('{'); first_ = true; return *this; }
    JsonWriter& end_object() { put('}'); first_ = false; return *this; }
    JsonWriter& begin_array() { sep(); put('['); first_ = true; return *this; }
    JsonWriter& end_array() { put(']'); first_ = false; return *this; }
    JsonWriter& key(std::string_view k) {
        sep();
        str_raw(k);
        put(':');
        first_ = true;  // the value follows without a comma
        return *this;
    }
    // A key already written as JSON with its colon ("name":).
    JsonWriter& key_json(std::string_view quoted_with_colon) {
        sep();
        append(quoted_with_colon);
        first_ = true;
        return *this;
    }
    JsonWriter& value(std::string_view s) { sep(); str_raw(s); return *this; }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(int64_t v) { sep(); append_int(v); return *this; }
    JsonWriter& value(int v) { return value((int64_t)v); }
    JsonWriter& value(bool b) { sep(); append(b ? std::string_view("true") : std::string_view("false")); return *this; }
    JsonWriter& null() { sep(); append("null"); return *this; }
    // Inserts already-serialised JSON as a value.
    JsonWriter& raw(std::string_view json) { sep(); append(json); return *this; }

    // Appends text as is, inside a value the caller is writing by hand.
    template <size_t N>
    void append_literal(const char (&lit)[N]) { append(std::string_view(lit, N - 1)); }
    void append_int(int64_t v) {
        char buf[24];
        char* end = buf + sizeof buf;
        char* p = end;
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
        if (v < 0) *--p = '-';
        append(std::string_view(p, (size_t)(end - p)));
    }

    // The JSON written so far.
    std::string_view view() const { return std::string_view(buf_.data(), len_); }
    std::string str() const { return std::string(view()); }

private:
    std::string own_;
    std::string& buf_;
    size_t len_ = 0;
    bool first_ = true;

    void grow(size_t n) {
        if (len_ + n <= buf_.size()) return;
        size_t cap = buf_.size() * 2;
        if (cap < len_ + n + 256) cap = len_ + n + 256;
        buf_.resize(cap);
    }
    void put(char c) {
        grow(1);
        buf_[len_++] = c;
    }
    void append(std::string_view s) {
        grow(s.size());
        std::memcpy(&buf_[len_], s.data(), s.size());
        len_ += s.size();
    }
    void sep() {
        if (!first_) put(',');
        first_ = false;
    }
    void str_raw(std::string_view s) {
        grow(s.size() + 2);
        // Most strings (ids, names) need no escaping: copy them whole.
        size_t i = 0;
        buf_[len_++] = '"';
        for (; i < s.size(); ++i) {
            char c = s[i];
            if (c == '"' || c == '\\' || (unsigned char)c < 0x20) break;
        }
        std::memcpy(&buf_[len_], s.data(), i);
        len_ += i;
        for (; i < s.size(); ++i) {
            char c = s[i];
            unsigned char u = (unsigned char)c;
            if (c == '"') append("\\\"");
            else if (c == '\\') append("\\\\");
            else if (u < 0x20) {
                static const char* hex = "0123456789abcdef";
                char e[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
                append(std::string_view(e, 6));
            } else put(c);
        }
        put('"');
    }
};

}  // namespace atelier
