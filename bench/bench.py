#!/usr/bin/env python3
"""Relance avancée benchmark: builds throwaway databases and times the daily work.

    python3 bench/bench.py                      # sizes 2000 and 20000 invoices
    python3 bench/bench.py --sizes 2000         # one size
    python3 bench/bench.py --keep               # keep the databases afterwards

Each size gets its own database (copied from a template with the three addons
installed), N customers (one per 10 invoices) and M posted invoices due from 150
days ago to 30 days ahead, a fifth of them paid. It prints a Markdown table: the
time of each step and its cost per invoice, so that the growth between sizes shows.
Mail is queued, never transported. PDFs need Odoo's HTTP server for their assets:
the script starts one, filtered on the benchmark database.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tools import config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = "relance_avancee,relance_avancee_reports,relance_avancee_disputes"
TEMPLATE_DB = "relance_bench_template"
TODAY = date.today()
TYPOLOGIES = ["risk", "public", "key_account", "small_sme", "safe"]


def odoo_addons_path():
    package = os.path.dirname(odoo.__file__)
    paths = [os.path.join(package, "addons"), os.path.join(os.path.dirname(package), "addons")]
    return ",".join([p for p in paths if os.path.isdir(p)] + [REPO])


def db_args():
    return [
        f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
        f"--db_port={os.environ.get('PGPORT', '5432')}",
        f"--db_user={os.environ.get('PGUSER', os.environ.get('USER', 'root'))}",
    ]


def psql(*args):
    host = os.environ.get("PGHOST", "127.0.0.1")
    return subprocess.run(
        ["psql", "-h", host, "-d", "postgres", "-Atc", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def make_template():
    """The addons installed once; updated at each run so the code measured is current."""
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE_DB}'").strip()
    mode = ["-u", ADDONS] if exists else ["-i", ADDONS, "--without-demo=all"]
    print(f"{'updating' if exists else 'creating'} {TEMPLATE_DB}...", file=sys.stderr)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, odoo.cli; sys.exit(odoo.cli.main())",
            "-d",
            TEMPLATE_DB,
            *mode,
            "--stop-after-init",
            "--log-level=warn",
            f"--addons-path={odoo_addons_path()}",
            *db_args(),
        ],
        check=True,
    )


def copy_database(name):
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')


class Timer:
    def __init__(self):
        self.rows = []

    def measure(self, label, invoices, function, per=None, per_label="invoice"):
        """Times one step; the cost is divided by `per` (default: all invoices)."""
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        self.rows.append((label, invoices, elapsed, per or invoices, per_label))
        print(f"  {label}: {elapsed:.2f} s", file=sys.stderr)
        return result


def populate(env, size, rng):
    """size invoices over size/10 customers; a fifth of them paid."""
    company = env.company
    typologies = [env.ref(f"relance_avancee.relance_typology_{code}") for code in TYPOLOGIES]
    collectors = env["res.users"].create(
        [
            {
                "name": f"Collector {i}",
                "login": f"bench_collector_{i}",
                "groups_id": [Command.set([env.ref("relance_avancee.group_relance_user").id])],
            }
            for i in range(5)
        ]
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Customer {i:05d}",
                "is_company": True,
                "email": f"customer{i}@example.com" if i % 7 else False,
                "street": f"{i} rue du Commerce",
                "city": "Lyon",
                "zip": "69001",
                "relance_typology_id": typologies[i % len(typologies)].id,
                "relance_collector_id": collectors[i % len(collectors)].id,
            }
            for i in range(max(size // 10, 1))
        ]
    )
    product = env["product.product"].create({"name": "Service", "type": "service"})
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    invoices = env["account.move"]
    for start in range(0, size, 500):
        values = []
        for i in range(start, min(start + 500, size)):
            due = TODAY + timedelta(days=rng.randint(-150, 30))
            invoice_date = due - timedelta(days=30)
            values.append(
                {
                    "move_type": "out_invoice",
                    # Named up front: Odoo's search for the last number costs O(n) per invoice.
                    "name": f"BENCH/{invoice_date.year}/{i + 1:06d}",
                    "partner_id": partners[i % len(partners)].id,
                    "journal_id": journal.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": round(rng.uniform(50, 5000), 2),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        batch = env["account.move"].create(values)
        batch.action_post()
        invoices |= batch
        env.cr.commit()
    paid = invoices.filtered(lambda inv: rng.random() < 0.2)
    for start in range(0, len(paid), 500):
        chunk = paid[start : start + 500]
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=chunk.ids
        ).create({"group_payment": False, "payment_date": TODAY})._create_payments()
        env.cr.commit()
    return partners, invoices


def populate_big_customer(env, rng, count=500):
    """One customer with `count` invoices (a third of them paid), for the call screen."""
    partner = env["res.partner"].create(
        {
            "name": "Big Customer",
            "is_company": True,
            "email": "big@example.com",
            "relance_typology_id": env.ref("relance_avancee.relance_typology_key_account").id,
        }
    )
    product = env["product.product"].search([("name", "=", "Service")], limit=1)
    dates = [TODAY - timedelta(days=rng.randint(30, 400)) for _ in range(count)]
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "name": f"BIG/{invoice_date.year}/{n + 1:06d}",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": round(rng.uniform(50, 5000), 2),
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for n, invoice_date in enumerate(dates)
        ]
    )
    invoices.action_post()
    paid = invoices[: count // 3]
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=paid.ids
    ).create({"group_payment": False, "payment_date": TODAY})._create_payments()
    env.cr.commit()
    return partner


def call_screen_spec(env):
    """The fields the call screen's form reads, nested for its lists (as the web client)."""
    from lxml import etree

    view = env.ref("relance_avancee.res_partner_view_form_call_screen")
    arch = etree.fromstring(env["res.partner"].get_view(view.id, "form")["arch"])

    def inside_a_field(node):
        return any(parent.tag == "field" for parent in node.iterancestors())

    def list_spec(list_node):
        return {f.get("name"): {} for f in list_node.findall("field")}

    spec = {}
    for field in arch.iter("field"):
        if inside_a_field(field):
            continue
        sub = field.find(".//list")
        spec[field.get("name")] = {"fields": list_spec(sub)} if sub is not None else {}
    return spec


