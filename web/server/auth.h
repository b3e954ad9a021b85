// web/server/auth.h — accounts for the server: owner and managers.
//
// Passwords are hashed with argon2id (libsodium's crypto_pwhash_str, a
// memory-hard function). Sessions and API tokens are random 256-bit values
// handed to the client once and stored only as BLAKE2b hashes, so a copy of
// the database opens no session. A session has a CSRF token that every
// unsafe request made with the cookie must repeat in X-CSRF-Token.
#pragma once
#include <optional>
#include <string>

#include "atelier_sqlite.h"

namespace atelier::auth {

bool init();  // libsodium; false if it cannot start

std::string hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);

// On a database where nobody can log in yet, gives the owner a password:
// `password` if given, else a random one, returned so that it is printed once.
// Returns "" when an account with a password exists already.
std::string ensure_owner(sqlite3* db, const std::string& email, const std::string& password, const std::string& at);

struct Session {
    std::string token;  // for the cookie
    std::string csrf;
};
struct Principal {
    std::string user_id, email, role, csrf;  // csrf is empty for API tokens
    std::string device;                      // the app's device id, for a sync token
};

// Throws atelier::Error("login: ...") for wrong credentials (one message for
// an unknown e-mail and a wrong password).
Session login(sqlite3* db, const std::string& email, const std::string& password, const std::string& at);
void logout(sqlite3* db, const std::string& token);
std::optional<Principal> from_session(sqlite3* db, const std::string& token, const std::string& now);
std::optional<Principal> from_api_token(sqlite3* db, const std::string& token);
// `device`: the app's sync device id (16 hex digits), or empty.
std::string create_api_token(sqlite3* db, const std::string& user_id, const std::string& name, const std::string& at,
                             const std::string& device = "");

}  // namespace atelier::auth
