// atelier/store_schema.cpp — the schema, as numbered migrations.
//
// Never edit a migration that has shipped: add a new one at the end.
// Conventions: ids are text UUIDs; times are ISO 8601 UTC text; money is
// INTEGER minor units next to a currency column; JSON documents (brief
// answers, price lists, estimates) are TEXT checked with json_valid().
// The stage names are those of pipeline.h.

#include "automation.h"
#include "error.h"
#include "projects.h"
#include "store.h"

namespace atelier {

namespace {

// Schema 15: the path's rebuild and stage move, as before, when not held.
void hold_paths_triggers(sqlite3* db) {
    for (const char* name : {"lead_path_move", "lead_path_rebuild"}) {
        std::string sql;
        {
            Stmt q(db, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1");
            q.bind(1, name);
            if (!q.step()) throw Error(std::string("migrate: trigger ") + name + " is missing");
            sql = q.text(0);
        }
        const std::string view = std::string(name) + "s";
        const std::string from = "INSTEAD OF INSERT ON " + view + " BEGIN";
        const size_t at = sql.find(from);
        if (at == std::string::npos) throw Error(std::string("migrate: trigger ") + name + " is not the one schema 14 made");
        sql.replace(at, from.size(), "INSTEAD OF INSERT ON " + view + " WHEN NOT EXISTS (SELECT 1 FROM lead_paths_held) BEGIN");
        exec(db, ("DROP TRIGGER " + std::string(name)).c_str());
        exec(db, sql.c_str());
    }
}

}  // namespace

extern const Migration kMigrations[] = {
    {1, "domain", R"SQL(
CREATE TABLE studio (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  legal_name TEXT NOT NULL DEFAULT '',
  tax_id TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  bank_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(bank_json)),
  currency TEXT NOT NULL DEFAULT 'RUB' CHECK (currency IN ('RUB','EUR','USD')),
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','fr','en')),
  tax_mode TEXT NOT NULL DEFAULT 'no_vat' CHECK (tax_mode IN ('no_vat','vat_on_top','vat_included')),
  vat_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (vat_rate_bp BETWEEN 0 AND 10000),
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  studio_id TEXT NOT NULL REFERENCES studio(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner','manager')),
  password_hash TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);

CREATE TABLE clients (
  id TEXT PRIMARY KEY,
  studio_id TEXT NOT NULL REFERENCES studio(id),
  name TEXT NOT NULL CHECK (length(name) > 0),
  company TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','fr','en')),
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);

CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  studio_id TEXT NOT NULL REFERENCES studio(id),
  client_id TEXT NOT NULL REFERENCES clients(id),
  manager_id TEXT REFERENCES users(id),
  title TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  utm_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(utm_json)),
  stage TEXT NOT NULL DEFAULT 'new' CHECK (stage IN
    ('new','brief_sent','brief_filled','estimated','proposal_sent','contract_sent','invoiced','won','lost')),
  lost_reason TEXT,
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','fr','en')),
  amount_minor INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'RUB' CHECK (currency IN ('RUB','EUR','USD')),
  next_action_at TEXT,
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX leads_stage ON leads(stage, updated_at);
CREATE INDEX leads_client ON leads(client_id);

CREATE TABLE stage_events (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  from_stage TEXT,
  to_stage TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX stage_events_lead ON stage_events(lead_id, at);

CREATE TABLE brief_templates (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  title TEXT NOT NULL,
  body_json TEXT NOT NULL CHECK (json_valid(body_json)),
  created_at TEXT NOT NULL,
  UNIQUE (code, version)
);

CREATE TABLE briefs (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  template_id TEXT NOT NULL REFERENCES brief_templates(id),
  answers_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers_json)),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted')),
  submitted_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX briefs_lead ON briefs(lead_id);

CREATE TABLE price_lists (
  id TEXT PRIMARY KEY,
  studio_id TEXT NOT NULL REFERENCES studio(id),
  name TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  currency TEXT NOT NULL CHECK (currency IN ('RUB','EUR','USD')),
  body_json TEXT NOT NULL CHECK (json_valid(body_json)),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at TEXT NOT NULL,
  UNIQUE (studio_id, name, version)
);

CREATE TABLE estimates (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  version INTEGER NOT NULL CHECK (version > 0),
  brief_id TEXT REFERENCES briefs(id),
  price_list_id TEXT REFERENCES price_lists(id),
  body_json TEXT NOT NULL CHECK (json_valid(body_json)),
  overrides_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(overrides_json)),
  total_minor INTEGER NOT NULL,
  currency TEXT NOT NULL CHECK (currency IN ('RUB','EUR','USD')),
  created_at TEXT NOT NULL,
  UNIQUE (lead_id, version)
);

CREATE TABLE proposals (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  estimate_id TEXT NOT NULL REFERENCES estimates(id),
  number TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','sent','accepted','declined','superseded')),
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','fr','en')),
  snapshot_html TEXT,
  accepted_at TEXT,
  accepted_by TEXT,
  accepted_ip TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE contracts (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  proposal_id TEXT NOT NULL REFERENCES proposals(id),
  number TEXT,
  provisional_number TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','sent','accepted','superseded')),
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','fr','en')),
  payment_schedule_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(payment_schedule_json)),
  snapshot_html TEXT,
  accepted_at TEXT,
  accepted_by TEXT,
  accepted_ip TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  contract_id TEXT REFERENCES contracts(id),
  number TEXT UNIQUE,
  provisional_number TEXT,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','issued','partially_paid','paid','void')),
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','fr','en')),
  currency TEXT NOT NULL CHECK (currency IN ('RUB','EUR','USD')),
  lines_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(lines_json)),
  subtotal_minor INTEGER NOT NULL DEFAULT 0,
  tax_minor INTEGER NOT NULL DEFAULT 0,
  total_minor INTEGER NOT NULL DEFAULT 0,
  issued_on TEXT,
  due_on TEXT,
  snapshot_html TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL CHECK (currency IN ('RUB','EUR','USD')),
  method TEXT NOT NULL DEFAULT 'bank_transfer' CHECK (method IN ('bank_transfer','online','cash','other')),
  reference TEXT NOT NULL UNIQUE,
  received_on TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('proposal','contract','invoice','notification','email')),
  code TEXT NOT NULL DEFAULT 'default',
  lang TEXT NOT NULL CHECK (lang IN ('ru','fr','en')),
  version INTEGER NOT NULL DEFAULT 1,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (kind, code, lang, version)
);

CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  lead_id TEXT REFERENCES leads(id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email','manager')),
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed','cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX notifications_outbox ON notifications(status, next_attempt_at);

CREATE TABLE change_log (
  change_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  hlc TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  col TEXT NOT NULL,
  value ANY,
  acked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX change_log_hlc ON change_log(hlc);
CREATE INDEX change_log_cell ON change_log(tbl, row_id, col, hlc);
)SQL"},
    {2, "document numbers and client links", R"SQL(
CREATE TABLE number_series (
  series TEXT NOT NULL CHECK (series IN ('proposal','contract','invoice')),
  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_value INTEGER NOT NULL DEFAULT 0 CHECK (last_value >= 0),
  format TEXT NOT NULL DEFAULT '{year}-{n:4}',
  PRIMARY KEY (series, year)
);

CREATE TABLE doc_links (
  token TEXT PRIMARY KEY CHECK (length(token) >= 22),
  kind TEXT NOT NULL CHECK (kind IN ('brief','proposal','contract','invoice')),
  doc_id TEXT NOT NULL,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX doc_links_doc ON doc_links(kind, doc_id);
)SQL"},
    {3, "sessions and API tokens", R"SQL(
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
)SQL"},
    {4, "sync: change log, replica bookkeeping, provisional numbers", R"SQL(
DROP TABLE change_log;
-- One change is one write to one row: the columns it set (cells, a JSON
-- object) or NULL for a delete (a tombstone), stamped with the writer's
-- hybrid logical clock. seq is this file's own order: the watermark of push
-- and pull. A write only appends here.
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY,
  hlc TEXT NOT NULL,
  device TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  cells TEXT
);
-- The changes of each row, in clock order: what a merge reads. Kept up to
-- date in batches when a merge starts (sync_meta.indexed_seq), not by every
-- write; (tbl, row_id, hlc) being unique makes applying a change twice a no-op.
CREATE TABLE change_rows (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  hlc TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (tbl, row_id, hlc)
) WITHOUT ROWID;
CREATE TABLE sync_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
-- Rows whose changes arrived but cannot stand yet (a parent not arrived, a
-- unique value taken): retried after every batch.
CREATE TABLE sync_pending (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;
-- What the authority refused from a replica, and why.
CREATE TABLE sync_refusals (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  device TEXT NOT NULL,
  change_id TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  col TEXT NOT NULL,
  reason TEXT NOT NULL
);
ALTER TABLE proposals ADD COLUMN provisional_number TEXT;
ALTER TABLE api_tokens ADD COLUMN device_id TEXT;
)SQL"},
    {5, "expiring API tokens, sessions listed by address, invoices' place in the payment schedule", R"SQL(
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+365 days');
ALTER TABLE sessions ADD COLUMN addr TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
)SQL"},
    {6, "the event journal, lead owners, how an acceptance was made, reasons for a lost lead", R"SQL(
-- One row per transition of the conveyor, written in the transition's own
-- transaction: what the timeline, the notifications and the analytics read.
-- actor is a user id, 'client' or 'system'; actor_name the name at the time
-- (replicas do not hold the users table); channel how it came: online (the
-- client's page), phone, email, paper, app, api, sql, system.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  actor TEXT NOT NULL CHECK (length(actor) > 0),
  actor_name TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  payload_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload_json))
);
CREATE INDEX events_lead ON events(lead_id, at);
CREATE INDEX events_kind ON events(kind, at);
-- The lead's owner: a user id (no foreign key: replicas hold no users).
ALTER TABLE leads ADD COLUMN owner_id TEXT;
ALTER TABLE leads ADD COLUMN owner_name TEXT NOT NULL DEFAULT '';
-- An acceptance the client made online (channel 'online', the client's name
-- and address) or one a manager recorded (phone, email, paper, with a note
-- and the manager's name in recorded_by).
ALTER TABLE proposals ADD COLUMN accepted_channel TEXT;
ALTER TABLE proposals ADD COLUMN accepted_note TEXT;
ALTER TABLE proposals ADD COLUMN recorded_by TEXT;
ALTER TABLE contracts ADD COLUMN accepted_channel TEXT;
ALTER TABLE contracts ADD COLUMN accepted_note TEXT;
ALTER TABLE contracts ADD COLUMN recorded_by TEXT;
UPDATE proposals SET accepted_channel = 'online' WHERE accepted_at IS NOT NULL;
UPDATE contracts SET accepted_channel = 'online' WHERE accepted_at IS NOT NULL;
-- Why leads are lost: a list the studio edits; a lost lead names one.
CREATE TABLE lost_reasons (
  code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 40),
  label_ru TEXT NOT NULL,
  label_fr TEXT NOT NULL,
  label_en TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
);
INSERT INTO lost_reasons(code, label_ru, label_fr, label_en, position) VALUES
  ('too_expensive', 'Дорого', 'Trop cher', 'Too expensive', 1),
  ('competitor', 'Выбрали другую студию', 'A choisi un concurrent', 'Chose another studio', 2),
  ('no_answer', 'Не выходит на связь', 'Ne répond plus', 'Stopped answering', 3),
  ('postponed', 'Проект отложен', 'Projet reporté', 'Project postponed', 4),
  ('not_our_work', 'Не наш профиль', 'Hors de notre métier', 'Not our kind of work', 5),
  ('other', 'Другое', 'Autre', 'Other', 6);
)SQL"},
    {7, "automation: rules as data, the outbox with its occasions, tasks, link views", R"SQL(
-- A notification rule: its code, whether it runs, and its spec (trigger,
-- delay, conditions, channel, template: see automation.h). A rule only
-- reacts to what happens from active_from on, so that enabling one never
-- mails a studio's whole history.
CREATE TABLE rules (
  code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 64),
  position INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
  spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
  active_from TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Every message a rule makes or a manager sends: scheduled (waiting for
-- due_at; its conditions are checked again then), queued (rendered, to be
-- sent), sending (claimed by the sender: after a crash, the one to repeat),
-- sent, failed (the mail server's permanent refusal) or cancelled. A rule
-- makes at most one message per lead and occasion.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  lead_id TEXT REFERENCES leads(id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  occasion TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL CHECK (channel IN ('email','task','webhook')),
  recipient TEXT NOT NULL DEFAULT '',
  reply_to TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'ru',
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  html TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'scheduled'
    CHECK (status IN ('scheduled','queued','sending','sent','failed','cancelled')),
  due_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  sent_at TEXT,
  UNIQUE (rule, lead_id, occasion)
);
CREATE INDEX outbox_due ON outbox(status, due_at);
CREATE INDEX outbox_lead ON outbox(lead_id, created_at);
INSERT INTO outbox(id, lead_id, rule, occasion, channel, recipient, subject, body, status, due_at, attempts,
                   next_attempt_at, last_error, created_at, sent_at)
  SELECT id, lead_id, rule, id, 'email', recipient, subject, body, status, created_at, attempts, next_attempt_at,
         coalesce(last_error, ''), created_at, sent_at FROM notifications;
DROP TABLE notifications;
-- The manager's tasks: from a rule (rule set) or written by hand.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  lead_id TEXT REFERENCES leads(id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  due_at TEXT NOT NULL,
  owner_id TEXT,
  owner_name TEXT NOT NULL DEFAULT '',
  rule TEXT,
  done_at TEXT,
  snoozed_until TEXT,
  created_by TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX tasks_open ON tasks(done_at, due_at);
-- How often the client opened a link.
ALTER TABLE doc_links ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doc_links ADD COLUMN first_opened_at TEXT;
ALTER TABLE doc_links ADD COLUMN last_opened_at TEXT;
-- The rule evaluator's own bookkeeping (not replicated): the last event it read.
CREATE TABLE automation_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO automation_meta(key, value) SELECT 'events_seen', coalesce(max(rowid), 0) FROM events;
CREATE INDEX proposals_open ON proposals(status, created_at);
CREATE INDEX contracts_open ON contracts(status, created_at);
CREATE INDEX invoices_open ON invoices(status, due_on);
)SQL"},
    {8, "working calendars; clients' legal details; online payment; bank statements", R"SQL(
-- Each date of a country's calendar that differs from Monday to Friday: a
-- holiday on a weekday (working 0) or a weekend day worked (working 1). The
-- id is derived from the country and the day, so a day is one row on every
-- replica. Shipped days are installed by install_defaults().
CREATE TABLE calendar_days (
  id TEXT PRIMARY KEY,
  country TEXT NOT NULL CHECK (length(country) = 2),
  day TEXT NOT NULL CHECK (length(day) = 10),
  working INTEGER NOT NULL DEFAULT 0 CHECK (working IN (0,1)),
  name TEXT NOT NULL DEFAULT '',
  UNIQUE (country, day)
);
-- Which currency (and so which price list) a lead in each language is
-- priced in: a French client gets the EUR list.
ALTER TABLE studio ADD COLUMN currency_rules_json TEXT NOT NULL DEFAULT '{"ru":"RUB","fr":"EUR","en":"EUR"}'
  CHECK (json_valid(currency_rules_json));
-- How the studio's proposals read: rates and hours shown or not, how many
-- days an offer holds, a word about the studio per language.
ALTER TABLE studio ADD COLUMN doc_settings_json TEXT NOT NULL DEFAULT '{"show_rates":false,"validity_days":30}'
  CHECK (json_valid(doc_settings_json));
-- Where the client pays an invoice online (the payment provider's page).
ALTER TABLE invoices ADD COLUMN payment_url TEXT;
-- The server's own secrets (the payment webhook's signing key): never
-- replicated, never in a sync bundle.
CREATE TABLE server_secrets (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
-- A client's legal details (a company or a private person; INN/KPP/OGRN in
-- Russia, SIRET/TVA in France; address; bank): what contracts and invoices
-- print, and what bank statements are matched by.
ALTER TABLE studio ADD COLUMN requisites_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(requisites_json));
ALTER TABLE clients ADD COLUMN requisites_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(requisites_json));
-- Each movement of an imported bank statement, once (the id is derived from
-- the movement itself): recorded as a payment, waiting for the manager
-- (to_confirm, with the suggested invoice and why it is not certain),
-- unmatched, or set aside (ignored).
CREATE TABLE bank_lines (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL DEFAULT '',
  doc_number TEXT NOT NULL DEFAULT '',
  doc_date TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL,
  payer TEXT NOT NULL DEFAULT '',
  payer_inn TEXT NOT NULL DEFAULT '',
  payer_account TEXT NOT NULL DEFAULT '',
  purpose TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('recorded','to_confirm','unmatched','ignored')),
  invoice_id TEXT,
  reason TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX bank_lines_status ON bank_lines(status, doc_date);
