// atelier/json_in.cpp — see json_in.h.
#include "json_in.h"

#include "error.h"

namespace atelier {

using nlohmann::json;

int json_depth(std::string_view text, int stop_above) {
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        switch (c) {
            case '"': in_string = true; break;
            case '[':
            case '{':
                if (++depth > deepest) {
                    deepest = depth;
                    if (deepest > stop_above) return deepest;
                }
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;
                break;
            default: break;
        }
    }
    return deepest;
}

json parse_json(std::string_view text, const std::string& what, size_t max_bytes, int max_depth) {
    if (text.size() > max_bytes)
        throw Error(what + ": larger than " + std::to_string(max_bytes) + " bytes (" + std::to_string(text.size()) + ")");
    if (json_depth(text, max_depth) > max_depth)
        throw Error(what + ": nested deeper than " + std::to_string(max_depth) + " levels");
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) throw Error(what + ": malformed JSON");
    return j;
}

json parse_json_or_discard(std::string_view text, size_t max_bytes, int max_depth) {
    if (text.size() > max_bytes || json_depth(text, max_depth) > max_depth) return json(json::value_t::discarded);
    return json::parse(text.begin(), text.end(), nullptr, false);
}

std::string clip_utf8(std::string_view s, size_t max_chars) {
    size_t chars = 0, i = 0;
    for (; i < s.size(); ++i) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars == max_chars) return std::string(s.substr(0, i)) + "…";
            ++chars;
        }
    }
    return std::string(s);
}

std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::object: return v.empty() ? "an empty object" : "an object";
        case json::value_t::array: return "an array of " + std::to_string(v.size());
        case json::value_t::null: return "null";
        case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case json::value_t::string: {
            const std::string& s = v.get_ref<const std::string&>();
            if (!valid_utf8(s)) return "text that is not UTF-8";
            return "\"" + clip_utf8(s, 60) + "\"";
        }
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return v.dump();
        default: return "a value";
    }
}

bool valid_utf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { ++i; continue; }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > n) return false;
        for (size_t k = 1; k < len; ++k) {
            unsigned char d = (unsigned char)s[i + k];
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (char c : s)
        if (((unsigned char)c & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace atelier
