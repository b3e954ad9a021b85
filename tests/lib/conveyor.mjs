// A lead taken along the conveyor with SQL on a test server's database: a
// landing-page brief, its estimate and proposal accepted by phone, and (for
// signedContract) the contract signed on paper with its first invoice issued.
import { sql } from './sql.mjs';

export const ANNA = `'{"id":"u-anna","name":"Anna"}'`;

export function acceptedProposal(db, name, { lang = 'ru', currency = 'RUB', email = 'c@example.com', company = '' } = {}) {
  const lead = sql(db, `SELECT atelier_lead_create('${JSON.stringify({ client_name: name, company, email, lang, currency })}', 'anna')`);
  sql(db, `SELECT atelier_brief_save('${lead}', 'landing', '{"company":"Орлова и К","activity":"Кофейня","goals":["leads"],"pages":2,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'anna')`);
  const proposal = sql(db, `SELECT atelier_proposal_create(atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna'), 'anna')`);
  sql(db, `SELECT atelier_proposal_accept('${proposal}', '{"channel":"phone","name":"${name}"}', ${ANNA})`);
  // Read first, then write: a read that turned into a write could meet the server's lock.
  const contract = sql(db, `SELECT id FROM contracts WHERE lead_id = '${lead}'`);
  return { lead, proposal, contract };
}

export function signedContract(db, name, opts = {}) {
  const p = acceptedProposal(db, name, opts);
  sql(db, `SELECT atelier_contract_accept('${p.contract}', '{"channel":"paper","name":"${name}"}', ${ANNA})`);
  const invoice = JSON.parse(sql(db, `SELECT json_object('id', id, 'number', number, 'total', total_minor, 'issued', issued_on) FROM invoices WHERE lead_id = '${p.lead}' AND status = 'issued'`));
  return { ...p, invoice };
}
