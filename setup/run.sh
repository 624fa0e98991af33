#!/usr/bin/env bash
# Start Odoo 18 with the three Relance avancée addons and their demo data on
# http://localhost:8069 (login admin / password admin).
#   setup/run.sh              prepare the database relance_demo when needed, then serve
#   setup/run.sh --no-start   only prepare the database
# A second call is fast: the database is only updated when the addons changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${RELANCE_DB:-relance_demo}"
PORT="${RELANCE_PORT:-8069}"
START=1
[ "${1:-}" = "--no-start" ] && START=0
[ "${RELANCE_NO_START:-0}" = "1" ] && START=0

source_hash() {
    (cd "$REPO_ROOT" && find relance_avancee relance_avancee_reports relance_avancee_disputes \
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
        odoo -d "$DB" -u "$ADDONS" --stop-after-init --log-level=warn \
            || die "The addons could not be updated in $DB (see the log above)."
        store_hash "$hash"
    else
        say "Database $DB is up to date"
    fi
}

ensure_postgres
ensure_odoo
ensure_python_deps
ensure_wkhtmltopdf
prepare_database
if [ "$START" = "1" ]; then
    say "Odoo is starting on http://localhost:$PORT (login admin / password admin), database $DB"
    odoo -d "$DB" --db-filter="^$DB\$" --http-port="$PORT"
fi
