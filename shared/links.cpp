// atelier/links.cpp — see links.h.
#include "links.h"

#include <random>

#include "error.h"
#include "ids.h"
#include "store.h"

namespace atelier {

std::string random_token() {
    static thread_local std::random_device rd;  // the OS's CSPRNG (getrandom / crypto.getRandomValues)
    unsigned char bytes[16];
    for (int i = 0; i < 16; i += 4) {
        uint32_t r = rd();
        for (int k = 0; k < 4; ++k) bytes[i + k] = (unsigned char)(r >> (8 * k));
    }
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            out += alphabet[(acc >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits) out += alphabet[(acc << (6 - bits)) & 63];
    return out;  // 22 characters
}

static std::string lead_of(sqlite3* db, std::string_view kind, std::string_view doc_id) {
    std::string table = kind == "brief" ? "briefs" : kind == "proposal" ? "proposals" : kind == "contract" ? "contracts"
                      : kind == "invoice" ? "invoices" : kind == "act" ? "acts" : kind == "project" ? "projects" : "";
    if (table.empty())
        throw Error("link: kind: expected brief, proposal, contract, invoice, act or project, got \"" + std::string(kind) + "\"");
    Stmt q(db, ("SELECT lead_id FROM " + table + " WHERE id = ?1").c_str());
    q.bind(1, doc_id);
    if (!q.step()) throw Error("link: doc_id: no " + std::string(kind) + " with id \"" + std::string(doc_id) + "\"", ErrorKind::not_found);
    return q.text(0);
}

std::string create_link(sqlite3* db, std::string_view kind, std::string_view doc_id, std::string_view at,
                        std::string_view expires_at) {
    if (!is_iso_time(at)) throw Error("link: at: expected an ISO 8601 UTC time");
    if (!expires_at.empty() && !is_iso_time(expires_at)) throw Error("link: expires_at: expected an ISO 8601 UTC time");
    std::string lead = lead_of(db, kind, doc_id);
    std::string token = random_token();
    Stmt ins(db, "INSERT INTO doc_links(token, kind, doc_id, lead_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    ins.bind(1, token).bind(2, kind).bind(3, doc_id).bind(4, lead).bind(5, at);
    if (expires_at.empty()) ins.bind_null(6); else ins.bind(6, expires_at);
    ins.step();
    return token;
}

std::optional<Link> resolve_link(sqlite3* db, std::string_view token, std::string_view now) {
    if (token.size() != 22) return std::nullopt;
    Stmt q(db, "SELECT token, kind, doc_id, lead_id, coalesce(expires_at, '') FROM doc_links WHERE token = ?1 AND revoked_at IS NULL"
               " AND (expires_at IS NULL OR expires_at > ?2)");
    q.bind(1, token).bind(2, now);
    if (!q.step()) return std::nullopt;
    return Link{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)};
}

void revoke_link(sqlite3* db, std::string_view token, std::string_view at) {
    Stmt q(db, "UPDATE doc_links SET revoked_at = ?2 WHERE token = ?1 AND revoked_at IS NULL");
    q.bind(1, token).bind(2, at).step();
    if (sqlite3_changes(db) == 0) throw Error("link: token: no live link with this token");
}

std::string link_for(sqlite3* db, std::string_view kind, std::string_view doc_id, std::string_view at) {
    Stmt q(db, "SELECT token FROM doc_links WHERE kind = ?1 AND doc_id = ?2 AND revoked_at IS NULL"
               " AND (expires_at IS NULL OR expires_at > ?3) ORDER BY created_at LIMIT 1");
    q.bind(1, kind).bind(2, doc_id).bind(3, at);
    if (q.step()) return q.text(0);
    return create_link(db, kind, doc_id, at);
}

}  // namespace atelier
