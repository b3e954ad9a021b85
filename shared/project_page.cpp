// atelier/project_page.cpp — the client's project page (projects.h).
#include <string>

#include "calendar.h"
#include "links.h"
#include "mail.h"
#include "money.h"
#include "projects.h"
#include "store.h"
#include "support.h"
#include "uploads.h"

namespace atelier::projects {

namespace {

using nlohmann::json;

struct Words {
    const char *title, *contract, *stages, *now_expected, *prepare, *documents, *payments, *no_payments, *answer, *send, *due, *answered,
        *planned, *done_on, *started, *late_by, *nothing_expected, *paid, *to_pay, *overdue, *signed_, *to_sign, *accepted, *proposal,
        *contract_doc, *act, *invoice, *whole_project, *days, *done_project, *files, *files_hint, *later;
    const char* status[4];  // planned, in_progress, waiting_client, done
};

const Words kWords[3] = {
    {"Проект", "по договору", "Этапы", "Что нужно от вас сейчас", "Подготовьте к этапу", "Документы", "Оплаты", "Оплат пока нет",
     "Ваш ответ (текст или ссылка на файлы)", "Отправить", "нужно до", "Получено", "план", "завершён", "начат", "опаздывает на",
     "Сейчас от вас ничего не нужно: мы работаем.", "оплачен", "к оплате", "просрочен", "подписан", "на подпись", "принято",
     "Коммерческое предложение", "Договор", "Акт", "Счёт", "весь проект", "дн.", "Проект завершён. Спасибо!",
     "Файлы", "до 10 файлов, каждый до 20 МБ:", "Понадобится позже",
     {"запланирован", "идёт", "ждёт вас", "готов"}},
    {"Projet", "selon le contrat", "Étapes", "Ce que nous attendons de vous", "À préparer pour l’étape", "Documents", "Paiements",
     "Aucun paiement pour l’instant", "Votre réponse (texte ou lien vers les fichiers)", "Envoyer", "pour le", "Reçu", "prévu", "terminée le",
     "commencée le", "en retard de", "Rien n’est attendu de vous pour l’instant : nous avançons.", "payée", "à payer", "en retard",
     "signé", "à signer", "accepté", "Proposition commerciale", "Contrat", "Procès-verbal", "Facture", "tout le projet", "j",
     "Le projet est terminé. Merci !", "Fichiers", "jusqu’à 10 fichiers de 20 Mo chacun :", "Il nous faudra ensuite", {"prévue", "en cours", "vous attend", "terminée"}},
    {"Project", "under contract", "Stages", "What we need from you now", "Prepare for this stage", "Documents", "Payments",
     "No payments yet", "Your answer (text or a link to the files)", "Send", "needed by", "Received", "planned", "done on", "started on",
     "late by", "Nothing is needed from you right now: we are at work.", "paid", "to pay", "overdue", "signed", "to sign", "accepted",
     "Commercial proposal", "Contract", "Act of completed work", "Invoice", "whole project", "d", "The project is done. Thank you!",
     "Files", "up to 10 files, 20 MB each:", "Needed later",
     {"planned", "in progress", "waiting for you", "done"}},
};

int status_index(const std::string& s) { return s == "in_progress" ? 1 : s == "waiting_client" ? 2 : s == "done" ? 3 : 0; }

std::string e(std::string_view s) { return mail::escape_html(s); }

const char* const kStyle =
    "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#f6f6f4;margin:0}"
    "main{max-width:46em;margin:0 auto;padding:1.2em 1em 3em}h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.6em 0 .5em}"
    ".sub{color:#5b6372}.card{background:#fff;border:1px solid #dfe2e7;border-radius:10px;padding:.8em 1em;margin:.5em 0}"
    "ol.stages{list-style:none;padding:0;margin:0}ol.stages li{display:flex;gap:.8em;align-items:baseline;padding:.55em .2em;border-bottom:1px solid #eceef1}"
    ".dot{flex:none;width:.8em;height:.8em;border-radius:50%;border:2px solid #9aa3b2;display:inline-block}"
    ".s-done .dot{background:#2e7d4f;border-color:#2e7d4f}.s-in_progress .dot{background:#1f5fbf;border-color:#1f5fbf}"
    ".s-waiting_client .dot{background:#c77700;border-color:#c77700}.s-in_progress{background:#eef3fc}.s-waiting_client{background:#fdf4e6}"
    ".name{flex:1}.when{color:#5b6372;font-size:.92em;white-space:nowrap}.tag{font-size:.85em;padding:.05em .5em;border-radius:1em;background:#eceef1}"
    ".late{color:#b3261e}.ok{color:#2e7d4f}textarea{width:100%;box-sizing:border-box;min-height:4.5em;font:inherit;padding:.4em;border:1px solid #b9bfc9;border-radius:6px}"
    "button{font:inherit;padding:.45em 1.2em;border:0;border-radius:6px;background:#1f5fbf;color:#fff;margin-top:.4em}"
    ".notice{background:#e7f4ec;border-color:#b6dcc4}.error{background:#fbeaea;border-color:#efc1bd;color:#8c1d18}"
    "table{width:100%;border-collapse:collapse}td{padding:.35em .2em;border-bottom:1px solid #eceef1;vertical-align:top}td.num{text-align:right;white-space:nowrap}"
    "label{display:block;margin:.3em 0}label.files input{display:block;margin-top:.2em;max-width:100%}.file{font-size:.95em}.file .sub{white-space:nowrap}"
    "a{color:#1f5fbf}@media (max-width:30em){ol.stages li{flex-wrap:wrap}.when{white-space:normal}}"
    "@media print{body{background:#fff}form,button{display:none}.card{border:0;padding:0}}";

}  // namespace

std::string page_html(sqlite3* db, std::string_view project_id, Lang l, std::string_view now, std::string_view notice, std::string_view error) {
    const Words& w = kWords[l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2];
    const json p = view(db, project_id);
    const std::string today = std::string(now.substr(0, 10));
    std::string studio;
    {
        Stmt s(db, "SELECT name FROM studio ORDER BY created_at LIMIT 1");
        if (s.step()) studio = s.text(0);
    }
    std::string h;
    h.reserve(16384);
    h += "<!doctype html><html lang=\"";
    h += lang_code(l);
    h += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">";
    h += "<title>" + e(w.title) + " · " + e(p["client"].get<std::string>()) + " · " + e(studio) + "</title><style>" + kStyle + "</style></head><body><main>";
    h += "<p class=\"sub\">" + e(studio) + "</p><h1>" + e(w.title) + " · " + e(p["client"].get<std::string>()) + "</h1>";
    h += "<p class=\"sub\">" + e(w.contract) + " № " + e(p["contract_number"].get<std::string>()) + " · " + e(format_date(p["started_on"].get<std::string>(), l)) + "</p>";
    if (!notice.empty()) h += "<div class=\"card notice\" role=\"status\">" + e(notice) + "</div>";
    if (!error.empty()) h += "<div class=\"card error\" role=\"alert\">" + e(error) + "</div>";

    // Where the project is: every stage with its dates.
    h += "<h2>" + e(w.stages) + "</h2><div class=\"card\"><ol class=\"stages\">";
    const json* current = nullptr;
    for (const json& s : p["stages"]) {
        const std::string st = s["status"], start = s["planned_start"], end = s["planned_end"];
        if (!current && st != "done") current = &s;
        h += "<li class=\"s-" + st + "\"><span class=\"dot\"></span><span class=\"name\">" + e(s["name"].get<std::string>()) + "</span><span class=\"when\">";
        if (st == "done") {
            h += e(w.done_on) + " " + e(format_date(s["actual_end"].get<std::string>(), l));
        } else {
            h += e(format_date(start, l)) + " – " + e(format_date(end, l));
            if (end < today)
                h += " <span class=\"late\">" + e(w.late_by) + " " + std::to_string(day_number(today, "today") - day_number(end, "end")) + " " + e(w.days) + "</span>";
        }
        h += "</span> <span class=\"tag\">" + e(w.status[status_index(st)]) + "</span></li>";
    }
    h += "</ol></div>";
    if (p["status"] == "done") h += "<div class=\"card notice\">" + e(w.done_project) + "</div>";

    // What the studio waits for.
    h += "<h2>" + e(w.now_expected) + "</h2>";
    bool any = false;
    if (current && !(*current)["client_provides"].get<std::string>().empty()) {
        any = true;
        h += "<div class=\"card\"><strong>" + e(w.prepare) + " «" + e((*current)["name"].get<std::string>()) + "»</strong><p>" +
             e((*current)["client_provides"].get<std::string>()) + "</p></div>";
    }
    // Asked now: for the current stage or the project as a whole, or needed
    // within a week; the rest is listed below as what comes later.
    const std::string week = iso_date(day_number(today, "today") + 7);
    const std::string current_stage = current ? (*current)["stage"].get<std::string>() : "";
    auto is_now = [&](const json& r) {
        const std::string stage = r["stage"];
        return stage.empty() || stage == current_stage || !r["due_on"].is_string() || r["due_on"].get<std::string>() <= week;
    };
    std::string later;
    for (const json& r : p["requests"]) {
        const bool open = r["status"] == "open";
        if (!open) continue;
        if (!is_now(r)) {
            later += "<tr><td>" + e(r["title"].get<std::string>()) + "</td><td class=\"num sub\">" + e(w.due) + " " +
                     e(format_date(r["due_on"].get<std::string>(), l)) + "</td></tr>";
            continue;
        }
        any = true;
        const std::string id = r["id"];
        h += "<div class=\"card\"><strong>" + e(r["title"].get<std::string>()) + "</strong>";
        if (r["due_on"].is_string()) {
            const std::string due = r["due_on"];
            h += " <span class=\"" + std::string(due < today ? "late" : "sub") + "\">" + e(w.due) + " " + e(format_date(due, l)) + "</span>";
        }
        h += "<form method=\"post\" enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"request_id\" value=\"" + e(id) +
             "\"><label>" + e(w.answer) + "<textarea name=\"answer\" maxlength=\"10000\"></textarea></label><label class=\"files\">" +
             e(w.files) + " <span class=\"sub\">(" + e(w.files_hint) + " " + e(uploads::kAcceptedKinds) +
             ")</span><input type=\"file\" name=\"files\" multiple></label><button type=\"submit\" name=\"action\" value=\"answer\">" +
             e(w.send) + "</button></form></div>";
    }
    if (!any) h += "<div class=\"card\">" + e(w.nothing_expected) + "</div>";
    if (!later.empty()) h += "<div class=\"card\"><strong>" + e(w.later) + "</strong><table>" + later + "</table></div>";
    bool answered = false;
    for (const json& r : p["requests"])
        if (r["status"] == "answered") {
            if (!answered) h += "<div class=\"card\"><table>";
            answered = true;
            h += "<tr><td>" + e(r["title"].get<std::string>());
            for (const json& f : r["files"]) {
                const std::string name = f["name"], size = uploads::size_text(f["size"].get<int64_t>(), lang_code(l));
                h += "<br><span class=\"file\">";
                if (p["token"].is_string())
                    h += "<a href=\"/c/" + e(p["token"].get<std::string>()) + "/files/" + e(f["id"].get<std::string>()) + "\">" + e(name) + "</a>";
                else
                    h += e(name);
                h += " <span class=\"sub\">" + e(size) + "</span></span>";
            }
            h += "</td><td class=\"num ok\">" + e(w.answered) + " " + e(format_date(r["answered_at"].get<std::string>(), l)) + "</td></tr>";
        }
    if (answered) h += "</table></div>";

    // The documents, each its own page.
    h += "<h2>" + e(w.documents) + "</h2><div class=\"card\"><table>";
    const std::string lead = p["lead_id"], contract = p["contract_id"];
    auto row = [&](const char* kind, const std::string& id, const std::string& label, const std::string& state, bool warn) {
        const std::string token = link_for(db, kind, id, now);
        h += "<tr><td><a href=\"/c/" + e(token) + "\">" + e(label) + "</a></td><td class=\"num" + std::string(warn ? " late" : "") + "\">" + e(state) + "</td></tr>";
    };
    {
        Stmt q(db, "SELECT p.id, coalesce(p.number, p.provisional_number, '') FROM contracts c JOIN proposals p ON p.id = c.proposal_id WHERE c.id = ?1");
        q.bind(1, contract);
        if (q.step()) row("proposal", q.text(0), std::string(w.proposal) + " № " + q.text(1), w.accepted, false);
    }
    row("contract", contract, std::string(w.contract_doc) + " № " + p["contract_number"].get<std::string>(), w.signed_, false);
    {
        Stmt q(db, "SELECT a.id, a.number, a.status, a.stage FROM acts a WHERE a.contract_id = ?1 ORDER BY a.issued_at, a.number");
        q.bind(1, contract);
        while (q.step()) {
            std::string stage_name = q.text(3).empty() ? std::string(w.whole_project) : q.text(3);
            for (const json& s : p["stages"])
                if (s["stage"] == q.text(3)) stage_name = s["name"];
            if (q.text(3).rfind("support:", 0) == 0) stage_name = support::month_title(db, p["contract_id"].get<std::string>(), q.text(3), l);
            row("act", q.text(0), std::string(w.act) + " № " + q.text(1) + " · " + stage_name, q.text(2) == "signed" ? w.signed_ : w.to_sign, q.text(2) != "signed");
        }
    }
    std::string pays;
    {
        Stmt q(db, "SELECT i.id, i.number, i.status, i.total_minor, i.currency, i.due_on FROM invoices i WHERE i.contract_id = ?1 AND i.number IS NOT NULL"
                   " AND i.status != 'void' ORDER BY i.issued_on, i.number");
        q.bind(1, contract);
        while (q.step()) {
            const std::string status = q.text(2), due = q.is_null(5) ? "" : q.text(5);
            const bool paid = status == "paid", late = !paid && !due.empty() && due < today;
            const std::string amount = format(Money{q.int64(3), parse_currency(q.text(4))}, l);
            row("invoice", q.text(0), std::string(w.invoice) + " № " + q.text(1) + " · " + amount,
                paid ? w.paid : late ? std::string(w.overdue) + " · " + format_date(due, l) : std::string(w.to_pay) + " · " + format_date(due, l), late);
        }
    }
    h += "</table></div>";
    {
        Stmt q(db, "SELECT p.received_on, p.amount_minor, p.currency, i.number FROM payments p JOIN invoices i ON i.id = p.invoice_id"
                   " WHERE i.contract_id = ?1 ORDER BY p.received_on, p.rowid");
        q.bind(1, contract);
        while (q.step())
            pays += "<tr><td>" + e(format_date(q.text(0), l)) + " · " + e(w.invoice) + " № " + e(q.text(3)) + "</td><td class=\"num\">" +
                    e(format(Money{q.int64(1), parse_currency(q.text(2))}, l)) + "</td></tr>";
    }
    h += "<h2>" + e(w.payments) + "</h2><div class=\"card\">" + (pays.empty() ? e(w.no_payments) : "<table>" + pays + "</table>") + "</div>";
    h += "</main></body></html>";
    return h;
}

}  // namespace atelier::projects
