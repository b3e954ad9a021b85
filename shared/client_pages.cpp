// atelier/client_pages.cpp — see client_pages.h.
#include "client_pages.h"

#include "requisites.h"

#include <set>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <iterator>

#include "documents.h"
#include "error.h"
#include "json_in.h"
#include "store.h"

namespace atelier {

using nlohmann::json;

namespace {

const json& words(Lang l) {
    static constexpr Label kRu[] = {{"save", "Сохранить черновик"}, {"submit", "Отправить бриф"}, {"required", "обязательный вопрос"},
                                    {"yes", "Да"}, {"no", "Нет"}, {"saved", "Черновик сохранён. Можно вернуться к брифу по этой же ссылке."},
                                    {"submitted", "Спасибо! Бриф отправлен, менеджер свяжется с вами."},
                                    {"fix", "Проверьте ответы, отмеченные ниже."}, {"accept", "Принять"},
                                    {"accept_as", "Ваше имя и фамилия"}, {"accept_note", "Нажимая «Принять», вы подтверждаете согласие с документом."},
                                    {"accepted", "Документ принят"}, {"brief", "Бриф"}};
    static constexpr Label kFr[] = {{"save", "Enregistrer le brouillon"}, {"submit", "Envoyer le brief"}, {"required", "question obligatoire"},
                                    {"yes", "Oui"}, {"no", "Non"}, {"saved", "Brouillon enregistré. Vous pouvez revenir par le même lien."},
                                    {"submitted", "Merci ! Votre brief est envoyé, nous revenons vers vous rapidement."},
                                    {"fix", "Vérifiez les réponses signalées ci-dessous."}, {"accept", "Accepter"},
                                    {"accept_as", "Vos prénom et nom"}, {"accept_note", "En cliquant sur « Accepter », vous acceptez ce document."},
                                    {"accepted", "Document accepté"}, {"brief", "Brief"}};
    static constexpr Label kEn[] = {{"save", "Save draft"}, {"submit", "Send the brief"}, {"required", "required"},
                                    {"yes", "Yes"}, {"no", "No"}, {"saved", "Draft saved. You can come back with the same link."},
                                    {"submitted", "Thank you! Your brief is sent; we will be in touch."},
                                    {"fix", "Please check the answers marked below."}, {"accept", "Accept"},
                                    {"accept_as", "Your full name"}, {"accept_note", "By clicking Accept you agree to this document."},
                                    {"accepted", "Document accepted"}, {"brief", "Brief"}};
    static const json ru = label_object(kRu, std::size(kRu)), fr = label_object(kFr, std::size(kFr)),
                      en = label_object(kEn, std::size(kEn));
    return l == Lang::fr ? fr : l == Lang::en ? en : ru;
}

const char* kBriefForm = R"M(<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
@page { margin: 14mm 14mm 16mm; @top-left { content: ""; } @top-right { content: ""; }
  @bottom-left { content: "{{studio}} · {{title}}"; font: 8pt sans-serif; color: #777; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif; color: #777; } }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; padding: 0; max-width: none; } }
@media (max-width: 640px) { main { margin: 0; padding: 1rem 1.1rem; box-shadow: none; } }
body { font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; color: #1d1d1f; background: #f3f3f1; margin: 0; }
main { max-width: 46rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem 2rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 1.6rem; margin-top: 0; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.q { margin: 1.1rem 0; } .q label.title { display: block; font-weight: bold; }
.help { color: #666; font-size: .9rem; } .err { color: #b3261e; font-weight: bold; }
.q.bad input[type=text], .q.bad input[type=number], .q.bad input[type=date], .q.bad textarea { border-color: #b3261e; }
input[type=text], input[type=number], input[type=date], textarea { width: 100%; box-sizing: border-box; padding: .45rem; font: inherit; border: 1px solid #aaa; border-radius: 4px; }
textarea { min-height: 6rem; } .opt { display: block; font-weight: normal; }
.rq fieldset { display: none; border: 0; padding: 0; margin: .4rem 0 0; } .rq label.sub { display: block; margin-top: .5rem; font-size: .95rem; }
.rq label.cc { margin: 0 1.2rem 0 .3rem; } .rq input[value=ru]:checked ~ .rq-ru, .rq input[value=fr]:checked ~ .rq-fr, .rq input[value=other]:checked ~ .rq-other { display: block; }
.notice { background: #e8f5e9; border: 1px solid #2f7d32; padding: .7rem 1rem; } .problems { background: #fdecea; border: 1px solid #b3261e; padding: .7rem 1rem; }
button { font: inherit; padding: .6rem 1.2rem; margin-right: .6rem; border-radius: 4px; border: 1px solid #555; background: #fff; cursor: pointer; }
button.primary { background: #1f5fbf; border-color: #1f5fbf; color: #fff; }
</style>
</head>
<body>
<main>
<p class="help">{{studio}}</p>
<h1>{{title}}</h1>
{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
{{#has_problems}}<p class="problems" role="alert">{{w.fix}}</p>{{/has_problems}}
<form method="post" accept-charset="utf-8">
{{#sections}}
<h2>{{title}}</h2>
{{#questions}}
<div class="q{{#error}} bad{{/error}}" id="q-{{id}}">
<label class="title" for="f-{{id}}">{{label}}{{#required}} *{{/required}}</label>
{{#help}}<div class="help">{{help}}</div>{{/help}}
{{#is_text}}<input type="text" id="f-{{id}}" name="{{id}}" value="{{value}}">{{/is_text}}
{{#is_longtext}}<textarea id="f-{{id}}" name="{{id}}">{{value}}</textarea>{{/is_longtext}}
{{#is_number}}<input type="number" id="f-{{id}}" name="{{id}}" value="{{value}}"{{#min}} min="{{min}}"{{/min}}{{#max}} max="{{max}}"{{/max}}>{{/is_number}}
{{#is_date}}<input type="date" id="f-{{id}}" name="{{id}}" value="{{value}}">{{/is_date}}
{{#is_choice}}{{#options}}<label class="opt"><input type="radio" name="{{name}}" value="{{id}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/options}}{{/is_choice}}
{{#is_multi}}{{#options}}<label class="opt"><input type="checkbox" name="{{name}}" value="{{id}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/options}}{{/is_multi}}
{{#is_yesno}}<label class="opt"><input type="radio" name="{{id}}" value="yes"{{#yes}} checked{{/yes}}> {{w.yes}}</label><label class="opt"><input type="radio" name="{{id}}" value="no"{{#no}} checked{{/no}}> {{w.no}}</label>{{/is_yesno}}
{{#is_requisites}}<div class="rq" id="f-{{id}}">{{#countries}}<input type="radio" name="{{id}}.country" value="{{code}}" id="f-{{id}}-{{code}}"{{#checked}} checked{{/checked}}><label class="cc" for="f-{{id}}-{{code}}">{{name}}</label>{{/countries}}
{{#groups}}<fieldset class="rq-{{code}}">{{#fields}}<label class="sub" for="f-{{id}}-{{code}}-{{key}}">{{label}}</label><input type="text" id="f-{{id}}-{{code}}-{{key}}" name="{{id}}.{{code}}.{{key}}" value="{{value}}">{{/fields}}</fieldset>
{{/groups}}</div>{{/is_requisites}}
{{#error}}<div class="err" id="e-{{id}}">{{error}}</div>{{/error}}
</div>
{{/questions}}
{{/sections}}
<p><button type="submit" name="action" value="save">{{w.save}}</button><button type="submit" name="action" value="submit" class="primary">{{w.submit}}</button></p>
</form>
</main>
</body>
</html>
)M";

std::string text_of(const json& j, Lang l) {
    if (j.is_object()) return j.value(lang_code(l), "");
    return "";
}

// A problem message in the client's language for the common cases.
std::string localise(const std::string& msg, Lang l) {
    if (msg == "required") return words(l)["required"];
    const int k = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    static const char* const at_most[3][2] = {{"не длиннее ", " символов"}, {"", " caractères au plus"}, {"at most ", " characters"}};
    if (msg.rfind("at most ", 0) == 0 && msg.size() > 19 && msg.compare(msg.size() - 11, 11, " characters") == 0)
        return at_most[k][0] + msg.substr(8, msg.size() - 19) + at_most[k][1];
    // A number out of the question's range.
    static const char* const least[3] = {"не меньше ", "au moins ", "at least "};
    static const char* const most[3] = {"не больше ", "au plus ", "at most "};
    if (msg.rfind("must be at least ", 0) == 0) return least[k] + msg.substr(17);
    if (msg.rfind("must be at most ", 0) == 0) return most[k] + msg.substr(16);
    static const char* const date[3] = {"нужна дата в виде ГГГГ-ММ-ДД", "une date AAAA-MM-JJ est attendue", "expected a date YYYY-MM-DD"};
    if (msg == "expected a date YYYY-MM-DD") return date[k];
    static const char* const whole[3] = {"нужно целое число", "un nombre entier est attendu", "expected a whole number"};
    if (msg == "expected a whole number") return whole[k];
    static const char* const text[3] = {"текст в неверной кодировке", "texte dans un encodage non pris en charge", "not UTF-8 text"};
    if (msg == "not UTF-8 text") return text[k];
    return msg;
}

}  // namespace

std::string dead_link_html(sqlite3* db, std::string_view token, std::string_view now, int* status) {
    Lang l = Lang::ru;
    bool withdrawn = false;
    {
        Stmt q(db, "SELECT l.lang FROM doc_links d JOIN leads l ON l.id = d.lead_id WHERE d.token = ?1"
                   " AND (d.revoked_at IS NOT NULL OR (d.expires_at IS NOT NULL AND d.expires_at <= ?2))");
        q.bind(1, token).bind(2, now);
        if (token.size() == 22 && q.step()) {
            withdrawn = true;
            l = parse_lang(q.text(0));
        }
    }
    json d = {{"studio", ""}, {"email", ""}, {"phone", ""}};
    {
        Stmt s(db, "SELECT name, email, phone, lang FROM studio ORDER BY created_at LIMIT 1");
        if (s.step()) {
            d = {{"studio", s.text(0)}, {"email", s.text(1)}, {"phone", s.text(2)}};
            if (!withdrawn) l = parse_lang(s.text(3));
        }
    }
    *status = withdrawn ? 410 : 404;
    static const char* const text[3][4] = {
        {"Ссылка больше не действует", "Студия отозвала эту ссылку или срок её действия истёк. Напишите или позвоните нам — пришлём актуальную.",
         "Здесь ничего нет", "По этому адресу нет документа. Проверьте, что ссылка скопирована целиком, или свяжитесь с нами."},
        {"Ce lien n'est plus valable", "Le studio a retiré ce lien ou il a expiré. Écrivez-nous ou appelez-nous : nous vous enverrons le bon.",
         "Rien à cette adresse", "Aucun document à cette adresse. Vérifiez que le lien a été copié en entier, ou contactez-nous."},
        {"This link no longer works", "The studio withdrew this link or it expired. Write or call us and we will send you a current one.",
         "Nothing here", "There is no document at this address. Check that the whole link was copied, or get in touch."}};
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    d["lang"] = lang_code(l);
    d["title"] = text[li][withdrawn ? 0 : 2];
    d["text"] = text[li][withdrawn ? 1 : 3];
    return render_template(R"M(<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{title}}</title>
<style>
body { font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; color: #1d1d1f; background: #f3f3f1; margin: 0; }
main { max-width: 34rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 1.4rem; margin-top: 0; } .studio { color: #666; } a { color: #1f5fbf; }
@page { margin: 14mm; @top-left { content: ""; } @top-right { content: ""; } @bottom-left { content: ""; } @bottom-right { content: ""; } }
@media (max-width: 640px) { main { margin: 0; box-shadow: none; padding: 1.25rem; } }
</style>
</head>
<body>
<main>
{{#studio}}<p class="studio">{{studio}}</p>{{/studio}}
<h1>{{title}}</h1>
<p>{{text}}</p>
<p>{{#email}}<a href="mailto:{{email}}">{{email}}</a>{{/email}}{{#phone}}<br><a href="tel:{{phone}}">{{phone}}</a>{{/phone}}</p>
</main>
</body>
</html>
)M", d);
}

Lang lead_lang(sqlite3* db, std::string_view lead_id) {
    Stmt q(db, "SELECT lang FROM leads WHERE id = ?1");
    q.bind(1, lead_id);
    return q.step() ? parse_lang(q.text(0)) : Lang::ru;
}

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') out += ' ';
        else if (c == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out += (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else out += c;
    }
    return out;
}

}  // namespace

FormFields decode_form(std::string_view body, size_t max_fields) {
    FormFields out;
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t end = body.find('&', pos);
        if (end == std::string_view::npos) end = body.size();
        std::string_view pair = body.substr(pos, end - pos);
        pos = end + 1;
        if (pair.empty()) continue;
        if (out.size() >= max_fields) throw Error("form: more than " + std::to_string(max_fields) + " fields");
        size_t eq = pair.find('=');
        std::string name = percent_decode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
        if (!valid_utf8(name)) throw Error("form: a field name is not UTF-8 text");
        if (!valid_utf8(value)) throw Error("form: " + clip_utf8(name, 60) + ": not UTF-8 text");
        out.emplace(std::move(name), std::move(value));
    }
    return out;
}

namespace {

struct RequisiteField {
    const char* key;
    const char* label[3];
};

// The client's country: from its details, else from the lead (roubles: Russia; French: France).
std::string client_country(sqlite3* db, std::string_view lead_id, json* current) {
    Stmt q(db, "SELECT c.requisites_json, l.currency, l.lang FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
    q.bind(1, lead_id);
    if (!q.step()) return "other";
    *current = parse_json_or_discard(q.text(0));
    if (!current->is_object()) *current = json::object();
    std::string c = current->value("country", "");
    if (c == "ru" || c == "fr" || c == "other") return c;
    return q.text(1) == "RUB" ? "ru" : q.text(2) == "fr" ? "fr" : "other";
}

std::vector<RequisiteField> requisite_fields(const std::string& country) {
    static const RequisiteField name{"legal_name", {"Полное наименование организации или ФИО", "Raison sociale ou nom complet", "Company or full name"}};
    static const RequisiteField address{"address", {"Юридический адрес", "Adresse du siège", "Registered address"}};
    if (country == "ru")
        return {name, {"inn", {"ИНН", "INN", "INN"}}, {"kpp", {"КПП (для организаций)", "KPP", "KPP"}},
                {"ogrn", {"ОГРН или ОГРНИП", "OGRN", "OGRN"}}, address};
    if (country == "fr")
        return {name, {"siret", {"SIRET", "SIRET", "SIRET"}}, {"tva", {"Номер НДС (TVA)", "N° TVA intracommunautaire", "EU VAT number"}}, address};
    return {name, {"vat", {"Налоговый номер", "N° de TVA", "VAT number"}}, address};
}

}  // namespace

std::string requisite_label(const std::string& key, const std::string& country, Lang l) {
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    for (const RequisiteField& f : requisite_fields(country))
        if (key == f.key) return f.label[li];
    struct Label {
        const char* key;
        const char* t[3];
    };
    static const Label more[] = {
        {"bank", {"Банк", "Banque", "Bank"}},
        {"bik", {"БИК", "BIK", "BIK"}},
        {"account", {"Расчётный счёт", "Compte de règlement", "Settlement account"}},
        {"corr_account", {"Корреспондентский счёт", "Compte correspondant", "Correspondent account"}},
        {"iban", {"IBAN", "IBAN", "IBAN"}},
        {"bic", {"BIC", "BIC", "BIC"}},
        {"rcs", {"RCS или RM", "RCS ou RM", "RCS or RM"}},
        {"legal_form", {"Организационно-правовая форма", "Forme juridique", "Legal form"}},
        {"capital", {"Уставный капитал", "Capital social", "Share capital"}},
        {"signatory", {"Кто подписывает документы", "Signataire des documents", "Who signs the documents"}},
        {"country", {"Страна", "Pays", "Country"}},
        {"kind", {"Вид лица", "Type de personne", "Kind of party"}},
        {"inn", {"ИНН", "INN", "INN"}},
        {"kpp", {"КПП", "KPP", "KPP"}},
        {"ogrn", {"ОГРН или ОГРНИП", "OGRN", "OGRN"}},
        {"siret", {"SIRET", "SIRET", "SIRET"}},
        {"tva", {"Номер НДС (TVA)", "N° TVA intracommunautaire", "EU VAT number"}},
        {"vat", {"Налоговый номер", "N° de TVA", "VAT number"}},
    };
    for (const Label& m : more)
        if (key == m.key) return m.t[li];
    return key;
}

// "inn: check digit does not match" → "ИНН: не сходится контрольная цифра".
std::string requisite_problem_text(const std::string& p, const std::string& country, Lang l) {
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    const size_t colon = p.find(':');
    const std::string key = p.substr(0, colon), what = colon == std::string::npos ? "" : p.substr(colon + 2);
    const std::string label = requisite_label(key, country, l);
    struct Known {
        const char* en;
        const char* t[3];
    };
    static const Known known[] = {
        {"check digit does not match", {"не сходится контрольная цифра — проверьте номер", "la clé de contrôle ne correspond pas : vérifiez le numéro", "the check digit does not match: please check the number"}},
        {"check digits do not match", {"не сходятся контрольные цифры — проверьте номер", "les clés de contrôle ne correspondent pas : vérifiez le numéro", "the check digits do not match: please check the number"}},
        {"check digit does not match (Luhn)", {"не сходится контрольная цифра — проверьте номер", "la clé de contrôle ne correspond pas : vérifiez le numéro", "the check digit does not match: please check the number"}},
        {"a company's INN has 10 digits", {"у организации ИНН из 10 цифр", "l'INN d'une société a 10 chiffres", "a company's INN has 10 digits"}},
        {"required for the studio's invoices", {"нужен для счетов студии", "nécessaire aux factures du studio", "needed for the studio's invoices"}},
    };
    const char* colon_text = l == Lang::fr ? " : " : ": ";
    for (const Known& k : known)
        if (what == k.en) return label + colon_text + k.t[li];
    static const char* const wrong[3] = {"номер неверного формата", "format incorrect", "the format is not right"};
    return label + colon_text + wrong[li] + " (" + what + ")";
}

namespace {

// What a party is, when it did not say: a 12-digit INN is a sole trader's
// (or a private person's, without an ОГРНИП); no registry number, a person.
std::string kind_of(const json& r, const std::string& country) {
    auto has = [&](const char* k) { return !r.value(k, "").empty(); };
    if (country == "ru" && r.value("inn", "").size() == 12) return has("ogrn") ? "sole_trader" : "person";
    if (has("inn") || has("ogrn") || has("kpp") || has("siret") || has("tva") || has("vat")) return "company";
    return "person";
}

const char* const kCountryNames[3][3] = {{"Россия", "Франция", "Другая страна"},
                                         {"Russie", "France", "Autre pays"},
                                         {"Russia", "France", "Another country"}};
const char* const kCountries[3] = {"ru", "fr", "other"};

// A requisites answer from the brief form: the fields of the chosen
// country, posted as <question>.<country>.<field>.
json requisites_from_fields(const std::string& id, const FormFields& fields) {
    auto c = fields.find(id + ".country");
    std::string country = c == fields.end() ? "" : c->second;
    if (country != "ru" && country != "fr" && country != "other") country = "other";
    json r = json::object();
    for (const RequisiteField& f : requisite_fields(country)) {
        auto it = fields.find(id + "." + country + "." + f.key);
        std::string v = it == fields.end() ? "" : it->second;
        v.erase(0, v.find_first_not_of(" \t\r\n"));
        v.erase(v.find_last_not_of(" \t\r\n") + 1);
        if (!v.empty()) r[f.key] = v;
    }
    if (r.empty()) return r;
    r["country"] = country;
    r["kind"] = kind_of(r, country);
    return r;
}

}  // namespace

json answers_from_form(const json& tpl, const FormFields& fields, std::vector<BriefProblem>* problems) {
    json answers = json::object();
    for (const json& s : tpl["sections"])
        for (const json& q : s["questions"]) {
            const std::string id = q["id"], type = q["type"];
            auto range = fields.equal_range(id);
            if (type == "requisites") {
                json r = requisites_from_fields(id, fields);
                if (!r.empty()) answers[id] = r;
                continue;
            }
            if (type == "multi") {
                json arr = json::array();
                for (auto it = range.first; it != range.second; ++it) arr.push_back(it->second);
                if (!arr.empty()) answers[id] = arr;
                continue;
            }
            if (range.first == range.second) continue;
            std::string v = range.first->second;
            size_t a = v.find_first_not_of(" \t\r\n"), b = v.find_last_not_of(" \t\r\n");
            v = a == std::string::npos ? "" : v.substr(a, b - a + 1);
            if (v.empty()) continue;
            if (type == "number") {
                char* end = nullptr;
                errno = 0;
                long long n = std::strtoll(v.c_str(), &end, 10);
                if (*end || errno) {
                    problems->push_back({id, "expected a whole number"});
                    answers[id] = v;  // kept for the form
                } else {
                    answers[id] = n;
                }
            } else if (type == "yesno") {
                if (v == "yes") answers[id] = true;
                else if (v == "no") answers[id] = false;
                else problems->push_back({id, "expected yes or no"});
            } else {
                answers[id] = v;
            }
        }
    return answers;
}

BriefInput brief_input(const json& tpl, const FormFields& fields, bool submit) {
    BriefInput in;
    in.answers = answers_from_form(tpl, fields, &in.problems);
    // Every problem at once: the ones typing found, then the template's
    // checks on the other questions (a draft may leave questions empty).
    std::set<std::string> reported;
    for (const auto& p : in.problems) reported.insert(p.question);
    for (auto& p : validate_answers(tpl, in.answers)) {
        if (reported.count(p.question) || (!submit && p.missing)) continue;
        in.problems.push_back(std::move(p));
    }
    return in;
}

std::string problem_text(const std::string& message, Lang lang) { return localise(message, lang); }

namespace {

// The form of a template with its answers; `lead_id` ("" for a preview)
// gives the legal details block the client's stored details.
std::string render_brief_form(sqlite3* db, const json& tpl, const json& answers, const std::string& studio, const std::string& lead_id,
                              Lang l, const std::vector<BriefProblem>& problems, std::string_view notice) {
    std::map<std::string, std::vector<std::string>> errs;
    for (const auto& p : problems) errs[p.question].push_back(p.message);
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    json d;
    d["lang"] = lang_code(l);
    d["w"] = words(l);
    d["title"] = text_of(tpl["title"], l);
    d["studio"] = studio;
    d["notice"] = notice.empty() ? json(nullptr) : json(std::string(notice));
    d["has_problems"] = !problems.empty();
    json sections = json::array();
    for (const json& s : tpl["sections"]) {
        json qs = json::array();
        for (const json& qu : s["questions"]) {
            const std::string id = qu["id"], type = qu["type"];
            json a = answers.contains(id) ? answers[id] : json(nullptr);
            std::string country;
            if (type == "requisites") {
                json current;
                country = a.is_object() ? a.value("country", "") : "";
                if (country != "ru" && country != "fr" && country != "other") country = client_country(db, lead_id, &current);
                if (!a.is_object() || a.empty()) a = current;
            }
            std::string error;
            for (const std::string& m : errs[id])
                error += (error.empty() ? "" : "; ") + (type == "requisites" ? requisite_problem_text(m, country, l) : localise(m, l));
            json item = {{"id", id}, {"label", text_of(qu["label"], l)}, {"help", text_of(qu.value("help", json()), l)},
                         {"required", qu.value("required", false)}, {"is_" + type, true},
                         {"error", error.empty() ? json(nullptr) : json(error)}};
            if (type == "requisites") {
                json groups = json::array(), countries = json::array();
                for (int c = 0; c < 3; ++c) {
                    const bool chosen = country == kCountries[c];
                    countries.push_back({{"code", kCountries[c]}, {"name", kCountryNames[li][c]}, {"checked", chosen}});
                    json fields = json::array();
                    for (const RequisiteField& f : requisite_fields(kCountries[c]))
                        fields.push_back({{"key", f.key}, {"label", f.label[li]}, {"value", a.is_object() ? a.value(f.key, "") : ""}});
                    groups.push_back({{"code", kCountries[c]}, {"fields", fields}});
                }
                item["countries"] = countries;
                item["groups"] = groups;
                a = json(nullptr);
            }
            if (item["help"] == "") item["help"] = nullptr;
            if (a.is_string()) item["value"] = a.get<std::string>();
            else if (a.is_number_integer()) item["value"] = std::to_string(a.get<int64_t>());
            else item["value"] = "";
            if (qu.contains("min")) item["min"] = std::to_string(qu["min"].get<int64_t>());
            if (qu.contains("max")) item["max"] = std::to_string(qu["max"].get<int64_t>());
            if (type == "yesno") { item["yes"] = a == json(true); item["no"] = a == json(false); }
            if (type == "choice" || type == "multi") {
                json opts = json::array();
                for (const json& o : qu["options"]) {
                    bool checked = type == "choice" ? a == o["id"]
                                                    : (a.is_array() && std::find(a.begin(), a.end(), o["id"]) != a.end());
                    opts.push_back({{"id", o["id"]}, {"name", id}, {"label", text_of(o["label"], l)}, {"checked", checked}});
                }
                item["options"] = opts;
            }
            qs.push_back(item);
        }
        sections.push_back({{"title", text_of(s["title"], l)}, {"questions", qs}});
    }
    d["sections"] = sections;
    return render_template(kBriefForm, d);
}

}  // namespace

std::string brief_form_html(sqlite3* db, std::string_view brief_id, Lang l, const json* override_answers,
                            const std::vector<BriefProblem>& problems, std::string_view notice) {
    // The link names the brief the client was sent; the form shows its
    // lead's current version.
    Stmt q(db, "SELECT b.answers_json, bt.body_json, (SELECT name FROM studio ORDER BY created_at LIMIT 1), b.lead_id"
               " FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id"
               " WHERE b.lead_id = (SELECT lead_id FROM briefs WHERE id = ?1) ORDER BY b.updated_at DESC, b.rowid DESC LIMIT 1");
    q.bind(1, brief_id);
    if (!q.step()) throw Error("brief: no brief with id \"" + std::string(brief_id) + "\"", ErrorKind::not_found);
    json stored = parse_json(q.text(0), "brief.answers"), tpl = parse_json(q.text(1), "brief_template");
    return render_brief_form(db, tpl, override_answers ? *override_answers : stored, q.text(2), q.text(3), l, problems, notice);
}

std::string brief_preview_html(sqlite3* db, const json& tpl, Lang l) {
    check_brief_template(tpl);
    Stmt q(db, "SELECT name FROM studio ORDER BY created_at LIMIT 1");
    const std::string studio = q.step() ? q.text(0) : "";
    return render_brief_form(db, tpl, json::object(), studio, "", l, {}, "");
}

namespace {

// What the issued (frozen) invoice cannot say itself: that it is paid (its
// QR code hidden, so that nobody pays twice), or where to pay it online.
std::string with_invoice_state(sqlite3* db, std::string_view id, Lang l, std::string html) {
    Stmt q(db, "SELECT status, coalesce(payment_url, '') FROM invoices WHERE id = ?1");
    q.bind(1, id);
    if (!q.step()) return html;
    const std::string status = q.text(0), url = q.text(1);
    const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
    static const char* const paid[3] = {"Счёт оплачен. Спасибо!", "Facture payée. Merci !", "This invoice is paid. Thank you!"};
    static const char* const pay[3] = {"Оплатить онлайн", "Payer en ligne", "Pay online"};
    std::string block;
    if (status == "paid") {
        block = render_template("<style>.qr-block{display:none}</style><p class=\"status-paid noprint\" role=\"status\" style=\"font-size:12pt;"
                                "color:#2f7d32;border:1px solid #2f7d32;border-radius:2mm;padding:3mm 4mm\">{{t}}</p>",
                                json{{"t", paid[li]}});
    } else if (!url.empty() && status != "void" && status != "draft") {
        block = render_template("<p class=\"noprint\"><a class=\"pay-online\" href=\"{{url}}\" rel=\"noopener noreferrer\" style=\"display:inline-block;"
                                "padding:3mm 8mm;background:#1f5fbf;color:#fff;border-radius:2mm;text-decoration:none;font-weight:bold\">{{t}}</a></p>",
                                json{{"url", url}, {"t", pay[li]}});
    }
    if (block.empty()) return html;
    size_t at = html.find("<div class=\"page\">");
    at = at == std::string::npos ? html.find("<body>") : at;
    if (at == std::string::npos) return block + html;
    html.insert(html.find('>', at) + 1, "\n" + block);
    return html;
}

}  // namespace

json requisites_from_form(sqlite3* db, std::string_view lead_id, const FormFields& fields, Lang l, std::vector<std::string>* problems) {
    json current;
    const std::string country = client_country(db, lead_id, &current);
    json r = json::object();
    bool any = false;
    for (const RequisiteField& f : requisite_fields(country)) {
        auto it = fields.find(std::string("rq_") + f.key);
        std::string v = it == fields.end() ? "" : it->second;
        v.erase(0, v.find_first_not_of(" \t"));
        v.erase(v.find_last_not_of(" \t") + 1);
        if (v.size() > 500) v.resize(500);
        if (!v.empty()) r[f.key] = v, any = true;
    }
    if (!any) return json::object();
    for (auto it = current.begin(); it != current.end(); ++it)
        if (!r.contains(it.key()) && it->is_string()) r[it.key()] = *it;  // what the manager entered stays
    r["country"] = country;
    if (!r.contains("kind")) r["kind"] = kind_of(r, country);
    for (const std::string& p : requisites_problems(r, false)) problems->push_back(requisite_problem_text(p, country, l));
    return r;
}

std::string client_document_html(sqlite3* db, std::string_view kind, std::string_view doc_id, Lang l,
                                 std::string_view error) {
    std::string html = document_html(db, kind, doc_id, l);
    if (kind == "invoice") return with_invoice_state(db, doc_id, l, std::move(html));
    if (kind != "proposal" && kind != "contract" && kind != "act") return html;
    Stmt q(db, ("SELECT status FROM " + std::string(kind) + "s WHERE id = ?1").c_str());
    q.bind(1, doc_id);
    std::string status = q.step() ? q.text(0) : "";
    bool open = status != "accepted" && status != "superseded" && status != "declined" && status != "signed";
    if (!open && error.empty()) return html;
    json d = {{"w", words(l)}, {"error", error.empty() ? json(nullptr) : json(std::string(error))}, {"open", open}};
    // The contract asks for the client's legal details, prefilled with what the studio has.
    json rq = json::array();
    if (kind == "contract" && open) {
        Stmt lq(db, "SELECT lead_id FROM contracts WHERE id = ?1");
        lq.bind(1, doc_id);
        if (lq.step()) {
            json current;
            const std::string lead = lq.text(0), country = client_country(db, lead, &current);
            const int li = l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2;
            for (const RequisiteField& f : requisite_fields(country))
                rq.push_back({{"key", f.key}, {"label", f.label[li]}, {"value", current.value(f.key, "")}});
        }
    }
    d["rq"] = rq;
    d["has_rq"] = !rq.empty();
    static const char* const rq_title[3] = {"Реквизиты заказчика для договора и счетов (если платит организация или ИП)",
                                            "Vos coordonnées légales pour le contrat et les factures (pour une entreprise)",
                                            "Your legal details for the contract and invoices (for a company)"};
    d["rq_title"] = rq_title[l == Lang::ru ? 0 : l == Lang::fr ? 1 : 2];
    std::string form = render_template(
        R"M({{#error}}<p class="noprint" style="color:#b3261e;font-weight:bold" role="alert">{{error}}</p>{{/error}}
{{#open}}<form method="post" class="noprint" style="margin:8mm 0;padding:5mm;border:1px solid #1f5fbf;border-radius:2mm">
{{#has_rq}}<fieldset style="border:0;padding:0;margin:0 0 4mm"><legend style="font-weight:bold;margin-bottom:2mm">{{rq_title}}</legend>
{{#rq}}<label for="rq-{{key}}" style="display:block;margin-top:2mm">{{label}}</label><input id="rq-{{key}}" name="rq_{{key}}" type="text" value="{{value}}" style="width:100%;padding:2mm;font:inherit;box-sizing:border-box">
{{/rq}}</fieldset>{{/has_rq}}
<label for="accept-name">{{w.accept_as}}</label><br>
<input id="accept-name" name="name" type="text" required style="width:60%;padding:2mm;font:inherit">
<button type="submit" name="action" value="accept" style="padding:2mm 6mm;font:inherit;background:#1f5fbf;color:#fff;border:0;border-radius:1mm">{{w.accept}}</button>
<p style="color:#666;font-size:9pt">{{w.accept_note}}</p>
</form>{{/open}}
)M", d);
    size_t at = html.rfind("</div>\n</body>");
    if (at == std::string::npos) at = html.rfind("</body>");
    if (at == std::string::npos) return html + form;
    html.insert(at, form);
    return html;
}

}  // namespace atelier
