// atelier/pricing.cpp — see pricing.h.
//
// [SECTION] compiled price list
// [SECTION] compiling (checks, with JSON paths in errors)
// [SECTION] conditions and quantities over answers
// [SECTION] dates
// [SECTION] the estimate
#include "pricing.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "calendar.h"
#include "error.h"
#include "json_in.h"
#include "ids.h"
#include "json_writer.h"
#include "money.h"

namespace atelier {

using nlohmann::json;

// -------------------------------------------------------------------------
// [SECTION] compiled price list
// -------------------------------------------------------------------------

namespace {

enum class CondKind { Always, Is, Has, Gt, All, Any, Not };

struct Cond {
    CondKind kind = CondKind::Always;
    std::string answer;
    json value;                 // for Is / Has
    int64_t number = 0;         // for Gt
    std::vector<Cond> children; // All / Any / Not
};

enum class QtyKind { One, Answer, Count, Const };

struct Qty {
    QtyKind kind = QtyKind::One;
    std::string answer;
    int64_t constant = 1, minus = 0, min = INT64_MIN, max = INT64_MAX;
};

struct Role {
    std::string id;
    int64_t rate;
};

struct ServiceHours {
    size_t role;        // index into roles
    int64_t centihours; // per unit
    std::string key;    // "<service>/<role>", the line's key
    std::string head;   // the line's JSON up to its quantity: {"key":..,"service":..,"role":..,"stage":..,"unit":..,"quantity":
};

struct Service {
    std::string id, stage, driver;
    size_t stage_index;
    std::vector<ServiceHours> hours;  // in roles order
};

struct Option {
    std::string id;
    bool on_rate;                 // else on hours
    int64_t percent;
    std::vector<bool> roles;      // per role index
};

struct Rule {
    bool is_option;
    size_t target;  // service or option index
    Cond when;
    Qty quantity;
    std::string assumption[3];  // ru, fr, en; may contain {n}
    bool has_assumption = false;
};

struct Discount {
    std::string id;
    int64_t percent = -1, amount = -1, floor = 0;
};

struct Payment {
    int64_t percent;
    std::string names_json;  // {"ru":..,"fr":..,"en":..}
    std::string on;          // when it falls due: "signing" or a stage id (its end)
};

}  // namespace

struct PriceList {
    std::string currency;
    std::string calendar;  // whose working days the timeline counts: "ru", "fr", "" (weekends only)
    int64_t hours_per_day = 6;
    std::vector<Role> roles;
    std::vector<std::string> stages;
    std::vector<int64_t> stage_buffer_days;
    std::vector<Service> services;
    std::vector<Option> options;
    std::vector<Rule> rules;
    std::vector<Discount> discounts;
    std::string tax_mode = "no_vat";
    int64_t tax_rate_bp = 0;
    std::vector<Payment> payments;
    std::string names_json;  // the "names" object of every estimate
};

// -------------------------------------------------------------------------
// [SECTION] compiling
// -------------------------------------------------------------------------

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) {
    throw Error("price_list: " + path + ": " + what);
}

const json& member(const json& j, const char* key, const std::string& path) {
    auto it = j.find(key);
    if (it == j.end()) bad(path + "." + key, "missing");
    return *it;
}

// Ids are written into every estimate unescaped, so they are restricted to
// letters, digits, '_', '-' and '.'.
std::string id_of(const json& j, const std::string& path) {
    const json& id = member(j, "id", path);
    if (!id.is_string() || id.get_ref<const std::string&>().empty()) bad(path + ".id", "expected a non-empty string");
    for (char c : id.get_ref<const std::string&>())
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
            bad(path + ".id", "use only letters, digits, '_', '-' and '.', got " + describe(id));
    return id.get<std::string>();
}

std::string names_of(const json& j, const std::string& path) {
    const json& n = member(j, "name", path);
    if (!n.is_object()) bad(path + ".name", "expected an object {\"ru\", \"fr\", \"en\"}");
    for (const char* l : {"ru", "fr", "en"}) {
        auto it = n.find(l);
        if (it == n.end() || !it->is_string()) bad(path + ".name." + l, "expected a string");
    }
    JsonWriter w;
    w.begin_object();
    for (const char* l : {"ru", "fr", "en"}) w.key(l).value(n[l].get_ref<const std::string&>());
    w.end_object();
    return w.str();
}

