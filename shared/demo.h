// atelier/demo.h — the demo data set a new installation starts with.
//
// A studio with bank details, an owner and a manager, a price list in RUB,
// and a dozen leads in Russian and French spread over every stage, each with
// a plausible history of stage events. seed_demo() does nothing on a
// database that already has a studio.
//
// seed_demo_history() then gives that studio a year of history, as a
// newcomer needs to judge documents and reports: requests from several
// sources owned by two managers, each walked through the conveyor by the
// transitions the hosts call (brief sent and filled in, estimate, proposal,
// contract signed online, invoices issued and paid, some late or unpaid,
// production stages completed with their acts signed), or lost at some
// stage with a reason. The story is the same on every platform for the same
// `now` (the year ends an hour before it); ids and link tokens are random.
// Clients' e-mail addresses are under .example, so no mail reaches anyone.
#pragma once
#include <string_view>

#include "atelier_sqlite.h"

namespace atelier {

// Returns true if it seeded, false if the database already had data.
bool seed_demo(sqlite3* db);

// Needs seed_demo() and install_defaults(); `now` is ISO 8601 UTC, base_url
// the server's address for the briefs' links. Returns the leads it made.
int seed_demo_history(sqlite3* db, std::string_view now, std::string_view base_url, int leads = 290);

}  // namespace atelier