-- How a bank's CSV statement reads (columns, delimiter, decimal mark), by name.
CREATE TABLE bank_mappings (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
  updated_at TEXT NOT NULL
);
)SQL"},
    {9, "acts of completed work: issued with a client link, frozen, signed; the act's template", R"SQL(
-- An act of completed work: for one finished stage of a signed contract, or
-- ('' stage) for the whole project. Its id is derived from the contract and
-- the stage, so each act is one row on every replica; its number is the
-- contract's with the stage's place ("2026-0007/2", "/A" for the whole).
-- The HTML is frozen when it is issued, and again when the client signs.
CREATE TABLE acts (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  stage TEXT NOT NULL DEFAULT '',
  number TEXT NOT NULL,
  lang TEXT NOT NULL CHECK (lang IN ('ru','fr','en')),
  status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued','signed')),
  snapshot_html TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  signed_at TEXT,
  signed_by TEXT,
  signed_channel TEXT,
  signed_ip TEXT,
  recorded_by TEXT,
  UNIQUE (contract_id, stage)
);
CREATE INDEX acts_lead ON acts(lead_id);
-- Client links and templates now know acts: the tables are rebuilt with the
-- wider CHECK (SQLite cannot alter one), their rows kept.
CREATE TABLE doc_links_v9 (
  token TEXT PRIMARY KEY CHECK (length(token) >= 22),
  kind TEXT NOT NULL CHECK (kind IN ('brief','proposal','contract','invoice','act')),
  doc_id TEXT NOT NULL,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  open_count INTEGER NOT NULL DEFAULT 0,
  first_opened_at TEXT,
  last_opened_at TEXT
);
INSERT INTO doc_links_v9 (token, kind, doc_id, lead_id, created_at, expires_at, revoked_at, open_count, first_opened_at, last_opened_at)
  SELECT token, kind, doc_id, lead_id, created_at, expires_at, revoked_at, open_count, first_opened_at, last_opened_at FROM doc_links;
DROP TABLE doc_links;
ALTER TABLE doc_links_v9 RENAME TO doc_links;
CREATE INDEX doc_links_doc ON doc_links(kind, doc_id);
CREATE TABLE templates_v9 (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('proposal','contract','invoice','act','notification','email')),
  code TEXT NOT NULL DEFAULT 'default',
  lang TEXT NOT NULL CHECK (lang IN ('ru','fr','en')),
  version INTEGER NOT NULL DEFAULT 1,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (kind, code, lang, version)
);
INSERT INTO templates_v9 (id, kind, code, lang, version, subject, body, updated_at)
  SELECT id, kind, code, lang, version, subject, body, updated_at FROM templates;