// A stage's part of the studio's process, each in ru/fr/en, all optional:
// what the client provides for it, its checklist, the materials asked of
// the client when a project opens (projects::open).
void check_stage_template(const json& stage, const std::string& path) {
    auto text = [&](const json& v, const std::string& at, size_t max_chars, bool required) {
        if (!v.is_string() || !valid_utf8(v.get_ref<const std::string&>()) || utf8_length(v.get_ref<const std::string&>()) > max_chars ||
            (required && v.get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos))
            bad(at, "expected " + std::string(required ? "" : "a ") + "UTF-8 text of " + (required ? "1 to " : "at most ") +
                        std::to_string(max_chars) + " characters, got " + describe(v));
    };
    for (const char* field : {"client_provides", "checklist", "materials"}) {
        auto f = stage.find(field);
        if (f == stage.end()) continue;
        const std::string at = path + "." + field;
        if (!f->is_object()) bad(at, "expected an object {\"ru\", \"fr\", \"en\"}");
        for (const auto& [lang, v] : f->items()) {
            if (lang != "ru" && lang != "fr" && lang != "en") bad(at + "." + lang, "unknown language (ru, fr, en)");
            const std::string al = at + "." + lang;
            if (std::string(field) == "client_provides") {
                text(v, al, 1000, false);
                continue;
            }
            const size_t max_items = std::string(field) == "checklist" ? 30 : 10;
            if (!v.is_array() || v.size() > max_items) bad(al, "expected an array of at most " + std::to_string(max_items) + " texts");
            for (size_t i = 0; i < v.size(); ++i) text(v[i], al + "[" + std::to_string(i) + "]", 200, true);
        }
    }
}

int64_t integer(const json& v, const std::string& path, int64_t min, const char* what) {
    if (!v.is_number_integer()) bad(path, std::string("expected ") + what + ", got " + describe(v));
    int64_t x = v.get<int64_t>();
    if (x < min) bad(path, std::string("expected ") + what + ", got " + std::to_string(x));
    return x;
}

// Hours with at most two decimals, as integer hundredths.
int64_t centihours(const json& v, const std::string& path) {
    if (v.is_number_integer()) {
        int64_t h = v.get<int64_t>();
        if (h < 0 || h > 100000) bad(path, "expected hours between 0 and 100000, got " + std::to_string(h));
        return h * 100;
    }
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (!(d >= 0 && d <= 100000)) bad(path, "expected hours between 0 and 100000, got " + describe(v));
        double c = d * 100;
        double r = std::round(c);
        if (std::fabs(c - r) > 1e-6) bad(path, "hours take at most two decimals, got " + describe(v));
        return (int64_t)r;
    }
    bad(path, "expected a number of hours, got " + describe(v));
}

Cond compile_cond(const json& j, const std::string& path) {
    Cond c;
    if (!j.is_object()) bad(path, "expected a condition object");
    if (j.contains("all") || j.contains("any")) {
        const char* k = j.contains("all") ? "all" : "any";
        c.kind = j.contains("all") ? CondKind::All : CondKind::Any;
        const json& arr = j[k];
        if (!arr.is_array() || arr.empty()) bad(path + "." + k, "expected a non-empty array of conditions");
        for (size_t i = 0; i < arr.size(); ++i)
            c.children.push_back(compile_cond(arr[i], path + "." + k + "[" + std::to_string(i) + "]"));
        return c;
    }
    if (j.contains("not")) {
        c.kind = CondKind::Not;
        c.children.push_back(compile_cond(j["not"], path + ".not"));
        return c;
    }
    const json& a = member(j, "answer", path);
    if (!a.is_string()) bad(path + ".answer", "expected a question id");
    c.answer = a.get<std::string>();
    if (j.contains("is")) { c.kind = CondKind::Is; c.value = j["is"]; }
    else if (j.contains("has")) { c.kind = CondKind::Has; c.value = j["has"]; }
    else if (j.contains("gt")) { c.kind = CondKind::Gt; c.number = integer(j["gt"], path + ".gt", INT64_MIN, "an integer"); }
    else bad(path, "expected one of is, has, gt, all, any, not");
    return c;
}

Qty compile_qty(const json& j, const std::string& path) {
    Qty q;
    if (!j.is_object()) bad(path, "expected a quantity object");
    if (j.contains("answer")) {
        q.kind = QtyKind::Answer;
        if (!j["answer"].is_string()) bad(path + ".answer", "expected a question id");
        q.answer = j["answer"].get<std::string>();
    } else if (j.contains("count")) {
        q.kind = QtyKind::Count;
        if (!j["count"].is_string()) bad(path + ".count", "expected a question id");
        q.answer = j["count"].get<std::string>();
    } else if (j.contains("const")) {
        q.kind = QtyKind::Const;
        q.constant = integer(j["const"], path + ".const", 0, "a non-negative integer");
    } else {
        bad(path, "expected one of answer, count, const");
    }
    if (j.contains("minus")) q.minus = integer(j["minus"], path + ".minus", 0, "a non-negative integer");
    if (j.contains("min")) q.min = integer(j["min"], path + ".min", 0, "a non-negative integer");
    if (j.contains("max")) q.max = integer(j["max"], path + ".max", 0, "a non-negative integer");
    return q;
}

}  // namespace

