// atelier/error.h — the one exception type of the core.
//
// Every error the world can cause (bad input, a missing row, an illegal move)
// is an atelier::Error whose message names the operation, the field and the
// problem, e.g.
//   atelier: money: amount: expected digits, got "12a"
// Hosts turn it into an SQL error, an HTTP 4xx body or a message on screen.
#pragma once
#include <stdexcept>
#include <string>

namespace atelier {

struct Error : std::runtime_error {
    explicit Error(const std::string& what) : std::runtime_error("atelier: " + what) {}
};

// A failure of the database itself (a constraint, I/O, a busy lock): the
// text is for the studio's logs, not for a client's page.
struct DbError : Error {
    using Error::Error;
};

}  // namespace atelier
