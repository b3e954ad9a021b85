// atelier/uploads.cpp — see uploads.h.
#include "uploads.h"

#include <cctype>
#include <cstring>

#include "json_in.h"

namespace atelier::uploads {
namespace {

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool png(std::string_view c) { return starts(c, std::string_view("\x89PNG\r\n\x1a\n", 8)); }
bool jpeg(std::string_view c) { return starts(c, "\xFF\xD8\xFF"); }
bool gif(std::string_view c) { return starts(c, "GIF87a") || starts(c, "GIF89a"); }
bool webp(std::string_view c) { return starts(c, "RIFF") && c.size() >= 12 && c.substr(8, 4) == "WEBP"; }
bool pdf(std::string_view c) { return starts(c, "%PDF-"); }
bool postscript(std::string_view c) { return starts(c, "%!PS") || starts(c, "\xC5\xD0\xD3\xC6") || pdf(c); }
bool zip(std::string_view c) { return starts(c, std::string_view("PK\x03\x04", 4)) || starts(c, std::string_view("PK\x05\x06", 4)); }
bool ole(std::string_view c) { return starts(c, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"); }
bool psd(std::string_view c) { return starts(c, "8BPS"); }
bool font(std::string_view c) {
    return starts(c, std::string_view("\x00\x01\x00\x00", 4)) || starts(c, "OTTO") || starts(c, "true") || starts(c, "wOFF") ||
           starts(c, "wOF2");
}
bool video(std::string_view c) { return c.size() >= 12 && c.substr(4, 4) == "ftyp"; }
bool rtf(std::string_view c) { return starts(c, "{\\rtf"); }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = char(ch - 'A' + 'a');
    return out;
}

// Text that a browser would take for a web page if it ever sniffed it.
bool looks_like_html(std::string_view c) {
    const std::string head = lower(c.substr(0, 1024));
    for (const char* tag : {"<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<object", "<embed"})
        if (head.find(tag) != std::string::npos) return true;
    return false;
}

bool text(std::string_view c) {
    if (starts(c, "\xEF\xBB\xBF")) c.remove_prefix(3);
    return c.find('\0') == std::string_view::npos && valid_utf8(c) && !looks_like_html(c);
}

// An SVG is text with its root element near the start. It is never shown
// inline: it may carry script.
bool svg(std::string_view c) {
    if (starts(c, "\xEF\xBB\xBF")) c.remove_prefix(3);
    return c.find('\0') == std::string_view::npos && valid_utf8(c) && lower(c.substr(0, 4096)).find("<svg") != std::string::npos;
}

struct Kind {
    const char* ext;
    const char* type;
    bool (*is)(std::string_view);
    bool inline_ok;
};

const Kind kKinds[] = {
    {"pdf", "application/pdf", pdf, false},
    {"png", "image/png", png, true},
    {"jpg", "image/jpeg", jpeg, true},
    {"jpeg", "image/jpeg", jpeg, true},
    {"gif", "image/gif", gif, true},
    {"webp", "image/webp", webp, true},
    {"svg", "image/svg+xml", svg, false},
    {"psd", "image/vnd.adobe.photoshop", psd, false},
    {"ai", "application/postscript", postscript, false},
    {"eps", "application/postscript", postscript, false},
    {"zip", "application/zip", zip, false},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", zip, false},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip, false},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", zip, false},
    {"odt", "application/vnd.oasis.opendocument.text", zip, false},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet", zip, false},
    {"odp", "application/vnd.oasis.opendocument.presentation", zip, false},
    {"fig", "application/octet-stream", zip, false},
    {"sketch", "application/octet-stream", zip, false},
    {"doc", "application/msword", ole, false},
    {"xls", "application/vnd.ms-excel", ole, false},
    {"ppt", "application/vnd.ms-powerpoint", ole, false},
    {"rtf", "application/rtf", rtf, false},
    {"txt", "text/plain", text, false},
    {"csv", "text/csv", text, false},
    {"md", "text/markdown", text, false},
    {"ttf", "font/ttf", font, false},
    {"otf", "font/otf", font, false},
    {"woff", "font/woff", font, false},
    {"woff2", "font/woff2", font, false},
    {"mp4", "video/mp4", video, false},
    {"mov", "video/quicktime", video, false},
};

// Names a browser or a desktop would run or render as a page.
const char* const kRefused[] = {"html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "svgz", "xml", "xsl", "js", "mjs", "cjs",
                                "jsx", "wasm", "exe", "msi", "dll", "com", "scr", "pif", "cpl", "bat", "cmd", "sh", "bash", "zsh",
                                "ps1", "psm1", "vbs", "vbe", "wsf", "wsh", "hta", "jar", "apk", "app", "dmg", "pkg", "deb", "rpm",
                                "php", "phtml", "phar", "asp", "aspx", "jsp", "py", "pl", "rb", "cgi", "lnk", "reg", "swf", "url",
                                "desktop", "appimage", "iso"};

bool program_bytes(std::string_view c) {
    return starts(c, "MZ") || starts(c, "\x7F" "ELF") || starts(c, "#!") || starts(c, "\xCA\xFE\xBA\xBE") ||
           starts(c, "\xCF\xFA\xED\xFE") || starts(c, "\xFE\xED\xFA\xCF");
}

}  // namespace

const char* const kAcceptedKinds = "PDF, PNG, JPEG, GIF, WebP, SVG, PSD, AI, EPS, ZIP, DOC(X), XLS(X), PPT(X), ODT, ODS, ODP, RTF, "
                                   "TXT, CSV, MD, Figma, Sketch, TTF, OTF, WOFF(2), MP4, MOV";

std::string clean_name(std::string_view filename) {
    const size_t slash = filename.find_last_of("/\\");
    if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
    std::string out;
    for (char ch : filename) {
        const unsigned char u = (unsigned char)ch;
        if (u < 0x20 || u == 0x7F) continue;
        out += std::strchr("\"*:<>?|", ch) ? '_' : ch;
    }
    while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
    if (out.empty()) return "file";
    if (!valid_utf8(out)) return out;  // check() refuses it
    if (utf8_length(out) > 150) {
        const size_t dot = out.rfind('.');
        std::string ext = dot != std::string::npos && out.size() - dot <= 12 ? out.substr(dot) : "";
        std::string stem = out.substr(0, out.size() - ext.size());
        size_t keep = 150 - utf8_length(ext), chars = 0, i = 0;
        for (; i < stem.size(); ++i)
            if (((unsigned char)stem[i] & 0xC0) != 0x80 && chars++ == keep) break;
        out = stem.substr(0, i) + ext;
    }
    return out;
}

Accepted check(std::string_view filename, std::string_view content) {
    const std::string name = clean_name(filename);
    if (!valid_utf8(name)) throw Refused("file", Reason::bad_name, "the name is not UTF-8 text");
    if (content.empty()) throw Refused(name, Reason::empty, "the file is empty");
    if (content.size() > kFileMax) throw Refused(name, Reason::too_large, "larger than " + std::to_string(kFileMax >> 20) + " MB");
    const size_t dot = name.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : lower(name.substr(dot + 1));
    for (const char* r : kRefused)
        if (ext == r) throw Refused(name, Reason::program, "programs and web pages are not accepted");
    if (program_bytes(content)) throw Refused(name, Reason::program, "programs and web pages are not accepted");
    for (const Kind& k : kKinds) {
        if (ext != k.ext) continue;
        if (!k.is(content)) {
            const bool textual = k.is == text || k.is == svg;
            if (textual && looks_like_html(content)) throw Refused(name, Reason::web_page, "programs and web pages are not accepted");
            throw Refused(name, Reason::mismatch, "the content is not a ." + ext + " file");
        }
        return {name, k.type, k.inline_ok};
    }
    throw Refused(name, Reason::not_accepted, std::string("this kind of file is not accepted; accepted: ") + kAcceptedKinds);
}

std::string size_text(int64_t bytes, std::string_view lang) {
    const int li = lang == "ru" ? 0 : lang == "fr" ? 1 : 2;
    static const char* const units[3][3] = {{"байт", "КБ", "МБ"}, {"octets", "Ko", "Mo"}, {"bytes", "KB", "MB"}};
    const char comma = li == 2 ? '.' : ',';
    if (bytes < 1024) return std::to_string(bytes) + " " + units[li][0];
    if (bytes < (1 << 20)) return std::to_string((bytes + 512) >> 10) + " " + units[li][1];
    const int64_t tenths = (bytes * 10 + (1 << 19)) >> 20;
    return std::to_string(tenths / 10) + comma + std::to_string(tenths % 10) + " " + units[li][2];
}

std::string folder_of(const std::string& db_path) { return db_path + ".files"; }

std::string disposition(const Accepted& a) {
    std::string ascii, encoded;
    static const char* hex = "0123456789ABCDEF";
    for (char ch : a.name) {
        const unsigned char u = (unsigned char)ch;
        if (u < 0x80) ascii += ch;                                // cleaned: no quote, no backslash
        else if (ascii.empty() || ascii.back() != '_') ascii += '_';  // a run of other letters: one "_"
        if (std::isalnum(u) || std::strchr("-._~", ch)) encoded += ch;
        else {
            encoded += '%';
            encoded += hex[u >> 4];
            encoded += hex[u & 15];
        }
    }
    return std::string(a.inline_ok ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace atelier::uploads
