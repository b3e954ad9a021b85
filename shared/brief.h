// atelier/brief.h — brief templates (the client's questionnaire) and answers.
//
// A template is JSON:
//   {"code": "corporate", "version": 1, "title": {"ru": "...", "fr": "...", "en": "..."},
//    "sections": [{"id": "about", "title": {...}, "questions": [
//       {"id": "pages", "type": "number", "required": true, "min": 1, "max": 500,
//        "label": {...}, "help": {...}},
//       {"id": "design_level", "type": "choice", "options": [{"id": "template", "label": {...}}, ...]},
//       ...]}]}
// Question types: text, longtext, number (integer, min/max), choice, multi,
// yesno, date ("YYYY-MM-DD"), and requisites: the client's legal details as
// an object (see requisites.h), checked with its country's check digits and
// kept on the client when the brief is submitted. Labels and help exist in
// ru, fr and en.
//
// Answers are a JSON object keyed by question id:
//   {"pages": 12, "design_level": "custom", "integrations": ["crm"], "needs_catalogue": true}
// validate_answers() reports every problem at once, each naming the question.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "money.h"

namespace atelier {

struct BriefProblem {
    std::string question;  // question id, or "" for the whole brief
    std::string message;
    bool missing = false;  // a required answer left empty: allowed in a draft
};

// Throws atelier::Error naming the JSON path of the first bad field
// (e.g. "brief_template: sections[1].questions[0].type: unknown type \"color\"").
void check_brief_template(const nlohmann::json& tpl);

std::vector<BriefProblem> validate_answers(const nlohmann::json& tpl, const nlohmann::json& answers);

// The longest answer a question takes, in characters: "max_length", else
// 500 for text, 10,000 for longtext.
size_t answer_max_chars(const nlohmann::json& question);

// The largest form post the template's questions can need, in bytes: what
// the client's brief page accepts, so that no answer the template allows is
// refused for its size.
size_t form_max_bytes(const nlohmann::json& tpl);

// The legal details a brief's requisites question holds, or {} when none.
nlohmann::json requisites_answer(const nlohmann::json& tpl, const nlohmann::json& answers);

// "pages: required; email: expected text" — for errors that must be one string.
std::string join_problems(const std::vector<BriefProblem>& problems);

// An answer as a person reads it in `lang`: a choice by its option's label,
// several choices joined by ", ", yes/no as words, a date as the language
// writes it, legal details by their legal name; "" for no answer.
std::string answer_text(const nlohmann::json& question, const nlohmann::json& answer, Lang lang);

// The questions whose answers differ between two versions of a brief, in the
// template's order, then any answer the template no longer asks. A missing
// answer and an empty one (an empty text or list) are the same.
std::vector<std::string> changed_answers(const nlohmann::json& tpl, const nlohmann::json& before, const nlohmann::json& after);

// The default templates: corporate site, online shop, landing page.
const std::vector<nlohmann::json>& default_brief_templates();

}  // namespace atelier
