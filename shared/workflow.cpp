// atelier/workflow.cpp — see workflow.h.
#include "workflow.h"

#include "automation.h"

#include <algorithm>

#include "brief.h"
#include "documents.h"
#include "links.h"
#include "error.h"
#include "json_in.h"
#include "ids.h"
#include "money.h"
#include "requisites.h"
#include "numbering.h"
#include "pipeline.h"
#include "pricing.h"
#include "store.h"

namespace atelier {

using nlohmann::json;

namespace {

std::string lead_stage(sqlite3* db, std::string_view lead_id) {
    Stmt q(db, "SELECT stage FROM leads WHERE id = ?1");
    q.bind(1, lead_id);
    if (!q.step()) throw Error("lead: lead_id: no lead with id \"" + std::string(lead_id) + "\"", ErrorKind::not_found);
    return q.text(0);
}

// Moves the lead forward to `to` if that is a legal move from where it is.
void advance(sqlite3* db, std::string_view lead_id, const char* to, std::string_view actor, std::string_view at) {
    std::string from = lead_stage(db, lead_id);
    if (from != to && stage_allowed(from, to)) move_lead(db, lead_id, to, actor, "", at);
}

int year_of(std::string_view at) { return std::stoi(std::string(at.substr(0, 4))); }

void check_time(std::string_view at) {
    if (!is_iso_time(at)) throw Error("at: expected an ISO 8601 UTC time, got \"" + std::string(at) + "\"");
}

}  // namespace

void install_defaults(sqlite3* db, std::string_view at) {
    check_time(at);
    Savepoint sp(db, "atelier_install_defaults");
    for (const json& t : default_brief_templates()) {
        Stmt ins(db, "INSERT INTO brief_templates(id, code, version, title, body_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                     " ON CONFLICT(code, version) DO NOTHING");
        std::string code = t["code"].get<std::string>();
        ins.bind(1, uuid_from("brief_template|" + code + "|1")).bind(2, code).bind(3, (int64_t)t["version"].get<int>())
            .bind(4, t["title"]["en"].get<std::string>()).bind(5, t.dump()).bind(6, at).step();
    }
    std::string studio;
    {
        Stmt s(db, "SELECT id FROM studio ORDER BY created_at LIMIT 1");
        if (s.step()) studio = s.text(0);
    }
    if (!studio.empty()) {
        for (const char* cur : {"RUB", "EUR"}) {
            Stmt has(db, "SELECT 1 FROM price_lists WHERE currency = ?1 AND json_extract(body_json, '$.services') IS NOT NULL");
            has.bind(1, cur);
            if (has.step()) continue;
            Stmt ins(db, "INSERT INTO price_lists(id, studio_id, name, version, currency, body_json, created_at)"
                         " VALUES (?1, ?2, ?3, coalesce((SELECT max(version) + 1 FROM price_lists WHERE studio_id = ?2 AND name = ?3), 1), ?4, ?5, ?6)");
            std::string body = std::string(cur) == "RUB" ? default_price_list_rub() : default_price_list_eur();
            ins.bind(1, uuid_from(std::string("price_list|Standard ") + cur)).bind(2, studio).bind(3, std::string("Standard ") + cur).bind(4, cur).bind(5, body).bind(6, at).step();
        }
    }
    for (const char* kind : {"proposal", "contract", "invoice"})
        for (const char* lang : {"ru", "fr", "en"}) {
            Stmt ins(db, "INSERT INTO templates(id, kind, code, lang, version, body, updated_at) VALUES (?1, ?2, 'default', ?3, 1, ?4, ?5)"
                         " ON CONFLICT(kind, code, lang, version) DO NOTHING");
            ins.bind(1, uuid_from(std::string("template|") + kind + "|" + lang)).bind(2, kind).bind(3, lang)
                .bind(4, default_template(kind, parse_lang(lang))).bind(5, at).step();
        }
    automation::install_default_rules(db, at);
    install_calendar(db);
    sp.commit();
}

std::string save_brief(sqlite3* db, std::string_view lead_id, std::string_view code, const json& answers, bool submit,
                       std::string_view actor, std::string_view at) {
    check_time(at);
    Savepoint sp(db, "atelier_save_brief");
    lead_stage(db, lead_id);
    Stmt t(db, "SELECT id, body_json FROM brief_templates WHERE code = ?1 ORDER BY version DESC LIMIT 1");
    t.bind(1, code);
    if (!t.step()) throw Error("brief: template: no brief template \"" + std::string(code) + "\"");
    std::string template_id = t.text(0);
    json tpl = parse_json(t.text(1), "brief_template");
    auto problems = validate_answers(tpl, answers);
    // A draft may be incomplete; a submitted brief must be valid.
    if (!submit) problems.erase(std::remove_if(problems.begin(), problems.end(),
                                               [](const BriefProblem& p) { return p.missing; }), problems.end());
    if (!problems.empty()) throw Error("brief: " + join_problems(problems));
    // Once a brief has been estimated it stays as it was: a change makes a
    // new version, and what was estimated, proposed or accepted keeps its own.
    const bool estimated = brief_estimated(db, lead_id);
    Stmt cur(db, "SELECT id FROM briefs WHERE lead_id = ?1 ORDER BY updated_at DESC, rowid DESC LIMIT 1");
    cur.bind(1, lead_id);
    std::string id = cur.step() && !estimated ? cur.text(0) : new_uuid();
    Stmt up(db, "INSERT INTO briefs(id, lead_id, template_id, answers_json, status, submitted_at, updated_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET template_id = ?3, answers_json = ?4,"
                " status = ?5, submitted_at = ?6, updated_at = ?7");
    up.bind(1, id).bind(2, lead_id).bind(3, template_id).bind(4, answers.dump()).bind(5, submit ? "submitted" : "draft");
    if (submit) up.bind(6, at); else up.bind_null(6);
    up.bind(7, at).step();
    if (submit && !estimated) advance(db, lead_id, "brief_filled", actor, at);
    sp.commit();
    return id;
}

bool brief_estimated(sqlite3* db, std::string_view lead_id) {
    Stmt q(db, "SELECT EXISTS (SELECT 1 FROM estimates e WHERE e.brief_id = (SELECT id FROM briefs WHERE lead_id = ?1"
               " ORDER BY updated_at DESC, rowid DESC LIMIT 1))");
    q.bind(1, lead_id);
    q.step();
    return q.int64(0) != 0;
}

std::string estimate_lead(sqlite3* db, std::string_view lead_id, const json& options, std::string_view actor,
                          std::string_view at) {
    check_time(at);
    Savepoint sp(db, "atelier_estimate_lead");
    Stmt l(db, "SELECT currency FROM leads WHERE id = ?1");
    l.bind(1, lead_id);
    if (!l.step()) throw Error("estimate: lead_id: no lead with id \"" + std::string(lead_id) + "\"", ErrorKind::not_found);
    std::string currency = l.text(0);
    Stmt b(db, "SELECT id, answers_json FROM briefs WHERE lead_id = ?1 ORDER BY updated_at DESC, rowid DESC LIMIT 1");
    b.bind(1, lead_id);
    if (!b.step()) throw Error("estimate: the lead has no brief yet", ErrorKind::conflict);
    std::string brief_id = b.text(0);
    json answers = parse_json(b.text(1), "brief.answers");
    Stmt p(db, "SELECT id, body_json FROM price_lists WHERE currency = ?1 AND active = 1 ORDER BY version DESC, created_at DESC LIMIT 1");
    p.bind(1, currency);
    if (!p.step()) throw Error("estimate: no active price list in " + currency);
    std::string pl_id = p.text(0);
    auto pl = compile_price_list_text(p.text(1));
    EstimateOptions opt = estimate_options_from_json(options);
    const WorkCalendar cal = load_calendar(db, price_list_calendar(*pl));
    opt.calendar = &cal;
    std::string body = estimate_json(*pl, answers, opt);
    json parsed = parse_json(body, "estimate");
    std::string id = new_uuid();
    Stmt ins(db, "INSERT INTO estimates(id, lead_id, version, brief_id, price_list_id, body_json, overrides_json, total_minor, currency, created_at)"
                 " VALUES (?1, ?2, coalesce((SELECT max(version) FROM estimates WHERE lead_id = ?2), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    ins.bind(1, id).bind(2, lead_id).bind(3, brief_id).bind(4, pl_id).bind(5, body).bind(6, opt.overrides.dump())
        .bind(7, parsed["total"].get<int64_t>()).bind(8, currency).bind(9, at).step();
    Stmt amt(db, "UPDATE leads SET amount_minor = ?2, updated_at = ?3 WHERE id = ?1");
    amt.bind(1, lead_id).bind(2, parsed["total"].get<int64_t>()).bind(3, at).step();
    advance(db, lead_id, "estimated", actor, at);
    sp.commit();
    return id;
}

std::string create_proposal(sqlite3* db, std::string_view estimate_id, std::string_view actor, std::string_view at) {
    check_time(at);
    Savepoint sp(db, "atelier_create_proposal");
    Stmt e(db, "SELECT e.lead_id, l.lang FROM estimates e JOIN leads l ON l.id = e.lead_id WHERE e.id = ?1");
    e.bind(1, estimate_id);
    if (!e.step()) throw Error("proposal: estimate_id: no estimate with id \"" + std::string(estimate_id) + "\"", ErrorKind::not_found);
    std::string lead_id = e.text(0), lang = e.text(1);
    // An older draft of the same lead is superseded by the new one.
    Stmt sup(db, "UPDATE proposals SET status = 'superseded', updated_at = ?2 WHERE lead_id = ?1 AND status IN ('draft', 'sent')");
    sup.bind(1, lead_id).bind(2, at).step();
    std::string id = new_uuid();
    Stmt ins(db, "INSERT INTO proposals(id, lead_id, estimate_id, version, status, lang, created_at, updated_at)"
                 " VALUES (?1, ?2, ?3, coalesce((SELECT max(version) FROM proposals WHERE lead_id = ?2), 0) + 1, 'sent', ?4, ?5, ?5)");
    ins.bind(1, id).bind(2, lead_id).bind(3, estimate_id).bind(4, lang).bind(5, at).step();
    advance(db, lead_id, "proposal_sent", actor, at);
    sp.commit();
    return id;
}

// The client's acceptance of a proposal or contract: name, address and time
// recorded, and the document frozen as a snapshot in its language. A
// proposal gets its number now; a contract has one from its creation.
static void accept_document(sqlite3* db, const char* kind, std::string_view id, std::string_view name,
                            std::string_view ip, std::string_view at, std::string_view channel, std::string_view note,
                            std::string_view recorded_by) {
    check_time(at);
    if (name.find_first_not_of(" \t") == std::string_view::npos) throw Error("accept: name: the client's name is required");
    if (channel != "online" && channel != "phone" && channel != "email" && channel != "paper")
        throw Error("accept: channel: expected online, phone, email or paper, got \"" + std::string(channel) + "\"");
    if (channel != "online" && recorded_by.find_first_not_of(" \t") == std::string_view::npos)
        throw Error("accept: recorded_by: an acceptance by " + std::string(channel) + " names the manager who records it");
    if (name.size() > 200) throw Error("accept: name: at most 200 characters");
    if (note.size() > 2000) throw Error("accept: note: at most 2000 characters");
    const std::string table = std::string(kind) + "s";
    Savepoint sp(db, "atelier_accept");
    Stmt q(db, ("SELECT status, lang FROM " + table + " WHERE id = ?1").c_str());
    q.bind(1, id);
    if (!q.step()) throw Error(std::string("accept: ") + kind + "_id: no " + kind + " with id \"" + std::string(id) + "\"", ErrorKind::not_found);
    std::string status = q.text(0), lang = q.text(1);
    if (status != "sent" && status != "draft")
        throw Error(std::string("accept: the ") + kind + " is " + status + " and cannot be accepted", ErrorKind::conflict);
    if (std::string(kind) == "proposal") {
        DocNumber n = document_number(db, "proposal", year_of(at));
        Stmt num(db, "UPDATE proposals SET number = ?2, provisional_number = ?3 WHERE id = ?1");
        num.bind(1, id);
        if (n.number.empty()) num.bind_null(2); else num.bind(2, n.number);
        if (n.provisional.empty()) num.bind_null(3); else num.bind(3, n.provisional);
        num.step();
    }
    Stmt up(db, ("UPDATE " + table + " SET status = 'accepted', accepted_by = ?2, accepted_ip = ?3, accepted_at = ?4,"
                 " updated_at = ?4, accepted_channel = ?5, accepted_note = nullif(?6, ''), recorded_by = nullif(?7, '') WHERE id = ?1").c_str());
    up.bind(1, id).bind(2, name).bind(3, ip).bind(4, at).bind(5, channel).bind(6, note).bind(7, channel == "online" ? "" : recorded_by).step();
    std::string html = document_html(db, kind, id, parse_lang(lang));
    Stmt snap(db, ("UPDATE " + table + " SET snapshot_html = ?2 WHERE id = ?1").c_str());
    snap.bind(1, id).bind(2, html).step();
    sp.commit();
}

void accept_proposal(sqlite3* db, std::string_view proposal_id, std::string_view name, std::string_view ip,
                     std::string_view at, std::string_view channel, std::string_view note, std::string_view recorded_by) {
    accept_document(db, "proposal", proposal_id, name, ip, at, channel, note, recorded_by);
}

std::string create_contract(sqlite3* db, std::string_view proposal_id, std::string_view actor, std::string_view at) {
    check_time(at);
    Savepoint sp(db, "atelier_create_contract");
    Stmt q(db, "SELECT p.lead_id, p.status, p.lang, e.body_json FROM proposals p JOIN estimates e ON e.id = p.estimate_id WHERE p.id = ?1");
    q.bind(1, proposal_id);
    if (!q.step()) throw Error("contract: proposal_id: no proposal with id \"" + std::string(proposal_id) + "\"", ErrorKind::not_found);
    if (q.text(1) != "accepted") throw Error("contract: the proposal must be accepted first (it is " + q.text(1) + ")", ErrorKind::conflict);
    std::string lead_id = q.text(0), lang = q.text(2);
    json est = parse_json(q.text(3), "estimate");
    // One contract per accepted proposal, whichever device makes it: its id
    // comes from the proposal's, so two devices make the same row.
    std::string id = uuid_from("contract|" + std::string(proposal_id));
    {
        Stmt has(db, "SELECT status FROM contracts WHERE id = ?1");
        has.bind(1, id);
        if (has.step()) {
            if (has.text(0) == "superseded" || has.text(0) == "declined")
                throw Error("contract: the contract of this proposal is " + has.text(0) + "; accept a new proposal version first", ErrorKind::conflict);
            sp.commit();
            return id;  // made already: nothing changes
        }
    }
    Stmt sup(db, "UPDATE contracts SET status = 'superseded', updated_at = ?2 WHERE lead_id = ?1 AND status IN ('draft', 'sent')");
    sup.bind(1, lead_id).bind(2, at).step();
    DocNumber n = document_number(db, "contract", year_of(at));
    Stmt ins(db, "INSERT INTO contracts(id, lead_id, proposal_id, number, provisional_number, version, status, lang,"
                 " payment_schedule_json, created_at, updated_at)"
                 " VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?8, ''), coalesce((SELECT max(version) FROM contracts WHERE lead_id = ?2), 0) + 1,"
                 " 'sent', ?5, ?6, ?7, ?7)");
    ins.bind(1, id).bind(2, lead_id).bind(3, proposal_id).bind(4, n.number).bind(5, lang)
        .bind(6, est["payment_schedule"].dump()).bind(7, at).bind(8, n.provisional).step();
    advance(db, lead_id, "contract_sent", actor, at);
    sp.commit();
    return id;
}

std::vector<std::string> create_invoices(sqlite3* db, std::string_view contract_id, std::string_view issued_on, int due_days,
                                         std::string_view actor, std::string_view at) {
    check_time(at);
    if (issued_on.size() != 10 || !is_iso_time(issued_on)) throw Error("invoice: issued_on: expected a date YYYY-MM-DD");
    if (due_days < 0 || due_days > 365) throw Error("invoice: due_days: expected 0 to 365");
    Savepoint sp(db, "atelier_create_invoices");
    Stmt q(db, "SELECT c.lead_id, coalesce(c.number, c.provisional_number), c.lang, c.payment_schedule_json, e.body_json, e.currency, c.created_at FROM contracts c"
               " JOIN proposals p ON p.id = c.proposal_id JOIN estimates e ON e.id = p.estimate_id WHERE c.id = ?1");
    q.bind(1, contract_id);
    if (!q.step()) throw Error("invoice: contract_id: no contract with id \"" + std::string(contract_id) + "\"", ErrorKind::not_found);
    {
        Stmt has(db, "SELECT count(*) FROM invoices WHERE contract_id = ?1 AND status != 'void'");
        has.bind(1, contract_id);
        has.step();
        if (has.int64(0) > 0) throw Error("invoice: the contract has invoices already", ErrorKind::conflict);
    }
    std::string lead_id = q.text(0), cnum = q.text(1), lang = q.text(2), currency = q.text(5);
    json schedule = parse_json(q.text(3), "payment_schedule"), est = parse_json(q.text(4), "estimate");
    int64_t bp = est["tax"]["rate_bp"].get<int64_t>();
    bool vat = est["tax"]["mode"].get<std::string>() != "no_vat";
    std::string due = add_working_days(std::string(issued_on), due_days, load_calendar(db, calendar_country_of(currency)));
    std::vector<std::string> ids;
    int position = 0;
    for (const json& p : schedule) {
        ++position;
        int64_t amount = p["amount"].get<int64_t>();
        int64_t tax = vat ? div_round_half_away(mul_minor(amount, bp), 10000 + bp) : 0;
        json text = json::object();
        for (const char* l : {"ru", "fr", "en"}) {
            std::string under = std::string(l) == "ru" ? "по договору № " : std::string(l) == "fr" ? "selon le contrat n° " : "under contract No. ";
            text[l] = p["name"].value(l, "") + " (" + std::to_string(p["percent"].get<int64_t>()) + " %) " + under + cnum;
        }
        json lines = json::array({json{{"text", text}, {"amount", amount}}});
        // One invoice per line of the schedule, whichever device issues it.
        // A payment due at signing is issued now; one due at a stage's end
        // ("on": "launch") is planned: a draft without number or due date
        // until the stage is done (or the manager issues it), its due date
        // counted from then.
        std::string id = uuid_from("invoice|" + std::string(contract_id) + "|" + std::to_string(position));
        const bool now_due = p.value("on", position == 1 ? "signing" : "") == "signing";
        DocNumber n = now_due ? document_number(db, "invoice", year_of(std::string(issued_on))) : DocNumber{};
        Stmt ins(db, "INSERT INTO invoices(id, lead_id, contract_id, number, provisional_number, status, lang, currency, lines_json, subtotal_minor,"
                     " tax_minor, total_minor, issued_on, due_on, created_at, updated_at, position)"
                     " VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?13, ''), ?15, ?5, ?6, ?7, ?8, ?9, ?8, nullif(?10, ''), nullif(?11, ''), ?12, ?12, ?14)");
        ins.bind(13, n.provisional).bind(14, (int64_t)position).bind(15, now_due ? "issued" : "draft");
        ins.bind(1, id).bind(2, lead_id).bind(3, contract_id).bind(4, n.number).bind(5, lang).bind(6, currency)
            .bind(7, lines.dump()).bind(8, amount).bind(9, tax).bind(10, now_due ? issued_on : "").bind(11, now_due ? due : "")
            .bind(12, at).step();
        if (now_due) {
            std::string html = document_html(db, "invoice", id, parse_lang(lang));
            Stmt snap(db, "UPDATE invoices SET snapshot_html = ?2 WHERE id = ?1");
            snap.bind(1, id).bind(2, html).step();
        }
        ids.push_back(id);
    }
    advance(db, lead_id, "invoiced", actor, at);
    sp.commit();
    return ids;
}

std::string issue_invoice(sqlite3* db, std::string_view invoice_id, std::string_view issued_on, int due_days, std::string_view actor,
                          std::string_view at) {
    check_time(at);
    if (issued_on.size() != 10 || !is_iso_time(issued_on)) throw Error("invoice: issued_on: expected a date YYYY-MM-DD");
    if (due_days < 0 || due_days > 365) throw Error("invoice: due_days: expected 0 to 365");
    Savepoint sp(db, "atelier_issue_invoice");
    Stmt q(db, "SELECT status, lang, currency FROM invoices WHERE id = ?1");
    q.bind(1, invoice_id);
    if (!q.step()) throw Error("invoice: invoice_id: no invoice with id \"" + std::string(invoice_id) + "\"", ErrorKind::not_found);
    if (q.text(0) != "draft") throw Error("invoice: the invoice is " + q.text(0) + " already; only a planned one is issued", ErrorKind::conflict);
    std::string lang = q.text(1);
    DocNumber n = document_number(db, "invoice", year_of(std::string(issued_on)));
    Stmt up(db, "UPDATE invoices SET status = 'issued', number = nullif(?2, ''), provisional_number = nullif(?3, ''), issued_on = ?4,"
                " due_on = ?5, updated_at = ?6 WHERE id = ?1");
    up.bind(1, invoice_id).bind(2, n.number).bind(3, n.provisional).bind(4, issued_on)
        .bind(5, add_working_days(std::string(issued_on), due_days, load_calendar(db, calendar_country_of(q.text(2))))).bind(6, at).step();
    std::string html = document_html(db, "invoice", invoice_id, parse_lang(lang));
    Stmt snap(db, "UPDATE invoices SET snapshot_html = ?2 WHERE id = ?1");
    snap.bind(1, invoice_id).bind(2, html).step();
    (void)actor;
    sp.commit();
    return n.number.empty() ? n.provisional : n.number;
}

std::string record_payment(sqlite3* db, std::string_view invoice_id, int64_t amount, std::string_view reference,
                           std::string_view received_on, std::string_view method, std::string_view at) {
    check_time(at);
    if (amount <= 0) throw Error("payment: amount_minor: must be positive");
    if (reference.empty()) throw Error("payment: reference: required (it makes recording a payment idempotent)");
    if (received_on.size() != 10 || !is_iso_time(received_on)) throw Error("payment: received_on: expected a date YYYY-MM-DD");
    Savepoint sp(db, "atelier_record_payment");
    Stmt inv(db, "SELECT lead_id, currency, total_minor, status FROM invoices WHERE id = ?1");
    inv.bind(1, invoice_id);
    if (!inv.step()) throw Error("payment: invoice_id: no invoice with id \"" + std::string(invoice_id) + "\"", ErrorKind::not_found);
    std::string lead_id = inv.text(0), currency = inv.text(1), status = inv.text(3);
    int64_t total = inv.int64(2);
    Stmt dup(db, "SELECT invoice_id, amount_minor FROM payments WHERE reference = ?1");
    dup.bind(1, reference);
    if (dup.step()) {
        if (dup.text(0) != invoice_id || dup.int64(1) != amount)
            throw Error("payment: reference: \"" + std::string(reference) + "\" was already used for another payment");
        sp.commit();
        return status;  // the same payment recorded twice: nothing changes
    }
    if (status == "void" || status == "draft") throw Error("payment: the invoice is " + status, ErrorKind::conflict);
    Stmt paid(db, "SELECT coalesce(sum(amount_minor), 0) FROM payments WHERE invoice_id = ?1");
    paid.bind(1, invoice_id);
    paid.step();
    int64_t after = add_minor(paid.int64(0), amount);
    if (after > total) throw Error("payment: amount_minor: " + std::to_string(amount) + " exceeds what is left to pay (" +
                                   std::to_string(total - paid.int64(0)) + ")");
    Stmt ins(db, "INSERT INTO payments(id, invoice_id, amount_minor, currency, method, reference, received_on, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ins.bind(1, uuid_from(std::string("payment|") + std::string(reference))).bind(2, invoice_id).bind(3, amount)
        .bind(4, currency).bind(5, method.empty() ? "bank_transfer" : method).bind(6, reference).bind(7, received_on).bind(8, at).step();
    std::string new_status = after == total ? "paid" : "partially_paid";
    Stmt up(db, "UPDATE invoices SET status = ?2, updated_at = ?3 WHERE id = ?1");
    up.bind(1, invoice_id).bind(2, new_status).bind(3, at).step();
    // All invoices of the lead paid: the lead is won.
    Stmt open(db, "SELECT count(*) FROM invoices WHERE lead_id = ?1 AND status NOT IN ('paid', 'void')");
    open.bind(1, lead_id);
    open.step();
    if (open.int64(0) == 0) advance(db, lead_id, "won", "payments", at);
    sp.commit();
    return new_status;
}

}  // namespace atelier

namespace atelier {

std::string send_brief(sqlite3* db, std::string_view lead_id, std::string_view code, std::string_view base_url,
                       std::string_view actor, std::string_view at) {
    check_time(at);
    Savepoint sp(db, "atelier_send_brief");
    Stmt l(db, "SELECT 1 FROM leads WHERE id = ?1");
    l.bind(1, lead_id);
    if (!l.step()) throw Error("send_brief: lead_id: no lead with id \"" + std::string(lead_id) + "\"", ErrorKind::not_found);
    Stmt b(db, "SELECT id FROM briefs WHERE lead_id = ?1 ORDER BY updated_at DESC LIMIT 1");
    b.bind(1, lead_id);
    std::string brief_id = b.step() ? b.text(0) : save_brief(db, lead_id, code, json::object(), false, actor, at);
    std::string token = link_for(db, "brief", brief_id, at);
    advance(db, lead_id, "brief_sent", actor, at);
    sp.commit();
    return token;
}

void accept_contract(sqlite3* db, std::string_view contract_id, std::string_view name, std::string_view ip,
                     std::string_view at, std::string_view channel, std::string_view note, std::string_view recorded_by) {
    accept_document(db, "contract", contract_id, name, ip, at, channel, note, recorded_by);
}

}  // namespace atelier

namespace atelier {

StudioDetails studio_details(sqlite3* db) {
    Stmt q(db, "SELECT name, legal_name, tax_id, address, email, phone, bank_json, lang, currency FROM studio ORDER BY created_at LIMIT 1");
    StudioDetails s;
    if (!q.step()) return s;
    s.name = q.text(0); s.legal_name = q.text(1); s.tax_id = q.text(2); s.address = q.text(3); s.email = q.text(4); s.phone = q.text(5);
    s.lang = q.text(7); s.currency = q.text(8);
    json bank = parse_json_or_discard(q.text(6));
    if (bank.is_object()) {
        s.bank = bank.value("bank", ""); s.bik = bank.value("bik", ""); s.account = bank.value("account", "");
        s.corr_account = bank.value("corr_account", ""); s.iban = bank.value("iban", ""); s.bic = bank.value("bic", "");
    }
    // The legal details the documents print win over the older columns.
    json r = studio_requisites(db);
    if (r.is_object() && r.contains("country")) {
        auto f = [&](const char* k, std::string* dst) { if (r.contains(k) && r[k].is_string()) *dst = r[k].get<std::string>(); };
        f("legal_name", &s.legal_name); f("address", &s.address); f(r["country"] == "fr" ? "siret" : "inn", &s.tax_id);
        f("bank", &s.bank); f("bik", &s.bik); f("account", &s.account); f("corr_account", &s.corr_account); f("iban", &s.iban); f("bic", &s.bic);
    }
    return s;
}

void save_studio(sqlite3* db, const StudioDetails& s) {
    std::vector<std::string> problems;
    if (s.name.find_first_not_of(" \t") == std::string::npos) problems.push_back("name: required");
    if (!s.email.empty() && s.email.find('@') == std::string::npos) problems.push_back("email: \"" + s.email + "\" is not an e-mail address");
    auto digits = [](const std::string& v, size_t n) {
        if (v.empty()) return true;
        if (v.size() != n) return false;
        for (char c : v) if (c < '0' || c > '9') return false;
        return true;
    };
    if (!digits(s.bik, 9)) problems.push_back("bik: expected 9 digits");
    if (!digits(s.account, 20)) problems.push_back("account: expected 20 digits");
    if (!digits(s.corr_account, 20)) problems.push_back("corr_account: expected 20 digits");
    if (s.lang != "ru" && s.lang != "fr" && s.lang != "en") problems.push_back("lang: expected ru, fr or en, got \"" + s.lang + "\"");
    if (s.currency != "RUB" && s.currency != "EUR" && s.currency != "USD")
        problems.push_back("currency: expected RUB, EUR or USD, got \"" + s.currency + "\"");
    refuse_if_any("studio", problems);
    json bank = json::object();
    for (auto [k, v] : {std::pair<const char*, const std::string*>{"bank", &s.bank}, {"bik", &s.bik}, {"account", &s.account},
                        {"corr_account", &s.corr_account}, {"iban", &s.iban}, {"bic", &s.bic}})
        if (!v->empty()) bank[k] = *v;
    // The same fields in the legal details the documents print, checked by
    // their country's rules (the country stays; a new studio's follows its
    // language). Untouched when none of them changed: a device that only
    // changes the phone does not send its copy of the legal details.
    const StudioDetails was = studio_details(db);
    const bool legal_changed = was.legal_name != s.legal_name || was.address != s.address || was.tax_id != s.tax_id ||
                               was.bank != s.bank || was.bik != s.bik || was.account != s.account ||
                               was.corr_account != s.corr_account || was.iban != s.iban || was.bic != s.bic;
    json r = studio_requisites(db);
    if (!r.is_object() || !r.contains("country")) r = {{"country", s.lang == "fr" ? "fr" : "ru"}};
    const bool fr = r["country"] == "fr";
    auto put = [&](const char* k, const std::string& v) {
        if (v.empty()) r.erase(k);
        else r[k] = v;
    };
    put("legal_name", s.legal_name); put("address", s.address); put(fr ? "siret" : "inn", s.tax_id);
    put("bank", s.bank); put("bik", s.bik); put("account", s.account); put("corr_account", s.corr_account); put("iban", s.iban); put("bic", s.bic);
    std::vector<std::string> legal = legal_changed ? requisites_problems(r, false) : std::vector<std::string>{};
    for (std::string& p : legal)  // the settings screen calls the INN or SIRET field tax_id
        if (p.rfind("inn:", 0) == 0 || p.rfind("siret:", 0) == 0) p = "tax_id" + p.substr(p.find(':'));
    refuse_if_any("studio", legal);
    Stmt up(db, "UPDATE studio SET name = ?1, legal_name = ?2, tax_id = ?3, address = ?4, email = ?5, phone = ?6, bank_json = ?7,"
                " lang = ?8, currency = ?9, requisites_json = CASE WHEN ?11 THEN ?10 ELSE requisites_json END"
                " WHERE id = (SELECT id FROM studio ORDER BY created_at LIMIT 1)");
    up.bind(1, s.name).bind(2, s.legal_name).bind(3, s.tax_id).bind(4, s.address).bind(5, s.email).bind(6, s.phone).bind(7, bank.dump())
        .bind(8, s.lang).bind(9, s.currency).bind(10, r.dump()).bind(11, (int64_t)legal_changed).step();
}

json studio_requisites(sqlite3* db) {
    Stmt q(db, "SELECT requisites_json FROM studio ORDER BY created_at LIMIT 1");
    if (!q.step()) return json::object();
    json r = parse_json_or_discard(q.text(0));
    return r.is_object() ? r : json::object();
}

void set_studio_requisites(sqlite3* db, const json& r) {
    auto problems = requisites_problems(r, true);
    refuse_if_any("studio: requisites", problems);
    Stmt up(db, "UPDATE studio SET requisites_json = ?1 WHERE id = (SELECT id FROM studio ORDER BY created_at LIMIT 1)");
    up.bind(1, r.dump()).step();
    if (sqlite3_changes(db) == 0) throw Error("studio: no studio in this database", ErrorKind::not_found);
}

int64_t set_price_list_tax(sqlite3* db, std::string_view currency, std::string_view mode, int64_t rate_bp, std::string_view at) {
    if (mode != "no_vat" && mode != "vat_on_top" && mode != "vat_included")
        throw Error("tax: mode: expected no_vat, vat_on_top or vat_included, got \"" + std::string(mode) + "\"");
    if (rate_bp < 0 || rate_bp > 10000) throw Error("tax: rate: expected 0 to 100 %");
    if (mode == "no_vat") rate_bp = 0;
    else if (rate_bp == 0) throw Error("tax: rate: a VAT mode needs a rate above 0 %");
    Stmt q(db, "SELECT body_json, version FROM price_lists WHERE currency = ?1 AND active = 1 ORDER BY version DESC LIMIT 1");
    q.bind(1, currency);
    if (!q.step()) throw Error("tax: currency: no active price list in " + std::string(currency));
    json pl = parse_json(q.text(0), "price_list");
    json tax = {{"mode", std::string(mode)}, {"rate_bp", rate_bp}};
    if (pl.contains("tax") && pl["tax"] == tax) return q.int64(1);
    pl["tax"] = tax;
    return save_price_list(db, pl.dump(2), at);
}

int64_t save_price_list(sqlite3* db, std::string_view text, std::string_view at) {
    check_time(at);
    json j = parse_json(text, "price_list");
    compile_price_list(j);  // every field checked, errors name the path
    std::string currency = j["currency"].get<std::string>();
    Savepoint sp(db, "atelier_save_price_list");
    Stmt v(db, "SELECT coalesce(max(version), 0) + 1, (SELECT id FROM studio ORDER BY created_at LIMIT 1),"
               " coalesce((SELECT name FROM price_lists WHERE currency = ?1 AND active = 1 ORDER BY version DESC LIMIT 1), 'Standard ' || ?1)"
               " FROM price_lists WHERE currency = ?1");
    v.bind(1, currency);
    v.step();
    int64_t version = v.int64(0);
    std::string studio = v.text(1), name = v.text(2);
    Stmt off(db, "UPDATE price_lists SET active = 0 WHERE currency = ?1");
    off.bind(1, currency).step();
    Stmt ins(db, "INSERT INTO price_lists(id, studio_id, name, version, currency, body_json, active, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)");
    ins.bind(1, new_uuid()).bind(2, studio).bind(3, name).bind(4, version).bind(5, currency).bind(6, j.dump(2)).bind(7, at).step();
    sp.commit();
    return version;
}

int64_t save_template(sqlite3* db, std::string_view kind, std::string_view lang, std::string_view body, std::string_view at) {
    check_time(at);
    default_template(kind);  // checks the kind
    parse_lang(lang, "lang");
    render_template(body, json::object());  // a broken template is refused with its line
    Savepoint sp(db, "atelier_save_template");
    Stmt v(db, "SELECT coalesce(max(version), 0) + 1 FROM templates WHERE kind = ?1 AND code = 'default' AND lang = ?2");
    v.bind(1, kind).bind(2, lang);
    v.step();
    int64_t version = v.int64(0);
    Stmt ins(db, "INSERT INTO templates(id, kind, code, lang, version, body, updated_at) VALUES (?1, ?2, 'default', ?3, ?4, ?5, ?6)");
    ins.bind(1, new_uuid()).bind(2, kind).bind(3, lang).bind(4, version).bind(5, body).bind(6, at).step();
    sp.commit();
    return version;
}

int64_t save_brief_template(sqlite3* db, std::string_view text, std::string_view at) {
    check_time(at);
    json j = parse_json(text, "brief_template");
    std::string code = j.is_object() && j.contains("code") && j["code"].is_string() ? j["code"].get<std::string>() : "";
    Savepoint sp(db, "atelier_save_brief_template");
    Stmt v(db, "SELECT coalesce(max(version), 0) + 1 FROM brief_templates WHERE code = ?1");
    v.bind(1, code);
    v.step();
    int64_t version = v.int64(0);
    j["version"] = version;
    check_brief_template(j);
    Stmt ins(db, "INSERT INTO brief_templates(id, code, version, title, body_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    ins.bind(1, new_uuid()).bind(2, code).bind(3, version).bind(4, j["title"]["en"].get<std::string>()).bind(5, j.dump()).bind(6, at).step();
    sp.commit();
    return version;
}

}  // namespace atelier
