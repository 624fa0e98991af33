#!/usr/bin/env bash
# Run the whole test suite on a fresh database: install the three addons without
# demo data, run pytest-odoo (HTTP server on, so PDFs, portal and browser tours run
# for real), drop the database. Extra arguments go to pytest, e.g.
#   setup/test.sh -k test_worked_example
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="relance_test_$(date +%Y%m%d%H%M%S)_$$"

cleanup() {
    dropdb -h "$PGHOST" -p "$PGPORT" --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "${XDG_DATA_HOME:-$HOME/.local/share}/Odoo/filestore/$DB"
}

ensure_postgres
ensure_odoo
ensure_python_deps
apt_install poppler-utils chromium
ensure_wkhtmltopdf
trap cleanup EXIT

say "Installing the addons in the fresh database $DB"
odoo -d "$DB" -i "$ADDONS,l10n_fr_account" --without-demo=all --stop-after-init --log-level=warn \
    || die "The addons did not install in a fresh database (see the log above)."

say "Running the test suite"
cd "$REPO_ROOT"
# Test files or folders named in the arguments replace the whole suite.
targets=(tests)
for argument in "$@"; do
    case "$argument" in
        tests/* | ./tests/*) targets=() ;;
    esac
done
status=0
"$PYTHON" -m pytest "${targets[@]}" \
    --odoo-database="$DB" \
    --odoo-addons-path="$ODOO_ADDONS_PATH" \
    --odoo-log-level=warn \
    --odoo-http \
    --odoo-extra "db-filter=^$DB\$" \
    --odoo-extra "db_host=$PGHOST" \
    --odoo-extra "db_port=$PGPORT" \
    --odoo-extra "db_user=$PGUSER" \
    ${PGPASSWORD:+--odoo-extra "db_password=$PGPASSWORD"} \
    -p no:cacheprovider -p no:benchmark \
    -q "$@" || status=$?
if [ "$status" -eq 5 ]; then
    die "No test was collected."
fi
exit "$status"
