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

bool signature_ok(const std::string& secret, const std::string& body, const std::string& header) {
    if (header.rfind("sha256=", 0) != 0 || header.size() != 7 + 2 * crypto_auth_hmacsha256_BYTES || secret.empty()) return false;
    unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
    size_t len = 0;
    if (sodium_hex2bin(got, sizeof got, header.data() + 7, header.size() - 7, nullptr, &len, nullptr) != 0 || len != sizeof got) return false;
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    crypto_auth_hmacsha256_final(&st, want);
    return sodium_memcmp(want, got, sizeof want) == 0;
}

std::string sha256_hex(std::string_view data) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

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

Account find_account(sqlite3* db, const std::string& email) {
    Stmt q(db, "SELECT id, password_hash FROM users WHERE email = ?1");
    q.bind(1, email);
    if (!q.step()) return {};
    return Account{q.text(0), q.text(1)};
}

bool check_password(const Account& a, const std::string& password) {
    // The same work whether or not the account exists: an unknown e-mail is
    // checked against a hash of a random password made once.
    static const std::string dummy = hash_password(random_hex(16));
    const std::string& hash = a.user_id.empty() || a.hash.empty() ? dummy : a.hash;
    bool ok = verify_password(hash, password);
    return ok && !a.user_id.empty() && !a.hash.empty();
}

Session open_session(sqlite3* db, const std::string& user_id, const std::string& addr, const std::string& at) {
    Session s{random_hex(32), random_hex(16)};
    Stmt ins(db, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at, addr) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    ins.bind(1, token_hash(s.token)).bind(2, user_id).bind(3, s.csrf).bind(4, at).bind(5, expiry(at)).bind(6, addr).step();
    Stmt old(db, "DELETE FROM sessions WHERE expires_at <= ?1");
    old.bind(1, at).step();
    return s;
}

Session login(sqlite3* db, const std::string& email, const std::string& password, const std::string& at) {
    Account a = find_account(db, email);
    if (!check_password(a, password)) throw Error("login: wrong e-mail or password");
    return open_session(db, a.user_id, "", at);
}

nlohmann::json list_sessions(sqlite3* db, const std::string& user_id, const std::string& now) {
    Stmt q(db, "SELECT substr(s.token_hash, 1, 16), u.email, s.created_at, s.expires_at, s.addr FROM sessions s"
               " JOIN users u ON u.id = s.user_id WHERE s.expires_at > ?1 AND (?2 = '' OR s.user_id = ?2) ORDER BY s.created_at DESC");
    q.bind(1, now).bind(2, user_id);
    nlohmann::json out = nlohmann::json::array();
    while (q.step())
        out.push_back({{"id", q.text(0)}, {"email", q.text(1)}, {"created_at", q.text(2)}, {"expires_at", q.text(3)},
                       {"addr", q.text(4)}});
    return out;
}

nlohmann::json list_api_tokens(sqlite3* db, const std::string& user_id, const std::string& now) {
    Stmt q(db, "SELECT substr(t.token_hash, 1, 16), u.email, t.name, t.created_at, t.expires_at, coalesce(t.device_id, ''),"
               " t.revoked_at IS NOT NULL FROM api_tokens t JOIN users u ON u.id = t.user_id"
               " WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?1) AND (?2 = '' OR t.user_id = ?2)"
               " ORDER BY t.created_at DESC");
    q.bind(1, now).bind(2, user_id);
    nlohmann::json out = nlohmann::json::array();
    while (q.step())
        out.push_back({{"id", q.text(0)}, {"email", q.text(1)}, {"name", q.text(2)}, {"created_at", q.text(3)},
                       {"expires_at", q.text(4)}, {"device", q.text(5)}});
    return out;
}

bool revoke_session(sqlite3* db, const std::string& id, const std::string& user_id) {
    if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
    Stmt q(db, "DELETE FROM sessions WHERE substr(token_hash, 1, 16) = ?1 AND (?2 = '' OR user_id = ?2)");
    q.bind(1, id).bind(2, user_id).step();
    return sqlite3_changes(db) > 0;
}

bool revoke_api_token(sqlite3* db, const std::string& id, const std::string& user_id, const std::string& at) {
    if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
    Stmt q(db, "UPDATE api_tokens SET revoked_at = ?3 WHERE substr(token_hash, 1, 16) = ?1 AND (?2 = '' OR user_id = ?2)"
               " AND revoked_at IS NULL");
    q.bind(1, id).bind(2, user_id).bind(3, at).step();
    return sqlite3_changes(db) > 0;
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

std::optional<Principal> from_api_token(sqlite3* db, const std::string& token, const std::string& now) {
    if (token.size() != 64) return std::nullopt;
    Stmt q(db, "SELECT u.id, u.email, u.role, coalesce(t.device_id, '') FROM api_tokens t JOIN users u ON u.id = t.user_id"
               " WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?2)");
    q.bind(1, token_hash(token)).bind(2, now);
    if (!q.step()) return std::nullopt;
    return Principal{q.text(0), q.text(1), q.text(2), "", q.text(3)};
}

std::string create_api_token(sqlite3* db, const std::string& user_id, const std::string& name, const std::string& at,
                             const std::string& device, int days) {
    std::string token = random_hex(32);
    Stmt ins(db, "INSERT INTO api_tokens(token_hash, user_id, name, created_at, device_id, expires_at)"
                 " VALUES (?1, ?2, ?3, ?4, nullif(?5, ''), strftime('%Y-%m-%dT%H:%M:%SZ', ?4, '+' || ?6 || ' days'))");
    ins.bind(1, token_hash(token)).bind(2, user_id).bind(3, name).bind(4, at).bind(5, device).bind(6, (int64_t)days).step();
    return token;
}

}  // namespace atelier::auth
