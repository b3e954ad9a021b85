// atelier/uploads.h — files the client sends with an answer to a material
// request: what is accepted, under which name, and how it is served back.
//
// A file is accepted when its name's extension is on the list below and its
// first bytes are what that extension says (a PNG starts with the PNG
// signature, a .txt holds UTF-8 text that is not a web page). Programs and
// web pages are refused by name and by content. The name is cut to its last
// path component, cleaned of characters no file system or header takes, and
// shortened to 150 characters keeping the extension; the file is stored
// under its id, never under the client's name.
//
//   uploads::Accepted a = uploads::check("Logo final.SVG", bytes);   // throws Error naming the file
//   a.name  == "Logo final.SVG", a.type == "image/svg+xml", a.inline_ok == false
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "error.h"

namespace atelier::uploads {

constexpr size_t kFileMax = 20u << 20;         // one file
constexpr size_t kFilesPerAnswer = 10;          // files in one answer
constexpr size_t kRequestMax = 60u << 20;      // one form with its files

struct Accepted {
    std::string name;   // the cleaned name, UTF-8, at most 150 characters
    std::string type;   // the media type it is stored as
    bool inline_ok;     // shown in the browser (raster images); else downloaded
};

// Why a file was refused: the client's page says it in the client's language.
enum class Reason { empty, too_large, program, web_page, not_accepted, mismatch, bad_name };

struct Refused : Error {
    Refused(const std::string& name, Reason r, const std::string& problem)
        : Error("file \"" + name + "\": " + problem), file(name), reason(r) {}
    std::string file;   // the cleaned name
    Reason reason;
};

// The file as accepted, or Refused("file \"<name>\": <problem>").
Accepted check(std::string_view filename, std::string_view content);

// What the page says of the accepted kinds: "PDF, PNG, JPEG, …".
extern const char* const kAcceptedKinds;

// The name cleaned (see above); "file" when nothing is left.
std::string clean_name(std::string_view filename);

// "2.4 MB", "830 KB", "12 bytes" in the language ("ru", "fr", "en").
std::string size_text(int64_t bytes, std::string_view lang);

// The folder beside the database that holds its files ("<db>.files").
std::string folder_of(const std::string& db_path);

// The Content-Disposition of a file served back: inline or attachment, its
// name in ASCII and in UTF-8 (RFC 6266 / 5987).
std::string disposition(const Accepted& a);

}  // namespace atelier::uploads
