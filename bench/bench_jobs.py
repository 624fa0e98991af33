#!/usr/bin/env python3
"""Relance avancée benchmark of the daily run on queue_job's job workers.

    python3 bench/bench_jobs.py --size 20000 --workers 1,2
    python3 bench/bench_jobs.py --size 2000 --workers 1 --normal-days 7 --keep

For each number of job slots S, a copy of a pristine database (the benchmark's
population, queue_job and relance_avancee_queue_job installed, the company on job
workers) is served by a real multi-process Odoo: S + 1 HTTP workers (the spare one
serves wkhtmltopdf's assets while S jobs render), no cron thread, and queue_job's
runner with channels root:S,root.relance:S. The daily cron is triggered in a separate
process as the scheduler does (ir.cron's method_direct_trigger, at the population's
date), which plans and enqueues the jobs; the script then polls the run until its
closing job is done and reads the jobs' timings from queue_job. A "normal day" follows
on the same database: the cron N days later, N chosen so that about a tenth of the
customers get a new level. It prints a Markdown table and a projection to 1,000,000
open invoices and 100,000 customers on 4 and 8 job slots.

The pristine database (relance_jobs_<size>) is copied from relance_pop_<size> when
it exists (or --source-db), else from the benchmark's template and populated as
bench/bench.py does; it is updated when the addons' source changed. Kept between
calls; the per-run copies are dropped unless --keep.
"""

import argparse
import hashlib
import json
import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timedelta

import psutil
import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402 - the benchmark's populate and database helpers
import odoo  # noqa: E402

REPO = bench.REPO
ADDON_DIRS = [
    "relance_avancee",
    "relance_avancee_reports",
    "relance_avancee_disputes",
    "relance_avancee_queue_job",
]
GLUE = "queue_job,relance_avancee_queue_job"
HASH_KEY = "relance_bench_jobs.source_hash"
CRON_XMLID = "relance_avancee.ir_cron_relance_daily_run"
SCORES_JOB = "_relance_job_payer_scores"
TYPOLOGY_JOB = "_relance_job_typologies"
PLAN_JOB = "_relance_job_plan"
ACTION_JOB = "_relance_job_execute"
DOCUMENTS_JOB = "_relance_job_documents"
RENDER_JOB = "_relance_job_render"
CLOSE_JOB = "_relance_job_close"
# Projection: the size asked for, and the targets of issue #19.
TARGET_INVOICES = 1_000_000
TARGET_CUSTOMERS = 100_000
TARGET_FIRST_RUN = 30 * 60
TARGET_NORMAL_DAY = 5 * 60
NORMAL_FRACTION = 0.1
# The glue's batches (relance_avancee's BATCH_SIZE and DOCUMENT_BATCH_SIZE).
CUSTOMERS_PER_JOB = 200
DOCUMENTS_PER_JOB = 50


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- databases ---------------------------------------------------------------


def _addons_path():
    """bench's path plus where pip puts OCA addons (site-packages/odoo/addons); read
    at import, before Odoo's configuration adds its data directory to the namespace."""
    import odoo.addons

    paths = bench.odoo_addons_path().split(",")
    extra = [p for p in odoo.addons.__path__ if p not in paths and os.path.isdir(p)]
    return ",".join(paths + extra)


ADDONS_PATH = _addons_path()


def addons_path():
    return ADDONS_PATH


def odoo_bin():
    """The multi-process server respawns its websocket process as
    ``python argv[0] gevent``: it must start from a script, not from ``python -c``."""
    script = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    if os.path.isfile(script):
        return [sys.executable, script]
    command = shutil.which("odoo")
    if not command:
        sys.exit("Multi-process mode needs Odoo's odoo-bin script or the odoo command.")
    return [command]


def odoo_run(db, *args):
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, odoo.cli; sys.exit(odoo.cli.main())",
            "-d",
            db,
            f"--addons-path={addons_path()}",
            *bench.db_args(),
            "--stop-after-init",
            "--log-level=warn",
            *args,
        ],
        check=True,
    )


def connect(db):
    conn = psycopg2.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", os.environ.get("USER", "root")),
        dbname=db,
    )
    conn.autocommit = True
    return conn


def query(db, sql, args=None):
    conn = connect(db)  # not as a context manager: that opens a transaction
    try:
        with conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.fetchall() if cr.description else []
    finally:
        conn.close()


def db_exists(name):
    return bool(bench.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip())


def filestore(db):
    from odoo.tools import config

    return config.filestore(db)


