// A simulated year: 200 leads move through the conveyor with random delays,
// some never answer, some pay late or never; the rules are evaluated every
// simulated hour and the outbox sent, except for one day when the mail
// server is down. Then, from what happened (not from the outbox's own
// bookkeeping): no reminder missed, none sent twice, none sent after its
// condition stopped holding, and the day's backlog delivered once.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include "automation.h"
#include "conveyor.h"
#include "demo.h"
#include "ids.h"
#include "test_db.h"
#include "workflow.h"

using namespace atelier;
using nlohmann::json;
namespace au = atelier::automation;

namespace {

const Actor anna{"user-anna", "Anna Petrova", "app", false};
const json kAnswers = {{"company", "Acme"}, {"activity", "Flowers"}, {"goals", {"sales"}}, {"pages", 6},
                       {"sections", {"about", "contacts"}}, {"content_pages", 4}, {"languages", 1}, {"needs_catalogue", false},
                       {"design_level", "template"}, {"integrations", json::array()}, {"seo", false}, {"urgency", "normal"}};

constexpr int64_t kHour = 3600, kDay = 86400;
constexpr int64_t kNever = INT64_MAX / 4;

// Simulated time: seconds from the start, and its ISO text.
const int64_t kT0 = 1798761600;  // 2027-01-01T00:00:00Z
std::string iso(int64_t s) { return au::add_seconds("2027-01-01T00:00:00Z", s - kT0); }
int64_t secs(const std::string& t) {
    // Inverse of iso(): whole seconds from the start.
    int64_t lo = kT0 - 400 * kDay, hi = kT0 + 800 * kDay;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (iso(mid) < t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

struct SimLead {
    std::string id, proposal, contract;
    int64_t created = 0, submit_at = kNever, propose_at = kNever, accept_at = kNever, lose_at = kNever, sign_at = kNever;
    int64_t issue2_at = kNever;
    std::vector<int64_t> pay_at;       // per invoice position (1-based index - 1)
    int64_t submitted = kNever, lost = kNever, proposed = kNever, accepted = kNever, signed_ = kNever;
};

struct SentMail {
    std::string id, rule, lead, occasion;
    int64_t at;
};

}  // namespace

TEST_CASE("automation: a simulated year of 200 leads: no reminder missed, none twice, none after its condition stopped holding") {
    seed_ids(20271);
    TestDb t;
    seed_demo(t.db);
    install_defaults(t.db, iso(kT0));
    // A studio's own rule with a delay: its condition is decided when it falls due.
    au::set_rule(t.db, json{{"code", "invoice_nudge"}, {"spec", {{"trigger", {{"event", "invoice_issued"}}}, {"delay_minutes", 3 * 24 * 60},
                                                                {"conditions", {"invoice_unpaid"}}, {"channel", "email"},
                                                                {"template", "invoice_due"}}}},
                 iso(kT0));
    std::mt19937_64 rng(20271);
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto hours = [&](int lo, int hi) { return (int64_t)std::uniform_int_distribution<int>(lo, hi)(rng) * kHour; };

    const int64_t end = kT0 + 365 * kDay;
    const int64_t down_from = kT0 + 150 * kDay + 5 * kHour, down_to = down_from + kDay;  // the mail server is down
    std::vector<SimLead> leads;
    std::vector<SentMail> sent;
    std::map<std::string, int64_t> paid_at;  // invoice id -> when fully paid
    std::map<std::string, int64_t> issued_at;
    int64_t next_lead = kT0 + hours(1, 30);

    for (int64_t now = kT0; now <= end; now += kHour) {
        const std::string at = iso(now);
        // New requests until there are 200.
        while (leads.size() < 200 && next_lead <= now) {
            SimLead l;
            l.created = now;
            NewLead n = new_lead_from_json(json{{"client_name", "Client " + std::to_string(leads.size())},
                                                {"email", "c" + std::to_string(leads.size()) + "@example.org"},
                                                {"lang", leads.size() % 3 == 0 ? "fr" : "ru"},
                                                {"currency", leads.size() % 3 == 0 ? "EUR" : "RUB"}});
            l.id = conveyor::intake(t.db, n, json::object(), system_actor(), "https://studio.test", at).lead_id;
            if (chance(0.75)) l.submit_at = now + hours(1, 24 * 7);
            else l.lose_at = now + hours(24 * 10, 24 * 40);
            leads.push_back(l);
            next_lead = now + hours(2, 24 * 3);
        }
        for (SimLead& l : leads) {
            if (l.lost != kNever) continue;
            if (l.lose_at <= now && l.signed_ == kNever) {
                conveyor::lose(t.db, l.id, "no_answer", "", anna, at);
                l.lost = now;
                continue;
            }
            if (l.submit_at <= now && l.submitted == kNever) {
                conveyor::save_brief(t.db, l.id, "corporate", kAnswers, true, client_actor("Client"), at);
                l.submitted = now;
                l.propose_at = now + hours(1, 48);
            }
            if (l.propose_at <= now && l.proposed == kNever) {
                std::string est = conveyor::estimate(t.db, l.id, json{{"start_date", at.substr(0, 10)}}, anna, at).made["estimate_id"];
                l.proposal = conveyor::propose(t.db, est, anna, at).made["proposal_id"];
                l.proposed = now;
                if (chance(0.65)) l.accept_at = now + hours(1, 24 * 9);
                else l.lose_at = now + hours(24 * 6, 24 * 30);
            }
            if (l.accept_at <= now && l.accepted == kNever) {
                l.contract = conveyor::accept(t.db, l.proposal, Acceptance{"online", "Client", "198.51.100.1", ""}, client_actor("Client"), at)
                                 .made["contract_id"];
                l.accepted = now;
                l.sign_at = chance(0.9) ? now + hours(1, 24 * 6) : kNever;
                if (l.sign_at == kNever) l.lose_at = now + hours(24 * 8, 24 * 20);
            }
            if (l.sign_at <= now && l.signed_ == kNever) {
                json ids = conveyor::sign(t.db, l.contract, Acceptance{"online", "Client", "198.51.100.1", ""}, client_actor("Client"), at)
                               .made["invoice_ids"];
                l.signed_ = now;
                for (const json& id : ids) {
                    Stmt q(t.db, "SELECT issued_on IS NOT NULL FROM invoices WHERE id = ?1");
                    q.bind(1, id.get<std::string>()).step();
                    if (q.int64(0)) issued_at[id.get<std::string>()] = now;
                    // Paid soon, late, or never within the year.
                    const double r = std::uniform_real_distribution<double>(0, 1)(rng);
                    l.pay_at.push_back(r < 0.5 ? now + hours(1, 24 * 6) : r < 0.85 ? now + hours(24 * 6, 24 * 25) : kNever);
                }
                l.issue2_at = now + hours(24 * 5, 24 * 40);
            }
            if (l.signed_ != kNever && l.issue2_at <= now) {
                Stmt q(t.db, "SELECT id FROM invoices WHERE lead_id = ?1 AND status = 'draft' ORDER BY position LIMIT 1");
                q.bind(1, l.id);
                if (q.step()) {
                    std::string id = q.text(0);
                    conveyor::issue(t.db, id, anna, at);
                    issued_at[id] = now;
                }
                l.issue2_at = kNever;
            }
            if (l.signed_ != kNever) {
                Stmt q(t.db, "SELECT id, position, status FROM invoices WHERE lead_id = ?1 AND status IN ('issued', 'partially_paid')");
                q.bind(1, l.id);
                std::vector<std::pair<std::string, int64_t>> due;
                while (q.step()) due.push_back({q.text(0), q.int64(1)});
                for (const auto& [id, pos] : due) {
                    const size_t k = (size_t)pos - 1;
                    const int64_t when = k < l.pay_at.size() ? l.pay_at[k] : kNever;
                    // An invoice issued later is paid counting from its own issue.
                    const int64_t pay = when == kNever ? kNever : std::max(when, issued_at[id] + (when - l.signed_));
                    if (pay <= now) {
                        conveyor::pay(t.db, id, 0, "", at.substr(0, 10), "bank_transfer", anna, at);
                        paid_at[id] = now;
                    }
                }
            }
        }
        au::tick(t.db, at, "https://studio.test");
        while (auto m = au::claim(t.db, at)) {
            if (now >= down_from && now < down_to) {
                au::mark_retry(t.db, m->id, at, "Couldn't connect to server", 300);
                break;
            }
            Stmt o(t.db, "SELECT occasion FROM outbox WHERE id = ?1");
            o.bind(1, m->id).step();
            au::mark_sent(t.db, m->id, at);
            sent.push_back({m->id, m->rule, m->lead_id, o.text(0), now});
        }
    }

    INFO("sent: " << sent.size());
    CHECK(sent.size() > 1000);
    // None twice: by the sender's own log, not the table's constraint.
    std::set<std::string> ids;
    for (const auto& m : sent) CHECK(ids.insert(m.id).second);

    auto invoice_of = [](const std::string& occasion) {
        size_t c = occasion.find(':'), a = occasion.find('@');
        return occasion.substr(c + 1, (a == std::string::npos ? occasion.size() : a) - c - 1);
    };
    std::map<std::string, std::set<std::string>> sent_by;  // rule -> invoice / lead
    std::map<std::string, int64_t> sent_at;                // rule|invoice -> when
    for (const auto& m : sent) {
        if (m.rule.rfind("invoice_", 0) == 0) {
            const std::string inv = invoice_of(m.occasion);
            sent_by[m.rule].insert(inv);
            sent_at[m.rule + "|" + inv] = m.at;
            // Never after its condition stopped holding: the invoice was unpaid when it went.
            auto p = paid_at.find(inv);
            CHECK_MESSAGE((p == paid_at.end() || p->second > m.at), m.rule << " for a paid invoice " << inv);
        } else {
            sent_by[m.rule].insert(m.lead);
        }
        if (m.rule == "brief_reminder") {
            const SimLead* l = nullptr;
            for (const auto& x : leads)
                if (x.id == m.lead) l = &x;
            REQUIRE(l);
            CHECK(l->submitted > m.at);
            CHECK(l->lost > m.at);
        }
    }

    // None missed: every reminder whose moment came while its condition held
    // (well before the end and with a margin after the mail server's day) went.
    struct Level {
        const char* rule;
        int64_t offset;  // from the due date, 06:00 UTC
    };
    const Level levels[] = {{"invoice_due", -2 * kDay}, {"invoice_overdue_1", kDay}, {"invoice_overdue_2", 7 * kDay}};
    int expected = 0;
    for (const auto& kv : issued_at) {
        const std::string inv = kv.first;  // (not a structured binding: the checks' lambdas capture it)
        const int64_t issued = kv.second;
        Stmt q(t.db, "SELECT due_on FROM invoices WHERE id = ?1");
        q.bind(1, inv).step();
        const int64_t due = secs(q.text(0) + "T06:00:00Z");
        const int64_t paid = paid_at.count(inv) ? paid_at[inv] : kNever;
        for (const Level& lv : levels) {
            const int64_t moment = due + lv.offset;
            const int64_t issued_day = secs(iso(issued).substr(0, 10) + "T00:00:00Z");
            if (moment < issued_day || moment > end - kDay) continue;
            const bool held = paid > moment + 2 * kDay && !(moment >= down_from - kDay && moment < down_to + kDay);
            const bool gone = sent_by[lv.rule].count(inv) > 0;
            if (held) {
                ++expected;
                CHECK_MESSAGE(gone, lv.rule << " missed for invoice " << inv);
                // On time: in the hour of its moment.
                if (gone) CHECK_MESSAGE(sent_at[std::string(lv.rule) + "|" + inv] - moment < kHour, lv.rule << " late for " << inv);
            }
            if (paid <= moment) CHECK_MESSAGE(!gone, lv.rule << " sent for an invoice paid before its moment");
        }
    }
    CHECK(expected > 100);
    // The delayed rule: sent when the invoice was still unpaid three days after its issue, never otherwise.
    int nudged = 0, spared = 0;
    for (const auto& kv : issued_at) {
        const std::string inv = kv.first;
        const int64_t moment = kv.second + 3 * kDay;
        if (moment > end - kDay) continue;
        const int64_t paid = paid_at.count(inv) ? paid_at[inv] : kNever;
        const bool gone = sent_by["invoice_nudge"].count(inv) > 0;
        if (paid <= moment) {
            CHECK_MESSAGE(!gone, "invoice_nudge sent for invoice " << inv << " paid before it fell due");
            ++spared;
        } else if (paid > moment + 2 * kDay && !(moment >= down_from - kDay && moment < down_to + kDay)) {
            CHECK_MESSAGE(gone, "invoice_nudge missed for invoice " << inv);
            ++nudged;
        }
    }
    CHECK(nudged > 20);
    CHECK(spared > 20);
    // Every lead got its brief link; every payment its thanks.
    CHECK(sent_by["brief_link"].size() == leads.size());
    CHECK((int64_t)sent_by["payment_received"].size() > 0);
    long long payments = t.count("SELECT count(*) FROM events WHERE kind = 'payment_recorded'");
    long long thanks = 0;
    for (const auto& m : sent) thanks += m.rule == "payment_received";
    CHECK(thanks == payments);

    // The mail server's day: nothing went during it, everything due then went after, once.
    int backlog = 0;
    for (const auto& m : sent) {
        CHECK_FALSE((m.at >= down_from && m.at < down_to));
        Stmt q(t.db, "SELECT due_at FROM outbox WHERE id = ?1");
        q.bind(1, m.id).step();
        const int64_t due = secs(q.text(0));
        if (due >= down_from && due < down_to) ++backlog;
    }
    CHECK(backlog > 0);
    CHECK(t.count("SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')") == 0);
    CHECK(t.count("SELECT count(*) FROM outbox WHERE status = 'failed'") == 0);
}
