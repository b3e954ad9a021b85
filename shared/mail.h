// atelier/mail.h — e-mail as it goes on the wire (RFC 5322, MIME), built
// from one plain-text body: the HTML part is the same text, escaped, with
// its paragraphs and links.
#pragma once
#include <string>
#include <string_view>

namespace atelier::mail {

struct Envelope {
    std::string from_addr;   // bare address: studio@example.com
    std::string from_name;   // the studio's name
    std::string to;          // bare address
    std::string reply_to;    // bare address, or ""
    std::string subject;     // UTF-8
    std::string text;        // UTF-8 plain text
    std::string html;        // UTF-8 HTML, or "" for a text-only message
    std::string message_id;  // without angle brackets: <id>@<domain>
    std::string date;        // RFC 5322 date, e.g. "Sun, 29 Nov 2026 14:02:00 +0000"
};

// The whole message: headers, a multipart/alternative body (or one text
// part), lines ending in CRLF, every part base64 so that any UTF-8 text
// travels whole.
std::string build(const Envelope& e);

// "Sun, 29 Nov 2026 14:02:00 +0000" from "2026-11-29T14:02:00Z".
std::string rfc5322_date(std::string_view iso);

// A Message-ID for an outbox row: the same row always gets the same one.
std::string message_id(std::string_view outbox_id, std::string_view from_addr);

// True for a plausible bare address (one @, no spaces, no CR/LF, no <>).
bool plain_address(std::string_view a);

// The HTML part: the text escaped, blank lines as paragraphs, URLs as links.
std::string text_to_html(std::string_view text, std::string_view lang, std::string_view studio);

std::string base64(std::string_view bytes);

// & < > " as entities: text put into HTML.
std::string escape_html(std::string_view s);

}  // namespace atelier::mail