def copy_db(source, target):
    """The database and its filestore (hard links: Odoo never rewrites a stored file),
    so that the reports find the company's logo."""
    drop_db(target)
    bench.psql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    if os.path.isdir(filestore(source)):
        subprocess.run(["cp", "-al", filestore(source), filestore(target)], check=True)


def drop_db(name):
    bench.psql(f'DROP DATABASE IF EXISTS "{name}"')
    shutil.rmtree(filestore(name), ignore_errors=True)


def source_hash():
    digest = hashlib.sha1()
    for top in ADDON_DIRS:
        for folder, dirs, files in sorted(os.walk(os.path.join(REPO, top))):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(".pyc"):
                    path = os.path.join(folder, name)
                    digest.update(path[len(REPO) :].encode())
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
    return digest.hexdigest()


def stored_hash(db):
    rows = query(db, "SELECT value FROM ir_config_parameter WHERE key = %s", [HASH_KEY])
    return rows[0][0] if rows else None


def store_hash(db, value):
    query(
        db,
        """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
           VALUES (%s, %s, now(), now())
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()""",
        [HASH_KEY, value],
    )


def populate_new(db, size):
    """A database of `size` invoices as bench/bench.py makes them: a copy of its
    template (created when missing, never updated here: bench.py owns it), populated."""
    if not db_exists(bench.TEMPLATE_DB):
        bench.make_template()
    copy_db(bench.TEMPLATE_DB, db)
    log(f"populating {db} with {size:,} invoices...")
    subprocess.run([sys.executable, __file__, "--child", "populate", db, str(size)], check=True)


def prepare_pristine(size, source):
    """relance_jobs_<size>: the population with queue_job and the glue installed and the
    company on job workers; updated when the addons changed since it was made."""
    pristine = f"relance_jobs_{size}"
    current = source_hash()
    if db_exists(pristine):
        if stored_hash(pristine) == current:
            log(f"{pristine} is up to date")
            analyze(pristine)
            return pristine
        log(f"the addons changed: updating {pristine}...")
        odoo_run(pristine, "-i", GLUE, "-u", "relance_avancee")
    else:
        source = source or f"relance_pop_{size}"
        if db_exists(source):
            log(f"copying {source} to {pristine}...")
            copy_db(source, pristine)
        else:
            populate_new(pristine, size)
        log(f"installing {GLUE} in {pristine} (and updating relance_avancee)...")
        odoo_run(pristine, "-i", GLUE, "-u", "relance_avancee")
    query(
        pristine,
        """UPDATE res_company SET relance_queue_job = TRUE, relance_auto_run = TRUE
            WHERE id IN (SELECT DISTINCT company_id FROM account_move
                          WHERE move_type = 'out_invoice')""",
    )
    store_hash(pristine, current)
    analyze(pristine)
    return pristine


def analyze(db):
    """Planner statistics: a database populated in one go has none until autovacuum
    gets to it (its copies inherit that), and the planner then takes its tables for
    empty: the payer scores' query alone took minutes at 20,000 invoices."""
    log(f"analyzing {db}...")
    query(db, "VACUUM ANALYZE")


def population_date(db):
    """The day the population was made: its due dates run from 150 days before to
    30 days after it (bench.populate). The runs are measured as of that day."""
    row = query(
        db,
        "SELECT max(invoice_date_due) FROM account_move WHERE move_type = 'out_invoice' "
        "AND name LIKE 'BENCH/%'",
    )
    return row[0][0] - timedelta(days=30)


def population_figures(db, day):
    (open_invoices, overdue, customers) = query(
        db,
        """SELECT count(*), count(*) FILTER (WHERE invoice_date_due < %s),
                  count(DISTINCT partner_id)
             FROM account_move
            WHERE move_type = 'out_invoice' AND state = 'posted'
              AND payment_state NOT IN ('paid', 'in_payment', 'reversed')""",
        [day],
    )[0]
    return {"open_invoices": open_invoices, "overdue": overdue, "customers": customers}


# --- the multi-process server ------------------------------------------------


