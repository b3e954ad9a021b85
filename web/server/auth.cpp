// web/server/auth.cpp — see auth.h.
#include "auth.h"

#include <sodium.h>

#include "error.h"
#include "ids.h"
#include "store.h"

namespace atelier::auth {

namespace {

std::string hex(const unsigned char* p, size_t n) {
    std::string s(n * 2, '0');
    sodium_bin2hex(s.data(), s.size() + 1, p, n);
    return s;
}

std::string random_hex(size_t bytes) {
    unsigned char buf[64];
    randombytes_buf(buf, bytes);
    return hex(buf, bytes);
}

std::string token_hash(const std::string& token) {
    unsigned char out[32];
    crypto_generichash(out, sizeof out, (const unsigned char*)token.data(), token.size(), nullptr, 0);
    return hex(out, sizeof out);
}

// Session lifetime: 14 days from login.
std::string expiry(const std::string& at) {
    int y = std::stoi(at.substr(0, 4)), m = std::stoi(at.substr(5, 2)), d = std::stoi(at.substr(8, 2)) + 14;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (;;) {
        int md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
        if (d <= md) break;
        d -= md;
        if (++m > 12) { m = 1; ++y; }
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%s", y, m, d, at.substr(10).c_str());
    return buf;
}

}  // namespace

bool init() { return sodium_init() >= 0; }

std::string hash_password(const std::string& password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw Error("password: hashing failed (out of memory)");
    return out;
}

bool verify_password(const std::string& hash, const std::string& password) {
    return !hash.empty() && crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string ensure_owner(sqlite3* db, const std::string& email, const std::string& password, const std::string& at) {
    {
        Stmt q(db, "SELECT 1 FROM users WHERE password_hash != '' LIMIT 1");
        if (q.step()) return "";
    }
    std::string pw = password.empty() ? random_hex(12) : password;
    if (pw.size() < 10) throw Error("owner password: at least 10 characters");
    Savepoint sp(db, "atelier_owner");
    std::string studio;
    {
        Stmt s(db, "SELECT id FROM studio ORDER BY created_at LIMIT 1");
        if (!s.step()) throw Error("owner: no studio");
        studio = s.text(0);
    }
    Stmt owner(db, "SELECT id FROM users WHERE role = 'owner' ORDER BY created_at LIMIT 1");
    std::string hash = hash_password(pw);
    if (owner.step() && email.empty()) {
        Stmt up(db, "UPDATE users SET password_hash = ?2 WHERE id = ?1");
        up.bind(1, owner.text(0)).bind(2, hash).step();
    } else {
        std::string e = email.empty() ? "owner@localhost" : email;
        Stmt up(db, "INSERT INTO users(id, studio_id, email, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?3, 'owner', ?4, ?5)"
                    " ON CONFLICT(email) DO UPDATE SET password_hash = ?4, role = 'owner'");
        up.bind(1, new_uuid()).bind(2, studio).bind(3, e).bind(4, hash).bind(5, at).step();
    }
    sp.commit();
    return pw;
}

Session login(sqlite3* db, const std::string& email, const std::string& password, const std::string& at) {
    Stmt q(db, "SELECT id, password_hash FROM users WHERE email = ?1");
    q.bind(1, email);
    bool found = q.step();
    std::string id = found ? q.text(0) : "", hash = found ? q.text(1) : "";
    if (!found || !verify_password(hash, password)) throw Error("login: wrong e-mail or password");
    Session s{random_hex(32), random_hex(16)};
    Stmt ins(db, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    ins.bind(1, token_hash(s.token)).bind(2, id).bind(3, s.csrf).bind(4, at).bind(5, expiry(at)).step();
    return s;
}

void logout(sqlite3* db, const std::string& token) {
    Stmt q(db, "DELETE FROM sessions WHERE token_hash = ?1");
    q.bind(1, token_hash(token)).step();
}

std::optional<Principal> from_session(sqlite3* db, const std::string& token, const std::string& now) {
    if (token.size() != 64) return std::nullopt;
    Stmt q(db, "SELECT u.id, u.email, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
               " WHERE s.token_hash = ?1 AND s.expires_at > ?2");
    q.bind(1, token_hash(token)).bind(2, now);
    if (!q.step()) return std::nullopt;
    return Principal{q.text(0), q.text(1), q.text(2), q.text(3)};
}

std::optional<Principal> from_api_token(sqlite3* db, const std::string& token) {
    if (token.size() != 64) return std::nullopt;
    Stmt q(db, "SELECT u.id, u.email, u.role, coalesce(t.device_id, '') FROM api_tokens t JOIN users u ON u.id = t.user_id"
               " WHERE t.token_hash = ?1 AND t.revoked_at IS NULL");
    q.bind(1, token_hash(token));
    if (!q.step()) return std::nullopt;
    return Principal{q.text(0), q.text(1), q.text(2), "", q.text(3)};
}

std::string create_api_token(sqlite3* db, const std::string& user_id, const std::string& name, const std::string& at,
                             const std::string& device) {
    std::string token = random_hex(32);
    Stmt ins(db, "INSERT INTO api_tokens(token_hash, user_id, name, created_at, device_id) VALUES (?1, ?2, ?3, ?4, nullif(?5, ''))");
    ins.bind(1, token_hash(token)).bind(2, user_id).bind(3, name).bind(4, at).bind(5, device).step();
    return token;
}

}  // namespace atelier::auth
