-- The change log from SQL: every write through the extension is logged.
SELECT atelier_migrate();
SELECT length(atelier_sync_device());
SELECT atelier_lead_create('{"client_name":"Claire Dubois","lang":"fr","currency":"EUR"}', 'anna', '2026-11-26T09:00:00Z', 'lead-1');
SELECT tbl, cells IS NULL FROM change_log WHERE row_id = 'lead-1';
-- Only the cells that changed; nothing when nothing changed.
UPDATE leads SET notes = 'Rappeler lundi' WHERE id = 'lead-1';
UPDATE leads SET notes = 'Rappeler lundi' WHERE id = 'lead-1';
SELECT cells FROM change_log WHERE row_id = 'lead-1' ORDER BY seq;
-- A bundle of everything since a watermark, and a limit that says more follow.
SELECT json_extract(b, '$.format'), json_extract(b, '$.version'), json_extract(b, '$.schema'),
       json_array_length(b, '$.changes') > 3, json_extract(b, '$.more')
  FROM (SELECT atelier_sync_export(0) AS b);
SELECT json_array_length(b, '$.changes'), json_extract(b, '$.more') FROM (SELECT atelier_sync_export(0, 2) AS b);
SELECT json_extract(atelier_sync_export((SELECT max(seq) FROM change_log)), '$.changes');
-- The digest: 32 hex digits, stable, and it follows the content.
SELECT length(atelier_sync_digest()), atelier_sync_digest() = atelier_sync_digest();
CREATE TEMP TABLE d AS SELECT atelier_sync_digest('leads') AS v;
UPDATE leads SET notes = 'Rappeler mardi' WHERE id = 'lead-1';
SELECT atelier_sync_digest('leads') = (SELECT v FROM d);
SELECT atelier_sync_digest('users');
-- Bad bundles are refused with the reason, and change nothing.
SELECT atelier_sync_apply('{"format":"atelier-sync"');
SELECT atelier_sync_apply('{"format":"atelier-sync","version":1,"schema":99,"device":"0123456789abcdef","changes":[]}');
SELECT atelier_sync_apply(atelier_sync_export(0));
SELECT atelier_sync_export(-1);
SELECT count(*) FROM leads;