const std::string& price_list_calendar(const PriceList& pl) { return pl.calendar; }

std::shared_ptr<const PriceList> compile_price_list_text(std::string_view text) {
    json j = parse_json(text, "price_list");
    return compile_price_list(j);
}

std::shared_ptr<const PriceList> compile_price_list(const json& j) {
    if (!j.is_object()) bad("(root)", "expected a JSON object");
    auto pl = std::make_shared<PriceList>();
    const json& cur = member(j, "currency", "(root)");
    if (!cur.is_string() || !currency_from_code(cur.get<std::string>()))
        bad("currency", "expected RUB, EUR or USD, got " + describe(cur));
    pl->currency = cur.get<std::string>();
    if (j.contains("hours_per_day")) pl->hours_per_day = integer(j["hours_per_day"], "hours_per_day", 1, "a positive integer");
    pl->calendar = std::string(calendar_country_of(pl->currency));
    if (j.contains("calendar")) {
        const json& c = j["calendar"];
        bool ok = c.is_string() && (c.get_ref<const std::string&>().empty() ||
                                    (c.get_ref<const std::string&>().size() == 2 && std::islower((unsigned char)c.get_ref<const std::string&>()[0]) &&
                                     std::islower((unsigned char)c.get_ref<const std::string&>()[1])));
        if (!ok) bad("calendar", "expected a country code such as \"ru\" or \"fr\", or \"\" for weekends only, got " + describe(c));
        pl->calendar = c.get<std::string>();
    }

    JsonWriter names;
    names.begin_object();
    std::map<std::string, size_t> role_ix, stage_ix, service_ix, option_ix;

    const json& roles = member(j, "roles", "(root)");
    if (!roles.is_array() || roles.empty()) bad("roles", "expected a non-empty array");
    names.key("roles").begin_object();
    for (size_t i = 0; i < roles.size(); ++i) {
        std::string p = "roles[" + std::to_string(i) + "]";
        std::string id = id_of(roles[i], p);
        if (role_ix.count(id)) bad(p + ".id", "duplicate role \"" + id + "\"");
        int64_t rate = integer(member(roles[i], "rate", p), p + ".rate", 1, "a positive integer of minor units");
        role_ix[id] = pl->roles.size();
        pl->roles.push_back({id, rate});
        names.key(id).raw(names_of(roles[i], p));
    }
    names.end_object();

    const json& stages = member(j, "stages", "(root)");
    if (!stages.is_array() || stages.empty()) bad("stages", "expected a non-empty array");
    names.key("stages").begin_object();
    for (size_t i = 0; i < stages.size(); ++i) {
        std::string p = "stages[" + std::to_string(i) + "]";
        std::string id = id_of(stages[i], p);
        if (stage_ix.count(id)) bad(p + ".id", "duplicate stage \"" + id + "\"");
        stage_ix[id] = pl->stages.size();
        pl->stages.push_back(id);
        pl->stage_buffer_days.push_back(stages[i].contains("buffer_days")
            ? integer(stages[i]["buffer_days"], p + ".buffer_days", 0, "a non-negative integer") : 0);
        names.key(id).raw(names_of(stages[i], p));
        check_stage_template(stages[i], p);
    }
    names.end_object();

    const json& services = member(j, "services", "(root)");
    if (!services.is_array()) bad("services", "expected an array");
    names.key("services").begin_object();
    static const std::set<std::string> drivers = {"fixed", "per_page", "per_item", "per_language"};
    for (size_t i = 0; i < services.size(); ++i) {
        const json& s = services[i];
        std::string p = "services[" + std::to_string(i) + "]";
        Service sv;
        sv.id = id_of(s, p);
        if (service_ix.count(sv.id)) bad(p + ".id", "duplicate service \"" + sv.id + "\"");
        const json& st = member(s, "stage", p);
        if (!st.is_string() || !stage_ix.count(st.get<std::string>()))
            bad(p + ".stage", "unknown stage " + describe(st));
        sv.stage = st.get<std::string>();
        sv.stage_index = stage_ix[sv.stage];
        sv.driver = s.value("driver", "fixed");
        if (!drivers.count(sv.driver)) bad(p + ".driver", "expected fixed, per_page, per_item or per_language, got \"" + sv.driver + "\"");
        const json& hours = member(s, "hours", p);
        if (!hours.is_object() || hours.empty()) bad(p + ".hours", "expected an object {role: hours}");
        for (auto it = hours.begin(); it != hours.end(); ++it)
            if (!role_ix.count(it.key())) bad(p + ".hours." + it.key(), "unknown role");
        for (size_t r = 0; r < pl->roles.size(); ++r) {
            auto it = hours.find(pl->roles[r].id);
            if (it == hours.end()) continue;
            int64_t ch = centihours(*it, p + ".hours." + pl->roles[r].id);
            if (ch <= 0) continue;
            std::string key = sv.id + "/" + pl->roles[r].id;
            std::string head = "{\"key\":\"" + key + "\",\"service\":\"" + sv.id + "\",\"role\":\"" + pl->roles[r].id +
                               "\",\"stage\":\"" + sv.stage + "\",\"unit\":\"" + sv.driver + "\",\"quantity\":";
            sv.hours.push_back({r, ch, std::move(key), std::move(head)});
        }
        service_ix[sv.id] = pl->services.size();
        pl->services.push_back(std::move(sv));
        names.key(s["id"].get_ref<const std::string&>()).raw(names_of(s, p));
    }
    names.end_object();

    names.key("options").begin_object();
    if (j.contains("options")) {
        const json& opts = j["options"];
        if (!opts.is_array()) bad("options", "expected an array");
        for (size_t i = 0; i < opts.size(); ++i) {
            const json& o = opts[i];
            std::string p = "options[" + std::to_string(i) + "]";
            Option op;
            op.id = id_of(o, p);
            if (option_ix.count(op.id)) bad(p + ".id", "duplicate option \"" + op.id + "\"");
            std::string on = o.value("applies_to", "");
            if (on != "rate" && on != "hours") bad(p + ".applies_to", "expected \"rate\" or \"hours\"");
            op.on_rate = on == "rate";
            op.percent = integer(member(o, "percent", p), p + ".percent", 1, "a positive integer percent");
            if (op.percent > 1000) bad(p + ".percent", "at most 1000");
            op.roles.assign(pl->roles.size(), false);
            const json& rl = o.contains("roles") ? o["roles"] : json::array({"*"});
            if (!rl.is_array()) bad(p + ".roles", "expected an array of role ids or [\"*\"]");
            for (const json& r : rl) {
                if (r == "*") { std::fill(op.roles.begin(), op.roles.end(), true); continue; }
                if (!r.is_string() || !role_ix.count(r.get<std::string>())) bad(p + ".roles", "unknown role " + describe(r));
                op.roles[role_ix[r.get<std::string>()]] = true;
            }
            option_ix[op.id] = pl->options.size();
            pl->options.push_back(std::move(op));
            names.key(o["id"].get_ref<const std::string&>()).raw(names_of(o, p));
        }
    }
    names.end_object();

    names.key("discounts").begin_object();
    if (j.contains("discounts")) {
        const json& ds = j["discounts"];
        if (!ds.is_array()) bad("discounts", "expected an array");
        for (size_t i = 0; i < ds.size(); ++i) {
            const json& d = ds[i];
            std::string p = "discounts[" + std::to_string(i) + "]";
            Discount dc;
            dc.id = id_of(d, p);
            if (d.contains("percent") == d.contains("amount")) bad(p, "expected exactly one of percent, amount");
            if (d.contains("percent")) {
                dc.percent = integer(d["percent"], p + ".percent", 0, "a percent from 0 to 100");
                if (dc.percent > 100) bad(p + ".percent", "expected a percent from 0 to 100, got " + std::to_string(dc.percent));
            } else {
                dc.amount = integer(d["amount"], p + ".amount", 0, "a non-negative integer of minor units");
            }
            if (d.contains("floor")) dc.floor = integer(d["floor"], p + ".floor", 0, "a non-negative integer of minor units");
            pl->discounts.push_back(dc);
            names.key(dc.id).raw(names_of(d, p));
        }
    }
    names.end_object();
    names.end_object();
    pl->names_json = names.str();

    if (j.contains("tax")) {
        const json& t = j["tax"];
        if (!t.is_object()) bad("tax", "expected an object {mode, rate_bp}");
        pl->tax_mode = t.value("mode", "no_vat");
        if (pl->tax_mode != "no_vat" && pl->tax_mode != "vat_on_top" && pl->tax_mode != "vat_included")
            bad("tax.mode", "expected no_vat, vat_on_top or vat_included, got \"" + pl->tax_mode + "\"");
        pl->tax_rate_bp = t.contains("rate_bp") ? integer(t["rate_bp"], "tax.rate_bp", 0, "basis points from 0 to 10000") : 0;
        if (pl->tax_rate_bp > 10000) bad("tax.rate_bp", "expected basis points from 0 to 10000");
        if (pl->tax_mode == "no_vat") pl->tax_rate_bp = 0;
    }

    if (j.contains("payment_schedule")) {
        const json& ps = j["payment_schedule"];
        if (!ps.is_array() || ps.empty()) bad("payment_schedule", "expected a non-empty array");
        int64_t sum = 0;
        for (size_t i = 0; i < ps.size(); ++i) {
            std::string p = "payment_schedule[" + std::to_string(i) + "]";
            int64_t pc = integer(member(ps[i], "percent", p), p + ".percent", 1, "a positive percent");
            sum += pc;
            // The first payment is due at signing, a later one at the end of
            // the last stage (the launch), unless the line says when.
            std::string on = i == 0 ? "signing" : pl->stages.back();
            if (ps[i].contains("on")) {
                const json& o = ps[i]["on"];
                if (!o.is_string() || (o != "signing" && !stage_ix.count(o.get<std::string>()))) {
                    std::string ids = "\"signing\"";
                    for (const auto& st : pl->stages) ids += ", \"" + st + "\"";
                    bad(p + ".on", "expected " + ids);
                }
                on = o.get<std::string>();
            }
            pl->payments.push_back({pc, names_of(ps[i], p), on});
        }
        if (sum != 100) bad("payment_schedule", "percents must add up to 100, got " + std::to_string(sum));
    } else {
        pl->payments.push_back({100, R"({"ru":"Оплата","fr":"Paiement","en":"Payment"})", "signing"});
    }

    const json& rules = member(j, "rules", "(root)");
    if (!rules.is_array()) bad("rules", "expected an array");
    std::set<size_t> used_services;
    for (size_t i = 0; i < rules.size(); ++i) {
        const json& r = rules[i];
        std::string p = "rules[" + std::to_string(i) + "]";
        if (!r.is_object()) bad(p, "expected an object");
        Rule rule;
        if (r.contains("service") == r.contains("option")) bad(p, "expected exactly one of service, option");
        if (r.contains("service")) {
            const json& s = r["service"];
            if (!s.is_string() || !service_ix.count(s.get<std::string>())) bad(p + ".service", "unknown service " + describe(s));
            rule.is_option = false;
            rule.target = service_ix[s.get<std::string>()];
            if (!used_services.insert(rule.target).second) bad(p + ".service", "service " + describe(s) + " has a rule already");
        } else {
            const json& o = r["option"];
            if (!o.is_string() || !option_ix.count(o.get<std::string>())) bad(p + ".option", "unknown option " + describe(o));
            rule.is_option = true;
            rule.target = option_ix[o.get<std::string>()];
        }
        if (r.contains("when")) rule.when = compile_cond(r["when"], p + ".when");
        if (r.contains("quantity")) {
            if (rule.is_option) bad(p + ".quantity", "options take no quantity");
            rule.quantity = compile_qty(r["quantity"], p + ".quantity");
        }
        if (r.contains("assumption")) {
            const json& a = r["assumption"];
            int k = 0;
            for (const char* l : {"ru", "fr", "en"}) {
                if (!a.is_object() || !a.contains(l) || !a[l].is_string()) bad(p + ".assumption." + l, "expected a string");
                rule.assumption[k++] = a[l].get<std::string>();
            }
            rule.has_assumption = true;
        }
        pl->rules.push_back(std::move(rule));
    }
    return pl;
}