DROP TABLE templates;
ALTER TABLE templates_v9 RENAME TO templates;
)SQL"},
    {10, "reports: the forecast's weight per stage; the manager's active time per lead, step and day", R"SQL(
-- The chance, in percent, that an open lead in a stage is won: the weights
-- of the forecast, which the studio edits.
CREATE TABLE stage_weights (
  stage TEXT PRIMARY KEY CHECK (stage IN ('new','brief_sent','brief_filled','estimated','proposal_sent','contract_sent','invoiced')),
  percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
  updated_at TEXT NOT NULL DEFAULT ''
);
INSERT INTO stage_weights(stage, percent) VALUES
  ('new', 5), ('brief_sent', 10), ('brief_filled', 20), ('estimated', 30), ('proposal_sent', 40),
  ('contract_sent', 75), ('invoiced', 95);
-- Active seconds of a user on a lead (NULL: no lead open) and conveyor step,
-- per day and device: a device only ever adds to its own rows.
CREATE TABLE time_ledger (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device TEXT NOT NULL DEFAULT '',
  lead_id TEXT,
  step TEXT NOT NULL CHECK (step IN ('intake','brief','estimate','proposal','contract','invoice','payment','other')),
  day TEXT NOT NULL,
  seconds INTEGER NOT NULL CHECK (seconds >= 0),
  updated_at TEXT NOT NULL
);
CREATE INDEX time_ledger_lead ON time_ledger(lead_id, step);
-- What the reports (and a lead's card) look up per lead.
CREATE INDEX leads_created ON leads(created_at);
CREATE INDEX invoices_lead ON invoices(lead_id);
CREATE INDEX proposals_lead ON proposals(lead_id);
CREATE INDEX payments_invoice ON payments(invoice_id, received_on);
-- A lead's way through the stages, read from the index alone (the funnel).
CREATE INDEX stage_events_path ON stage_events(lead_id, to_stage, from_stage, at);
)SQL"},
    {11, "reports: each lead's way through the stages, kept by triggers", R"SQL(
-- A lead's way through the conveyor, derived from leads, stage_events,
-- events and time_ledger by the triggers below (never written otherwise,
-- never replicated: each replica derives its own). The reports read it
-- instead of every stage move. reached: the furthest forward stage (0 new
-- .. 7 won); eN: first entry into stage N, xN: first move forward out of it
-- (-1: left it by being lost), seconds since 1970; lost_stage and
-- lost_reason: of the newest loss; t_<step>: the manager's seconds. Kept
-- in the order of creation, which is how every report reads it.
CREATE TABLE lead_paths (
  id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  owner_name TEXT,
  currency TEXT NOT NULL DEFAULT 'RUB',
  amount_minor INTEGER NOT NULL DEFAULT 0,
  stage TEXT NOT NULL,
  -- What the funnel reads, in one column near the record's start: reached,
  -- the stage lost in (-2: not lost, -1: unknown), won and lost now (0/1),
  -- then the seconds spent in each stage before moving on ('.': none),
  -- and after a '|' the manager's seconds per step (t_intake .. t_payment).
  summary TEXT GENERATED ALWAYS AS (
    printf('%d %d %d %d ', reached, CASE WHEN lost_stage IS NULL THEN -2 ELSE CASE lost_stage WHEN 'new' THEN 0 WHEN 'brief_sent' THEN 1 WHEN 'brief_filled' THEN 2 WHEN 'estimated' THEN 3 WHEN 'proposal_sent' THEN 4 WHEN 'contract_sent' THEN 5 WHEN 'invoiced' THEN 6 WHEN 'won' THEN 7 ELSE -1 END END,
      stage = 'won', stage = 'lost') ||
      CASE WHEN e0 > 0 AND x0 > 0 THEN x0 - e0 ELSE '.' END || ' ' ||
      CASE WHEN e1 > 0 AND x1 > 0 THEN x1 - e1 ELSE '.' END || ' ' ||
      CASE WHEN e2 > 0 AND x2 > 0 THEN x2 - e2 ELSE '.' END || ' ' ||
      CASE WHEN e3 > 0 AND x3 > 0 THEN x3 - e3 ELSE '.' END || ' ' ||
      CASE WHEN e4 > 0 AND x4 > 0 THEN x4 - e4 ELSE '.' END || ' ' ||
      CASE WHEN e5 > 0 AND x5 > 0 THEN x5 - e5 ELSE '.' END || ' ' ||
      CASE WHEN e6 > 0 AND x6 > 0 THEN x6 - e6 ELSE '.' END || ' ' ||
      CASE WHEN e7 > 0 AND x7 > 0 THEN x7 - e7 ELSE '.' END ||
      printf(' | %d %d %d %d %d %d %d', t_intake, t_brief, t_estimate, t_proposal, t_contract, t_invoice, t_payment)) STORED,
  -- The lead's worth: its invoices (not void), else its newest estimate,
  -- else what was expected (amount_minor).
  value_minor INTEGER NOT NULL DEFAULT 0,
  t_intake INTEGER NOT NULL DEFAULT 0, t_brief INTEGER NOT NULL DEFAULT 0, t_estimate INTEGER NOT NULL DEFAULT 0,
  t_proposal INTEGER NOT NULL DEFAULT 0, t_contract INTEGER NOT NULL DEFAULT 0, t_invoice INTEGER NOT NULL DEFAULT 0,
  t_payment INTEGER NOT NULL DEFAULT 0,
  reached INTEGER NOT NULL DEFAULT 0,
  lost_stage TEXT, lost_at TEXT, lost_reason TEXT, lost_reason_at TEXT,
  e0 INTEGER, e1 INTEGER, e2 INTEGER, e3 INTEGER, e4 INTEGER, e5 INTEGER, e6 INTEGER, e7 INTEGER,
  x0 INTEGER, x1 INTEGER, x2 INTEGER, x3 INTEGER, x4 INTEGER, x5 INTEGER, x6 INTEGER, x7 INTEGER,
  PRIMARY KEY (created_at, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX lead_paths_id ON lead_paths(id);
-- One stage move applied to its lead's path: the rule every trigger and the
-- rebuild go through.
CREATE VIEW lead_path_moves(lead_id, from_stage, to_stage, at) AS SELECT lead_id, from_stage, to_stage, at FROM stage_events WHERE 0;
CREATE TRIGGER lead_path_move INSTEAD OF INSERT ON lead_path_moves BEGIN
  UPDATE lead_paths SET
    e0 = CASE WHEN new.to_stage = 'new' THEN min(coalesce(e0, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e0 END,
    e1 = CASE WHEN new.to_stage = 'brief_sent' THEN min(coalesce(e1, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e1 END,
    e2 = CASE WHEN new.to_stage = 'brief_filled' THEN min(coalesce(e2, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e2 END,
    e3 = CASE WHEN new.to_stage = 'estimated' THEN min(coalesce(e3, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e3 END,
    e4 = CASE WHEN new.to_stage = 'proposal_sent' THEN min(coalesce(e4, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e4 END,
    e5 = CASE WHEN new.to_stage = 'contract_sent' THEN min(coalesce(e5, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e5 END,
    e6 = CASE WHEN new.to_stage = 'invoiced' THEN min(coalesce(e6, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e6 END,
    e7 = CASE WHEN new.to_stage = 'won' THEN min(coalesce(e7, CAST(strftime('%s', new.at) AS INTEGER)), CAST(strftime('%s', new.at) AS INTEGER)) ELSE e7 END,
    x0 = CASE WHEN new.from_stage = 'new' AND new.to_stage IN ('brief_sent', 'brief_filled', 'estimated', 'proposal_sent', 'contract_sent', 'invoiced', 'won') THEN CASE WHEN x0 > 0 THEN min(x0, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'new' AND new.to_stage = 'lost' AND x0 IS NULL THEN -1 ELSE x0 END,
    x1 = CASE WHEN new.from_stage = 'brief_sent' AND new.to_stage IN ('brief_filled', 'estimated', 'proposal_sent', 'contract_sent', 'invoiced', 'won') THEN CASE WHEN x1 > 0 THEN min(x1, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'brief_sent' AND new.to_stage = 'lost' AND x1 IS NULL THEN -1 ELSE x1 END,
    x2 = CASE WHEN new.from_stage = 'brief_filled' AND new.to_stage IN ('estimated', 'proposal_sent', 'contract_sent', 'invoiced', 'won') THEN CASE WHEN x2 > 0 THEN min(x2, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'brief_filled' AND new.to_stage = 'lost' AND x2 IS NULL THEN -1 ELSE x2 END,
    x3 = CASE WHEN new.from_stage = 'estimated' AND new.to_stage IN ('proposal_sent', 'contract_sent', 'invoiced', 'won') THEN CASE WHEN x3 > 0 THEN min(x3, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'estimated' AND new.to_stage = 'lost' AND x3 IS NULL THEN -1 ELSE x3 END,
    x4 = CASE WHEN new.from_stage = 'proposal_sent' AND new.to_stage IN ('contract_sent', 'invoiced', 'won') THEN CASE WHEN x4 > 0 THEN min(x4, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'proposal_sent' AND new.to_stage = 'lost' AND x4 IS NULL THEN -1 ELSE x4 END,
    x5 = CASE WHEN new.from_stage = 'contract_sent' AND new.to_stage IN ('invoiced', 'won') THEN CASE WHEN x5 > 0 THEN min(x5, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'contract_sent' AND new.to_stage = 'lost' AND x5 IS NULL THEN -1 ELSE x5 END,
    x6 = CASE WHEN new.from_stage = 'invoiced' AND new.to_stage IN ('won') THEN CASE WHEN x6 > 0 THEN min(x6, CAST(strftime('%s', new.at) AS INTEGER)) ELSE CAST(strftime('%s', new.at) AS INTEGER) END
              WHEN new.from_stage = 'invoiced' AND new.to_stage = 'lost' AND x6 IS NULL THEN -1 ELSE x6 END,
    reached = max(reached, CASE new.to_stage WHEN 'new' THEN 0 WHEN 'brief_sent' THEN 1 WHEN 'brief_filled' THEN 2 WHEN 'estimated' THEN 3 WHEN 'proposal_sent' THEN 4 WHEN 'contract_sent' THEN 5 WHEN 'invoiced' THEN 6 WHEN 'won' THEN 7 ELSE -1 END),
    lost_stage = CASE WHEN new.to_stage = 'lost' AND new.at >= coalesce(lost_at, '') THEN coalesce(new.from_stage, '') ELSE lost_stage END,
    lost_at = CASE WHEN new.to_stage = 'lost' AND new.at >= coalesce(lost_at, '') THEN new.at ELSE lost_at END
  WHERE id = new.lead_id;
END;
-- A lead's path from scratch: its own row, its moves, its loss, its time.
CREATE VIEW lead_path_rebuilds(lead_id) AS SELECT id FROM leads WHERE 0;
CREATE TRIGGER lead_path_rebuild INSTEAD OF INSERT ON lead_path_rebuilds BEGIN
  DELETE FROM lead_paths WHERE id = new.lead_id;
  INSERT INTO lead_paths(id, created_at, source, owner_name, currency, amount_minor, stage, reached, e0) SELECT l.id, l.created_at, l.source, l.owner_name, l.currency, l.amount_minor, l.stage, max(0, CASE l.stage WHEN 'new' THEN 0 WHEN 'brief_sent' THEN 1 WHEN 'brief_filled' THEN 2 WHEN 'estimated' THEN 3 WHEN 'proposal_sent' THEN 4 WHEN 'contract_sent' THEN 5 WHEN 'invoiced' THEN 6 WHEN 'won' THEN 7 ELSE -1 END), CAST(strftime('%s', l.created_at) AS INTEGER) FROM leads l WHERE l.id = new.lead_id;
  INSERT INTO lead_path_moves SELECT lead_id, from_stage, to_stage, at FROM stage_events WHERE lead_id = new.lead_id ORDER BY at, rowid;
  UPDATE lead_paths SET (lost_reason, lost_reason_at) = (SELECT json_extract(payload_json, '$.code'), at FROM events e
    WHERE e.lead_id = new.lead_id AND +e.kind = 'lost' ORDER BY e.at DESC, e.rowid DESC LIMIT 1) WHERE id = new.lead_id;
  UPDATE lead_paths SET value_minor = coalesce((SELECT sum(total_minor) FROM invoices i WHERE i.lead_id = new.lead_id AND i.status != 'void'),
    (SELECT total_minor FROM estimates e WHERE e.lead_id = new.lead_id ORDER BY e.version DESC, e.created_at DESC LIMIT 1), amount_minor) WHERE id = new.lead_id;
  UPDATE lead_paths SET t_intake = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'intake'), t_brief = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'brief'), t_estimate = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'estimate'), t_proposal = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'proposal'), t_contract = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'contract'), t_invoice = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'invoice'), t_payment = (SELECT coalesce(sum(seconds), 0) FROM time_ledger t WHERE t.lead_id = new.lead_id AND t.step = 'payment')
    WHERE id = new.lead_id;
END;
CREATE TRIGGER lead_paths_lead_new AFTER INSERT ON leads BEGIN
  INSERT INTO lead_path_rebuilds VALUES (new.id);
END;
CREATE TRIGGER lead_paths_lead_changed AFTER UPDATE OF created_at, source, owner_name, currency, amount_minor, stage ON leads BEGIN
  UPDATE lead_paths SET created_at = new.created_at, source = new.source, owner_name = new.owner_name, currency = new.currency,
    amount_minor = new.amount_minor, stage = new.stage, reached = max(reached, CASE new.stage WHEN 'new' THEN 0 WHEN 'brief_sent' THEN 1 WHEN 'brief_filled' THEN 2 WHEN 'estimated' THEN 3 WHEN 'proposal_sent' THEN 4 WHEN 'contract_sent' THEN 5 WHEN 'invoiced' THEN 6 WHEN 'won' THEN 7 ELSE -1 END)
  WHERE id = new.id;
  INSERT INTO lead_path_values SELECT new.id WHERE new.amount_minor IS NOT old.amount_minor;
  INSERT INTO lead_path_rebuilds SELECT new.id WHERE new.created_at IS NOT old.created_at;
END;
CREATE TRIGGER lead_paths_lead_gone AFTER DELETE ON leads BEGIN
  DELETE FROM lead_paths WHERE id = old.id;
END;
CREATE TRIGGER lead_paths_move_new AFTER INSERT ON stage_events BEGIN
  INSERT INTO lead_path_moves VALUES (new.lead_id, new.from_stage, new.to_stage, new.at);
END;
CREATE TRIGGER lead_paths_move_changed AFTER UPDATE ON stage_events BEGIN
  INSERT INTO lead_path_rebuilds SELECT old.lead_id UNION SELECT new.lead_id;
END;
CREATE TRIGGER lead_paths_move_gone AFTER DELETE ON stage_events BEGIN
  INSERT INTO lead_path_rebuilds VALUES (old.lead_id);
END;
CREATE TRIGGER lead_paths_loss AFTER INSERT ON events WHEN new.kind = 'lost' AND new.lead_id IS NOT NULL BEGIN
  UPDATE lead_paths SET lost_reason = json_extract(new.payload_json, '$.code'), lost_reason_at = new.at
  WHERE id = new.lead_id AND new.at >= coalesce(lost_reason_at, '');
END;
CREATE TRIGGER lead_paths_loss_changed AFTER UPDATE ON events WHEN old.kind = 'lost' OR new.kind = 'lost' BEGIN
  INSERT INTO lead_path_rebuilds SELECT old.lead_id WHERE old.lead_id IS NOT NULL UNION SELECT new.lead_id WHERE new.lead_id IS NOT NULL;
END;
CREATE TRIGGER lead_paths_loss_gone AFTER DELETE ON events WHEN old.kind = 'lost' AND old.lead_id IS NOT NULL BEGIN
  INSERT INTO lead_path_rebuilds VALUES (old.lead_id);
END;
-- A lead's worth again, when its invoices or estimates change.
CREATE VIEW lead_path_values(lead_id) AS SELECT id FROM leads WHERE 0;
CREATE TRIGGER lead_path_value INSTEAD OF INSERT ON lead_path_values BEGIN
  UPDATE lead_paths SET value_minor = coalesce((SELECT sum(total_minor) FROM invoices i WHERE i.lead_id = new.lead_id AND i.status != 'void'),
    (SELECT total_minor FROM estimates e WHERE e.lead_id = new.lead_id ORDER BY e.version DESC, e.created_at DESC LIMIT 1), amount_minor) WHERE id = new.lead_id;
END;
CREATE TRIGGER lead_paths_value_invoices_new AFTER INSERT ON invoices BEGIN
  INSERT INTO lead_path_values VALUES (new.lead_id);
END;
CREATE TRIGGER lead_paths_value_invoices_changed AFTER UPDATE ON invoices BEGIN
  INSERT INTO lead_path_values SELECT old.lead_id UNION SELECT new.lead_id;
END;
CREATE TRIGGER lead_paths_value_invoices_gone AFTER DELETE ON invoices BEGIN
  INSERT INTO lead_path_values VALUES (old.lead_id);
END;
CREATE TRIGGER lead_paths_value_estimates_new AFTER INSERT ON estimates BEGIN
  INSERT INTO lead_path_values VALUES (new.lead_id);
END;
CREATE TRIGGER lead_paths_value_estimates_changed AFTER UPDATE ON estimates BEGIN
  INSERT INTO lead_path_values SELECT old.lead_id UNION SELECT new.lead_id;
END;
CREATE TRIGGER lead_paths_value_estimates_gone AFTER DELETE ON estimates BEGIN
  INSERT INTO lead_path_values VALUES (old.lead_id);
END;
CREATE TRIGGER lead_paths_time_new AFTER INSERT ON time_ledger WHEN new.lead_id IS NOT NULL BEGIN
  UPDATE lead_paths SET t_intake = t_intake + CASE WHEN new.step = 'intake' THEN new.seconds ELSE 0 END, t_brief = t_brief + CASE WHEN new.step = 'brief' THEN new.seconds ELSE 0 END, t_estimate = t_estimate + CASE WHEN new.step = 'estimate' THEN new.seconds ELSE 0 END, t_proposal = t_proposal + CASE WHEN new.step = 'proposal' THEN new.seconds ELSE 0 END, t_contract = t_contract + CASE WHEN new.step = 'contract' THEN new.seconds ELSE 0 END, t_invoice = t_invoice + CASE WHEN new.step = 'invoice' THEN new.seconds ELSE 0 END, t_payment = t_payment + CASE WHEN new.step = 'payment' THEN new.seconds ELSE 0 END WHERE id = new.lead_id;
END;
CREATE TRIGGER lead_paths_time_changed AFTER UPDATE ON time_ledger BEGIN
  UPDATE lead_paths SET t_intake = t_intake - CASE WHEN old.step = 'intake' THEN old.seconds ELSE 0 END, t_brief = t_brief - CASE WHEN old.step = 'brief' THEN old.seconds ELSE 0 END, t_estimate = t_estimate - CASE WHEN old.step = 'estimate' THEN old.seconds ELSE 0 END, t_proposal = t_proposal - CASE WHEN old.step = 'proposal' THEN old.seconds ELSE 0 END, t_contract = t_contract - CASE WHEN old.step = 'contract' THEN old.seconds ELSE 0 END, t_invoice = t_invoice - CASE WHEN old.step = 'invoice' THEN old.seconds ELSE 0 END, t_payment = t_payment - CASE WHEN old.step = 'payment' THEN old.seconds ELSE 0 END WHERE id = old.lead_id;
  UPDATE lead_paths SET t_intake = t_intake + CASE WHEN new.step = 'intake' THEN new.seconds ELSE 0 END, t_brief = t_brief + CASE WHEN new.step = 'brief' THEN new.seconds ELSE 0 END, t_estimate = t_estimate + CASE WHEN new.step = 'estimate' THEN new.seconds ELSE 0 END, t_proposal = t_proposal + CASE WHEN new.step = 'proposal' THEN new.seconds ELSE 0 END, t_contract = t_contract + CASE WHEN new.step = 'contract' THEN new.seconds ELSE 0 END, t_invoice = t_invoice + CASE WHEN new.step = 'invoice' THEN new.seconds ELSE 0 END, t_payment = t_payment + CASE WHEN new.step = 'payment' THEN new.seconds ELSE 0 END WHERE id = new.lead_id;
END;
CREATE TRIGGER lead_paths_time_gone AFTER DELETE ON time_ledger WHEN old.lead_id IS NOT NULL BEGIN
  UPDATE lead_paths SET t_intake = t_intake - CASE WHEN old.step = 'intake' THEN old.seconds ELSE 0 END, t_brief = t_brief - CASE WHEN old.step = 'brief' THEN old.seconds ELSE 0 END, t_estimate = t_estimate - CASE WHEN old.step = 'estimate' THEN old.seconds ELSE 0 END, t_proposal = t_proposal - CASE WHEN old.step = 'proposal' THEN old.seconds ELSE 0 END, t_contract = t_contract - CASE WHEN old.step = 'contract' THEN old.seconds ELSE 0 END, t_invoice = t_invoice - CASE WHEN old.step = 'invoice' THEN old.seconds ELSE 0 END, t_payment = t_payment - CASE WHEN old.step = 'payment' THEN old.seconds ELSE 0 END WHERE id = old.lead_id;
END;
-- The paths of the leads there are.
INSERT INTO lead_path_rebuilds SELECT id FROM leads;
)SQL"},
    {12, "projects: a signed contract's stages with owners, dates and status; materials asked of the client; the project page's link", R"SQL(
-- The project a signed contract opens (projects.h); its id is derived from
-- the contract, so every replica opening it makes the same row.
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  contract_id TEXT NOT NULL UNIQUE REFERENCES contracts(id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','done')),
  calendar TEXT NOT NULL DEFAULT '',
  started_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX projects_lead ON projects(lead_id);
-- A stage of the project, from the accepted estimate's timeline: its
-- length in working days, planned and actual dates (YYYY-MM-DD), status,
-- checklist and what the client must provide for it.
CREATE TABLE project_stages (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  days INTEGER NOT NULL CHECK (days >= 1),
  owner_id TEXT,
  owner_name TEXT NOT NULL DEFAULT '',
  planned_start TEXT NOT NULL,
  planned_end TEXT NOT NULL CHECK (planned_end >= planned_start),
  actual_start TEXT,
  actual_end TEXT,
  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','in_progress','waiting_client','done')),
  checklist_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(checklist_json)),
  client_provides TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  UNIQUE (project_id, stage)
);
-- Materials asked of the client (a logo, texts, accesses, an approval) and
-- the client's answer from the project page.
CREATE TABLE material_requests (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  stage TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  due_on TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered')),
  answer_text TEXT NOT NULL DEFAULT '',
  answered_at TEXT,
  answered_by TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX material_requests_project ON material_requests(project_id, created_at);
-- Client links now know the project page: rebuilt with the wider CHECK.
CREATE TABLE doc_links_v12 (
  token TEXT PRIMARY KEY CHECK (length(token) >= 22),
  kind TEXT NOT NULL CHECK (kind IN ('brief','proposal','contract','invoice','act','project')),
  doc_id TEXT NOT NULL,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  open_count INTEGER NOT NULL DEFAULT 0,
  first_opened_at TEXT,
  last_opened_at TEXT
);
INSERT INTO doc_links_v12 (token, kind, doc_id, lead_id, created_at, expires_at, revoked_at, open_count, first_opened_at, last_opened_at)
  SELECT token, kind, doc_id, lead_id, created_at, expires_at, revoked_at, open_count, first_opened_at, last_opened_at FROM doc_links;
DROP TABLE doc_links;
ALTER TABLE doc_links_v12 RENAME TO doc_links;
CREATE INDEX doc_links_doc ON doc_links(kind, doc_id);
)SQL", projects::backfill},
    {13, "support after launch: retainers billed monthly with an act, the hours log; stage notices' indexes and rules", R"SQL(
-- A project's support retainer (support.h): a monthly fee with hours
-- included, billed in arrears on its day of the month with an act; the
-- hours beyond those included at the hour rate. One per project.
CREATE TABLE retainers (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL UNIQUE REFERENCES projects(id) ON DELETE CASCADE,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','stopped')),
  currency TEXT NOT NULL CHECK (currency IN ('RUB','EUR','USD')),
  fee_minor INTEGER NOT NULL CHECK (fee_minor >= 0),
  hours_included INTEGER NOT NULL CHECK (hours_included >= 0),
  hour_rate_minor INTEGER NOT NULL CHECK (hour_rate_minor >= 0),
  day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 28),
  starts_on TEXT NOT NULL,
  stopped_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- One billed month of a retainer: the service period it covers, the hours
-- worked in it, its invoice and act. UNIQUE: a month is billed once.
CREATE TABLE retainer_periods (
  id TEXT PRIMARY KEY,
  retainer_id TEXT NOT NULL REFERENCES retainers(id) ON DELETE CASCADE,
  period TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  minutes INTEGER NOT NULL DEFAULT 0,
  extra_minutes INTEGER NOT NULL DEFAULT 0,
  invoice_id TEXT REFERENCES invoices(id),
  act_id TEXT REFERENCES acts(id),
  billed_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (retainer_id, period)
);
-- Hours worked on a project after launch; billed_in is the retainer period
-- that invoiced them.
CREATE TABLE hours_log (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  worked_on TEXT NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  note TEXT NOT NULL DEFAULT '',
  user_id TEXT,
  user_name TEXT NOT NULL DEFAULT '',
  billed_in TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX hours_log_project ON hours_log(project_id, worked_on);
-- The stage notices' timers read these ranges.
CREATE INDEX project_stages_start ON project_stages(status, planned_start);
CREATE INDEX material_requests_due ON material_requests(status, due_on);
-- Files the client sent with an answer: stored beside the database under
-- their id (uploads.h); here what they are, for the page, the app and sync.
CREATE TABLE material_files (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES material_requests(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
  type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size > 0),
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX material_files_request ON material_files(request_id, uploaded_at);
-- A project's page lists its contract's invoices.
CREATE INDEX invoices_contract ON invoices(contract_id);
-- The head of each channel's queue, found without reading the messages.
CREATE INDEX outbox_queue ON outbox(status, channel, due_at);
)SQL", automation::install_new_default_rules},
    {14, "reports: a lead's path rebuilt in one write", R"SQL(
-- The same path as before, with its loss, worth and time read in the one
-- insert rather than written by three updates after it (a new lead's path
-- is built on every insert into leads, a merge's included).
DROP TRIGGER lead_path_rebuild;
CREATE TRIGGER lead_path_rebuild INSTEAD OF INSERT ON lead_path_rebuilds BEGIN
  DELETE FROM lead_paths WHERE id = new.lead_id;
  INSERT INTO lead_paths(id, created_at, source, owner_name, currency, amount_minor, stage, reached, e0, lost_reason, lost_reason_at,
      value_minor, t_intake, t_brief, t_estimate, t_proposal, t_contract, t_invoice, t_payment)
    SELECT l.id, l.created_at, l.source, l.owner_name, l.currency, l.amount_minor, l.stage, max(0, CASE l.stage WHEN 'new' THEN 0 WHEN 'brief_sent' THEN 1 WHEN 'brief_filled' THEN 2 WHEN 'estimated' THEN 3 WHEN 'proposal_sent' THEN 4 WHEN 'contract_sent' THEN 5 WHEN 'invoiced' THEN 6 WHEN 'won' THEN 7 ELSE -1 END), CAST(strftime('%s', l.created_at) AS INTEGER),
      lost.code, lost.at,
      coalesce((SELECT sum(total_minor) FROM invoices i WHERE i.lead_id = new.lead_id AND i.status != 'void'),
        (SELECT total_minor FROM estimates e WHERE e.lead_id = new.lead_id ORDER BY e.version DESC, e.created_at DESC LIMIT 1), l.amount_minor),
      spent.intake, spent.brief, spent.estimate, spent.proposal, spent.contract, spent.invoice, spent.payment
    FROM leads l
    LEFT JOIN (SELECT json_extract(payload_json, '$.code') AS code, at FROM events e
               WHERE e.lead_id = new.lead_id AND +e.kind = 'lost' ORDER BY e.at DESC, e.rowid DESC LIMIT 1) lost
    JOIN (SELECT coalesce(sum(CASE WHEN step = 'intake' THEN seconds END), 0) AS intake,
                 coalesce(sum(CASE WHEN step = 'brief' THEN seconds END), 0) AS brief,
                 coalesce(sum(CASE WHEN step = 'estimate' THEN seconds END), 0) AS estimate,
                 coalesce(sum(CASE WHEN step = 'proposal' THEN seconds END), 0) AS proposal,
                 coalesce(sum(CASE WHEN step = 'contract' THEN seconds END), 0) AS contract,
                 coalesce(sum(CASE WHEN step = 'invoice' THEN seconds END), 0) AS invoice,
                 coalesce(sum(CASE WHEN step = 'payment' THEN seconds END), 0) AS payment
          FROM time_ledger t WHERE t.lead_id = new.lead_id) spent
    WHERE l.id = new.lead_id;
  INSERT INTO lead_path_moves SELECT lead_id, from_stage, to_stage, at FROM stage_events WHERE lead_id = new.lead_id ORDER BY at, rowid;
END;
)SQL"},
    {15, "reports: the paths held while a merge writes, then rebuilt in one statement", R"SQL(
-- While a row '' is here (a merge is writing: analytics::hold_paths), a
-- lead's rebuild or stage move only notes the lead here; the merge then
-- rebuilds the noted paths in one statement (analytics::release_paths).
-- Never replicated, and empty outside a merge's transaction.
CREATE TABLE lead_paths_held (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER lead_path_rebuild_held INSTEAD OF INSERT ON lead_path_rebuilds WHEN EXISTS (SELECT 1 FROM lead_paths_held) BEGIN
  INSERT INTO lead_paths_held(id) SELECT new.lead_id WHERE new.lead_id IS NOT NULL ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER lead_path_move_held INSTEAD OF INSERT ON lead_path_moves WHEN EXISTS (SELECT 1 FROM lead_paths_held) BEGIN
  INSERT INTO lead_paths_held(id) SELECT new.lead_id WHERE new.lead_id IS NOT NULL ON CONFLICT DO NOTHING;
END;
)SQL", hold_paths_triggers},
    {16, "reports: a new lead or stage move noted for the held rebuild by its own trigger", R"SQL(
-- A merge writes new leads and stage moves by the thousand while the paths
-- are held: each is noted for the rebuild by a trigger of its own, chosen
-- by the trigger's WHEN, rather than through the view and its two
-- INSTEAD OF triggers. Outside a merge the path is built as before.
DROP TRIGGER lead_paths_lead_new;
CREATE TRIGGER lead_paths_lead_new AFTER INSERT ON leads WHEN NOT EXISTS (SELECT 1 FROM lead_paths_held) BEGIN
  INSERT INTO lead_path_rebuilds VALUES (new.id);
END;
CREATE TRIGGER lead_paths_lead_new_held AFTER INSERT ON leads WHEN EXISTS (SELECT 1 FROM lead_paths_held) BEGIN
  INSERT INTO lead_paths_held(id) SELECT new.id WHERE new.id IS NOT NULL ON CONFLICT DO NOTHING;
END;
DROP TRIGGER lead_paths_move_new;
CREATE TRIGGER lead_paths_move_new AFTER INSERT ON stage_events WHEN NOT EXISTS (SELECT 1 FROM lead_paths_held) BEGIN
  INSERT INTO lead_path_moves VALUES (new.lead_id, new.from_stage, new.to_stage, new.at);
END;
CREATE TRIGGER lead_paths_move_new_held AFTER INSERT ON stage_events WHEN EXISTS (SELECT 1 FROM lead_paths_held) BEGIN
  INSERT INTO lead_paths_held(id) SELECT new.lead_id WHERE new.lead_id IS NOT NULL ON CONFLICT DO NOTHING;
END;
)SQL"},
};

extern const int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);

}  // namespace atelier
