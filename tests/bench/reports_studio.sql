-- A studio of @N@ requests over two years, each a way through the conveyor
-- with its times: stage history (new, brief_sent, then won through every
-- stage, or lost), the loss's reason, an invoice per won request (most
-- paid) and a minute or two of the manager's time each. The shapes the
-- conveyor writes, made with SQL; bench_reports (native) and
-- bench_app_reports.mjs (the app) both run it, @N@ replaced by the count.
BEGIN;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < @N@)
INSERT INTO clients(id, studio_id, name, created_at)
SELECT 'c' || i, (SELECT id FROM studio), 'Client ' || i, '2025-01-01T00:00:00Z' FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < @N@)
INSERT INTO leads(id, studio_id, client_id, title, source, stage, lang, amount_minor, currency, created_at, updated_at, owner_id, owner_name)
SELECT 'l' || i, (SELECT id FROM studio), 'c' || i, '', CASE i % 5 WHEN 0 THEN 'referral' WHEN 1 THEN 'phone' ELSE 'website' END,
       CASE WHEN i % 7 = 0 THEN 'won' WHEN i % 3 = 0 THEN 'lost' ELSE 'brief_sent' END, 'ru', 100000 * (i % 50 + 1),
       CASE WHEN i % 4 = 0 THEN 'EUR' ELSE 'RUB' END,
       strftime('%Y-%m-%dT%H:%M:%SZ', '2025-01-01', '+' || (i * 631 % 63072000) || ' seconds'),
       '2025-01-01T00:00:00Z', 'u' || (i % 2), CASE i % 2 WHEN 0 THEN 'Anna' ELSE 'Boris' END FROM k;
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's0' || id, id, NULL, 'new', created_at, 'a' FROM leads WHERE id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's1' || id, id, 'new', 'brief_sent', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+1 day'), 'a' FROM leads WHERE id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's2' || id, id, 'brief_sent', 'brief_filled', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+5 days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's3' || id, id, 'brief_filled', 'estimated', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+8 days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's4' || id, id, 'estimated', 'proposal_sent', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+11 days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's5' || id, id, 'proposal_sent', 'contract_sent', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+14 days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's6' || id, id, 'contract_sent', 'invoiced', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+17 days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 's7' || id, id, 'invoiced', 'won', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+20 days'), 'a' FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor)
SELECT 'sl' || id, id, 'brief_sent', 'lost', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+9 days'), 'a' FROM leads WHERE stage = 'lost' AND id LIKE 'l%';
INSERT INTO events(id, lead_id, kind, actor, at, payload_json)
SELECT 'el' || id, id, 'lost', 'a', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+9 days'),
       json_object('code', CASE rowid % 3 WHEN 0 THEN 'no_answer' WHEN 1 THEN 'too_expensive' ELSE 'competitor' END)
FROM leads WHERE stage = 'lost' AND id LIKE 'l%';
INSERT INTO invoices(id, lead_id, number, status, currency, total_minor, issued_on, due_on, created_at, updated_at)
SELECT 'i' || id, id, 'B-' || id, CASE WHEN rowid % 5 = 0 THEN 'issued' ELSE 'paid' END, currency, amount_minor,
       date(created_at, '+20 days'), date(created_at, '+27 days'), created_at, created_at FROM leads WHERE stage = 'won' AND id LIKE 'l%';
INSERT INTO payments(id, invoice_id, amount_minor, currency, method, reference, received_on, created_at)
SELECT 'p' || id, id, total_minor, currency, 'bank_transfer', 'p' || id, date(issued_on, '+3 days'), created_at FROM invoices WHERE status = 'paid' AND id LIKE 'il%';
INSERT INTO time_ledger(id, user_id, device, lead_id, step, day, seconds, updated_at)
SELECT 't' || id, owner_id, 'd', id, 'intake', substr(created_at, 1, 10), 60 + rowid % 120, created_at FROM leads WHERE id LIKE 'l%';
COMMIT;
