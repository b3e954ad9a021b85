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

}  // namespace atelier