// -------------------------------------------------------------------------
// [SECTION] conditions and quantities over answers
// -------------------------------------------------------------------------

namespace {

const json* answer(const json& answers, const std::string& q) {
    auto it = answers.find(q);
    if (it == answers.end() || it->is_null()) return nullptr;
    return &*it;
}

bool eval(const Cond& c, const json& answers) {
    switch (c.kind) {
        case CondKind::Always: return true;
        case CondKind::All:
            for (const Cond& k : c.children) if (!eval(k, answers)) return false;
            return true;
        case CondKind::Any:
            for (const Cond& k : c.children) if (eval(k, answers)) return true;
            return false;
        case CondKind::Not: return !eval(c.children[0], answers);
        case CondKind::Is: {
            const json* a = answer(answers, c.answer);
            return a && *a == c.value;
        }
        case CondKind::Has: {
            const json* a = answer(answers, c.answer);
            if (!a) return false;
            if (!a->is_array()) throw Error("estimate: answers." + c.answer + ": expected a list of options");
            for (const json& v : *a) if (v == c.value) return true;
            return false;
        }
        case CondKind::Gt: {
            const json* a = answer(answers, c.answer);
            if (!a) return false;
            if (!a->is_number_integer()) throw Error("estimate: answers." + c.answer + ": expected a whole number");
            return a->get<int64_t>() > c.number;
        }
    }
    return false;
}

int64_t quantity(const Qty& q, const json& answers) {
    int64_t n = 1;
    switch (q.kind) {
        case QtyKind::One: return 1;
        case QtyKind::Const: n = q.constant; break;
        case QtyKind::Answer: {
            const json* a = answer(answers, q.answer);
            if (!a) { n = 0; break; }
            if (!a->is_number_integer()) throw Error("estimate: answers." + q.answer + ": expected a whole number, got " + describe(*a));
            n = a->get<int64_t>();
            if (n < 0 || n > 1000000) throw Error("estimate: answers." + q.answer + ": expected 0 to 1000000, got " + std::to_string(n));
            break;
        }
        case QtyKind::Count: {
            const json* a = answer(answers, q.answer);
            if (!a) { n = 0; break; }
            if (!a->is_array()) throw Error("estimate: answers." + q.answer + ": expected a list of options");
            n = (int64_t)a->size();
            break;
        }
    }
    n -= q.minus;
    n = std::max(n, q.min == INT64_MIN ? (int64_t)0 : q.min);
    n = std::min(n, q.max);
    return n < 0 ? 0 : n;
}

}  // namespace