def open_call_screen(partner, spec):
    partner.env.invalidate_all()
    return partner.with_context(bin_size=True).web_read(spec)


def overdue_count(env):
    env.cr.execute(
        """SELECT count(*) FROM account_move
            WHERE move_type = 'out_invoice' AND state = 'posted'
              AND payment_state NOT IN ('paid', 'in_payment', 'reversed')
              AND invoice_date_due < %s""",
        [TODAY],
    )
    return env.cr.fetchone()[0]


def start_http_server(dbname):
    from odoo.http import root
    from odoo.service import server

    config["http_port"] = 8079
    config["dbfilter"] = f"^{dbname}$"
    server.load_server_wide_modules()
    http = server.ThreadedServer(root)
    http.start(stop=False)
    return http


def bench_size(size, keep, timer):
    dbname = f"relance_bench_{size}"
    copy_database(dbname)
    registry = Registry.new(dbname)
    http = start_http_server(dbname)
    threading.current_thread().testing = False
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            # wkhtmltopdf fetches the report assets from this server.
            env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:8079")
            rng = random.Random(size)
            timer.measure("populate (not a target)", size, lambda: populate(env, size, rng))
            cr.commit()
            overdue = overdue_count(env)
            print(f"  overdue invoices: {overdue}", file=sys.stderr)
            run_model = env["relance.run"]
            company = env.company
            run = run_model._get_or_create(company, TODAY)
            cr.commit()
            timer.measure("daily run: preview", size, run.action_preview)

            def plan_and_execute():
                run._plan()
                cr.commit()
                return run._execute_batches(commit=True, batch_size=200, max_batches=None)

            timer.measure(
                "daily run: decisions, history, queued mails",
                size,
                plan_and_execute,
                per=overdue,
                per_label="overdue invoice",
            )
            timer.measure(
                "daily run: documents (PDF, 50 per wkhtmltopdf call)",
                size,
                lambda: run._render_document_batches(commit=True, max_batches=None),
            )
            timer.measure("daily run: closing", size, lambda: run._run(commit=True))
            run2 = run_model._get_or_create(company, TODAY)
            timer.measure(
                "same run again, same date", size, lambda: run2._run(commit=True, batch_size=200)
            )
            aged = env["relance.aged.balance"]
            timer.measure("aged balance as of today", size, lambda: aged.compute(TODAY))
            timer.measure(
                "aged balance 60 days ago", size, lambda: aged.compute(TODAY - timedelta(days=60))
            )
            some = env["res.partner"].search([("relance_typology_id", "!=", False)], limit=200)
            report = env["relance.aged.balance.report"].create(
                {"date": TODAY, "partner_ids": [Command.set(some.ids)]}
            )
            timer.measure("aged balance XLSX, 200 customers", size, report._xlsx_content)
            timer.measure(
                "aged balance PDF, 200 customers",
                size,
                lambda: env["ir.actions.report"]._render_qweb_pdf(
                    "relance_avancee_reports.action_report_aged_balance", report.ids
                ),
            )
            timer.measure(
                "worklist search (80 first by priority)",
                size,
                lambda: env["res.partner"].search_read(
                    [("relance_next_date", "<=", TODAY), ("relance_excluded", "=", False)],
                    ["display_name", "relance_overdue_amount", "relance_level_id"],
                    order="relance_priority desc",
                    limit=80,
                ),
            )
            partners = env["res.partner"]
            timer.measure(
                "payer scores, every customer (also in the daily run)",
                size,
                lambda: partners._relance_compute_payer_scores(company, TODAY),
            )
            timer.measure(
                "worklist: C and D payers, worst first",
                size,
                lambda: partners.search_read(
                    [("relance_payer_score", "in", ("c", "d"))],
                    ["display_name", "relance_payer_score", "relance_payer_trend"],
                    order="relance_payer_score desc, relance_priority desc",
                    limit=80,
                ),
            )
            cr.commit()
            big = populate_big_customer(env, rng)
            spec = call_screen_spec(env)
            timer.measure(
                "call screen, customer with 500 invoices", 500, lambda: open_call_screen(big, spec)
            )
            if size == min(SIZES):
                pdf_ratio(env, timer, size)
    finally:
        http.stop()
        registry.delete(dbname) if hasattr(registry, "delete") else None
        odoo.sql_db.close_db(dbname)
        if not keep:
            psql(f'DROP DATABASE IF EXISTS "{dbname}"')


