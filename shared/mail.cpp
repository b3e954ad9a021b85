// atelier/mail.cpp — see mail.h.
#include "mail.h"

#include <ctime>

#include "ids.h"

namespace atelier::mail {

std::string base64(std::string_view in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = ((uint8_t)in[i] << 16) | ((uint8_t)in[i + 1] << 8) | (uint8_t)in[i + 2];
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t v = (uint8_t)in[i] << 16;
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t v = ((uint8_t)in[i] << 16) | ((uint8_t)in[i + 1] << 8);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

namespace {

bool ascii_printable(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

// RFC 2047: a header value in encoded words of at most 75 characters,
// never splitting a UTF-8 sequence.
std::string encode_header(std::string_view s) {
    if (ascii_printable(s) && s.size() < 70 && s.find("=?") == std::string_view::npos) return std::string(s);
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        size_t n = std::min<size_t>(45, s.size() - i);
        while (i + n < s.size() && ((uint8_t)s[i + n] & 0xC0) == 0x80) --n;  // not inside a character
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(s.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

std::string wrap76(const std::string& b64) {
    std::string out;
    for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
    return out;
}

std::string clean_line(std::string_view s) {
    std::string out;
    for (char c : s) out += (c == '\r' || c == '\n') ? ' ' : c;
    return out;
}

std::string crlf(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') continue;
        if (s[i] == '\n') out += "\r\n";
        else out += s[i];
    }
    return out;
}

}  // namespace

bool plain_address(std::string_view a) {
    size_t at = a.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string_view::npos) return false;
    for (unsigned char c : a)
        if (c <= 0x20 || c == '<' || c == '>' || c == ',' || c == '"' || c == 0x7f) return false;
    return a.size() <= 254;
}

std::string rfc5322_date(std::string_view iso) {
    if (!is_iso_time(iso) || iso.size() < 19) return std::string(iso);
    std::tm tm{};
    tm.tm_year = std::stoi(std::string(iso.substr(0, 4))) - 1900;
    tm.tm_mon = std::stoi(std::string(iso.substr(5, 2))) - 1;
    tm.tm_mday = std::stoi(std::string(iso.substr(8, 2)));
    tm.tm_hour = std::stoi(std::string(iso.substr(11, 2)));
    tm.tm_min = std::stoi(std::string(iso.substr(14, 2)));
    tm.tm_sec = std::stoi(std::string(iso.substr(17, 2)));
    std::time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string message_id(std::string_view outbox_id, std::string_view from_addr) {
    size_t at = from_addr.find('@');
    std::string domain = at == std::string_view::npos ? "atelier.invalid" : std::string(from_addr.substr(at + 1));
    return std::string(outbox_id) + "@" + domain;
}

std::string build(const Envelope& e) {
    std::string h;
    h += "Date: " + e.date + "\r\n";
    h += "From: " + (e.from_name.empty() ? "" : encode_header(clean_line(e.from_name)) + " ") + "<" + e.from_addr + ">\r\n";
    h += "To: <" + e.to + ">\r\n";
    if (!e.reply_to.empty()) h += "Reply-To: <" + e.reply_to + ">\r\n";
    h += "Subject: " + encode_header(clean_line(e.subject)) + "\r\n";
    h += "Message-ID: <" + e.message_id + ">\r\n";
    h += "MIME-Version: 1.0\r\n";
    h += "Auto-Submitted: auto-generated\r\n";
    const std::string text = wrap76(base64(crlf(e.text)));
    if (e.html.empty()) {
        h += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        return h + text;
    }
    // The boundary cannot occur in base64 text (it holds a '=' and '_').
    const std::string b = "=_atelier_" + base64(e.message_id).substr(0, 16);
    h += "Content-Type: multipart/alternative; boundary=\"" + b + "\"\r\n\r\n";
    h += "--" + b + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + text;
    h += "--" + b + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrap76(base64(crlf(e.html)));
    h += "--" + b + "--\r\n";
    return h;
}

std::string escape_html(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

std::string escape(std::string_view s) { return escape_html(s); }

// One line of text: escaped, with http(s) URLs as links.
std::string line_html(std::string_view line) {
    std::string out;
    size_t i = 0;
    while (i < line.size()) {
        size_t h = line.find("http", i);
        if (h == std::string_view::npos) break;
        if (line.compare(h, 7, "http://") != 0 && line.compare(h, 8, "https://") != 0) {
            out += escape(line.substr(i, h + 4 - i));
            i = h + 4;
            continue;
        }
        size_t end = h;
        while (end < line.size() && (unsigned char)line[end] > 0x20 && line[end] != '<' && line[end] != '>' && line[end] != '"') ++end;
        while (end > h && (line[end - 1] == '.' || line[end - 1] == ',' || line[end - 1] == ')' || line[end - 1] == ';' ||
                           line[end - 1] == '!' || line[end - 1] == '?'))
            --end;
        out += escape(line.substr(i, h - i));
        std::string url = escape(line.substr(h, end - h));
        out += "<a href=\"" + url + "\" style=\"color:#2457c5\">" + url + "</a>";
        i = end;
    }
    out += escape(line.substr(i));
    return out;
}

}  // namespace

std::string text_to_html(std::string_view text, std::string_view lang, std::string_view studio) {
    std::string body;
    std::string para;
    auto flush = [&] {
        if (!para.empty()) body += "<p style=\"margin:0 0 1em\">" + para + "</p>\n";
        para.clear();
    };
    size_t i = 0;
    while (i <= text.size()) {
        size_t nl = text.find('\n', i);
        std::string_view line = text.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) flush();
        else para += (para.empty() ? "" : "<br>\n") + line_html(line);
        if (nl == std::string_view::npos) break;
        i = nl + 1;
    }
    flush();
    return "<!doctype html>\n<html lang=\"" + escape(lang) + "\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width\"></head>\n"
           "<body style=\"margin:0;padding:24px;background:#f5f6f8\">"
           "<div style=\"max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;"
           "font:15px/1.55 -apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d2330\">\n" +
           body + "</div>" +
           (studio.empty() ? "" : "<p style=\"max-width:560px;margin:12px auto 0;font:12px/1.4 Arial,sans-serif;color:#7a8190;text-align:center\">" +
                                      escape(studio) + "</p>") +
           "</body></html>\n";
}

}  // namespace atelier::mail
