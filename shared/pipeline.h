// atelier/pipeline.h — the stages of a lead, as a state machine.
//
//   new → brief_sent → brief_filled → estimated → proposal_sent
//       → contract_sent → invoiced → won
//
// Allowed moves:
//   - forward to the next stage;
//   - new → brief_filled (the manager fills the brief during a call);
//   - proposal_sent or contract_sent → estimated (revise the estimate);
//   - any stage but won → lost, with a non-empty reason;
//   - lost → new (reopen).
// won is final. Every move is an event row (from, to, time, actor, reason).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "atelier_sqlite.h"

namespace atelier {

const std::vector<std::string>& stages();  // in pipeline order, lost last
bool is_stage(std::string_view s);
// Throws atelier::Error naming `field` if s is not a stage.
void require_stage(std::string_view s, const char* field);
// The stage after s on the main line, or "" for won and lost.
std::string next_stage(std::string_view s);
// Whether from → to is a legal move; throws for an unknown stage.
bool stage_allowed(std::string_view from, std::string_view to);

struct MoveResult {
    std::string event_id;
    std::string from;
    std::string to;
};

// Moves a lead and records the event, in one savepoint. `at` is an ISO time
// (the caller supplies it, so the write is replayable). An illegal move, an
// unknown lead, or `lost` without a reason throws and changes nothing.
MoveResult move_lead(sqlite3* db, std::string_view lead_id, std::string_view to, std::string_view actor,
                     std::string_view reason, std::string_view at);

}  // namespace atelier
