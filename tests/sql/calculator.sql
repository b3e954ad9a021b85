-- The calculator from SQL: estimates over a table of briefs, documents, numbering.
SELECT atelier_migrate();
SELECT atelier_seed_demo();
SELECT atelier_install_defaults('2026-11-20T09:00:00Z');
CREATE TEMP TABLE pl AS SELECT body_json AS body FROM price_lists WHERE currency = 'RUB' AND json_extract(body_json, '$.services') IS NOT NULL;
CREATE TEMP TABLE briefs_in(id INTEGER PRIMARY KEY, answers TEXT);
INSERT INTO briefs_in(answers) VALUES
 ('{"pages":12,"sections":["about","services","portfolio","news","team","contacts"],"content_pages":20,"languages":1,"design_level":"custom","integrations":["crm","analytics"],"seo":true,"urgency":"normal"}'),
 ('{"pages":3,"languages":1,"design_level":"template","urgency":"rush"}'),
 ('{"pages":30,"catalogue_items":2000,"languages":2,"design_level":"premium","integrations":["payment","delivery","erp"],"urgency":"fast"}');
-- Totals, and the printed lines always sum to the subtotal.
SELECT b.id, json_extract(e.v, '$.total'), atelier_money(json_extract(e.v, '$.total'), 'RUB', 'ru'),
       (SELECT sum(json_extract(value, '$.amount')) FROM json_each(e.v, '$.lines')) = json_extract(e.v, '$.subtotal'),
       json_extract(e.v, '$.working_days')
  FROM briefs_in b, (SELECT id, atelier_estimate(answers, (SELECT body FROM pl)) AS v FROM briefs_in) e WHERE e.id = b.id;
-- Options, timeline with dates, and a discount.
SELECT json_extract(atelier_estimate(answers, (SELECT body FROM pl), '{"start_date":"2026-12-05","discount":"loyal"}'), '$.timeline[0].start'),
       json_extract(atelier_estimate(answers, (SELECT body FROM pl), '{"discount":"loyal"}'), '$.discount.amount') > 0,
       json_extract(atelier_estimate(answers, (SELECT body FROM pl)), '$.options')
  FROM briefs_in WHERE id = 2;