class Server:
    """Odoo multi-process on `db`: slots + 1 HTTP workers, the job runner with
    root:slots,root.relance:slots, no cron thread (the script triggers the cron)."""

    def __init__(self, db, slots, port, workdir):
        self.db, self.slots, self.port = db, slots, port
        self.conf = os.path.join(workdir, f"odoo-{slots}.conf")
        self.logfile = os.path.join(workdir, f"odoo-{db}.log")
        self.process = None

    def write_config(self):
        host = os.environ.get("PGHOST", "127.0.0.1")
        options = {
            "addons_path": addons_path(),
            "db_host": host,
            "db_port": os.environ.get("PGPORT", "5432"),
            "db_user": os.environ.get("PGUSER", os.environ.get("USER", "root")),
            # The runner dispatches the jobs of the listed databases only.
            "db_name": self.db,
            "dbfilter": f"^{self.db}$",
            "list_db": "False",
            "http_interface": "127.0.0.1",
            "http_port": self.port,
            "gevent_port": self.port + 1,
            "workers": self.slots + 1,
            "max_cron_threads": 0,
            "server_wide_modules": "base,web,queue_job",
            "db_maxconn": 16,
            "limit_time_cpu": 3600,
            "limit_time_real": 7200,
            "limit_memory_soft": 4 * 1024**3,
            "limit_memory_hard": 5 * 1024**3,
            "logfile": self.logfile,
            "log_level": "info",
        }
        with open(self.conf, "w") as handle:
            handle.write("[options]\n")
            for key, value in options.items():
                handle.write(f"{key} = {value}\n")
            handle.write(f"\n[queue_job]\nchannels = root:{self.slots},root.relance:{self.slots}\n")

    def start(self, timeout=300):
        self.write_config()
        open(self.logfile, "w").close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_QUEUE_JOB")}
        self.process = subprocess.Popen(
            [*odoo_bin(), "-c", self.conf],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"Odoo stopped at start (see {self.logfile}).")
            if self.healthy() and f"queue job runner ready for db {self.db}" in self.log_text():
                return
            time.sleep(1)
        self.stop()
        sys.exit(f"Odoo or its job runner did not start in {timeout} s (see {self.logfile}).")

    def healthy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/web/health", timeout=5):
                return True
        except OSError:
            return False

    def log_text(self):
        with open(self.logfile, errors="replace") as handle:
            return handle.read()

    def cpu_seconds(self):
        """CPU of the server's processes: the main one, its live workers and job
        runner with their reaped children (wkhtmltopdf). Not the main process's reaped
        children: a websocket process respawned in a loop (gevent failing) would
        count as the jobs' work."""
        total = 0.0
        try:
            main = psutil.Process(self.process.pid)
            times = main.cpu_times()
            total += times.user + times.system
            for process in main.children(recursive=True):
                try:
                    times = process.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                total += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            pass
        return total

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the workers finish their request
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class PostgresCpu:
    """CPU of the PostgreSQL backends connected to `db`, sampled while they live."""

    def __init__(self, db):
        self.db = db
        self.base, self.last = {}, {}
        self.sample(base=True)

    def sample(self, base=False):
        for (pid,) in query(
            "postgres", "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.db]
        ):
            try:
                times = psutil.Process(pid).cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            value = times.user + times.system
            if base:
                self.base[pid] = value
            self.base.setdefault(pid, 0.0)
            self.last[pid] = max(value, self.last.get(pid, 0.0))

    def seconds(self):
        return sum(value - self.base.get(pid, 0.0) for pid, value in self.last.items())


def free_port_pair(start):
    """The first port from `start` free with the next one (HTTP, websocket)."""
    for port in range(start, start + 200, 2):
        try:
            for candidate in (port, port + 1):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    sys.exit(f"No two free ports from {start}: give another with --port.")


def machine_busy_seconds():
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


# --- one daily run -----------------------------------------------------------


