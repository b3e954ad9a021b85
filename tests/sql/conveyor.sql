-- The conveyor's transitions from SQL: a manager's recorded acceptance and
-- signature, the event journal, won and lost by rule, the lead view.
SELECT atelier_migrate();
SELECT atelier_seed_demo();
SELECT atelier_install_defaults('2026-11-20T09:00:00Z');
SELECT atelier_lead_create('{"client_name":"Claire Dubois","email":"claire@eclair.fr","lang":"fr","currency":"EUR"}', '{"id":"u-anna","name":"Anna"}', '2026-11-23T09:00:00Z', 'L2');
SELECT atelier_brief_save('L2', 'landing', '{"company":"Éclair","activity":"Pâtisserie","goals":["leads"],"pages":3,"languages":1,"design_level":"template","urgency":"normal"}', 1, '{"id":"u-anna","name":"Anna"}', '2026-11-23T10:00:00Z') IS NOT NULL;
SELECT atelier_proposal_create(atelier_estimate_lead('L2', '{"start_date":"2026-12-01"}', '{"id":"u-anna","name":"Anna"}', '2026-11-23T11:00:00Z'), '{"id":"u-anna","name":"Anna"}', '2026-11-23T11:01:00Z') IS NOT NULL;
-- Won is refused before the contract; a manager cannot accept online in the client's name.
SELECT atelier_lead_won('L2', '{"id":"u-anna","name":"Anna"}');
SELECT atelier_proposal_accept(id, '{"channel":"phone","name":"Claire Dubois","note":"appel du 24/11"}') FROM proposals WHERE lead_id = 'L2';
SELECT atelier_proposal_accept(id, '{"channel":"fax","name":"Claire Dubois"}', '{"id":"u-anna","name":"Anna"}') FROM proposals WHERE lead_id = 'L2';
-- Recorded by the manager: the contract follows, the journal says how.
SELECT json_extract(atelier_proposal_accept(id, '{"channel":"phone","name":"Claire Dubois","note":"appel du 24/11"}', '{"id":"u-anna","name":"Anna"}', '2026-11-24T10:00:00Z'), '$.stage.to') FROM proposals WHERE lead_id = 'L2';
SELECT accepted_channel, accepted_by, recorded_by, accepted_note, accepted_ip IS NULL OR accepted_ip = '' FROM proposals WHERE lead_id = 'L2';
SELECT instr(atelier_document('proposal', id, 'fr'), 'Acceptée par téléphone : Claire Dubois') > 0, instr(atelier_document('proposal', id, 'fr'), 'Acceptée en ligne') = 0 FROM proposals WHERE lead_id = 'L2';
SELECT json_extract(atelier_contract_accept(id, '{"channel":"paper","name":"Claire Dubois"}', '{"id":"u-anna","name":"Anna"}', '2026-11-25T09:00:00Z'), '$.made.invoice_ids') IS NOT NULL FROM contracts WHERE lead_id = 'L2';
SELECT json_extract(atelier_next_action('L2', '2026-11-26'), '$.action'), json_extract(atelier_next_action('L2', '2026-11-26'), '$.who');
-- Writing functions run in a plain SELECT, not inside INSERT … SELECT.
CREATE TEMP TABLE t(x);
INSERT INTO t SELECT atelier_payment_record(id, total_minor, 'x-1', '2026-11-26') FROM invoices WHERE lead_id = 'L2' AND status = 'issued';
SELECT count(*) FROM payments;
-- The balance falls due at launch: the studio's work first, then the invoice.
SELECT json_extract(atelier_next_action('L2', '2026-11-26'), '$.action'), json_extract(atelier_next_action('L2', '2026-11-26'), '$.stage_id');
SELECT json_extract(value, '$.action') FROM json_each(atelier_waiting()) WHERE json_extract(value, '$.id') = 'L2';
SELECT atelier_stage_complete('L2', 'handover', '{"id":"u-anna","name":"Anna"}', '2026-12-14T09:00:00Z');
SELECT json_array_length(atelier_stage_complete('L2', 'launch', '{"id":"u-anna","name":"Anna"}', '2026-12-14T09:00:00Z'), '$.made.invoice_ids');
SELECT atelier_stage_complete('L2', 'launch', '{"id":"u-anna","name":"Anna"}', '2026-12-15T09:00:00Z');
SELECT position, status, issued_on, due_on FROM invoices WHERE lead_id = 'L2' ORDER BY position;
-- A manager cannot close it as won with the balance unpaid; the owner can, with a reason.
SELECT atelier_lead_won('L2', '{"id":"u-anna","name":"Anna"}');
SELECT atelier_lead_won('L2', '{"id":"u-olga","name":"Olga","owner":true}');
SELECT json_extract(atelier_lead_won('L2', '{"id":"u-olga","name":"Olga","owner":true}', 'paid in cash at the office', '2026-11-27T09:00:00Z'), '$.stage.to');
-- The journal: one row per transition, with its actor and channel.
SELECT kind, actor, actor_name, channel, coalesce(json_extract(payload_json, '$.channel'), '') FROM events WHERE lead_id = 'L2' ORDER BY at, rowid;
SELECT json_extract(atelier_lead_view('L2'), '$.next_action.action'), json_array_length(atelier_lead_view('L2'), '$.events');
-- Lost: a reason from the list (data), and words for "other".
SELECT atelier_lead_create('{"client_name":"Marc"}', 'sql', '2026-11-23T09:00:00Z', 'L3');
SELECT atelier_lead_lost('L3', 'bored', '', 'sql');
SELECT atelier_lead_lost('L3', 'other', '', 'sql');
SELECT json_extract(atelier_lead_lost('L3', 'postponed', 'printemps 2027', 'sql', '2026-11-24T09:00:00Z'), '$.stage.to');
SELECT lost_reason FROM leads WHERE id = 'L3';
-- The client's contacts corrected: checked, journaled.
SELECT atelier_lead_contacts('L3', '{"email":"marc@"}', 'sql');
SELECT json_extract(atelier_lead_contacts('L3', '{"email":"marc@exemple.fr","phone":"+33 6 12 34 56 78"}', 'sql', '2026-11-25T09:00:00Z'), '$.kind');
SELECT c.email, c.phone FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = 'L3';
-- A payment provider's notice, by SQL: an unknown invoice and a bad amount are refused, naming the field.
SELECT atelier_payment_notice('{"provider":"yookassa","payment_id":"p-1","invoice":"1999-0001","amount_minor":100,"currency":"RUB"}');
SELECT atelier_payment_notice('{"provider":"yookassa","payment_id":"p-1","invoice":"1999-0001","amount_minor":-5,"currency":"RUB"}');
SELECT atelier_invoice_payment_url('no-such-invoice', 'https://pay.example.com/1');
-- Acts of completed work: the launch stage's issued with it; the whole project's on demand; a signature recorded once.
SELECT stage, number, status FROM acts WHERE lead_id = 'L2' ORDER BY stage;
SELECT atelier_act_issue('no-such-contract', 'design', '{"id":"u-anna","name":"Anna"}');
SELECT json_extract(atelier_act_issue((SELECT id FROM contracts WHERE lead_id = 'L2'), '', '{"id":"u-anna","name":"Anna"}', '2026-12-16T09:00:00Z'), '$.made.number');
SELECT json_extract(atelier_act_sign((SELECT id FROM acts WHERE lead_id = 'L2' AND stage = ''), '{"channel":"paper","name":"Ivan Petrov"}', '{"id":"u-anna","name":"Anna"}', '2026-12-17T09:00:00Z'), '$.kind');
SELECT atelier_act_sign((SELECT id FROM acts WHERE lead_id = 'L2' AND stage = ''), 'Ivan Petrov');
SELECT stage, status, coalesce(signed_by, ''), coalesce(recorded_by, '') FROM acts WHERE lead_id = 'L2' ORDER BY stage;
SELECT instr(atelier_document('act', (SELECT id FROM acts WHERE lead_id = 'L2' AND stage = ''), 'en'), 'Accepted on paper: Ivan Petrov') > 0;
-- Support after launch: a retainer on L2's project (refused terms name their fields), hours logged, two months billed once.
SELECT atelier_retainer_set((SELECT id FROM projects WHERE lead_id = 'L2'), '{"fee_minor": -1, "day": 30}', '{"id":"u-anna","name":"Anna"}');
SELECT json_extract(atelier_retainer_set((SELECT id FROM projects WHERE lead_id = 'L2'), '{"fee_minor":1500000,"hours_included":4,"hour_rate_minor":200000,"day":10,"starts_on":"2027-01-10"}', '{"id":"u-anna","name":"Anna"}', '2027-01-05T09:00:00Z'), '$.retainer.next.billed_on');
SELECT atelier_hours_log((SELECT id FROM projects WHERE lead_id = 'L2'), '2027-01-20', 2000, 'too long', 'sql');
SELECT length(atelier_hours_log((SELECT id FROM projects WHERE lead_id = 'L2'), '2027-01-20', 330, 'Правки', 'sql', '2027-01-20T18:00:00Z'));
SELECT json_array_length(atelier_support_bill('2027-03-15', '2027-03-15T09:00:00Z')), json_array_length(atelier_support_bill('2027-03-15', '2027-03-15T09:00:01Z'));
SELECT period, starts_on, ends_on, minutes, extra_minutes, (SELECT total_minor FROM invoices WHERE id = invoice_id), (SELECT number FROM acts WHERE id = act_id) IS NOT NULL FROM retainer_periods ORDER BY period;
SELECT json_extract(atelier_retainer((SELECT id FROM projects WHERE lead_id = 'L2')), '$.months[0].period');
