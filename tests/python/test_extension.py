"""Loads atelier.so into Python's own sqlite3 module and uses it.

    /usr/bin/python3 tests/python/test_extension.py build/native/atelier.so
"""
import os
import sqlite3
import sys
import tempfile
import unittest

EXT = None


def connect(path=":memory:"):
    con = sqlite3.connect(path)
    con.enable_load_extension(True)
    con.load_extension(EXT)
    con.enable_load_extension(False)
    return con


class ExtensionTest(unittest.TestCase):
    def test_functions_are_registered(self):
        con = connect()
        names = {r[0] for r in con.execute("SELECT name FROM pragma_function_list WHERE name LIKE 'atelier%'")}
        self.assertEqual(names, {"atelier_version", "atelier_migrate", "atelier_money", "atelier_money_parse",
                                 "atelier_stage_allowed", "atelier_lead_move", "atelier_lead_create",
                                 "atelier_seed_demo", "atelier_uuid", "atelier_estimate", "atelier_amount_words",
                                 "atelier_render", "atelier_document", "atelier_next_number", "atelier_number_format", "atelier_brief_validate",
                                 "atelier_install_defaults", "atelier_brief_save", "atelier_estimate_lead",
                                 "atelier_proposal_create", "atelier_proposal_accept", "atelier_contract_create",
                                 "atelier_invoices_create", "atelier_invoice_issue", "atelier_payment_record", "atelier_link",
                                 "atelier_link_create", "atelier_link_revoke", "atelier_send_brief",
                                 "atelier_contract_accept", "atelier_sync_apply", "atelier_sync_export",
                                 "atelier_sync_digest", "atelier_sync_device", "atelier_lead_won", "atelier_lead_lost",
                                 "atelier_lead_owner", "atelier_lead_view", "atelier_next_action",
                                 "atelier_rules_tick", "atelier_rule_set", "atelier_rules", "atelier_rule_preview",
                                 "atelier_outbox", "atelier_document_send", "atelier_task_add", "atelier_task_done",
                                 "atelier_tasks", "atelier_link_view", "atelier_lead_note",
                                 "atelier_stage_complete", "atelier_waiting", "atelier_lead_contacts",
                                 "atelier_calendar_set", "atelier_working_days",
                                 "atelier_invoice_payment_url", "atelier_payment_notice",
                                 "atelier_client_requisites", "atelier_studio_requisites", "atelier_act_issue", "atelier_act_sign",
                                 "atelier_project", "atelier_project_stage_move", "atelier_project_stage_status",
                                 "atelier_project_stage_edit", "atelier_material_request", "atelier_material_answer",
                                 "atelier_retainer", "atelier_retainer_set", "atelier_retainer_stop",
                                 "atelier_hours_log", "atelier_support_bill"})

    def test_money_with_parameters(self):
        con = connect()
        rows = con.execute("SELECT atelier_money(?, ?, ?)", (123456789, "EUR", "fr")).fetchone()
        self.assertEqual(rows[0], "1\u00a0234\u00a0567,89\u00a0€")

    def test_errors_are_exceptions_not_crashes(self):
        con = connect()
        with self.assertRaisesRegex(sqlite3.OperationalError, r"amount_minor: expected an integer, got real"):
            con.execute("SELECT atelier_money(?, 'RUB', 'ru')", (1.5,)).fetchone()
        with self.assertRaisesRegex(sqlite3.OperationalError, r"unknown currency \"XYZ\""):
            con.execute("SELECT atelier_money(1, 'XYZ', 'ru')").fetchone()
        self.assertEqual(con.execute("SELECT 1").fetchone()[0], 1)

    def test_hostile_input_is_an_error_in_a_process_that_lives_on(self):
        # Each call runs in a child process: a crash there is a failure here,
        # not the end of the test run.
        deep = "[" * 100000 + "]" * 100000
        deep_obj = '{"a":' * 100000 + "1" + "}" * 100000
        template = "{{#a}}" * 20000 + "{{/a}}" * 20000
        calls = [
            ("SELECT atelier_render(?, '{}')", (template,), r"sections nested deeper than 32 levels"),
            ("SELECT atelier_render('{{a}}', ?)", (deep_obj,), r"data_json: nested deeper than 64 levels"),
            ("SELECT atelier_estimate(?, (SELECT body_json FROM price_lists LIMIT 1))", (deep,), r"brief_json: nested deeper than 64 levels"),
            ("SELECT atelier_estimate('{}', ?)", (deep,), r"price_list: nested deeper than 64 levels"),
            ("SELECT atelier_brief_validate(?, '{}')", (deep,), r"template_json: nested deeper than 64 levels"),
            ("SELECT atelier_brief_validate((SELECT body_json FROM brief_templates LIMIT 1), ?)", (deep_obj,), r"answers_json: nested deeper than 64 levels"),
            ("SELECT atelier_lead_create(?)", (deep_obj,), r"lead_json: nested deeper than 64 levels"),
            ("SELECT atelier_money(?, 'RUB', 'ru')", (2**63 - 1,), r"amount_minor: out of range"),
        ]
        for sql, args, expected in calls:
            child = os.fork()
            if child == 0:
                code = 3
                try:
                    con = connect()
                    con.execute("SELECT atelier_migrate(), atelier_seed_demo(), atelier_install_defaults()").fetchone()
                    con.execute(sql, args).fetchone()
                except sqlite3.OperationalError as e:
                    code = 0 if __import__("re").search(expected, str(e)) and len(str(e)) < 300 else 2
                    if code:
                        sys.stderr.write(f"unexpected error: {str(e)[:300]}\n")
                except BaseException:
                    code = 4
                os._exit(code)
            _, status = os.waitpid(child, 0)
            self.assertTrue(os.WIFEXITED(status), f"{sql}: the process died with signal {os.WTERMSIG(status) if os.WIFSIGNALED(status) else '?'}")
            self.assertEqual(os.WEXITSTATUS(status), 0, f"{sql}: expected an error matching {expected}")

    def test_a_file_database_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "studio.db")
            con = connect(path)
            self.assertEqual(con.execute("SELECT atelier_migrate()").fetchone()[0], 16)
            lead = con.execute("SELECT atelier_lead_create(?, 'py', '2026-11-26T10:00:00Z')",
                               ('{"client_name": "Ольга", "lang": "ru"}',)).fetchone()[0]
            con.execute("SELECT atelier_lead_move(?, 'brief_sent', 'py', NULL, '2026-11-26T11:00:00Z')", (lead,))
            con.commit()
            con.close()
            # A plain connection without the extension reads the same data.
            plain = sqlite3.connect(path)
            self.assertEqual(plain.execute("SELECT stage FROM leads WHERE id = ?", (lead,)).fetchone()[0], "brief_sent")
            with self.assertRaises(sqlite3.OperationalError):
                connect(path).execute("SELECT atelier_lead_move(?, 'won', 'py')", (lead,)).fetchone()


    def test_sync_between_two_files(self):
        with tempfile.TemporaryDirectory() as d:
            a = connect(os.path.join(d, "laptop.db"))
            b = connect(os.path.join(d, "server.db"))
            for con in (a, b):
                con.execute("SELECT atelier_migrate()")
            lead = a.execute("SELECT atelier_lead_create(?, 'py', '2026-11-26T10:00:00Z')",
                             ('{"client_name": "Ольга", "lang": "ru"}',)).fetchone()[0]
            a.execute("UPDATE leads SET title = 'Интернет-магазин' WHERE id = ?", (lead,))
            a.commit()
            bundle = a.execute("SELECT atelier_sync_export(0)").fetchone()[0]
            result = b.execute("SELECT atelier_sync_apply(?)", (bundle,)).fetchone()[0]
            b.commit()
            self.assertIn('"duplicates":0', result)
            self.assertEqual(b.execute("SELECT title FROM leads WHERE id = ?", (lead,)).fetchone()[0], "Интернет-магазин")
            for table in ("leads", "clients", "stage_events"):
                self.assertEqual(a.execute("SELECT atelier_sync_digest(?)", (table,)).fetchone()[0],
                                 b.execute("SELECT atelier_sync_digest(?)", (table,)).fetchone()[0])
            # Applying it again changes nothing.
            again = b.execute("SELECT atelier_sync_apply(?)", (bundle,)).fetchone()[0]
            self.assertIn('"applied":0', again)
            with self.assertRaisesRegex(sqlite3.OperationalError, r"unknown table \"secrets\""):
                b.execute("SELECT atelier_sync_apply(?)", (bundle.replace('"table":"leads"', '"table":"secrets"'),)).fetchone()

    def test_estimates_from_python(self):
        con = connect()
        con.execute("SELECT atelier_migrate()")
        con.execute("SELECT atelier_seed_demo()")
        con.execute("SELECT atelier_install_defaults('2026-11-20T00:00:00Z')")
        body = con.execute("SELECT body_json FROM price_lists WHERE currency = 'EUR'").fetchone()[0]
        import json
        est = json.loads(con.execute("SELECT atelier_estimate(?, ?, ?)",
                                     ('{"pages": 5, "languages": 1, "design_level": "custom", "urgency": "normal"}',
                                      body, '{"start_date": "2026-12-01"}')).fetchone()[0])
        self.assertEqual(est["currency"], "EUR")
        self.assertEqual(sum(l["amount"] for l in est["lines"]), est["subtotal"])
        self.assertEqual(est["total"], est["net"] + est["tax"]["amount"])
        words = con.execute("SELECT atelier_amount_words(?, 'EUR', 'fr')", (est["total"],)).fetchone()[0]
        # "… euros et 05 centimes", or "… euros" for a round amount.
        self.assertTrue(words.endswith("centimes") or words.endswith("centime") or words.endswith("euros"), words)
        self.assertEqual(words.endswith("euros"), est["total"] % 100 == 0, words)

    def test_reports_from_python(self):
        con = connect()
        con.execute("SELECT atelier_migrate()")
        self.assertEqual(con.execute("SELECT atelier_seed_demo('2026-12-04T12:00:00Z', '', 40)").fetchone()[0], 1)
        rows = con.execute("SELECT stage, entered FROM atelier_funnel(?, ?)", ("2025-12-01", "2026-12-04")).fetchall()
        self.assertEqual([r[0] for r in rows], ["new", "brief_sent", "brief_filled", "estimated", "proposal_sent",
                                                "contract_sent", "invoiced", "won"])
        # Every request of the period entered the first stage: the demo's 40 and its dozen.
        self.assertEqual(rows[0][1], con.execute("SELECT count(*) FROM leads WHERE created_at >= '2025-12-01'").fetchone()[0])
        self.assertEqual(rows[0][1], 52)
        with self.assertRaisesRegex(sqlite3.OperationalError, r"atelier_funnel: to: 2025-12-01 is before from"):
            con.execute("SELECT * FROM atelier_funnel('2026-12-04', '2025-12-01')").fetchall()


if __name__ == "__main__":
    EXT = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "build/native/atelier.so"
    EXT = EXT[:-3] if EXT.endswith(".so") else EXT
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"python: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
