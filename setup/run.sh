#!/usr/bin/env bash
# Start Odoo 18 with the three Relance avancée addons and their demo data on
# http://localhost:8069 (login admin / password admin).
#   setup/run.sh              prepare the database relance_demo when needed, then serve
#   setup/run.sh --no-start   only prepare the database
#   setup/run.sh --workers 4  serve with 4 worker processes, a cron worker and the
#                             queue_job runner (OCA queue_job and relance_avancee_queue_job
#                             installed in the database; see "Running at scale" in README.md)
#   setup/run.sh --workers 4 --channels root:4,root.relance:2
#                             the same, with the job runner's channels (default: root as
#                             many as workers, root.relance half of them)
# A second call is fast: the database is only updated when the addons changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${RELANCE_DB:-relance_demo}"
PORT="${RELANCE_PORT:-8069}"
START=1
WORKERS="${RELANCE_WORKERS:-0}"
CHANNELS="${RELANCE_CHANNELS:-}"
while [ "$#" -gt 0 ]; do
    case "$1" in
        --no-start) START=0 ;;
        --workers) WORKERS="${2:-}" && shift ;;
        --workers=*) WORKERS="${1#*=}" ;;
        --channels) CHANNELS="${2:-}" && shift ;;
        --channels=*) CHANNELS="${1#*=}" ;;
        *) die "Unknown option $1: setup/run.sh [--no-start] [--workers N] [--channels root:N,root.relance:M]" ;;
    esac
    shift
done
[ "${RELANCE_NO_START:-0}" = "1" ] && START=0
[[ "$WORKERS" =~ ^[0-9]+$ ]] || die "--workers takes a number of worker processes (0: one process, the default), not '$WORKERS'."
if [ -z "$CHANNELS" ] && [ "$WORKERS" -gt 0 ]; then
    CHANNELS="root:$WORKERS,root.relance:$(((WORKERS + 1) / 2))"
fi

source_hash() {
    (cd "$REPO_ROOT" && find relance_avancee relance_avancee_reports relance_avancee_disputes \
        relance_avancee_queue_job \
        -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
}

stored_hash() {
    psql -h "$PGHOST" -p "$PGPORT" -d "$DB" -Atc \
        "SELECT value FROM ir_config_parameter WHERE key = 'relance_avancee.setup_source_hash'" 2>/dev/null || true
}

store_hash() {
    psql -h "$PGHOST" -p "$PGPORT" -d "$DB" -qc \
        "INSERT INTO ir_config_parameter (key, value, create_date, write_date)
         VALUES ('relance_avancee.setup_source_hash', '$1', now(), now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()"
}

addons_installed() {
    local count
    count="$(psql -h "$PGHOST" -p "$PGPORT" -d "$DB" -Atc \
        "SELECT count(*) FROM ir_module_module WHERE state = 'installed'
         AND name IN ('relance_avancee', 'relance_avancee_reports', 'relance_avancee_disputes')" 2>/dev/null || echo 0)"
    [ "$count" = "3" ]
}

prepare_database() {
    local hash
    hash="$(source_hash)"
    if ! db_exists "$DB" || ! addons_installed; then
        say "Creating the demo database $DB (French chart of accounts, then the addons with demo data)"
        odoo -d "$DB" -i l10n_fr --load-language=fr_FR --stop-after-init --log-level=warn \
            || die "Odoo could not create the database $DB (see the log above)."
        odoo -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn \
            || die "The addons could not be installed in $DB (see the log above)."
        store_hash "$hash"
    elif [ "$(stored_hash)" != "$hash" ]; then
        say "The addons changed: updating $DB"
        odoo -d "$DB" -u "$ADDONS,relance_avancee_queue_job" --stop-after-init --log-level=warn \
            || die "The addons could not be updated in $DB (see the log above)."
        store_hash "$hash"
    else
        say "Database $DB is up to date"
    fi
}

queue_job_installed() {
    [ "$(psql -h "$PGHOST" -p "$PGPORT" -d "$DB" -Atc \
        "SELECT count(*) FROM ir_module_module WHERE state = 'installed'
         AND name IN ('queue_job', 'relance_avancee_queue_job')" 2>/dev/null || echo 0)" = "2" ]
}

server_script() {
    # The multi-process server respawns its websocket process as "python <argv[0]> gevent":
    # it must start from a script (odoo-bin, or pip's odoo command), not from python -c.
    local script
    script="$("$PYTHON" -c 'import os, odoo; print(os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"))')"
    if [ -f "$script" ]; then
        SERVER=("$PYTHON" "$script")
    elif script="$(type -P odoo)"; then
        SERVER=("$script")
    else
        die "Multi-process mode needs Odoo's odoo-bin script or the odoo command, found neither."
    fi
}

prepare_queue_job() {
    # The job runner needs queue_job in the database; the glue addon puts the daily run on it.
    queue_job_installed && return 0
    say "Installing queue_job and relance_avancee_queue_job in $DB"
    odoo -d "$DB" -i queue_job,relance_avancee_queue_job --stop-after-init --log-level=warn \
        || die "queue_job could not be installed in $DB (see the log above)."
}

ensure_postgres
ensure_odoo
ensure_python_deps
ensure_wkhtmltopdf
prepare_database
if [ "$WORKERS" -gt 0 ]; then
    ensure_gevent
    prepare_queue_job
fi
if [ "$START" = "1" ]; then
    say "Odoo is starting on http://localhost:$PORT (login admin / password admin), database $DB"
    if [ "$WORKERS" -gt 0 ]; then
        # Multi-process: HTTP workers, one cron worker (the daily run's planning), and
        # the job runner, which dispatches the jobs to the HTTP workers by channel.
        say "$WORKERS workers, job runner channels $CHANNELS"
        server_script
        ODOO_QUEUE_JOB_CHANNELS="$CHANNELS" "${SERVER[@]}" --addons-path="$ODOO_ADDONS_PATH" \
            "${ODOO_DB_ARGS[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" \
            --workers="$WORKERS" --max-cron-threads=1 --load=web,queue_job
    else
        odoo -d "$DB" --db-filter="^$DB\$" --http-port="$PORT"
    fi
fi