def daily_run(server, day, timeout):
    """Trigger the cron as of `day` in a process of its own, poll until the run is
    done; returns the measures: wall times, and CPU times by phase (the cron
    process, the server's processes, PostgreSQL's backends of the database)."""
    db = server.db
    pg = PostgresCpu(db)
    machine0 = machine_busy_seconds()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", "cron", db, day.isoformat(), server.conf],
        stdout=subprocess.PIPE,
        text=True,
    )
    marks, cpu = {}, {}
    for line in child.stdout:
        word, _, rest = line.strip().partition(" ")
        if word in ("START", "PLANNED"):
            marks[word] = (time.perf_counter(), datetime.utcnow())
            pg.sample()
            cpu[word] = (float(rest), server.cpu_seconds(), pg.seconds())
        elif word == "RESULT":
            marks["result"] = json.loads(rest)
    if child.wait() or "PLANNED" not in marks:
        sys.exit("The cron's process failed (see above).")
    start, start_utc = marks["START"]
    planned, planned_utc = marks["PLANNED"]
    run_id = marks["result"]["run_id"]
    deadline = time.monotonic() + timeout
    while True:
        state = query(db, "SELECT state FROM relance_run WHERE id = %s", [run_id])[0][0]
        counts = {
            method: (total, pending)
            for method, total, pending in query(
                db,
                """SELECT method_name, count(*), count(*) FILTER (WHERE state != 'done')
                     FROM queue_job WHERE relance_run_id = %s GROUP BY method_name""",
                [run_id],
            )
        }
        failed = query(
            db,
            "SELECT count(*) FROM queue_job WHERE relance_run_id = %s AND state = 'failed'",
            [run_id],
        )[0][0]
        pg.sample()
        mark_phases(cpu, counts, state == "done", server, pg)
        if state == "done" or failed:
            break
        if time.monotonic() > deadline:
            sys.exit(f"The run {run_id} is not done after {timeout} s (see {server.logfile}).")
        time.sleep(0.5)
    mark_phases(cpu, counts, True, server, pg)
    cpu["END"] = (0.0, server.cpu_seconds(), pg.seconds())
    if failed:
        sys.exit(f"{failed} jobs of run {run_id} failed (see {server.logfile}).")
    jobs = query(
        db,
        """SELECT method_name, date_created, date_enqueued, date_started, date_done, exec_time
             FROM queue_job WHERE relance_run_id = %s AND state = 'done'
            ORDER BY date_started""",
        [run_id],
    )
    measures = analyse(jobs, start_utc, planned_utc)

    def between(a, b, index):
        return cpu[b][index] - cpu[a][index]

    measures.update(
        run_id=run_id,
        cron=planned - start,
        cron_cpu=between("START", "PLANNED", 0),
        cron_pg_cpu=between("START", "PLANNED", 2),
        workers_cpu=between("START", "END", 1),
        postgres_cpu=between("START", "END", 2),
        machine_cpu=machine_busy_seconds() - machine0,
        **run_figures(db, run_id),
    )
    previous = "PLANNED"
    for phase in PHASE_ORDER:
        measures[f"{phase}_cpu"] = between(previous, phase, 1)
        measures[f"{phase}_pg_cpu"] = between(previous, phase, 2)
        previous = phase
    measures["other_cpu"] = max(
        measures["machine_cpu"]
        - measures["cron_cpu"]
        - measures["workers_cpu"]
        - measures["postgres_cpu"],
        0.0,
    )
    return measures


# The run's steps on jobs, in order, with the jobs of each (the steps follow one
# another: each waits for the jobs of the one before).
PHASES = {
    SCORES_JOB: "scores",
    TYPOLOGY_JOB: "typologies",
    PLAN_JOB: "plans",
    ACTION_JOB: "plans",
    DOCUMENTS_JOB: "documents",
    RENDER_JOB: "documents",
    CLOSE_JOB: "closing",
}
PHASE_ORDER = ("scores", "typologies", "plans", "documents", "closing")


def mark_phases(cpu, counts, finished, server, pg):
    """The CPU counters at the end of each step: its jobs (``counts``: method ->
    (jobs, not done)) all done, and the next step's enqueued or the run done."""
    for index, phase in enumerate(PHASE_ORDER):
        if phase in cpu:
            continue
        if any(counts[m][1] for m in counts if PHASES.get(m) == phase):
            return
        later = any(PHASES.get(m) in PHASE_ORDER[index + 1 :] for m in counts)
        if not (later or finished):
            return
        cpu[phase] = (0.0, server.cpu_seconds(), pg.seconds())


def analyse(jobs, start_utc, planned_utc):
    """Steps from the jobs' own timestamps (UTC, the same clock as the script's)."""

    def of(phase):
        return [job for job in jobs if PHASES.get(job[0]) == phase]

    def seconds(a, b):
        return (b - a).total_seconds()

    measures = {"jobs": len(jobs)}
    previous_end = planned_utc
    for phase in PHASE_ORDER:
        phase_jobs = of(phase)
        end = max((job[4] for job in phase_jobs), default=previous_end)
        measures[phase] = seconds(previous_end, end)
        measures[f"{phase}_exec"] = [job[5] for job in phase_jobs]
        measures[f"{phase}_jobs"] = len(phase_jobs)
        previous_end = end
    latencies = [seconds(job[2], job[3]) for job in jobs if job[2] and job[3]]
    measures.update(
        total=seconds(start_utc, previous_end),
        dispatch_latency=sum(latencies) / len(latencies) if latencies else 0.0,
    )
    return measures


def run_figures(db, run_id):
    entries, executed, customers, documents = query(
        db,
        """SELECT count(*),
                  count(*) FILTER (WHERE executed),
                  count(DISTINCT partner_id) FILTER (WHERE executed),
                  count(*) FILTER (WHERE document_state = 'done')
             FROM relance_history WHERE run_id = %s""",
        [run_id],
    )[0]
    return {
        "entries": entries,
        "executed": executed,
        "moved_customers": customers,
        "documents_done": documents,
    }