// -------------------------------------------------------------------------
// [SECTION] the estimate
// -------------------------------------------------------------------------

EstimateOptions estimate_options_from_json(const json& j) {
    EstimateOptions o;
    if (j.is_null()) return o;
    if (!j.is_object()) throw Error("estimate: options: expected a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        if (k == "start_date") {
            if (!it->is_string()) throw Error("estimate: options.start_date: expected a date YYYY-MM-DD");
            o.start_date = it->get<std::string>();
            day_number(o.start_date, "estimate: options.start_date");
        } else if (k == "discount") {
            if (!it->is_string() && !it->is_null()) throw Error("estimate: options.discount: expected a discount id");
            if (it->is_string()) o.discount = it->get<std::string>();
        } else if (k == "overrides") {
            if (!it->is_object()) throw Error("estimate: options.overrides: expected an object {\"service/role\": {...}}");
            o.overrides = *it;
        } else {
            throw Error("estimate: options." + k + ": unknown option");
        }
    }
    return o;
}

namespace {

// round(a × pct / 100) with halves away from zero, overflow-checked.
int64_t percent_of(int64_t a, int64_t pct, const char* field) {
    return div_round_half_away(mul_minor(a, pct, field), 100);
}

std::string substitute_n(const std::string& tpl, int64_t n) {
    std::string out;
    size_t pos = 0;
    for (;;) {
        size_t at = tpl.find("{n}", pos);
        if (at == std::string::npos) break;
        out.append(tpl, pos, at - pos);
        out += std::to_string(n);
        pos = at + 3;
    }
    out.append(tpl, pos, std::string::npos);
    return out;
}

}  // namespace

