-- The reports as table-valued functions in the stock sqlite3 shell: three
-- requests of January 2027 built here (the demo's dozen are from November
-- 2026), their funnel, lost reasons and win rate, and refused arguments.
SELECT atelier_migrate();
SELECT atelier_seed_demo();
SELECT atelier_lead_create('{"client_name":"Un","source":"website","amount_minor":100000}', 'anna', '2027-01-05T10:00:00Z', 'lead-1');
SELECT atelier_lead_create('{"client_name":"Deux","source":"referral","amount_minor":200000}', 'anna', '2027-01-06T10:00:00Z', 'lead-2');
SELECT atelier_lead_create('{"client_name":"Trois","source":"website","amount_minor":300000}', 'anna', '2027-01-07T10:00:00Z', 'lead-3');
SELECT length(atelier_lead_move('lead-1', 'brief_sent', 'anna', '', '2027-01-06T10:00:00Z')) > 0;
SELECT length(atelier_lead_move('lead-2', 'brief_sent', 'anna', '', '2027-01-08T10:00:00Z')) > 0;
SELECT json_extract(atelier_lead_lost('lead-2', 'no_answer', '', 'anna', '2027-01-20T10:00:00Z'), '$.kind');
-- new: 3 in, 2 moved on (a day and two days later: median 1.5); brief_sent: 2 in, 1 lost; brief_filled: none.
SELECT stage, entered, advanced, lost, conversion_next, median_days FROM atelier_funnel('2027-01-01', '2027-01-31')
  WHERE stage IN ('new', 'brief_sent', 'brief_filled');
SELECT grp, stage, entered FROM atelier_funnel('2027-01-01', '2027-01-31', 'source') WHERE stage = 'new';
SELECT * FROM atelier_lost_reasons('2027-01-01', '2027-01-31', 'source');
SELECT grp, leads, won, lost, win_rate, avg_won_minor FROM atelier_win_rate('2027-01-01', '2027-01-31', 'source');
SELECT count(*) FROM atelier_funnel('2026-01-01', '2026-12-31') WHERE entered > 0;
SELECT * FROM atelier_funnel('2027-02-01', '2027-01-01');
SELECT * FROM atelier_funnel(NULL, '2027-01-01');
SELECT * FROM atelier_receivables('yesterday');
SELECT * FROM atelier_win_rate('2027-01-01', '2027-01-31', 42);
