// atelier/pricing.h — the calculator: brief answers + price list → estimate.
//
// The price list is data (JSON, stored in price_lists.body_json):
//   {"currency": "RUB", "hours_per_day": 6,
//    "roles":    [{"id": "designer", "name": {"ru","fr","en"}, "rate": 300000}],   // per hour, minor units
//    "stages":   [{"id": "design", "name": {...}, "buffer_days": 2}],
//    "services": [{"id": "page_design", "name": {...}, "stage": "design",
//                  "driver": "per_page", "hours": {"designer": 10, "frontend": 2.5}}],  // at most 2 decimals
//    "options":  [{"id": "rush", "name": {...}, "applies_to": "rate", "percent": 150, "roles": ["*"]}],
//    "discounts":[{"id": "loyal", "name": {...}, "percent": 10, "floor": 30000000},
//                 {"id": "promo", "name": {...}, "amount": 5000000}],
//    "calendar": "ru",   // whose working days timelines count; by default RUB → ru, EUR → fr
//    "tax": {"mode": "no_vat" | "vat_on_top" | "vat_included", "rate_bp": 2000},
//    "payment_schedule": [{"percent": 50, "name": {...}},                 // "on": "signing" (the first's default)
//                         {"percent": 50, "name": {...}, "on": "launch"}],  // the end of a stage (a later one's
//                                                                           // default: the last stage)
//    "rules": [{"service": "page_design", "quantity": {"answer": "pages"},
//               "assumption": {"ru": "Макетов страниц: {n}", ...}},
//              {"service": "catalogue", "when": {"answer": "needs_catalogue", "is": true}},
//              {"option": "rush", "when": {"answer": "urgency", "is": "rush"}}]}
// Conditions: {"answer": q, "is": v} | {"answer": q, "has": v} (multi) |
//             {"answer": q, "gt": n} | {"all": [...]} | {"any": [...]} | {"not": {...}}.
// Quantities: {"answer": q} | {"count": q} | {"const": n}, optionally with
//             "minus": n, "min": n, "max": n. Without "quantity", 1.
//
// Every amount is integer minor units; hours are integer hundredths
// ("centihours"). Per line: hours × options, rate × options, amount =
// round(centihours × rate / 100), halves away from zero. The subtotal is the
// sum of the lines, so the printed lines always add up to the total.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "calendar.h"

namespace atelier {

struct PriceList;  // compiled, immutable

// Parses and checks a price list; errors name the JSON path of the bad field
// ("price_list: roles[3].rate: expected a positive integer of minor units, got -5").
std::shared_ptr<const PriceList> compile_price_list_text(std::string_view json_text);
std::shared_ptr<const PriceList> compile_price_list(const nlohmann::json& j);

// Whose working days the price list's timelines count ("ru", "fr", or ""
// for weekends only): its "calendar", by default that of its currency.
const std::string& price_list_calendar(const PriceList& pl);

struct EstimateOptions {
    std::string start_date;  // "YYYY-MM-DD": the timeline gets calendar dates; "" for durations only
    // The working days of the dated timeline: the database's calendar of the
    // price list's country; when null, the shipped one.
    const WorkCalendar* calendar = nullptr;
    std::string discount;    // a discount id of the price list, or ""
    nlohmann::json overrides = nlohmann::json::object();  // {"<service>/<role>": {"amount": N} | {"centihours": N}}
};

// Parses options JSON {"start_date", "discount", "overrides"}; errors name the field.
EstimateOptions estimate_options_from_json(const nlohmann::json& j);

// The estimate as JSON text (deterministic: byte-identical for the same input).
// `answers` is the brief's answers object. Throws atelier::Error naming the
// field for answers the rules cannot use (e.g. "answers.pages: expected a number").
std::string estimate_json(const PriceList& pl, const nlohmann::json& answers, const EstimateOptions& opt = {});

// The same, as a view into a per-thread buffer that the next call on this
// thread overwrites: for callers that copy the result at once (SQL functions).
std::string_view estimate_json_view(const PriceList& pl, const nlohmann::json& answers, const EstimateOptions& opt = {});


// The default price lists (RUB and EUR), calibrated on the default briefs.
const std::string& default_price_list_rub();
const std::string& default_price_list_eur();

}  // namespace atelier
