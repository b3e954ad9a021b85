// atelier/brief.cpp — see brief.h.
#include "brief.h"

#include <set>

#include "error.h"
#include "json_in.h"
#include "ids.h"
#include "requisites.h"

namespace atelier {

using nlohmann::json;

namespace {

const std::set<std::string> kTypes = {"text", "longtext", "number", "choice", "multi", "yesno", "date", "requisites"};

void check_texts(const json& j, const std::string& path, bool required) {
    if (j.is_null() && !required) return;
    if (!j.is_object()) throw Error("brief_template: " + path + ": expected an object {\"ru\", \"fr\", \"en\"}");
    for (const char* l : {"ru", "fr", "en"}) {
        auto it = j.find(l);
        if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
            throw Error("brief_template: " + path + "." + l + ": expected a non-empty string");
    }
}

const json* find(const json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

}  // namespace

void check_brief_template(const json& t) {
    if (!t.is_object()) throw Error("brief_template: expected a JSON object");
    const json* code = find(t, "code");
    if (!code || !code->is_string() || code->get_ref<const std::string&>().empty())
        throw Error("brief_template: code: expected a non-empty string");
    const json* ver = find(t, "version");
    if (!ver || !ver->is_number_integer() || ver->get<int64_t>() < 1)
        throw Error("brief_template: version: expected a positive integer");
    check_texts(t.value("title", json()), "title", true);
    const json* secs = find(t, "sections");
    if (!secs || !secs->is_array() || secs->empty()) throw Error("brief_template: sections: expected a non-empty array");
    std::set<std::string> ids;
    for (size_t i = 0; i < secs->size(); ++i) {
        const json& s = (*secs)[i];
        std::string sp = "sections[" + std::to_string(i) + "]";
        if (!s.is_object()) throw Error("brief_template: " + sp + ": expected an object");
        check_texts(s.value("title", json()), sp + ".title", true);
        const json* qs = find(s, "questions");
        if (!qs || !qs->is_array()) throw Error("brief_template: " + sp + ".questions: expected an array");
        for (size_t k = 0; k < qs->size(); ++k) {
            const json& q = (*qs)[k];
            std::string qp = sp + ".questions[" + std::to_string(k) + "]";
            if (!q.is_object()) throw Error("brief_template: " + qp + ": expected an object");
            const json* id = find(q, "id");
            if (!id || !id->is_string() || id->get_ref<const std::string&>().empty())
                throw Error("brief_template: " + qp + ".id: expected a non-empty string");
            if (!ids.insert(id->get<std::string>()).second)
                throw Error("brief_template: " + qp + ".id: duplicate question id \"" + id->get<std::string>() + "\"");
            const json* type = find(q, "type");
            if (!type || !type->is_string() || !kTypes.count(type->get<std::string>()))
                throw Error("brief_template: " + qp + ".type: unknown type " + (type ? describe(*type) : "(missing)") +
                            ", expected text, longtext, number, choice, multi, yesno, date or requisites");
            check_texts(q.value("label", json()), qp + ".label", true);
            check_texts(q.value("help", json()), qp + ".help", false);
            if (const json* r = find(q, "required"); r && !r->is_boolean())
                throw Error("brief_template: " + qp + ".required: expected true or false");
            std::string ty = type->get<std::string>();
            if (ty == "number") {
                for (const char* b : {"min", "max"})
                    if (const json* v = find(q, b); v && !v->is_number_integer())
                        throw Error("brief_template: " + qp + "." + b + ": expected an integer");
                if (q.contains("min") && q.contains("max") && q["min"].get<int64_t>() > q["max"].get<int64_t>())
                    throw Error("brief_template: " + qp + ": min is greater than max");
            }
            if (ty == "choice" || ty == "multi") {
                const json* opts = find(q, "options");
                if (!opts || !opts->is_array() || opts->empty())
                    throw Error("brief_template: " + qp + ".options: expected a non-empty array");
                std::set<std::string> oids;
                for (size_t o = 0; o < opts->size(); ++o) {
                    const json& op = (*opts)[o];
                    std::string op_path = qp + ".options[" + std::to_string(o) + "]";
                    if (!op.is_object() || !op.contains("id") || !op["id"].is_string())
                        throw Error("brief_template: " + op_path + ".id: expected a string");
                    if (!oids.insert(op["id"].get<std::string>()).second)
                        throw Error("brief_template: " + op_path + ".id: duplicate option id");
                    check_texts(op.value("label", json()), op_path + ".label", true);
                }
            }
        }
    }
}

size_t answer_max_chars(const json& q) {
    const std::string type = q.value("type", "");
    size_t dflt = type == "text" ? 500 : type == "longtext" ? 10000 : type == "requisites" ? 3000 : 100;
    auto it = q.find("max_length");
    if (it != q.end() && it->is_number_unsigned() && it->get<uint64_t>() > 0 && it->get<uint64_t>() <= 100000)
        return (size_t)it->get<uint64_t>();
    return dflt;
}

size_t form_max_bytes(const json& tpl) {
    // Each character may take 4 bytes of UTF-8, each byte 3 when %-encoded.
    size_t total = 4096;
    if (!tpl.is_object() || !tpl.contains("sections") || !tpl["sections"].is_array()) return total;
    for (const json& s : tpl["sections"]) {
        if (!s.is_object() || !s.contains("questions") || !s["questions"].is_array()) continue;
        for (const json& q : s["questions"]) {
            if (!q.is_object()) continue;
            size_t options = q.contains("options") && q["options"].is_array() ? q["options"].size() : 1;
            total += 64 + 12 * answer_max_chars(q) + 160 * options;
        }
    }
    return total;
}

std::vector<BriefProblem> validate_answers(const json& tpl, const json& answers) {
    std::vector<BriefProblem> out;
    if (!answers.is_object()) {
        out.push_back({"", "expected a JSON object of answers"});
        return out;
    }
    std::set<std::string> known;
    for (const json& s : tpl["sections"]) {
        for (const json& q : s["questions"]) {
            const std::string id = q["id"].get<std::string>();
            const std::string type = q["type"].get<std::string>();
            known.insert(id);
            auto it = answers.find(id);
            bool empty = it == answers.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty()) ||
                         (it->is_array() && it->empty()) || (it->is_object() && it->empty());
            if (empty) {
                if (q.value("required", false)) out.push_back({id, "required", true});
                continue;
            }
            const json& a = *it;
            if (type == "text" || type == "longtext") {
                if (!a.is_string()) { out.push_back({id, "expected text"}); continue; }
                size_t limit = answer_max_chars(q);
                const std::string& text = a.get_ref<const std::string&>();
                if (!valid_utf8(text)) out.push_back({id, "not UTF-8 text"});
                else if (utf8_length(text) > limit) out.push_back({id, "at most " + std::to_string(limit) + " characters"});
            } else if (type == "number") {
                if (!a.is_number_integer()) { out.push_back({id, "expected a whole number"}); continue; }
                int64_t v = a.get<int64_t>();
                if (q.contains("min") && v < q["min"].get<int64_t>())
                    out.push_back({id, "must be at least " + std::to_string(q["min"].get<int64_t>())});
                if (q.contains("max") && v > q["max"].get<int64_t>())
                    out.push_back({id, "must be at most " + std::to_string(q["max"].get<int64_t>())});
            } else if (type == "choice" || type == "multi") {
                std::set<std::string> opts;
                for (const json& o : q["options"]) opts.insert(o["id"].get<std::string>());
                auto check_one = [&](const json& v) {
                    if (!v.is_string()) { out.push_back({id, "expected an option id"}); return; }
                    if (!opts.count(v.get<std::string>()))
                        out.push_back({id, "unknown option \"" + v.get<std::string>() + "\""});
                };
                if (type == "choice") check_one(a);
                else if (!a.is_array()) out.push_back({id, "expected a list of option ids"});
                else {
                    std::set<std::string> seen;
                    for (const json& v : a) {
                        check_one(v);
                        if (v.is_string() && !seen.insert(v.get<std::string>()).second)
                            out.push_back({id, "option \"" + v.get<std::string>() + "\" given twice"});
                    }
                }
            } else if (type == "yesno") {
                if (!a.is_boolean()) out.push_back({id, "expected true or false"});
            } else if (type == "date") {
                if (!a.is_string() || a.get_ref<const std::string&>().size() != 10 || !is_iso_time(a.get<std::string>()))
                    out.push_back({id, "expected a date YYYY-MM-DD"});
            } else if (type == "requisites") {
                if (!a.is_object()) { out.push_back({id, "expected an object of legal details"}); continue; }
                for (std::string& p : requisites_problems(a, false)) out.push_back({id, std::move(p)});
            }
        }
    }
    for (auto it = answers.begin(); it != answers.end(); ++it)
        if (!known.count(it.key())) out.push_back({clip_utf8(it.key(), 60), "no such question in this brief"});
    return out;
}

json requisites_answer(const json& tpl, const json& answers) {
    if (!answers.is_object() || !tpl.is_object() || !tpl.contains("sections")) return json::object();
    for (const json& s : tpl["sections"])
        for (const json& q : s.value("questions", json::array()))
            if (q.value("type", "") == "requisites") {
                auto it = answers.find(q.value("id", ""));
                if (it != answers.end() && it->is_object() && !it->empty()) return *it;
            }
    return json::object();
}

std::string answer_text(const json& q, const json& a, Lang lang) {
    const std::string type = q.value("type", "");
    auto label = [&](const json& id) -> std::string {
        if (q.contains("options") && q["options"].is_array())
            for (const json& o : q["options"])
                if (o.is_object() && o.value("id", json()) == id && o.contains("label") && o["label"].is_object())
                    return o["label"].value(lang_code(lang), id.is_string() ? id.get<std::string>() : id.dump());
        return id.is_string() ? id.get<std::string>() : id.dump();
    };
    if (a.is_null()) return "";
    if (type == "yesno" && a.is_boolean()) {
        static const char* const yes[] = {"да", "oui", "yes"};
        static const char* const no[] = {"нет", "non", "no"};
        return (a.get<bool>() ? yes : no)[static_cast<int>(lang)];
    }
    if (type == "choice") return label(a);
    if (type == "multi" && a.is_array()) {
        std::string out;
        for (const json& v : a) out += (out.empty() ? "" : ", ") + label(v);
        return out;
    }
    if (type == "date" && a.is_string()) return format_date(a.get<std::string>(), lang);
    if (type == "requisites" && a.is_object()) return a.value("legal_name", "");
    if (a.is_string()) return a.get<std::string>();
    if (a.is_number_integer()) return std::to_string(a.get<int64_t>());
    return a.dump();
}

namespace {

bool blank(const json* a) {
    if (!a || a->is_null()) return true;
    if (a->is_string()) return a->get_ref<const std::string&>().empty();
    return (a->is_array() || a->is_object()) && a->empty();
}

bool same_answer(const json* x, const json* y) {
    if (blank(x) || blank(y)) return blank(x) == blank(y);
    return *x == *y;
}

}  // namespace

std::vector<std::string> changed_answers(const json& tpl, const json& before, const json& after) {
    static const json kEmpty = json::object();
    const json& b = before.is_object() ? before : kEmpty;
    const json& a = after.is_object() ? after : kEmpty;
    std::vector<std::string> out;
    std::set<std::string> asked;
    auto look = [&](const std::string& id) {
        if (!asked.insert(id).second) return;
        auto x = b.find(id), y = a.find(id);
        if (!same_answer(x == b.end() ? nullptr : &*x, y == a.end() ? nullptr : &*y)) out.push_back(id);
    };
    if (tpl.is_object() && tpl.contains("sections") && tpl["sections"].is_array())
        for (const json& s : tpl["sections"])
            if (s.is_object() && s.contains("questions") && s["questions"].is_array())
                for (const json& q : s["questions"])
                    if (q.is_object() && q.contains("id") && q["id"].is_string()) look(q["id"].get<std::string>());
    for (const json* side : {&b, &a})
        for (auto it = side->begin(); it != side->end(); ++it) look(it.key());
    return out;
}

std::string join_problems(const std::vector<BriefProblem>& problems) {
    std::string s;
    for (size_t i = 0; i < problems.size(); ++i) {
        if (i) s += "; ";
        s += problems[i].question.empty() ? problems[i].message : problems[i].question + ": " + problems[i].message;
    }
    return s;
}

}  // namespace atelier
