// atelier/documents.h — proposals, contracts and invoices as HTML.
//
// Documents are mustache templates (kainjow mustache) rendered over JSON
// data. Templates live in the `templates` table per kind and language, so a
// studio can replace them; the defaults are installed by install_defaults().
// The templates' words come from the data's `t` object, so one layout serves
// the three languages. All user data is HTML-escaped ({{x}}); the output is a
// self-contained A4 page with print CSS.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "atelier_sqlite.h"
#include "money.h"

namespace atelier {

// Renders a template; a broken template throws an error naming the line
// ("render: line 12: Unclosed section \"lines\""), never half a document.
std::string render_template(std::string_view tpl, const nlohmann::json& data);
// The same for plain text (an e-mail's subject and body): values as they are, not HTML-escaped.
std::string render_text_template(std::string_view tpl, const nlohmann::json& data);

// Templates are bounded: at most kTemplateMaxBytes, sections nested at most
// kTemplateMaxNesting deep, no changed delimiters. Throws Error("render: line
// N: ..."). render_template() checks it first; saving and syncing a template
// check it too, so a stored template can always be rendered.
// What a document prints where its number will be, until the server gives
// it ("draft — number on issue"), in the document's language.
std::string draft_number_label(Lang lang);

constexpr size_t kTemplateMaxBytes = 512u << 10;
constexpr int kTemplateMaxNesting = 32;
void check_template_limits(std::string_view tpl);

// The default template of a kind ("proposal", "contract", "invoice") for a
// language: the Russian invoice has the "Счёт на оплату" layout.
const std::string& default_template(std::string_view kind, Lang lang = Lang::en);

// The template a document of `kind` ("proposal", "contract", "invoice",
// "act") is rendered with: the studio's newest for the language, else the
// default.
std::string document_template(sqlite3* db, std::string_view kind, Lang lang);

// A fixed word of a page in one language. Pages keep their words as tables
// of these, made into a JSON object once: an initializer list of JSON values
// would be compiled into code, in every host.
struct Label {
    const char* key;
    const char* text;
};
nlohmann::json label_object(const Label* words, size_t n);

// The data a document of `kind` is rendered from (for previews and tests).
nlohmann::json document_data(sqlite3* db, std::string_view kind, std::string_view id, Lang lang);

// The HTML of a stored proposal, contract, invoice or act in `lang`: the frozen
// snapshot for an accepted proposal or contract, or an issued invoice in its
// own language; otherwise rendered now from the current data (live link).
std::string document_html(sqlite3* db, std::string_view kind, std::string_view id, Lang lang);

}  // namespace atelier
