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
#include <string_view>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"

namespace atelier::auth {

bool init();  // libsodium; false if it cannot start

// Whether `header` is "sha256=<hex>" with the HMAC-SHA256 of `body` under
// `secret`, compared in constant time.
bool signature_ok(const std::string& secret, const std::string& body, const std::string& header);

// The SHA-256 of `data` in lowercase hex.
std::string sha256_hex(std::string_view data);

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

// Log-in in three steps, so that the slow password check (argon2id, tens of
// megabytes and a fraction of a second) runs without the database lock:
// find_account() under the lock; check_password() outside it, against a
// dummy hash for an unknown e-mail so that both take the same time; then
// open_session() under the lock.
struct Account {
    std::string user_id, hash;  // user_id empty: no such account
};
Account find_account(sqlite3* db, const std::string& email);
bool check_password(const Account& a, const std::string& password);
Session open_session(sqlite3* db, const std::string& user_id, const std::string& addr, const std::string& at);
// All three at once (tests, tools). Throws Error("login: wrong e-mail or password").
Session login(sqlite3* db, const std::string& email, const std::string& password, const std::string& at);
void logout(sqlite3* db, const std::string& token);
std::optional<Principal> from_session(sqlite3* db, const std::string& token, const std::string& now);
std::optional<Principal> from_api_token(sqlite3* db, const std::string& token, const std::string& now);
// `device`: the app's sync device id (16 hex digits), or empty. The token
// expires `days` days after `at`.
std::string create_api_token(sqlite3* db, const std::string& user_id, const std::string& name, const std::string& at,
                             const std::string& device = "", int days = 365);

// Sessions and API tokens as JSON for the owner's screen: every account's
// when `user_id` is empty, else that user's. Each has an "id" to revoke it by.
nlohmann::json list_sessions(sqlite3* db, const std::string& user_id, const std::string& now);
nlohmann::json list_api_tokens(sqlite3* db, const std::string& user_id, const std::string& now);
// True if it existed (and, with `user_id` given, belonged to that user).
bool revoke_session(sqlite3* db, const std::string& id, const std::string& user_id);
bool revoke_api_token(sqlite3* db, const std::string& id, const std::string& user_id, const std::string& at);

}  // namespace atelier::auth
