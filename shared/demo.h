// atelier/demo.h — the demo data set a new installation starts with.
//
// A studio with bank details, an owner and a manager, a price list in RUB,
// and a dozen leads in Russian and French spread over every stage, each with
// a plausible history of stage events. seed_demo() does nothing on a
// database that already has a studio.
#pragma once
#include "atelier_sqlite.h"

namespace atelier {

// Returns true if it seeded, false if the database already had data.
bool seed_demo(sqlite3* db);

}  // namespace atelier
