// atelier/pipeline.cpp — see pipeline.h.
#include "pipeline.h"

#include "error.h"
#include "ids.h"
#include "store.h"

namespace atelier {

const std::vector<std::string>& stages() {
    static const std::vector<std::string> s = {"new",           "brief_sent",    "brief_filled",
                                               "estimated",     "proposal_sent", "contract_sent",
                                               "invoiced",      "won",           "lost"};
    return s;
}

static int stage_index(std::string_view s) {
    const auto& all = stages();
    for (size_t i = 0; i < all.size(); ++i)
        if (all[i] == s) return (int)i;
    return -1;
}

bool is_stage(std::string_view s) { return stage_index(s) >= 0; }

void require_stage(std::string_view s, const char* field) {
    if (!is_stage(s))
        throw Error(std::string(field) + ": unknown stage \"" + std::string(s) +
                    "\", expected one of new, brief_sent, brief_filled, estimated, proposal_sent, "
                    "contract_sent, invoiced, won, lost");
}

std::string next_stage(std::string_view s) {
    int i = stage_index(s);
    if (i < 0 || s == "won" || s == "lost") return "";
    return stages()[(size_t)i + 1];
}

bool stage_allowed(std::string_view from, std::string_view to) {
    require_stage(from, "from");
    require_stage(to, "to");
    if (from == to || from == "won") return false;
    if (to == "lost") return true;
    if (from == "lost") return to == "new";
    if (next_stage(from) == to) return true;
    if (from == "new" && to == "brief_filled") return true;
    if ((from == "proposal_sent" || from == "contract_sent") && to == "estimated") return true;
    return false;
}

MoveResult move_lead(sqlite3* db, std::string_view lead_id, std::string_view to, std::string_view actor,
                     std::string_view reason, std::string_view at) {
    require_stage(to, "to_stage");
    if (actor.empty()) throw Error("lead_move: actor: expected a non-empty name");
    if (!is_iso_time(at)) throw Error("lead_move: at: expected an ISO 8601 UTC time, got \"" + std::string(at) + "\"");
    if (to == "lost" && reason.empty())
        throw Error("lead_move: reason: a lead moved to 'lost' needs a reason");

    Savepoint sp(db, "atelier_lead_move");
    Stmt cur(db, "SELECT stage, (SELECT count(*) FROM stage_events WHERE lead_id = ?1) FROM leads WHERE id = ?1");
    cur.bind(1, lead_id);
    if (!cur.step()) throw Error("lead_move: lead_id: no lead with id \"" + std::string(lead_id) + "\"", ErrorKind::not_found);
    std::string from = cur.text(0);
    int64_t seq = cur.int64(1);
    if (!stage_allowed(from, to))
        throw Error("lead_move: cannot move a lead from '" + from + "' to '" + std::string(to) + "'", ErrorKind::conflict);

    std::string event_id = uuid_from(std::string(lead_id) + "|" + std::to_string(seq) + "|" + std::string(to) + "|" +
                                     std::string(at) + "|" + std::string(actor), lead_id);
    Stmt up(db, "UPDATE leads SET stage = ?2, lost_reason = CASE WHEN ?2 = 'lost' THEN ?3 ELSE NULL END,"
                " updated_at = ?4 WHERE id = ?1");
    up.bind(1, lead_id).bind(2, to).bind(4, at);
    if (reason.empty()) up.bind_null(3); else up.bind(3, reason);
    up.step();
    Stmt ev(db, "INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor, reason)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    ev.bind(1, event_id).bind(2, lead_id).bind(3, from).bind(4, to).bind(5, at).bind(6, actor);
    if (reason.empty()) ev.bind_null(7); else ev.bind(7, reason);
    ev.step();
    sp.commit();
    return {event_id, from, std::string(to)};
}

}  // namespace atelier