# --- the child processes (the cron, the normal day's choice, populate) --------


def child_setup(conf_or_none, db):
    from odoo.tools import config

    args = (
        ["-c", conf_or_none]
        if conf_or_none
        else [f"--addons-path={addons_path()}", *bench.db_args()]
    )
    config.parse_config(
        [*args, "--workers=0", "--max-cron-threads=0", "--log-level=warn", "--logfile="]
    )
    from odoo.modules.registry import Registry

    return Registry(db)


def child_cron(db, day, conf):
    """The scheduler's call (method_direct_trigger), as of `day`: plans, enqueues."""
    from freezegun import freeze_time

    from odoo import SUPERUSER_ID, api

    registry = child_setup(conf, db)
    with freeze_time(day, tick=True), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref(CRON_XMLID)
        print("START", own_cpu(), flush=True)
        cron.method_direct_trigger()
        cr.commit()
        print("PLANNED", own_cpu(), flush=True)
        run = env["relance.run"].search([("date", "=", day)], limit=1)
    print("RESULT", json.dumps({"run_id": run.id}), flush=True)


def own_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_moving(db, first_day, days):
    """For each day after `first_day`, how many customers the engine would act on."""
    from freezegun import freeze_time

    from odoo import SUPERUSER_ID, api

    registry = child_setup(None, db)
    counts = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([("relance_queue_job", "=", True)], limit=1)
        with freeze_time(first_day) as frozen:
            for n in range(1, days + 1):
                day = first_day + timedelta(days=n)
                frozen.move_to(day)
                engine = env["relance.engine"].with_company(company).with_context(relance_date=day)
                decisions = engine._compute_decisions(company, day)
                counts[n] = len({decision["partner"].id for decision in decisions})
                log(f"  day +{n}: {counts[n]} customers would move")
        cr.rollback()
    print("RESULT", json.dumps(counts), flush=True)


