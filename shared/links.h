// atelier/links.h — client links: /c/<token> for one document.
//
// A token is 128 random bits in base64url (22 characters), scoped to one
// document (brief, proposal, contract, invoice, act) or one project's page,
// revocable and optionally expiring. resolve_link() returns nothing for an unknown, revoked or expired
// token, so the caller can answer a plain 404 that reveals nothing.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "atelier_sqlite.h"

namespace atelier {

struct Link {
    std::string token, kind, doc_id, lead_id;
    std::string expires_at;  // empty: never
};

// `expires_at` may be empty (never expires).
std::string create_link(sqlite3* db, std::string_view kind, std::string_view doc_id, std::string_view at,
                        std::string_view expires_at = {});
std::optional<Link> resolve_link(sqlite3* db, std::string_view token, std::string_view now);
void revoke_link(sqlite3* db, std::string_view token, std::string_view at);
// The live link of a document, creating one if it has none.
std::string link_for(sqlite3* db, std::string_view kind, std::string_view doc_id, std::string_view at);

// 128 random bits, base64url without padding.
std::string random_token();

}  // namespace atelier
