-- The default price list's pricing written as plain SQL over json_each, for
-- comparison with atelier_estimate(). ?1 is the price list JSON; the briefs
-- are in briefs(id, answers). Returns one row per brief: id, subtotal.
-- Same arithmetic as the core: integer hundredths of hours, options applied
-- as percent with rounding half away from zero (all values are positive).
WITH
roles AS (
  SELECT json_extract(r.value, '$.id') AS role, json_extract(r.value, '$.rate') AS rate
  FROM json_each(?1, '$.roles') r),
svc AS (
  SELECT json_extract(s.value, '$.id') AS service, h.key AS role, CAST(round(h.value * 100) AS INTEGER) AS ch
  FROM json_each(?1, '$.services') s, json_each(s.value, '$.hours') h),
rules AS (
  SELECT json_extract(r.value, '$.service') AS service, json_extract(r.value, '$.option') AS option,
         json_extract(r.value, '$.when') AS cond, json_extract(r.value, '$.quantity') AS qty
  FROM json_each(?1, '$.rules') r),
opts AS (
  SELECT json_extract(o.value, '$.id') AS option, json_extract(o.value, '$.applies_to') AS applies,
         json_extract(o.value, '$.percent') AS pct, o.value AS def
  FROM json_each(?1, '$.options') o),
-- A condition: absent, {answer,is}, {answer,has}, {answer,gt}, or {any:[...]} of those.
fired AS MATERIALIZED (
  SELECT b.id AS brief, b.answers, r.service, r.option, r.qty
  FROM briefs b, rules r
  WHERE r.cond IS NULL
     OR (json_type(r.cond, '$.is') IS NOT NULL AND json_extract(b.answers, '$.' || json_extract(r.cond, '$.answer')) = json_extract(r.cond, '$.is'))
     OR (json_type(r.cond, '$.has') IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(b.answers, '$.' || json_extract(r.cond, '$.answer')) a WHERE a.value = json_extract(r.cond, '$.has')))
     OR (json_type(r.cond, '$.gt') IS NOT NULL AND json_extract(b.answers, '$.' || json_extract(r.cond, '$.answer')) > json_extract(r.cond, '$.gt'))
     OR (json_type(r.cond, '$.any') IS NOT NULL AND EXISTS (
           SELECT 1 FROM json_each(r.cond, '$.any') c
           WHERE (json_type(c.value, '$.is') IS NOT NULL AND json_extract(b.answers, '$.' || json_extract(c.value, '$.answer')) = json_extract(c.value, '$.is'))
              OR (json_type(c.value, '$.gt') IS NOT NULL AND json_extract(b.answers, '$.' || json_extract(c.value, '$.answer')) > json_extract(c.value, '$.gt'))))),
active AS MATERIALIZED (SELECT f.brief, o.* FROM fired f JOIN opts o ON o.option = f.option),
lines AS (
  SELECT f.brief, s.role, s.ch *
         CASE WHEN f.qty IS NULL THEN 1
              WHEN json_type(f.qty, '$.answer') IS NOT NULL THEN
                max(0, coalesce(json_extract(f.answers, '$.' || json_extract(f.qty, '$.answer')), 0) - coalesce(json_extract(f.qty, '$.minus'), 0))
              WHEN json_type(f.qty, '$.count') IS NOT NULL THEN coalesce(json_array_length(f.answers, '$.' || json_extract(f.qty, '$.count')), 0)
              ELSE json_extract(f.qty, '$.const') END AS ch
  FROM fired f JOIN svc s ON s.service = f.service),
mult AS MATERIALIZED (
  SELECT a.brief, a.applies, r.role, a.pct
  FROM active a, json_each(a.def, '$.roles') x JOIN roles r ON x.value IN (r.role, '*')),
priced AS (
  SELECT l.brief,
         coalesce((l.ch * hm.pct + 50) / 100, l.ch) AS ch,
         coalesce((r.rate * rm.pct + 50) / 100, r.rate) AS rate
  FROM lines l JOIN roles r ON r.role = l.role
  LEFT JOIN mult hm ON hm.brief = l.brief AND hm.role = l.role AND hm.applies = 'hours'
  LEFT JOIN mult rm ON rm.brief = l.brief AND rm.role = l.role AND rm.applies = 'rate'
  WHERE l.ch > 0)
SELECT brief, sum((ch * rate + 50) / 100) AS subtotal FROM priced GROUP BY brief ORDER BY brief;