-- The estimate is JSON to SQLite's JSON functions (subtype), and deterministic.
SELECT json_type(atelier_estimate(answers, (SELECT body FROM pl))) FROM briefs_in WHERE id = 1;
SELECT atelier_estimate(answers, (SELECT body FROM pl)) = atelier_estimate(answers, (SELECT body FROM pl)) FROM briefs_in;
-- Amounts in words.
SELECT atelier_amount_words(79130000, 'RUB', 'ru');
SELECT atelier_amount_words(2252880, 'EUR', 'fr');
SELECT atelier_amount_words(100, 'USD', 'en');
-- Templates.
SELECT atelier_render('<p>{{t}} — {{n}}</p>', '{"t":"<Éclair & Co>","n":3}');
SELECT atelier_render('{{#a}}', '{}');
-- Numbering.
SELECT atelier_next_number('invoice', 2026), atelier_next_number('invoice', 2026), atelier_next_number('contract', 2026);
-- Bad input: errors naming the field.
SELECT atelier_estimate('{"pages":"many"}', (SELECT body FROM pl));
SELECT atelier_estimate('{', (SELECT body FROM pl));
SELECT atelier_estimate('{}', '{"currency":"RUB","roles":[{"id":"pm","name":{"ru":"a","fr":"b","en":"c"},"rate":-5}]}');
SELECT atelier_estimate('{}', (SELECT body FROM pl), '{"discount":"vip"}');
SELECT atelier_estimate(NULL, (SELECT body FROM pl));
SELECT atelier_amount_words(-1, 'RUB', 'ru');
SELECT atelier_amount_words(100000000000000, 'RUB', 'ru');
SELECT atelier_next_number('receipt', 2026);
SELECT atelier_document('proposal', 'nope', 'ru');
SELECT atelier_document('memo', 'x', 'ru');
SELECT json(atelier_brief_validate((SELECT body_json FROM brief_templates WHERE code = 'landing'), '{"pages":9,"colour":"red"}'));
-- The whole conveyor in SQL, one call per step.
SELECT atelier_lead_create('{"client_name":"Ольга Павлова","company":"Пекарня «Колос»","email":"olga@kolos.ru"}', 'anna', '2026-11-23T09:00:00Z', 'L1');
SELECT atelier_brief_save('L1', 'shop', '{"company":"Колос","activity":"Пекарня","goals":["sales"],"catalogue_items":120,"pages":10,"languages":1,"design_level":"custom","integrations":["payment","delivery"],"urgency":"normal"}', 1, 'anna', '2026-11-23T10:00:00Z') IS NOT NULL;
SELECT atelier_proposal_create(atelier_estimate_lead('L1', '{"start_date":"2026-12-01"}', 'anna', '2026-11-23T11:00:00Z'), 'anna', '2026-11-23T11:01:00Z') IS NOT NULL;
SELECT json_extract(atelier_proposal_accept(id, 'Ольга Павлова', '198.51.100.4', '2026-11-24T12:00:00Z'), '$.stage.to') FROM proposals WHERE lead_id = 'L1';
SELECT atelier_contract_create(id, 'anna', '2026-11-24T13:00:00Z') IS NOT NULL FROM proposals WHERE lead_id = 'L1';
SELECT json_array_length(atelier_invoices_create(id, '2026-11-25', 5, 'anna', '2026-11-25T09:00:00Z')) FROM contracts WHERE lead_id = 'L1';
SELECT number, status, due_on, total_minor * 2 - (SELECT total_minor FROM estimates WHERE lead_id = 'L1') IN (0, 1) FROM invoices WHERE lead_id = 'L1' ORDER BY position;
SELECT stage FROM leads WHERE id = 'L1';
SELECT instr(atelier_document('invoice', id, 'ru'), 'Пекарня «Колос»') > 0, instr(atelier_document('invoice', id, 'ru'), 'копеек') > 0 FROM invoices WHERE lead_id = 'L1' LIMIT 1;
-- The balance is planned until the launch; issued then, it falls due five working days later.
SELECT atelier_invoice_issue(id, '2026-12-21', 5, 'anna', '2026-12-21T10:00:00Z') FROM invoices WHERE lead_id = 'L1' AND status = 'draft';
SELECT number, status, issued_on, due_on FROM invoices WHERE lead_id = 'L1' ORDER BY position;
SELECT atelier_payment_record(id, total_minor, 'pp-' || number, '2026-11-26') FROM invoices WHERE lead_id = 'L1' ORDER BY number;
SELECT stage FROM leads WHERE id = 'L1';
-- Numbering: one format per series, set by the studio from a year on; numbers already given keep theirs.
SELECT atelier_number_format('invoice', 'F-', 1, 5, 2027);
SELECT atelier_next_number('invoice', 2026), atelier_next_number('invoice', 2027);
SELECT atelier_number_format('invoice', 'F 1', 1, 5);
SELECT atelier_number_format('receipt', 'R-', 1, 5);
SELECT atelier_number_format('contract', 'C-', 0, 9);
-- Working calendars: the Russian New Year holidays, a Saturday worked by decree, a bad country.
SELECT atelier_working_days('2026-12-28', 3, 'ru'), atelier_working_days('2026-12-28', 3, 'fr'), atelier_working_days('2026-12-28', 3);
SELECT count(*) FROM calendar_days WHERE country = 'ru' AND day BETWEEN '2027-01-01' AND '2027-01-08' AND working = 0;
SELECT atelier_calendar_set('ru', '2027-01-09', 1, 'Рабочая суббота');
SELECT atelier_working_days('2026-12-28', 3, 'ru');
SELECT atelier_calendar_set('russia', '2027-01-09', 1);
SELECT atelier_calendar_set('ru', '2027-01-09', 2);
