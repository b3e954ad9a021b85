// atelier/client_pages.h — what a client sees behind /c/<token>.
//
// Plain HTML that works without JavaScript: the brief as a form (errors
// beside the questions, the client's input kept), and the proposal, contract
// and invoice with an Accept form where acceptance applies. The server
// decides routing and status codes; the pages are made here.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "brief.h"
#include "money.h"

namespace atelier {

// Form fields as posted: a name may repeat (checkboxes).
using FormFields = std::multimap<std::string, std::string>;

// Decodes an application/x-www-form-urlencoded body ("a=1&b=%D0%B0+b").
// Throws Error("form: ...") for more than `max_fields` fields and for a name
// or value that is not UTF-8 text; a stray '%' is kept as it is.
FormFields decode_form(std::string_view body, size_t max_fields = 1000);

// Answers from posted fields, typed by the template; fields that cannot be
// typed are reported and kept as text so the form shows them again.
nlohmann::json answers_from_form(const nlohmann::json& tpl, const FormFields& fields, std::vector<BriefProblem>* problems);

// The one path from typed input (the client's form post, the app's fields:
// text as typed, a choice's option id, each option of a multi, yes/no) to
// brief answers: typed by the template and checked for a draft (required
// answers may be missing) or a submission, every problem at once.
struct BriefInput {
    nlohmann::json answers;
    std::vector<BriefProblem> problems;
};
BriefInput brief_input(const nlohmann::json& tpl, const FormFields& fields, bool submit);

// A problem as the client page and the app show it, in the interface's language.
std::string problem_text(const std::string& message, Lang lang);

// The brief form for a brief row; `answers` and `problems` override what is
// stored (a failed submission shows the client's input and the errors).
std::string brief_form_html(sqlite3* db, std::string_view brief_id, Lang lang, const nlohmann::json* answers,
                            const std::vector<BriefProblem>& problems, std::string_view notice);

// The form a template gives, empty, as the client would see it (the
// template editor's preview); a template that does not check is refused.
std::string brief_preview_html(sqlite3* db, const nlohmann::json& tpl, Lang lang);

// A document page for the client: the document, and an Accept form for a
// proposal or contract that is not accepted yet.
std::string client_document_html(sqlite3* db, std::string_view kind, std::string_view doc_id, Lang lang,
                                 std::string_view error);

// The page for a link that leads nowhere: withdrawn (revoked or expired:
// *status 410, in the lead's language) or unknown (*status 404, in the
// studio's language). It names the studio and how to reach it, and says
// nothing of any document.
std::string dead_link_html(sqlite3* db, std::string_view token, std::string_view now, int* status);

// The client's legal details as the contract page collects them on
// acceptance: the fields of the client's country (ru: legal name, INN, KPP,
// OGRN, address; fr: legal name, SIRET, TVA, address; otherwise legal name,
// VAT number, address), posted as rq_<field>. Returns an empty object when
// the client left them all empty; *problems gets each problem in the
// client's language.
nlohmann::json requisites_from_form(sqlite3* db, std::string_view lead_id, const FormFields& fields, Lang lang,
                                    std::vector<std::string>* problems);

// A legal detail's name in the interface's language, with its country's
// label ("inn" → "ИНН"; "tva" → "N° TVA intracommunautaire").
std::string requisite_label(const std::string& key, const std::string& country, Lang lang);

// A problem of requisites_problems() as a sentence in the interface's
// language ("inn: check digit does not match" → "ИНН: не сходится
// контрольная цифра — проверьте номер").
std::string requisite_problem_text(const std::string& problem, const std::string& country, Lang lang);

// The language of the lead a document belongs to.
Lang lead_lang(sqlite3* db, std::string_view lead_id);

}  // namespace atelier