def pdf_ratio(env, timer, size):
    """Reminder PDFs: one wkhtmltopdf call for 20 documents vs one call each."""
    entries = env["relance.history"].search([("channel", "in", ("email", "letter"))], limit=20)
    documents = env["relance.documents"]
    batch = timer.measure(
        f"reminder PDFs, {len(entries)} in one call",
        size,
        lambda: documents._render(entries),
    )
    timer.measure(
        f"reminder PDFs, {len(entries)} calls of one",
        size,
        lambda: [documents._render(entry) for entry in entries],
    )
    assert len(batch[0]) == len(entries)


def print_table(timer):
    print("| step | invoices | time (s) | cost (ms) | per |")
    print("|---|---:|---:|---:|---|")
    for label, invoices, elapsed, per, per_label in timer.rows:
        cost = elapsed / per * 1000
        print(f"| {label} | {invoices:,} | {elapsed:.2f} | {cost:.3f} | {per:,} {per_label}s |")
    single = [r for r in timer.rows if "calls of one" in r[0]]
    batch = [r for r in timer.rows if "in one call" in r[0]]
    if single and batch:
        print(f"\nBatch PDF rendering is {single[0][2] / batch[0][2]:.1f} x faster per document.")
    print_growth(timer)


def print_growth(timer):
    """Cost per unit at the largest size over the smallest: 1.0 means linear growth."""
    sizes = sorted({row[1] for row in timer.rows if row[1] in SIZES})
    if len(sizes) < 2:
        return
    small, large = sizes[0], sizes[-1]
    cost = {(row[0], row[1]): row[2] / row[3] for row in timer.rows}
    print(f"\nCost per unit at {large:,} / at {small:,} invoices:")
    for label in dict.fromkeys(row[0] for row in timer.rows):
        if (label, small) in cost and (label, large) in cost and cost[(label, small)]:
            print(f"- {label}: {cost[(label, large)] / cost[(label, small)]:.2f}")


SIZES = [2000, 20000]


def main():
    global SIZES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    SIZES = [int(s) for s in args.sizes.split(",")]
    config.parse_config(
        [f"--addons-path={odoo_addons_path()}", *db_args(), "--log-level=warn", "--workers=0"]
    )
    make_template()
    timer = Timer()
    for size in SIZES:
        print(f"size {size}...", file=sys.stderr)
        bench_size(size, args.keep, timer)
    print_table(timer)


if __name__ == "__main__":
    main()
