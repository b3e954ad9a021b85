-- The extension registers exactly these functions.
SELECT group_concat(name, ' ') FROM (SELECT DISTINCT name FROM pragma_function_list WHERE name LIKE 'atelier%' ORDER BY name);
SELECT atelier_version();
-- Money formatting per language (U+00A0 between groups and before the sign).
SELECT atelier_money(123456789, 'RUB', 'ru');
SELECT atelier_money(123456789, 'EUR', 'fr');
SELECT atelier_money(123456789, 'USD', 'en');
SELECT atelier_money(-5, 'EUR', 'en');
SELECT hex(atelier_money(100000, 'RUB', 'ru'));
SELECT atelier_money_parse('1 234 567,89 ₽', 'RUB', 'ru');
SELECT atelier_money_parse('$1,234.5', 'USD', 'en');
-- Pure functions are deterministic: usable in indexes and generated columns.
CREATE TABLE amounts (minor INTEGER, cur TEXT, shown TEXT AS (atelier_money(minor, cur, 'en')));
INSERT INTO amounts(minor, cur) VALUES (150, 'USD'), (99999999, 'EUR');
SELECT shown FROM amounts ORDER BY minor;
-- Stages.
SELECT atelier_stage_allowed('new', 'brief_sent'), atelier_stage_allowed('new', 'won'),
       atelier_stage_allowed('won', 'lost'), atelier_stage_allowed('invoiced', 'lost');
-- Bad input: a clear error, never a crash.
SELECT atelier_money(1.5, 'RUB', 'ru');
SELECT atelier_money('12', 'RUB', 'ru');
SELECT atelier_money(NULL, 'RUB', 'ru');
SELECT atelier_money(1, 'GBP', 'ru');
SELECT atelier_money(1, 'RUB', 'de');
SELECT atelier_money(1, 'RUB');
SELECT atelier_money(1, x'00', 'ru');
SELECT atelier_money_parse('12,345', 'RUB', 'ru');
SELECT atelier_money_parse('ten', 'EUR', 'fr');
SELECT atelier_stage_allowed('new', 'paid');
SELECT atelier_stage_allowed(NULL, 'new');
SELECT atelier_version(1);
SELECT 'still alive';
