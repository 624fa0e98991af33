#!/usr/bin/env python3
"""Relance avancée benchmark: builds throwaway databases and times the daily work.

    python3 bench/bench.py                      # sizes 2000 and 20000 invoices
    python3 bench/bench.py --sizes 2000         # one size
    python3 bench/bench.py --keep               # keep the databases afterwards
    python3 bench/bench.py --no-oca             # without the OCA comparison
    python3 bench/bench.py --repeat 5           # best of 5 for the cheap steps
    python3 bench/bench.py --populated 'relance_pop_{size}'  # reuse populated databases

Each size gets its own database (copied from a template with the three addons
installed), N customers (one per 10 invoices) and M posted invoices due from 150
days ago to 30 days ahead, a fifth of them paid. It prints a Markdown table: the
time of each step and its cost per invoice, so that the growth between sizes shows.
Mail is queued, never transported. PDFs need Odoo's HTTP server for their assets:
the script starts one, filtered on the benchmark database.

Unless --no-oca, the databases come from a second template that also has OCA
`account_credit_control` and `account_financial_report` (their PyPI wheels, pip-installed
with --no-deps when missing: see bench/oca.py), so that both see the same ledger: the
script prints OCA / ours and ours / bare SQL for the decisions, the aged balance and the
letters, and a table of targets. At the largest size it then adds customers up to
--worklist-customers (100,000) and times the worklist's first page, with its plan.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import oca

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

try:  # helper A's anchor: the aged balance in one bare SQL statement
    from aged_anchor import bare_sql_aged_balance
except ImportError:
    bare_sql_aged_balance = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = "relance_avancee,relance_avancee_reports,relance_avancee_disputes"
TEMPLATE_DB = "relance_bench_template"
OCA_TEMPLATE_DB = "relance_bench_template_oca"
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


def odoo_cli(dbname, *args):
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, odoo.cli; sys.exit(odoo.cli.main())",
            "-d",
            dbname,
            *args,
            "--stop-after-init",
            "--log-level=warn",
            f"--addons-path={odoo_addons_path()}",
            *db_args(),
        ],
        check=True,
    )


def database_exists(name):
    return bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip())


def make_template():
    """The addons installed once; updated at each run so the code measured is current."""
    exists = database_exists(TEMPLATE_DB)
    print(f"{'updating' if exists else 'creating'} {TEMPLATE_DB}...", file=sys.stderr)
    odoo_cli(TEMPLATE_DB, *(["-u", ADDONS] if exists else ["-i", ADDONS, "--without-demo=all"]))


def make_oca_template():
    """Ours plus the OCA modules, for the databases of the comparison (never CI's)."""
    oca.ensure_installed()
    if database_exists(OCA_TEMPLATE_DB):
        print(f"updating {OCA_TEMPLATE_DB}...", file=sys.stderr)
        odoo_cli(OCA_TEMPLATE_DB, "-u", ADDONS)
        return
    print(f"creating {OCA_TEMPLATE_DB}...", file=sys.stderr)
    psql(f'CREATE DATABASE "{OCA_TEMPLATE_DB}" TEMPLATE "{TEMPLATE_DB}"')
    odoo_cli(OCA_TEMPLATE_DB, "-i", oca.MODULES, "--without-demo=all")


def copy_database(name, template=TEMPLATE_DB):
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


class Timer:
    def __init__(self):
        self.rows = []
        self.best = {}  # (label, size) -> seconds
        self.worklist = None  # (customers, seconds, index used, plan)

    def measure(
        self,
        label,
        invoices,
        function,
        per=None,
        per_label="invoice",
        repeat=1,
        env=None,
        rollback=False,
    ):
        """Times one step; the cost is divided by `per` (default: all invoices).

        With `repeat`, the best of that many tries; with `env`, each try starts with an
        empty ORM cache, its writes flushed within the time; with `rollback`, every try
        but the last is rolled back (to a savepoint): each one starts from the same data.
        """
        times = []
        for attempt in range(repeat):
            elapsed, result = self._once(function, env, rollback and attempt < repeat - 1)
            times.append(elapsed)
        self._record(label, invoices, times, per or invoices, per_label, "best of")
        return result

    def measure_together(self, invoices, steps, repeat, env):
        """Times steps that are compared with each other (ours and its anchors), each
        the best of ``repeat`` tries taken in turns: try 1 of each, then try 2 of each...
        so that a slow moment of the machine falls on all of them, not on one alone.

        ``steps``: ``(label, function, rollback)``; as ``measure`` with ``env``.
        """
        times = {label: [] for label, _function, _rollback in steps}
        for attempt in range(repeat):
            for label, function, rollback in steps:
                elapsed, _result = self._once(function, env, rollback and attempt < repeat - 1)
                times[label].append(elapsed)
        for label, tries in times.items():
            self._record(label, invoices, tries, invoices, "invoice", "in turns, best of")

    def _record(self, label, invoices, times, per, per_label, how):
        """Keep and print the best of ``times``, the time of the step ``label``."""
        elapsed = min(times)
        self.rows.append((label, invoices, elapsed, per, per_label))
        self.best[(label, invoices)] = elapsed
        listed = ", ".join(f"{t:.2f}" for t in times)
        tries = f" ({how} {len(times)}: {listed})" if len(times) > 1 else ""
        print(f"  {label}: {elapsed:.2f} s{tries}", file=sys.stderr)

    @staticmethod
    def _once(function, env, rollback):
        if env is not None:
            env.flush_all()
            env.invalidate_all()
            env.cr.execute("SAVEPOINT bench_try")
        start = time.perf_counter()
        result = function()
        if env is not None:
            env.flush_all()  # the writes are part of the step
        elapsed = time.perf_counter() - start
        if env is not None:
            env.cr.execute(
                "ROLLBACK TO SAVEPOINT bench_try" if rollback else "RELEASE SAVEPOINT bench_try"
            )
            env.invalidate_all()
        return elapsed, result


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
    # Odoo computes the static paths of every module at the first request, each thread
    # that asks before it is done parsing the manifests again; wkhtmltopdf's first
    # call asks for several assets at once, and Python 3.11's parser is not safe across
    # threads ("AST constructor recursion depth mismatch"): that call failed with
    # UnknownContentError. Computed once here, before any request.
    root.statics  # noqa: B018
    http = server.ThreadedServer(root)
    http.start(stop=False)
    return http


# Labels shared by the measures and the comparison tables.
PREVIEW = "daily run: preview"
OCA_DECISIONS = "OCA credit control run: generate_credit_lines"
AGED = "aged balance as of today"
AGED_60 = "aged balance 60 days ago"
OCA_AGED = "OCA aged partner balance as of today (report data)"
OCA_AGED_60 = "OCA aged partner balance 60 days ago (report data)"
SQL_AGED = "bare SQL aged balance as of today"
SQL_AGED_60 = "bare SQL aged balance 60 days ago"
WORKLIST = "worklist search (80 first by priority)"
WORKLIST_DOMAIN = [("relance_next_date", "<=", TODAY), ("relance_excluded", "=", False)]
WORKLIST_ORDER = "relance_priority desc"


def our_pdfs_label(count):
    return f"reminder PDFs, {count} in one call"


def oca_pdfs_label(count):
    return f"OCA letters, {count} customers in one call"


def bench_size(size, options, timer):
    dbname = f"relance_bench_{size}"
    populated = copy_populated(dbname, size, options)
    if not populated:
        copy_database(dbname, OCA_TEMPLATE_DB if options.oca else TEMPLATE_DB)
    registry = Registry.new(dbname)
    http = start_http_server(dbname)
    threading.current_thread().testing = False
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            # wkhtmltopdf fetches the report assets from this server.
            env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:8079")
            rng = random.Random(size)
            if populated:
                partners = env["res.partner"].search([("name", "=like", "Customer %")])
            else:
                partners, _invoices = timer.measure(
                    "populate (not a target)", size, lambda: populate(env, size, rng)
                )
            cr.commit()
            # As autovacuum would have: without statistics on the fresh rows, PostgreSQL
            # picks plans that take the payer scores from 10 s to 170 s at 20,000 invoices.
            cr.execute("ANALYZE")
            print(f"  overdue invoices: {overdue_count(env)}", file=sys.stderr)
            bench_decisions(env, size, options, timer, partners)
            bench_daily_run(env, size, options, timer)
            bench_aged_balance(env, size, options, timer)
            bench_worklists(env, size, options.repeat, timer)
            bench_documents(env, size, options, timer)
            cr.commit()
            big = populate_big_customer(env, rng)
            spec = call_screen_spec(env)
            timer.measure(
                "call screen, customer with 500 invoices", 500, lambda: open_call_screen(big, spec)
            )
            if size == max(SIZES) and options.worklist_customers:
                bench_worklist_at_scale(env, options.worklist_customers, options.repeat, timer)
    finally:
        http.stop()
        registry.delete(dbname) if hasattr(registry, "delete") else None
        odoo.sql_db.close_db(dbname)
        if not options.keep:
            psql(f'DROP DATABASE IF EXISTS "{dbname}"')


def copy_populated(dbname, size, options):
    """With --populated, a copy of an existing database of this size (bench's populate,
    not yet run) instead of populating again, updated and given the OCA modules."""
    source = options.populated.format(size=size) if options.populated else None
    if not source or not database_exists(source):
        return False
    while int(psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{source}'")):
        print(f"  waiting until nobody uses {source} (still being built?)...", file=sys.stderr)
        time.sleep(30)
    print(f"  copying {source} instead of populating", file=sys.stderr)
    copy_database(dbname, source)
    odoo_cli(dbname, *(["-i", oca.MODULES] if options.oca else []), "-u", ADDONS)
    return True


def bench_decisions(env, size, options, timer, partners):
    """The engine deciding every customer (the preview) vs OCA's run writing its lines."""
    company = env.company
    run = env["relance.run"]._get_or_create(company, TODAY)
    steps = [(PREVIEW, run.action_preview, True)]
    if options.oca:
        policy = oca.setup_policy(env, company, partners)
        steps.append(
            (OCA_DECISIONS, lambda: oca.generate_credit_lines(env, company, policy, TODAY), True)
        )
    env.cr.commit()
    timer.measure_together(size, steps, options.repeat, env)
    if options.oca:
        print(f"  OCA credit lines: {env['credit.control.line'].search_count([])}", file=sys.stderr)
    env.cr.commit()


def bench_daily_run(env, size, options, timer):
    """The daily run's steps; those the growth is read on are the best of
    ``--run-repeat`` tries, each rolled back but the last (no commit in between), so
    that a slow moment of the machine does not pass for growth."""
    run_model = env["relance.run"]
    company = env.company
    run = run_model._get_or_create(company, TODAY)
    overdue = overdue_count(env)
    env.cr.commit()
    tries = {"repeat": options.run_repeat, "env": env, "rollback": True}

    def plan_and_execute():
        run._plan()
        return run._execute_batches(commit=False, batch_size=200, max_batches=None)

    timer.measure(
        "daily run: decisions, history, queued mails",
        size,
        plan_and_execute,
        per=overdue,
        per_label="overdue invoice",
        **tries,
    )
    env.cr.commit()
    timer.measure(
        "daily run: documents (PDF, 50 per wkhtmltopdf call)",
        size,
        lambda: run._render_document_batches(commit=True, max_batches=None),
    )
    timer.measure("daily run: closing", size, lambda: run._run(commit=False), **tries)
    env.cr.commit()
    run2 = run_model._get_or_create(company, TODAY)
    env.cr.commit()
    timer.measure(
        "same run again, same date", size, lambda: run2._run(commit=False, batch_size=200), **tries
    )
    env.cr.commit()


def bench_aged_balance(env, size, options, timer):
    """Ours, OCA's report data and the bare SQL anchor, as of today and 60 days ago."""
    company = env.company
    aged = env["relance.aged.balance"]
    bounds = company._relance_bucket_bounds()
    for day, ours, theirs, bare in (
        (TODAY, AGED, OCA_AGED, SQL_AGED),
        (TODAY - timedelta(days=60), AGED_60, OCA_AGED_60, SQL_AGED_60),
    ):
        steps = [(ours, lambda day=day: aged.compute(day), False)]
        if bare_sql_aged_balance:
            steps.append(
                (
                    bare,
                    lambda day=day: bare_sql_aged_balance(env.cr, day, company.id, bounds),
                    False,
                )
            )
        if options.oca:
            steps.append(
                (theirs, lambda day=day: oca.aged_partner_balance(env, company, day), True)
            )
        timer.measure_together(size, steps, options.repeat, env)
    some = env["res.partner"].search([("relance_typology_id", "!=", False)], limit=200)
    report = env["relance.aged.balance.report"].create(
        {"date": TODAY, "partner_ids": [Command.set(some.ids)]}
    )
    per = {"per": len(some), "per_label": "customer"}  # a fixed amount of work
    timer.measure(
        "aged balance XLSX, 200 customers",
        size,
        report._xlsx_content,
        repeat=options.repeat,
        env=env,
        **per,
    )
    timer.measure(
        "aged balance PDF, 200 customers",
        size,
        lambda: env["ir.actions.report"]._render_qweb_pdf(
            "relance_avancee_reports.action_report_aged_balance", report.ids
        ),
        **per,
    )


def worklist_first_page(env):
    return env["res.partner"].search_read(
        WORKLIST_DOMAIN,
        ["display_name", "relance_overdue_amount", "relance_level_id"],
        order=WORKLIST_ORDER,
        limit=80,
    )


def bench_worklists(env, size, repeat, timer):
    company = env.company
    page = {"per": 80, "per_label": "customer"}  # one page, whatever the size
    timer.measure(WORKLIST, size, lambda: worklist_first_page(env), repeat=repeat, env=env, **page)
    partners = env["res.partner"]
    timer.measure(
        "payer scores, every customer (also in the daily run)",
        size,
        lambda: partners._relance_compute_payer_scores(company, TODAY),
        repeat=repeat,
        env=env,
        rollback=True,
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
        repeat=repeat,
        env=env,
        **page,
    )


def bench_documents(env, size, options, timer):
    """Per customer: our batched reminder PDFs vs OCA's letters, each in one call for N;
    at the smallest size also ours one call each (why the run batches them)."""
    count = options.letters
    entries = env["relance.history"].search([("channel", "in", ("email", "letter"))], limit=count)
    documents = env["relance.documents"]
    batch = timer.measure(
        our_pdfs_label(count),
        size,
        lambda: documents._render(entries),
        per=len(entries),
        per_label="document",
    )
    assert len(batch[0]) == len(entries)
    if options.oca:
        communications = oca.letters_communications(env, count)
        timer.measure(
            oca_pdfs_label(count),
            size,
            lambda: oca.render_letters(env, communications),
            per=len(communications),
            per_label="customer",
        )
    if size == min(SIZES):
        timer.measure(
            f"reminder PDFs, {len(entries)} calls of one",
            size,
            lambda: [documents._render(entry) for entry in entries],
            per=len(entries),
            per_label="document",
        )


def bench_worklist_at_scale(env, customers, repeat, timer):
    """Customers up to `customers` (SQL inserts, this company's priority and next date
    set), then the worklist's first page and its plan, which should read the
    per-company priority index instead of sorting every customer."""
    added = add_customers(env, customers)
    env.cr.commit()
    total = env["res.partner"].search_count([])
    print(f"  customers: {total:,} ({added:,} added)", file=sys.stderr)
    label = f"worklist search at {total:,} customers (80 first by priority)"
    timer.measure(
        label, total, lambda: worklist_first_page(env), repeat=repeat, env=env, per_label="customer"
    )
    plan = worklist_plan(env)
    index = f"res_partner_relance_priority_company_{env.company.id}_index"
    timer.worklist = (total, timer.best[(label, total)], index in plan, plan)
    print("  plan:\n" + "\n".join(f"    {line}" for line in plan.splitlines()), file=sys.stderr)


def add_customers(env, customers):
    """Customers without invoices; 3 in 10 due on the worklist, priorities spread."""
    missing = customers - env["res.partner"].search_count([])
    if missing <= 0:
        return 0
    company = str(env.company.id)
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, active, is_company, type, lang,
                                     customer_rank, autopost_bills, create_uid, write_uid,
                                     create_date, write_date, relance_priority, relance_next_date)
            SELECT 'Extra ' || n, 'Extra ' || n, TRUE, TRUE, 'contact', 'en_US',
                   1, 'ask', 1, 1, now(), now(),
                   jsonb_build_object(%(company)s, round((random() * 1000)::numeric, 2)),
                   CASE WHEN mod(n, 10) < 3
                        THEN jsonb_build_object(%(company)s, %(today)s::date - mod(n, 60))
                   END
              FROM generate_series(1, %(missing)s) AS n
            """,
            company=company,
            today=TODAY,
            missing=missing,
        )
    )
    env.cr.execute("ANALYZE res_partner")
    env.invalidate_all()
    return missing


def worklist_plan(env):
    """EXPLAIN of the worklist's query, as the ORM builds it."""
    query = env["res.partner"]._search(WORKLIST_DOMAIN, order=WORKLIST_ORDER, limit=80)
    env.cr.execute(SQL("EXPLAIN %s", query.select()))
    return "\n".join(row[0] for row in env.cr.fetchall())


def print_table(timer):
    print("| step | invoices | time (s) | cost (ms) | per |")
    print("|---|---:|---:|---:|---|")
    for label, invoices, elapsed, per, per_label in timer.rows:
        cost = elapsed / per * 1000
        print(f"| {label} | {invoices:,} | {elapsed:.2f} | {cost:.3f} | {per:,} {per_label}s |")
    single = [r for r in timer.rows if "calls of one" in r[0]]
    batch = [r for r in timer.rows if "in one call" in r[0] and not r[0].startswith("OCA")]
    if single and batch:
        print(f"\nBatch PDF rendering is {single[0][2] / batch[0][2]:.1f} x faster per document.")
    print_growth(timer)


def growths(timer):
    """{label: cost per unit at the largest size / at the smallest}: 1.0 means linear."""
    sizes = sorted({row[1] for row in timer.rows if row[1] in SIZES})
    if len(sizes) < 2:
        return {}
    small, large = sizes[0], sizes[-1]
    cost = {(row[0], row[1]): row[2] / row[3] for row in timer.rows}
    return {
        label: cost[(label, large)] / cost[(label, small)]
        for label in dict.fromkeys(row[0] for row in timer.rows)
        if (label, small) in cost and (label, large) in cost and cost[(label, small)]
    }


def print_growth(timer):
    sizes = sorted({row[1] for row in timer.rows if row[1] in SIZES})
    growth = growths(timer)
    if not growth:
        return
    print(f"\nCost per unit at {sizes[-1]:,} / at {sizes[0]:,} invoices:")
    for label, ratio in growth.items():
        print(f"- {label}: {ratio:.2f}")


def comparisons(letters):
    """(step, ours, OCA's, bare SQL's) labels, compared per size."""
    return [
        ("decisions (preview vs credit lines)", PREVIEW, OCA_DECISIONS, None),
        ("aged balance as of today", AGED, OCA_AGED, SQL_AGED),
        ("aged balance 60 days ago", AGED_60, OCA_AGED_60, SQL_AGED_60),
        (
            f"documents per customer ({letters} in one call)",
            our_pdfs_label(letters),
            oca_pdfs_label(letters),
            None,
        ),
    ]


def ratio(numerator, denominator):
    return numerator / denominator if numerator and denominator else None


def fmt(value, unit=""):
    return "n/a" if value is None else f"{value:.2f}{unit}"


def print_comparison(timer, letters):
    growth = growths(timer)
    print("\n| step | invoices | ours (s) | OCA (s) | bare SQL (s) | OCA / ours | ours / SQL |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for step, ours, theirs, bare in comparisons(letters):
        for size in SIZES:
            mine = timer.best.get((ours, size))
            other = timer.best.get((theirs, size))
            sql = timer.best.get((bare, size)) if bare else None
            print(
                f"| {step} | {size:,} | {fmt(mine)} | {fmt(other)} | {fmt(sql)} "
                f"| {fmt(ratio(other, mine), ' x')} | {fmt(ratio(mine, sql), ' x')} |"
            )
    if growth:
        print("\nGrowth per unit (largest / smallest size), ours and OCA's:")
        for step, ours, theirs, bare in comparisons(letters):
            parts = [f"ours {fmt(growth.get(ours))}", f"OCA {fmt(growth.get(theirs))}"]
            if bare:
                parts.append(f"SQL {fmt(growth.get(bare))}")
            print(f"- {step}: {', '.join(parts)}")


def targets(timer):
    """(target, measured, met) rows; a target with nothing measured is not met. The
    issue sets the decisions' and the aged balance's targets at the largest size
    (20,000 invoices): at smaller ones they are shown for information (met: None)."""
    rows = []
    for size in SIZES:
        rows.extend(size_targets(timer, size))
    largest = f"({max(SIZES):,}"
    rows = [
        (target, measured, met if largest in target else None) for target, measured, met in rows
    ]
    rows.extend(overall_targets(timer))
    return rows


def size_targets(timer, size):
    """The decisions' and the aged balance's targets at one size."""
    preview = timer.best.get((PREVIEW, size))
    rows = [
        at_most(f"decisions ≤ 1.5 s ({size:,} invoices)", preview, 1.5, " s"),
        at_least(
            f"decisions ≥ 10 x faster than OCA ({size:,})",
            ratio(timer.best.get((OCA_DECISIONS, size)), preview),
            10,
        ),
    ]
    for ours, theirs, bare, when in (
        (AGED, OCA_AGED, SQL_AGED, "today"),
        (AGED_60, OCA_AGED_60, SQL_AGED_60, "60 days ago"),
    ):
        mine = timer.best.get((ours, size))
        over_sql = ratio(mine, timer.best.get((bare, size)))
        faster = ratio(timer.best.get((theirs, size)), mine)
        rows.append(at_most(f"aged balance {when} ≤ 3 x bare SQL ({size:,})", over_sql, 3))
        rows.append(at_least(f"aged balance {when} ≥ 10 x faster than OCA ({size:,})", faster, 10))
    return rows


def at_most(target, value, bound, unit=" x"):
    """A (target, measured, met) row: ``value`` measured and not above ``bound``."""
    return target, fmt(value, unit), value is not None and value <= bound


def at_least(target, value, bound, unit=" x"):
    """A (target, measured, met) row: ``value`` measured and not below ``bound``."""
    return target, fmt(value, unit), value is not None and value >= bound


def overall_targets(timer):
    """The growth per unit across sizes and the worklist at 100,000 customers."""
    rows = []
    growth = {
        label: value
        for label, value in growths(timer).items()
        if not label.startswith(("OCA", "bare SQL", "populate"))
    }
    if growth:
        worst = max(growth, key=growth.get)
        rows.append(
            (
                "growth per unit ≤ 1.3 x, every step of ours",
                f"{growth[worst]:.2f} x ({worst})",
                growth[worst] <= 1.3,
            )
        )
    if timer.worklist:
        total, elapsed, uses_index, _plan = timer.worklist
        rows.append(
            (
                f"worklist first page at {total:,} customers ≤ 1 s, on the priority index",
                f"{elapsed:.2f} s, index {'used' if uses_index else 'NOT used'}",
                elapsed <= 1 and uses_index,
            )
        )
    return rows


def print_targets(timer):
    print("\n| target | measured | met |")
    print("|---|---:|---|")
    for target, measured, met in targets(timer):
        verdict = "information" if met is None else "met" if met else "**not met**"
        print(f"| {target} | {measured} | {verdict} |")
    if bare_sql_aged_balance is None:
        print("\n(bench/aged_anchor.py missing: no bare SQL anchor measured.)")
    if timer.worklist:
        print("\nWorklist plan:\n```\n" + timer.worklist[3] + "\n```")


SIZES = [2000, 20000]


def main():
    global SIZES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the cheap steps")
    parser.add_argument(
        "--run-repeat",
        type=int,
        default=3,
        help="best of N for the daily run's planning, closing and second run",
    )
    parser.add_argument(
        "--no-oca", dest="oca", action="store_false", help="skip the comparison with OCA's modules"
    )
    parser.add_argument(
        "--letters", type=int, default=20, help="customers per PDF call in the documents comparison"
    )
    parser.add_argument(
        "--populated",
        metavar="DB",
        help="copy this populated database when it exists instead of populating, "
        "e.g. relance_pop_{size} (bench's populate, not yet run)",
    )
    parser.add_argument(
        "--worklist-customers",
        type=int,
        default=100000,
        help="customers for the worklist search at the largest size (0: skip)",
    )
    options = parser.parse_args()
    SIZES = [int(s) for s in options.sizes.split(",")]
    if options.oca:
        oca.ensure_installed()
    config.parse_config(
        [f"--addons-path={odoo_addons_path()}", *db_args(), "--log-level=warn", "--workers=0"]
    )
    make_template()
    if options.oca:
        make_oca_template()
    timer = Timer()
    for size in SIZES:
        print(f"size {size}...", file=sys.stderr)
        bench_size(size, options, timer)
    print_table(timer)
    if options.oca:
        print_comparison(timer, options.letters)
    print_targets(timer)


if __name__ == "__main__":
    main()
