-- Schema creation is idempotent and reports the version.
SELECT atelier_migrate();
SELECT atelier_migrate();
SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
  ('studio','users','clients','leads','stage_events','brief_templates','briefs','price_lists','estimates',
   'proposals','contracts','invoices','payments','templates','outbox','rules','tasks','change_log');
-- A lead from JSON, with its id given, then moves with explicit times.
SELECT atelier_lead_create('{"client_name":"Студия Éclair","email":"hello@eclair.fr","lang":"fr","currency":"EUR"}',
                           'anna', '2026-11-26T09:00:00Z', 'lead-1');
SELECT length(atelier_lead_move('lead-1', 'brief_sent', 'anna', NULL, '2026-11-26T10:00:00Z'));
SELECT stage FROM leads WHERE id = 'lead-1';
-- Illegal move: refused, naming both stages, and nothing changes.
SELECT atelier_lead_move('lead-1', 'won', 'anna', NULL, '2026-11-26T11:00:00Z');
SELECT stage, (SELECT count(*) FROM stage_events WHERE lead_id = 'lead-1') FROM leads WHERE id = 'lead-1';
-- lost needs a reason.
SELECT atelier_lead_move('lead-1', 'lost', 'anna');
SELECT atelier_lead_move('lead-1', 'lost', 'anna', 'Бюджет не согласован', '2026-11-26T12:00:00Z') IS NOT NULL;
SELECT stage, lost_reason FROM leads WHERE id = 'lead-1';
SELECT group_concat(coalesce(from_stage, '-') || '>' || to_stage, ' ') FROM
  (SELECT * FROM stage_events WHERE lead_id = 'lead-1' ORDER BY at);
-- Unknown lead and stage; bad lead JSON naming the field.
SELECT atelier_lead_move('nope', 'brief_sent', 'anna');
SELECT atelier_lead_move('lead-1', 'paid', 'anna');
SELECT atelier_lead_create('{"client_name": 42}');
SELECT atelier_lead_create('{"client_name": "X", "email": "x"}');
SELECT atelier_lead_create('{not json');
SELECT count(*) FROM leads;
-- Writing functions cannot be hidden in triggers or views.
CREATE VIEW sneaky AS SELECT atelier_lead_move('lead-1', 'new', 'view');
SELECT * FROM sneaky;
