// atelier/error.h — the one exception type of the core.
//
// Every error the world can cause (bad input, a missing row, an illegal move)
// is an atelier::Error whose message names the operation, the field and the
// problem, e.g.
//   atelier: money: amount: expected digits, got "12a"
// and whose kind says what sort of refusal it is, so that a host answers
// without reading the text:
//
//   invalid     the input is wrong (HTTP 400; the default)
//   not_found   a row named by id does not exist (404)
//   conflict    the input is fine but the state forbids it: a document
//               accepted already, a lead with unpaid invoices (409)
//   forbidden   the person may not do this (403)
//   internal    the database itself failed (500; DbError)
//
// Hosts turn it into an SQL error, an HTTP status and body, or a message on
// screen.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace atelier {

enum class ErrorKind { invalid, not_found, conflict, forbidden, internal };

struct Error : std::runtime_error {
    explicit Error(const std::string& what, ErrorKind k = ErrorKind::invalid)
        : std::runtime_error("atelier: " + what), kind(k) {}
    ErrorKind kind;
};

// "no <thing> with id "<id>"", named for the field that carried the id.
inline Error not_found(const std::string& op_field, const std::string& thing, const std::string& id) {
    return Error(op_field + ": no " + thing + " with id \"" + id + "\"", ErrorKind::not_found);
}
inline Error conflict(const std::string& what) { return Error(what, ErrorKind::conflict); }

// Every problem of an input at once: throws Error("<what>: p1; p2; ...")
// when there is any, so that one refusal names every bad field.
inline void refuse_if_any(const std::string& what, const std::vector<std::string>& problems) {
    if (problems.empty()) return;
    std::string msg = what + ": ";
    for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
    throw Error(msg);
}
inline Error forbidden(const std::string& what) { return Error(what, ErrorKind::forbidden); }

// A failure of the database itself (a constraint, I/O, a busy lock): the
// text is for the studio's logs, not for a client's page.
struct DbError : Error {
    explicit DbError(const std::string& what) : Error(what, ErrorKind::internal) {}
};

// The HTTP status of a kind.
inline int http_status(ErrorKind k) {
    switch (k) {
        case ErrorKind::not_found: return 404;
        case ErrorKind::conflict: return 409;
        case ErrorKind::forbidden: return 403;
        case ErrorKind::internal: return 500;
        default: return 400;
    }
}
inline const char* kind_name(ErrorKind k) {
    switch (k) {
        case ErrorKind::not_found: return "not_found";
        case ErrorKind::conflict: return "conflict";
        case ErrorKind::forbidden: return "forbidden";
        case ErrorKind::internal: return "internal";
        default: return "invalid";
    }
}

}  // namespace atelier
