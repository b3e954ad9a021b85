-- Notification rules from SQL: the shipped set, a rule of the studio's own
-- (checked when saved), an evaluation at a given time, the outbox, tasks.
SELECT atelier_migrate();
SELECT atelier_seed_demo();
SELECT atelier_install_defaults('2026-11-20T09:00:00Z');
SELECT count(*), sum(enabled) FROM rules;
SELECT json_extract(value, '$.code') FROM json_each(atelier_rules()) WHERE json_extract(value, '$.code') LIKE 'invoice%';
-- A rule that cannot work is refused, naming the field; nothing is written.
SELECT atelier_rule_set('{"code":"nudge","spec":{"trigger":{"timer":"proposal_sent","days":400},"channel":"email","template":"proposal_reminder"}}', '2026-11-20T09:00:00Z');
SELECT atelier_rule_set('{"code":"nudge","spec":{"trigger":{"timer":"proposal_sent","days":1},"channel":"sms","template":"proposal_reminder"}}', '2026-11-20T09:00:00Z');
SELECT count(*) FROM rules WHERE code = 'nudge';
SELECT json_extract(atelier_rule_set('{"code":"nudge","spec":{"trigger":{"timer":"proposal_sent","days":1},"conditions":["proposal_unanswered"],"channel":"email","template":"proposal_reminder"}}', '2026-11-20T09:00:00Z'), '$.active_from');
-- A lead whose brief goes out: evaluated at a time given as an argument.
SELECT atelier_lead_create('{"client_name":"Claire Martin","email":"claire@example.fr","lang":"fr","currency":"EUR"}', 'anna', '2026-11-23T09:00:00Z', 'lead-fr');
SELECT length(atelier_send_brief('lead-fr', 'corporate', 'https://studio.test', 'anna', '2026-11-23T09:00:00Z'));
SELECT atelier_rules_tick('2026-11-23T09:00:00Z', 'https://studio.test');
SELECT atelier_rules_tick('2026-11-23T09:01:00Z', 'https://studio.test');
SELECT rule, channel, recipient, status, lang, subject, body LIKE '%https://studio.test/c/%' FROM outbox WHERE lead_id = 'lead-fr';
-- Three days later, the brief is still empty: one reminder.
SELECT json_extract(atelier_rules_tick('2026-11-26T09:00:00Z', 'https://studio.test'), '$.queued');
SELECT rule, status FROM outbox WHERE lead_id = 'lead-fr' ORDER BY due_at;
-- A task by hand, and the list.
SELECT length(atelier_task_add('lead-fr', 'Rappeler Claire', '2026-11-27', 'anna', '2026-11-26T10:00:00Z'));
SELECT json_extract(value, '$.title'), json_extract(value, '$.overdue') FROM json_each(atelier_tasks('2026-11-28T09:00:00Z'));
SELECT atelier_rules_tick('not a time');
-- A note in the journal, by whoever writes it.
SELECT json_extract(atelier_lead_note('lead-fr', 'Rappelée : elle veut la boutique en mars', 'anna', '2026-11-26T11:00:00Z'), '$.kind');
SELECT atelier_lead_note('lead-fr', '   ', 'anna', '2026-11-26T11:00:00Z');
SELECT kind, actor, json_extract(payload_json, '$.text') FROM events WHERE lead_id = 'lead-fr' AND kind = 'note_added';