std::string estimate_json(const PriceList& pl, const json& answers, const EstimateOptions& opt) {
    return std::string(estimate_json_view(pl, answers, opt));
}

std::string_view estimate_json_view(const PriceList& pl, const json& answers, const EstimateOptions& opt) {
    if (!answers.is_object()) throw Error("estimate: answers: expected a JSON object");

    // Options switched on by the answers, in price-list order.
    // Scratch space reused between calls on this thread: an estimate over many
    // rows allocates nothing here after the first one.
    thread_local struct Scratch {
        std::vector<char> on;
        std::vector<int64_t> rate, role_ch, stage_role;
        std::vector<std::pair<const void*, int64_t>> assumptions;
    } sc;
    std::vector<char>& on = sc.on;
    on.assign(pl.options.size(), 0);
    for (const Rule& r : pl.rules)
        if (r.is_option && eval(r.when, answers)) on[r.target] = true;

    const size_t nroles = pl.roles.size();
    std::vector<int64_t>& rate = sc.rate;
    rate.assign(nroles, 0);
    for (size_t r = 0; r < nroles; ++r) {
        int64_t v = pl.roles[r].rate;
        for (size_t o = 0; o < pl.options.size(); ++o)
            if (on[o] && pl.options[o].on_rate && pl.options[o].roles[r]) v = percent_of(v, pl.options[o].percent, "rate");
        rate[r] = v;
    }

    thread_local std::string buffer;
    JsonWriter w(buffer);
    w.reserve(pl.names_json.size() + 8192);
    w.begin_object();
    w.key("currency").value(pl.currency);
    w.key("lines").begin_array();
    int64_t subtotal = 0, total_ch = 0;
    std::vector<int64_t>& role_ch = sc.role_ch;
    role_ch.assign(nroles, 0);
    std::vector<int64_t>& stage_role = sc.stage_role;  // [stage * nroles + role]
    stage_role.assign(pl.stages.size() * nroles, 0);
    std::set<std::string> override_keys_used;
    auto& assumptions = sc.assumptions;  // (rule, quantity)
    assumptions.clear();

    for (const Rule& r : pl.rules) {
        if (r.is_option || !eval(r.when, answers)) continue;
        int64_t qty = quantity(r.quantity, answers);
        if (qty <= 0) continue;
        if (r.has_assumption) assumptions.push_back({&r, qty});
        const Service& s = pl.services[r.target];
        for (const ServiceHours& sh : s.hours) {
            int64_t ch = mul_minor(sh.centihours, qty, "hours");
            for (size_t o = 0; o < pl.options.size(); ++o)
                if (on[o] && !pl.options[o].on_rate && pl.options[o].roles[sh.role]) ch = percent_of(ch, pl.options[o].percent, "hours");
            int64_t computed = div_round_half_away(mul_minor(ch, rate[sh.role], "amount"), 100);
            const std::string& key = sh.key;
            int64_t amount = computed;
            bool overridden = false;
            auto it = opt.overrides.empty() ? opt.overrides.end() : opt.overrides.find(key);
            if (it != opt.overrides.end()) {
                override_keys_used.insert(key);
                const json& ov = *it;
                if (!ov.is_object()) throw Error("estimate: overrides." + key + ": expected {\"amount\": N} or {\"centihours\": N}");
                if (ov.contains("centihours")) {
                    if (!ov["centihours"].is_number_integer() || ov["centihours"].get<int64_t>() < 0)
                        throw Error("estimate: overrides." + key + ".centihours: expected a non-negative integer");
                    ch = ov["centihours"].get<int64_t>();
                    amount = div_round_half_away(mul_minor(ch, rate[sh.role], "amount"), 100);
                }
                if (ov.contains("amount")) {
                    if (!ov["amount"].is_number_integer() || ov["amount"].get<int64_t>() < 0)
                        throw Error("estimate: overrides." + key + ".amount: expected a non-negative integer of minor units");
                    amount = ov["amount"].get<int64_t>();
                }
                overridden = true;
            }
            subtotal = add_minor(subtotal, amount, "subtotal");
            total_ch += ch;
            role_ch[sh.role] += ch;
            stage_role[s.stage_index * nroles + sh.role] += ch;
            // The hot path: the line's fixed part was serialised when the price list was compiled.
            w.raw(sh.head);
            w.append_int(qty);
            w.append_literal(",\"centihours\":");
            w.append_int(ch);
            w.append_literal(",\"rate\":");
            w.append_int(rate[sh.role]);
            w.append_literal(",\"amount\":");
            w.append_int(amount);
            if (overridden) {
                w.append_literal(",\"computed_amount\":");
                w.append_int(computed);
                w.append_literal(",\"overridden\":true");
            }
            w.append_literal("}");
        }
    }
    w.end_array();
    for (auto it = opt.overrides.begin(); it != opt.overrides.end(); ++it)
        if (!override_keys_used.count(it.key()))
            throw Error("estimate: overrides." + it.key() + ": no such line in this estimate");

    // Discount, floored: the total after discount never drops below the floor.
    int64_t discount = 0;
    const Discount* dc = nullptr;
    if (!opt.discount.empty()) {
        for (const Discount& d : pl.discounts) if (d.id == opt.discount) dc = &d;
        if (!dc) throw Error("estimate: options.discount: unknown discount \"" + opt.discount + "\"");
        discount = dc->percent >= 0 ? percent_of(subtotal, dc->percent, "discount") : dc->amount;
        discount = std::min(discount, std::max<int64_t>(0, subtotal - dc->floor));
        discount = std::max<int64_t>(0, discount);
    }
    int64_t net = subtotal - discount;
    int64_t tax = 0, total = net;
    if (pl.tax_mode == "vat_on_top") {
        tax = div_round_half_away(mul_minor(net, pl.tax_rate_bp, "tax"), 10000);
        total = add_minor(net, tax, "total");
    } else if (pl.tax_mode == "vat_included") {
        tax = div_round_half_away(mul_minor(net, pl.tax_rate_bp, "tax"), 10000 + pl.tax_rate_bp);
    }

    w.key("subtotal").value(subtotal);
    w.key("discount");
    if (dc) w.begin_object().key("id").value(dc->id).key("amount").value(discount).end_object();
    else w.null();
    w.key("net").value(net);
    w.key("tax").begin_object().key("mode").value(pl.tax_mode).key("rate_bp").value(pl.tax_rate_bp).key("amount").value(tax).end_object();
    w.key("total").value(total);

    w.key("options").begin_array();
    for (size_t o = 0; o < pl.options.size(); ++o) if (on[o]) w.value(pl.options[o].id);
    w.end_array();

    w.key("hours").begin_object().key("total").value(total_ch).key("by_role").begin_object();
    for (size_t r = 0; r < nroles; ++r) if (role_ch[r]) w.key(pl.roles[r].id).value(role_ch[r]);
    w.end_object().end_object();

    // Timeline: a stage lasts as long as its busiest role needs at
    // hours_per_day, plus its buffer; stages follow one another.
    w.key("timeline").begin_array();
    bool dated = !opt.start_date.empty();
    const WorkCalendar& cal = opt.calendar ? *opt.calendar : shipped_calendar(pl.calendar);
    int64_t day = dated ? cal.first_working(day_number(opt.start_date, "estimate: options.start_date")) : 0;
    int64_t total_days = 0;
    for (size_t s = 0; s < pl.stages.size(); ++s) {
        int64_t busiest = *std::max_element(stage_role.begin() + (long)(s * nroles), stage_role.begin() + (long)((s + 1) * nroles));
        if (busiest == 0) continue;
        int64_t per_day = pl.hours_per_day * 100;
        int64_t days = (busiest + per_day - 1) / per_day + pl.stage_buffer_days[s];
        total_days += days;
        w.begin_object().key("stage").value(pl.stages[s]).key("days").value(days);
        if (dated) {
            int64_t end = cal.plus_working(day, days - 1);
            w.key("start").value(iso_date(day)).key("end").value(iso_date(end));
            day = cal.plus_working(end, 1);
        }
        w.end_object();
    }
    w.end_array();
    w.key("working_days").value(total_days);
    if (dated) w.key("start_date").value(opt.start_date);

    w.key("assumptions").begin_array();
    for (const auto& [rule, n] : assumptions) {
        const Rule* r = static_cast<const Rule*>(rule);
        w.begin_object();
        for (int l = 0; l < 3; ++l) w.key(l == 0 ? "ru" : l == 1 ? "fr" : "en").value(substitute_n(r->assumption[l], n));
        w.end_object();
    }
    w.end_array();

    // Payment schedule: each share rounded; the last takes the remainder so
    // that the payments add up to the total exactly.
    w.key("payment_schedule").begin_array();
    int64_t paid = 0;
    // A payment due at a stage this project has no work in falls due at the
    // next stage it has (or its last one).
    auto worked = [&](size_t s) {
        return *std::max_element(stage_role.begin() + (long)(s * nroles), stage_role.begin() + (long)((s + 1) * nroles)) > 0;
    };
    auto due_at_stage = [&](const std::string& on) -> std::string {
        if (on == "signing") return on;
        size_t at = std::find(pl.stages.begin(), pl.stages.end(), on) - pl.stages.begin();
        for (size_t s = at; s < pl.stages.size(); ++s) if (worked(s)) return pl.stages[s];
        for (size_t s = at; s-- > 0;) if (worked(s)) return pl.stages[s];
        return on;
    };
    for (size_t i = 0; i < pl.payments.size(); ++i) {
        int64_t amt = i + 1 == pl.payments.size() ? total - paid : percent_of(total, pl.payments[i].percent, "payment");
        paid += amt;
        w.begin_object().key("percent").value(pl.payments[i].percent).key("amount").value(amt)
            .key("on").value(due_at_stage(pl.payments[i].on)).key("name").raw(pl.payments[i].names_json).end_object();
    }
    w.end_array();
    w.key("names").raw(pl.names_json);
    w.end_object();
    return w.view();
}

}  // namespace atelier
