// atelier/documents_templates.cpp — the default document templates.
//
// Mustache over the data of documents.cpp: words come from {{t.*}} so that
// one layout serves ru, fr and en; {{x}} escapes HTML. Print CSS makes the
// browser's "Save as PDF" produce clean A4 pages.
#include <string>
#include <string_view>

#include "error.h"
#include "money.h"

namespace atelier {

namespace {

const char* kStyle = R"CSS(<style>
@page { size: A4; margin: 16mm 16mm 18mm 16mm;
  @top-left { content: ""; } @top-right { content: ""; }
  @bottom-left { content: "{{studio.name}} · {{doc.label}}"; font: 8pt "DejaVu Sans", Arial, sans-serif; color: #777; }
  @bottom-right { content: "{{t.page}} " counter(page) " {{t.page_of}} " counter(pages); font: 8pt "DejaVu Sans", Arial, sans-serif; color: #777; } }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; margin: 0; background: #f3f3f1; }
.page { max-width: 210mm; margin: 12px auto; background: #fff; padding: 16mm; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 18pt; margin: 0 0 4mm; } h2 { font-size: 12.5pt; margin: 7mm 0 2.5mm; border-bottom: 1px solid #ccc; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
.muted { color: #666; } .right { text-align: right; } .nowrap { white-space: nowrap; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; page-break-inside: auto; }
th, td { padding: 1.4mm 2mm; border-bottom: 1px solid #e2e2e2; vertical-align: top; text-align: left; }
th { font-size: 9pt; text-transform: uppercase; letter-spacing: .02em; color: #555; border-bottom: 1.5px solid #999; }
tr { page-break-inside: avoid; } tfoot { display: table-row-group; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 1.5px solid #999; border-bottom: none; }
.parties { display: flex; gap: 8mm; } .parties > div { flex: 1; }
.stamp { margin-top: 10mm; display: flex; gap: 10mm; } .stamp > div { flex: 1; border-top: 1px solid #999; padding-top: 2mm; }
.appendix { margin-top: 10mm; break-inside: avoid; } .appendix.first { page-break-before: always; margin-top: 0; }
.status { display: inline-block; padding: .5mm 2mm; border: 1px solid #2f7d32; color: #2f7d32; border-radius: 2mm; font-size: 9pt; }
ul.tree, ul.tree ul { margin: 0; padding-left: 5mm; }
.bankblock { border-collapse: collapse; margin-bottom: 6mm; } .bankblock td { border: 1px solid #555; padding: 1.2mm 2mm; font-size: 9.5pt; }
table.sides td { border: none; padding: .8mm 2mm .8mm 0; } table.lines th, table.lines td { border: 1px solid #999; }
.signs { margin-top: 10mm; } .signs p { margin: 5mm 0; } .line { display: inline-block; width: 45mm; border-bottom: 1px solid #333; margin: 0 2mm; }
.cover { min-height: 120mm; display: flex; flex-direction: column; justify-content: center; border-bottom: 3px solid #1f5fbf; margin-bottom: 8mm; }
.cover h1 { font-size: 28pt; margin: 2mm 0 6mm; } .studio-name { font-size: 13pt; font-weight: bold; color: #1f5fbf; letter-spacing: .04em; }
.cover-for { font-size: 13pt; } .cover-title { font-size: 12pt; }
.mentions { font-size: 8.5pt; color: #444; margin-top: 6mm; }
.pay { display: flex; gap: 8mm; align-items: flex-start; } .pay .bank { flex: 1; }
.qr-block { margin: 2mm 0; width: 40mm; text-align: center; page-break-inside: avoid; } .qr-block figcaption { font-size: 8pt; }
@media print { body { background: #fff; } .page { margin: 0; padding: 0; box-shadow: none; max-width: none; } .noprint, .no-print { display: none; } }
@media screen and (max-width: 640px) {
  body { font-size: 15px; background: #fff; }
  .page { margin: 0; padding: 16px; box-shadow: none; }
  h1 { font-size: 22px; } h2 { font-size: 17px; }
  .parties, .stamp, .pay { flex-direction: column; gap: 4mm; }
  .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  .bankblock, table.sides { width: 100%; } .bankblock td, table.sides td, .parties p { overflow-wrap: anywhere; }
  .cover { min-height: 0; } .cover h1 { font-size: 26px; } .line { width: 30mm; }
  th, td { padding: 6px 6px; }
}
</style>)CSS";

std::string head(const char* title_expr) {
    return std::string("<!doctype html>\n<html lang=\"{{lang}}\">\n<head>\n<meta charset=\"utf-8\">\n<title>") + title_expr +
           "</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" + kStyle + "\n</head>\n<body>\n<div class=\"page\">\n";
}

const char* kFoot = "</div>\n</body>\n</html>\n";

// A party with the identifiers of its own country, labelled in the document's language.
const char* kStudioParty = R"M(<p><strong>{{studio.legal_name}}</strong>{{#studio.address}}<br>{{studio.address}}{{/studio.address}}{{#studio.ids}}<br>{{#label}}{{label}}: {{/label}}{{value}}{{/studio.ids}}{{#studio.email}}<br>{{studio.email}}{{/studio.email}}</p>)M";
const char* kClientParty = R"M(<p><strong>{{client.legal}}</strong>{{#client.address}}<br>{{client.address}}{{/client.address}}{{#client.ids}}<br>{{#label}}{{label}}: {{/label}}{{value}}{{/client.ids}}{{#client.email}}<br>{{client.email}}{{/client.email}}{{#client.phone}}<br>{{client.phone}}{{/client.phone}}</p>)M";


const char* kTimelineTable = R"M(<div class="scroll"><table>
<thead><tr><th>{{t.stage}}</th><th class="num">{{t.working_days}}</th>{{#dated}}<th class="num">{{t.start}}</th><th class="num">{{t.end}}</th>{{/dated}}</tr></thead>
<tbody>
{{#timeline}}<tr><td>{{name}}</td><td class="num">{{days}}</td>{{#start}}<td class="num">{{start}}</td><td class="num">{{end}}</td>{{/start}}</tr>
{{/timeline}}
<tr class="total"><td>{{t.total}}</td><td class="num">{{working_days}}</td>{{#dated}}<td></td><td class="num">{{end_date}}</td>{{/dated}}</tr>
</tbody>
</table></div>)M";

const char* kPaymentsTable = R"M(<table>
<thead><tr><th>{{t.payment}}</th><th class="num">%</th><th class="num">{{t.amount}}</th></tr></thead>
<tbody>
{{#payments}}<tr><td>{{name}}</td><td class="num">{{percent}}</td><td class="num">{{amount}}</td></tr>
{{/payments}}
</tbody>
</table>)M";

// The client's scope, grouped: one line per service of a stage (its
// specialists' hours added up), rates and hours only when the studio shows them.
const char* kScopeTable = R"M(<div class="scroll"><table>
<thead><tr><th>{{t.service}}</th><th class="num">{{t.quantity}}</th>{{#show_rates}}<th class="num">{{t.hours}}</th>{{/show_rates}}<th class="num">{{t.amount}}</th></tr></thead>
<tbody>
{{#scope}}<tr class="stage-row"><td colspan="{{cols}}"><strong>{{name}}</strong></td><td class="num"><strong>{{total}}</strong></td></tr>
{{#services}}<tr><td>{{service}}</td><td class="num">{{quantity}}</td>{{#show_rates}}<td class="num">{{hours}}</td>{{/show_rates}}<td class="num">{{amount}}</td></tr>
{{/services}}{{/scope}}
</tbody>
<tfoot>
{{#totals.discount}}<tr><td colspan="{{scope_cols}}">{{t.subtotal}}</td><td class="num">{{totals.subtotal}}</td></tr>
<tr><td colspan="{{scope_cols}}">{{t.discount}}: {{totals.discount_name}}</td><td class="num">−{{totals.discount}}</td></tr>{{/totals.discount}}
{{#totals.tax}}<tr><td colspan="{{scope_cols}}">{{totals.tax_label}}</td><td class="num">{{totals.tax}}</td></tr>{{/totals.tax}}
{{^totals.tax}}<tr><td colspan="{{scope_cols_all}}" class="muted">{{totals.tax_label}}</td></tr>{{/totals.tax}}
<tr class="total"><td colspan="{{scope_cols}}">{{t.total}}</td><td class="num">{{totals.total}}</td></tr>
</tfoot>
</table></div>)M";

std::string proposal() {
    return head("{{t.proposal}} {{doc.number}} — {{client.display}}") + R"M(<section class="cover">
<p class="studio-name">{{studio.name}}</p>
<h1>{{t.proposal}}</h1>
<p class="cover-for">{{t.for_client}} <strong>{{client.display}}</strong></p>
{{#title}}<p class="cover-title">{{title}}</p>{{/title}}
<p class="muted">{{#doc.number}}{{t.no}} {{doc.number}} · {{/doc.number}}{{doc.date}} · {{t.version}} {{doc.version}}{{#valid_until}} · {{t.valid_until}} {{valid_until}}{{/valid_until}}</p>
{{#doc.accepted}}<p><span class="status">{{doc.acceptance}}</span></p>{{/doc.accepted}}
<p class="muted">{{studio.email}} · {{studio.phone}}</p>
</section>
{{#about}}<h2>{{t.about}}</h2>
<p>{{about}}</p>{{/about}}
<h2>{{t.structure}}</h2>
<ul class="tree">{{#structure}}<li>{{name}}{{#has_children}}<ul>{{#children}}<li>{{name}}</li>{{/children}}</ul>{{/has_children}}</li>{{/structure}}</ul>
<h2>{{t.services_and_price}}</h2>
)M" + kScopeTable + R"M(
<p><strong>{{t.total}}: {{totals.total}}</strong> ({{totals.total_words}})</p>
<h2>{{t.timeline}}</h2>
)M" + kTimelineTable + R"M(
{{#has_assumptions}}<h2>{{t.assumptions}}</h2>
<ul>{{#assumptions}}<li>{{.}}</li>{{/assumptions}}</ul>{{/has_assumptions}}
<h2>{{t.terms}}</h2>
)M" + kPaymentsTable + R"M(
<h2>{{t.next_steps}}</h2>
<ol>{{#next_steps}}<li>{{.}}</li>{{/next_steps}}</ol>
{{#valid_until}}<p class="muted">{{t.valid_until_text}} {{valid_until}}.</p>{{/valid_until}}
)M" + kFoot;
}

// Both parties' signature blocks: under the contract and under each appendix.
const char* kSignatures = R"M(<div class="stamp"><div>{{t.contractor}}<br><strong>{{studio.legal_name}}</strong><br><br><span class="line"></span> / {{studio.signatory}}</div><div>{{t.customer}}<br><strong>{{client.legal}}</strong><br><br><span class="line"></span> / {{client.name}}{{#doc.accepted}}<br><span class="status">{{doc.acceptance}}</span>{{/doc.accepted}}</div></div>)M";

std::string contract() {
    return head("{{t.contract}} {{doc.number}}") + R"M(<h1>{{t.contract}} {{t.no}} {{doc.number}}</h1>
<p class="muted">{{t.contract_kind}} · {{doc.date}}</p>
<p>{{studio.legal_name}} ({{t.contractor_is}}) {{t.and}} {{client.legal}} ({{t.customer_is}}) {{t.agreed}}:</p>
{{#clauses}}<h2>{{n}}. {{title}}</h2>
{{#paras}}<p>{{n}}. {{text}}</p>
{{/paras}}{{/clauses}}
<h2>{{details_n}}. {{t.details}}</h2>
<div class="parties">
<div><h3>{{t.contractor}}</h3>)M" + kStudioParty + R"M(<p>{{#bank}}{{label}}: {{value}}<br>{{/bank}}</p></div>
<div><h3>{{t.customer}}</h3>)M" + kClientParty + R"M(</div>
</div>
)M" + kSignatures + R"M(
<section class="appendix first"><h2>{{t.appendix}} 1. {{t.statement_of_work}}</h2>
<p class="muted">{{t.to_contract}} {{t.no}} {{doc.number}} · {{doc.date}}</p>
)M" + kScopeTable + kSignatures + R"M(</section>
<section class="appendix"><h2>{{t.appendix}} 2. {{t.schedule}}</h2>
<p class="muted">{{t.to_contract}} {{t.no}} {{doc.number}} · {{doc.date}}</p>
)M" + kTimelineTable + kSignatures + R"M(</section>
<section class="appendix"><h2>{{t.appendix}} 3. {{t.payment_schedule}}</h2>
<p class="muted">{{t.to_contract}} {{t.no}} {{doc.number}} · {{doc.date}}</p>
)M" + kPaymentsTable + kSignatures + R"M(</section>
)M" + kFoot;
}

// The act of completed work for a stage (or the whole project): the work,
// its value, and both parties' signatures.
std::string act() {
    return head("{{t.act}} {{doc.number}}") + R"M(<h1>{{t.act}} {{t.no}} {{doc.number}}</h1>
<p class="muted">{{t.to_contract}} {{t.no}} {{doc.contract_number}} {{t.of_date}} {{doc.contract_date}} · {{doc.date}}</p>
<div class="parties">
<div><h3>{{t.contractor}}</h3>)M" + kStudioParty + R"M(</div>
<div><h3>{{t.customer}}</h3>)M" + kClientParty + R"M(</div>
</div>
<p>{{act.intro}}:</p>
<div class="scroll"><table>
<thead><tr><th>{{t.service}}</th><th class="num">{{t.quantity}}</th><th class="num">{{t.amount}}</th></tr></thead>
<tbody>
{{#scope}}<tr class="stage-row"><td colspan="2"><strong>{{name}}</strong></td><td class="num"><strong>{{total}}</strong></td></tr>
{{#services}}<tr><td>{{service}}</td><td class="num">{{quantity}}</td><td class="num">{{amount}}</td></tr>
{{/services}}{{/scope}}
</tbody>
</table></div>
<p>{{t.act_total}}: <strong>{{act.amount}}</strong> ({{act.words}}), {{act.tax}}.</p>
<p>{{t.act_no_claims}}</p>
)M" + kSignatures + kFoot;
}

// The French (and English) invoice: issuer and client with their
// identifiers, lines before VAT, net / VAT / gross, and, for a French
// studio, the mentions the Code de commerce requires.
std::string invoice() {
    return head("{{t.invoice}} {{doc.number}}") + R"M(<h1>{{t.invoice}} {{t.no}} {{doc.number}}</h1>
<p>{{t.date}}: {{doc.date}}{{#doc.due_date}} · {{t.due_date}}: <strong>{{doc.due_date}}</strong>{{/doc.due_date}}{{#doc.paid}} · <span class="status">{{t.paid}}</span>{{/doc.paid}}</p>
{{#doc.service_period}}<p>{{t.service_period}}: {{doc.service_period}}</p>{{/doc.service_period}}
{{#doc.planned}}<p class="status">{{t.planned_note}}</p>{{/doc.planned}}
<div class="parties">
<div><h3>{{t.seller}}</h3>)M" + kStudioParty + R"M(</div>
<div><h3>{{t.buyer}}</h3>)M" + kClientParty + R"M(</div>
</div>
<div class="scroll"><table>
<thead><tr><th class="num">#</th><th>{{t.description}}</th><th class="num">{{t.quantity}}</th><th class="num">{{t.price}}</th><th class="num">{{t.net_amount}}</th></tr></thead>
<tbody>
{{#lines}}<tr><td class="num">{{n}}</td><td>{{text}}</td><td class="num">{{quantity}}</td><td class="num">{{net}}</td><td class="num">{{net}}</td></tr>
{{/lines}}
</tbody>
<tfoot>
<tr><td></td><td colspan="3">{{t.net_total}}</td><td class="num">{{totals.net}}</td></tr>
{{#totals.tax}}<tr><td></td><td colspan="3">{{t.vat}} {{totals.vat_rate}}</td><td class="num">{{totals.tax}}</td></tr>{{/totals.tax}}
{{^totals.tax}}<tr><td></td><td colspan="4" class="muted">{{totals.tax_label}}</td></tr>{{/totals.tax}}
<tr class="total"><td></td><td colspan="3">{{t.gross_total}}</td><td class="num">{{totals.total}}</td></tr>
</tfoot>
</table></div>
<p>{{t.in_words}}: <strong>{{totals.total_words}}</strong></p>
<h2>{{t.payment_details}}</h2>
<div class="pay">
<table class="bank">
{{#bank}}<tr><td>{{label}}</td><td>{{value}}</td></tr>
{{/bank}}
</table>
{{#payment}}<figure class="qr-block">{{{qr_svg}}}<figcaption class="muted">{{t.scan_to_pay}}</figcaption></figure>{{/payment}}
</div>
<p class="muted">{{t.payment_reference}}: {{doc.number}}</p>
{{#fr_mentions}}<p class="mentions">{{#doc.due_date}}{{t.due_label}} : {{doc.due_date}}. {{/doc.due_date}}{{t.late_penalty}} {{#b2b}}{{t.recovery_fee}} {{/b2b}}{{t.no_discount}}</p>{{/fr_mentions}}
)M" + kFoot;
}

// The Russian "Счёт на оплату": the payee's bank block on top, as payment
// orders are filled in from it; numbered lines with quantity, unit, price;
// VAT or the legal ground for none; the total in words; signature lines.
std::string invoice_ru() {
    return head("{{t.invoice}} {{doc.number}}") + R"M(<table class="bankblock">
<tr><td colspan="2" rowspan="2">{{pay_to.bank}}<br><span class="muted">{{t.payee_bank}}</span></td><td>{{t.bik}}</td><td>{{pay_to.bik}}</td></tr>
<tr><td>{{t.account_no}}</td><td>{{pay_to.corr_account}}</td></tr>
<tr><td>{{t.inn}} {{studio.inn}}</td><td>{{t.kpp}} {{studio.kpp}}</td><td rowspan="2">{{t.account_no}}</td><td rowspan="2">{{pay_to.account}}</td></tr>
<tr><td colspan="2">{{studio.legal_name}}<br><span class="muted">{{t.payee}}</span></td></tr>
</table>
<h1>{{t.invoice}} {{t.no}} {{doc.number}} {{t.of_date}} {{doc.date}}</h1>
{{#doc.paid}}<p><span class="status">{{t.paid}}</span></p>{{/doc.paid}}
{{#doc.planned}}<p class="status">{{t.planned_note}}</p>{{/doc.planned}}
<table class="sides">
<tr><td class="muted">{{t.seller}}:</td><td><strong>{{studio.legal_name}}</strong>{{#studio.ids}}, {{label}} {{value}}{{/studio.ids}}{{#studio.address}}, {{studio.address}}{{/studio.address}}</td></tr>
<tr><td class="muted">{{t.buyer}}:</td><td><strong>{{client.legal}}</strong>{{#client.ids}}, {{label}} {{value}}{{/client.ids}}{{#client.address}}, {{client.address}}{{/client.address}}</td></tr>
</table>
<div class="scroll"><table class="lines">
<thead><tr><th class="num">№</th><th>{{t.goods}}</th><th class="num">{{t.quantity}}</th><th>{{t.unit}}</th><th class="num">{{t.price}}</th><th class="num">{{t.amount}}</th></tr></thead>
<tbody>
{{#lines}}<tr><td class="num">{{n}}</td><td>{{text}}</td><td class="num">{{quantity}}</td><td>{{unit}}</td><td class="num">{{price}}</td><td class="num">{{amount}}</td></tr>
{{/lines}}
</tbody>
<tfoot>
<tr><td colspan="5" class="right">{{t.net_total}}:</td><td class="num">{{totals.total}}</td></tr>
{{#totals.tax}}<tr><td colspan="5" class="right">{{totals.tax_label}}:</td><td class="num">{{totals.tax}}</td></tr>{{/totals.tax}}
{{^totals.tax}}<tr><td colspan="5" class="right">{{totals.tax_label}}</td><td class="num">—</td></tr>{{/totals.tax}}
<tr class="total"><td colspan="5" class="right">{{t.gross_total}}:</td><td class="num">{{totals.total}}</td></tr>
</tfoot>
</table></div>
<p>{{t.items_total}} {{line_count}}, {{t.for_sum}} {{totals.total}}<br><strong>{{totals.total_words}}</strong></p>
{{#doc.due_date}}<p>{{t.pay_by}} {{doc.due_date}}. {{t.payment_reference}}.</p>{{/doc.due_date}}
{{#payment}}<figure class="qr-block">{{{qr_svg}}}<figcaption class="muted">{{t.scan_to_pay}}</figcaption></figure>{{/payment}}
<div class="signs">
{{#studio.sole_trader}}<p>{{t.sole_trader}} <span class="line"></span> / {{studio.signatory}}</p>{{/studio.sole_trader}}
{{^studio.sole_trader}}<p>{{t.director}} <span class="line"></span> / {{studio.signatory}}</p><p>{{t.accountant}} <span class="line"></span> / {{studio.signatory}}</p>{{/studio.sole_trader}}
</div>
)M" + kFoot;
}

}  // namespace

const std::string& default_template(std::string_view kind, Lang lang) {
    static const std::string p = proposal(), c = contract(), i = invoice(), i_ru = invoice_ru(), a = act();
    if (kind == "act") return a;
    if (kind == "proposal") return p;
    if (kind == "contract") return c;
    if (kind == "invoice") return lang == Lang::ru ? i_ru : i;
    throw Error("document: kind: expected proposal, contract or invoice, got \"" + std::string(kind) + "\"");
}

}  // namespace atelier
