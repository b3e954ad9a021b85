-- Demo data on a new database: once, a dozen leads over every stage, ru and fr.
SELECT atelier_migrate();
SELECT atelier_seed_demo();
SELECT atelier_seed_demo();
SELECT count(*), count(DISTINCT stage), sum(lang = 'fr') FROM leads;
SELECT stage, count(*) FROM leads GROUP BY stage ORDER BY stage;
SELECT atelier_money(sum(amount_minor), 'RUB', 'ru') FROM leads WHERE currency = 'RUB' AND stage = 'won';
SELECT count(*) FROM price_lists WHERE json_valid(body_json) AND json_array_length(body_json, '$.roles') = 7;