def child_populate(db, size):
    import random

    from odoo import SUPERUSER_ID, api

    registry = child_setup(None, db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        bench.populate(env, size, random.Random(size))
        cr.commit()


def child_main(argv):
    kind = argv[0]
    if kind == "cron":
        child_cron(argv[1], date.fromisoformat(argv[2]), argv[3])
    elif kind == "moving":
        child_moving(argv[1], date.fromisoformat(argv[2]), int(argv[3]))
    elif kind == "populate":
        child_populate(argv[1], int(argv[2]))


def moving_counts(db, day, days):
    output = subprocess.run(
        [sys.executable, __file__, "--child", "moving", db, day.isoformat(), str(days)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return {int(n): count for n, count in json.loads(line[7:]).items()}


def choose_normal_day(db, day, customers, max_days):
    """The first day after the first run on which about a tenth of the customers
    move (the closest to a tenth among the days looked at)."""
    log(f"choosing the normal day (a tenth of {customers:,} customers moving)...")
    counts = moving_counts(db, day, max_days)
    target = NORMAL_FRACTION * customers
    return min(counts, key=lambda n: (abs(counts[n] - target), n)), counts


# --- the report ----------------------------------------------------------------


def mean(values):
    return sum(values) / len(values) if values else 0.0


def fmt_exec(values):
    if not values:
        return "-"
    return f"{mean(values):.2f} / {max(values):.2f} s ({len(values)})"


def print_table(population, results, size, normal_days):
    slots = sorted(results)
    head = " | ".join(f"{s} slot{'s' if s > 1 else ''}" for s in slots)
    print(
        f"\n### Daily run on job workers, {size:,} invoices "
        f"({population['open_invoices']:,} open, {population['overdue']:,} overdue, "
        f"{population['customers']:,} customers with open invoices)\n"
    )
    print(
        "Job slots S = root.relance capacity; HTTP workers = S + 1. "
        f"Normal day: +{normal_days} days.\n"
    )
    print(f"| step | {head} |")
    print("|---|" + "---:|" * len(slots))
    rows = [
        ("cron (starts the run, lists the customers to grade, enqueues)", "cron"),
        ("payer scores (jobs of 1,000 customers)", "scores"),
        ("typology rules, customers to plan listed (one job)", "typologies"),
        ("planning and actions (jobs of 200 customers)", "plans"),
        ("documents (jobs of 50)", "documents"),
        ("closing", "closing"),
    ]
    lines = [(label, lambda m, k=key: f"{m[k]:.1f} s") for label, key in rows]
    lines += [
        ("**total wall time**", lambda m: f"**{m['total']:.1f} s**"),
        ("history entries / executed", lambda m: f"{m['entries']:,} / {m['executed']:,}"),
        ("customers moved", lambda m: f"{m['moved_customers']:,}"),
        ("documents rendered", lambda m: f"{m['documents_done']:,}"),
        ("jobs", lambda m: f"{m['jobs']}"),
    ]
    for phase in ("scores", "plans", "documents"):
        lines.append(
            (f"{phase} job exec: mean / max (count)", lambda m, p=phase: fmt_exec(m[f"{p}_exec"]))
        )
    lines.append(
        (
            "dispatch latency (enqueued to started), mean",
            lambda m: f"{m['dispatch_latency'] * 1000:.0f} ms",
        )
    )
    lines.append(
        (
            "CPU cron: its process + PostgreSQL",
            lambda m: f"{m['cron_cpu']:.1f} + {m['cron_pg_cpu']:.1f} s",
        )
    )
    for phase in PHASE_ORDER:
        lines.append(
            (
                f"CPU {phase}: Odoo server (wkhtmltopdf included) + PostgreSQL",
                lambda m, p=phase: f"{m[p + '_cpu']:.1f} + {m[p + '_pg_cpu']:.1f} s",
            )
        )
    lines.append(
        (
            "CPU of other processes on the machine meanwhile (noise)",
            lambda m: f"{m['other_cpu']:.1f} s",
        )
    )
    for phase, title in (("first", "first run"), ("normal", "normal day")):
        print(f"| **{title}** |" + " |" * len(slots))
        for label, cell in lines:
            print(f"| {label} | " + " | ".join(cell(results[s][phase]) for s in slots) + " |")


class Model:
    """Per-item costs, each the best over the slot counts (the least disturbed by the
    other processes of the machine), on two bases: the wall time of the jobs on this
    machine, and the CPU time of Odoo and PostgreSQL (the wall time on cores of their
    own, neither waiting for the other's core)."""

    def __init__(self, population, results):
        runs = [
            (slots, result["first"], result["normal"]) for slots, result in sorted(results.items())
        ]
        invoices, customers = population["open_invoices"], population["customers"]
        self.costs = {}
        for basis in ("cpu", "wall"):

            def best(function, basis=basis):
                return min(function(slots, first, normal, basis) for slots, first, normal in runs)

            plan_a, plan_b = self._planning(
                best(lambda s, f, n, b: self.work(f, b, "plans")),
                best(lambda s, f, n, b: self.work(n, b, "plans")),
                runs[0][1]["entries"],
                runs[0][2]["entries"],
                invoices,
            )
            self.costs[basis] = {
                "serial": best(lambda s, f, n, b: self.serial_seconds(f, b)) / invoices,
                "score": best(lambda s, f, n, b: self.work(f, b, "scores")) / customers,
                "plan_a": plan_a,
                "plan_b": plan_b,
                "document": best(
                    lambda s, f, n, b: self.work(f, b, "documents") / max(f["documents_done"], 1)
                ),
                # Per job, the wall time beyond its work: dispatch, waiting.
                "job": best(lambda s, f, n, b: self.overhead_per_job(s, f)),
                "closing": best(lambda s, f, n, b: self.work(f, b, "closing")),
            }
        first, normal = runs[0][1], runs[0][2]
        self.first_entries_per_customer = first["entries"] / customers
        self.first_documents_per_customer = first["documents_done"] / customers
        moved = max(normal["moved_customers"], 1)
        self.normal_entries_per_moved = normal["entries"] / moved
        self.normal_documents_per_moved = normal["documents_done"] / moved
        self.efficiency = self._efficiency(results)

    @staticmethod
    def work(m, basis, phase):
        """The work of a step: CPU of Odoo and PostgreSQL, or its jobs' execution time."""
        if basis == "cpu":
            return m[f"{phase}_cpu"] + m[f"{phase}_pg_cpu"]
        return sum(m[f"{phase}_exec"])

    @classmethod
    def serial_seconds(cls, m, basis):
        """What does not divide among the slots: the cron and the typology job."""
        if basis == "cpu":
            return m["cron_cpu"] + m["cron_pg_cpu"] + cls.work(m, basis, "typologies")
        return m["cron"] + cls.work(m, basis, "typologies")

    @staticmethod
    def overhead_per_job(slots, m):
        parallel = ("scores", "plans", "documents")
        wall = sum(m[phase] for phase in parallel)
        work = sum(sum(m[f"{phase}_exec"]) for phase in parallel)
        jobs = sum(m[f"{phase}_jobs"] for phase in parallel)
        return max(wall * slots - work, 0.0) / max(jobs, 1)

    @staticmethod
    def _planning(first, normal, e1, e2, invoices):
        """a x open invoices + b x history entries, from the first run and the normal
        day; all on the invoices when the noise makes one of them negative."""
        b = (first - normal) / (e1 - e2) if e1 != e2 else 0.0
        a = (normal - b * e2) / invoices
        if a < 0 or b < 0:
            return first / invoices, 0.0
        return a, b

    @staticmethod
    def _efficiency(results):
        """Throughput of the parallel steps at S2 slots over S2/S1 x that at S1."""
        if len(results) < 2:
            return None
        s1, s2 = min(results), max(results)

        def throughput(s):
            m = results[s]["first"]
            return 1.0 / (m["scores"] + m["plans"] + m["documents"])

        return throughput(s2) / throughput(s1) / (s2 / s1)

    def project(self, basis, slots, moving, entries, documents, efficiency=1.0):
        """Serial part (the cron, the typology job, closing) and the jobs (divided
        among the slots). Every customer is graded and every open invoice decided
        each day; only the moving customers get entries and documents."""
        cost = self.costs[basis]
        serial = cost["serial"] * TARGET_INVOICES + cost["closing"]
        jobs = (
            math.ceil(TARGET_CUSTOMERS / (CUSTOMERS_PER_JOB * 5))
            + math.ceil(TARGET_CUSTOMERS / CUSTOMERS_PER_JOB)
            + math.ceil(documents / DOCUMENTS_PER_JOB)
        )
        work = (
            TARGET_CUSTOMERS * cost["score"]
            + TARGET_INVOICES * cost["plan_a"]
            + entries * cost["plan_b"]
            + documents * cost["document"]
            + jobs * cost["job"]
        )
        parallel = work / (slots * efficiency)
        return serial, parallel, serial + parallel


def print_projection(population, results):
    model = Model(population, results)
    customers = TARGET_CUSTOMERS
    first = (
        customers,
        model.first_entries_per_customer * customers,
        model.first_documents_per_customer * customers,
    )
    moving = NORMAL_FRACTION * customers
    normal = (
        moving,
        model.normal_entries_per_moved * moving,
        model.normal_documents_per_moved * moving,
    )
    print(f"\n### Projection to {TARGET_INVOICES:,} open invoices, {customers:,} customers\n")
    print("Per item, the best over the slot counts measured; CPU = Odoo + PostgreSQL CPU time:\n")
    print("| cost | CPU | wall (this machine) |")
    print("|---|---:|---:|")
    cpu, wall = model.costs["cpu"], model.costs["wall"]
    for label, key, scale, unit in (
        ("serial (cron, typology job), per open invoice", "serial", 1000, "ms"),
        ("payer scores, per customer (jobs)", "score", 1000, "ms"),
        ("planning and actions: a per open invoice (jobs)", "plan_a", 1000, "ms"),
        ("planning and actions: b per history entry (jobs)", "plan_b", 1000, "ms"),
        ("documents, per document (jobs of 50)", "document", 1000, "ms"),
        ("coordination, per job (dispatch, dependencies)", "job", 1, "s"),
        ("closing job", "closing", 1, "s"),
    ):
        print(f"| {label} | {cpu[key] * scale:.3f} {unit} | {wall[key] * scale:.3f} {unit} |")
    print(
        f"\nVolumes: first run {model.first_entries_per_customer:.2f} entries and "
        f"{model.first_documents_per_customer:.3f} documents per customer -> "
        f"{first[1]:,.0f} entries, {first[2]:,.0f} documents; normal day: a tenth of the "
        f"customers ({moving:,.0f}) moving, "
        f"{model.normal_entries_per_moved:.2f} entries and {model.normal_documents_per_moved:.3f} "
        f"documents each -> {normal[1]:,.0f} entries, {normal[2]:,.0f} documents."
    )
    if model.efficiency is not None:
        print(
            f"Scaling efficiency measured from {min(results)} to {max(results)} slots (wall, this "
            "2-core machine shared with PostgreSQL, wkhtmltopdf and other work): "
            f"{model.efficiency:.0%}."
        )
    print(
        "\nFormula: run = serial x invoices + closing + (customers x score + a x invoices "
        "+ b x entries + documents x cost per document + jobs x coordination) "
        "/ (slots x efficiency)\n"
    )
    variants = [("CPU, dedicated cores", "cpu", 1.0), ("wall, this machine", "wall", 1.0)]
    if model.efficiency is not None and model.efficiency < 1.0:
        # Above 100% is the noise of a disturbed run with fewer slots: not projected.
        variants.append((f"wall x {model.efficiency:.0%} efficiency", "wall", model.efficiency))
    print("| run | slots | basis | serial | jobs | total | target | met |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for title, (moved, entries, documents), target in (
        ("first run", first, TARGET_FIRST_RUN),
        ("normal day", normal, TARGET_NORMAL_DAY),
    ):
        for slots in (4, 8):
            for label, basis, efficiency in variants:
                serial, parallel, total = model.project(
                    basis, slots, moved, entries, documents, efficiency
                )
                print(
                    f"| {title} | {slots} | {label} | {serial / 60:.1f} min "
                    f"| {parallel / 60:.1f} min | **{total / 60:.1f} min** "
                    f"| {target / 60:.0f} min | {'yes' if total <= target else 'no'} |"
                )
    print(
        "\nAssumptions: one core per job slot, PostgreSQL on cores of its own (the CPU basis: "
        "each process's CPU time is its wall time on a free core), costs linear in the open "
        "invoices and customers (scores, decisions) and in the entries and documents (jobs), "
        "as bench/bench.py's growth per unit shows up to 20,000; the cron and the typology job "
        "do not divide among the slots. The wall basis carries this machine's contention "
        "(2 cores for Odoo, PostgreSQL, wkhtmltopdf and other work): a pessimistic bound."
    )


# --- main ---------------------------------------------------------------------


def set_report_url(db, url):
    """wkhtmltopdf fetches the reports' assets from the multi-process server."""
    query(
        db,
        """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
           VALUES ('report.url', %s, now(), now())
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""",
        [url],
    )


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000, help="invoices of the population")
    parser.add_argument("--workers", default="1,2", help="job slots to measure, e.g. 1,2")
    parser.add_argument(
        "--source-db", help="populated database to start from (default relance_pop_<size>)"
    )
    parser.add_argument(
        "--port", type=int, default=18095, help="first HTTP port tried (the next: websocket)"
    )
    parser.add_argument(
        "--normal-days", type=int, help="days between the first run and the normal day"
    )
    parser.add_argument("--max-normal-days", type=int, default=10)
    parser.add_argument("--timeout", type=int, default=7200, help="seconds a run may take")
    parser.add_argument("--keep", action="store_true", help="keep the per-run databases")
    args = parser.parse_args()
    from odoo.tools import config

    config.parse_config([f"--addons-path={addons_path()}", *bench.db_args(), "--log-level=warn"])
    slot_counts = [int(s) for s in args.workers.split(",")]
    # The websocket process of the multi-process server needs gevent to start.
    subprocess.run(["bash", "-c", 'source "$0/setup/common.sh" && ensure_gevent', REPO], check=True)
    pristine = prepare_pristine(args.size, args.source_db)
    day = population_date(pristine)
    population = population_figures(pristine, day)
    log(f"population of {day}: {population}")
    normal_days = args.normal_days
    results = {}
    workdir = tempfile.mkdtemp(prefix="bench_jobs_")
    for slots in slot_counts:
        db = f"{pristine}_s{slots}"
        copy_db(pristine, db)
        port = free_port_pair(args.port)
        set_report_url(db, f"http://127.0.0.1:{port}")
        server = Server(db, slots, port, workdir)
        log(f"{slots} slot(s): Odoo multi-process on {db}, port {port} (log {server.logfile})...")
        try:
            server.start()
            log(f"{slots} slot(s): first run as of {day}...")
            first = daily_run(server, day, args.timeout)
            log(f"  {summary(first)}")
            if normal_days is None:
                normal_days, counts = choose_normal_day(
                    db, day, population["customers"], args.max_normal_days
                )
                log(f"  normal day: +{normal_days} days ({counts[normal_days]} customers moving)")
            log(f"{slots} slot(s): normal day as of {day + timedelta(days=normal_days)}...")
            normal = daily_run(server, day + timedelta(days=normal_days), args.timeout)
            log(f"  {summary(normal)}")
            results[slots] = {"first": first, "normal": normal}
        finally:
            server.stop()
            odoo.sql_db.close_all()
            if not args.keep:
                drop_db(db)
    print_table(population, results, args.size, normal_days)
    print_projection(population, results)


def summary(m):
    steps = ", ".join(f"{phase} {m[phase]:.1f} s" for phase in ("cron", *PHASE_ORDER))
    return (
        f"{steps}, total {m['total']:.1f} s, {m['jobs']} jobs, "
        f"{m['entries']} entries, {m['documents_done']} documents"
    )


if __name__ == "__main__":
    main()
