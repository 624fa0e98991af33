#!/usr/bin/env bash
# Run the test suite on fresh databases, without demo data, with pytest-odoo (HTTP
# server on, so PDFs, portal and browser tours run for real), in two steps:
#   1. the base addon alone: relance_avancee installed without the reports and disputes
#      addons, and the base's own tests on it (a test that needs another addon says so,
#      see tests/common.py, and is skipped there): the base must work on its own;
#   2. the whole suite on the three addons, as users install them, with OCA queue_job and
#      relance_avancee_queue_job (the daily run on job workers).
# Both databases are dropped on exit; the exit status is non-zero if either step fails.
# Extra arguments go to pytest and run on the three addons only (step 1 is skipped when
# any argument is given), e.g.
#   setup/test.sh -k test_worked_example
# Test files or folders named in the arguments replace the whole suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="relance_test_$(date +%Y%m%d%H%M%S)_$$"
BASE_DB="${DB}_base"

cleanup() {
    for database in "$BASE_DB" "$DB"; do
        dropdb -h "$PGHOST" -p "$PGPORT" --if-exists "$database" >/dev/null 2>&1 || true
        rm -rf "${XDG_DATA_HOME:-$HOME/.local/share}/Odoo/filestore/$database"
    done
}

# run_pytest DATABASE [pytest arguments...]
run_pytest() {
    local database="$1"
    shift
    "$PYTHON" -m pytest \
        --odoo-database="$database" \
        --odoo-addons-path="$ODOO_ADDONS_PATH" \
        --odoo-log-level=warn \
        --odoo-http \
        --odoo-extra "db-filter=^$database\$" \
        --odoo-extra "db_host=$PGHOST" \
        --odoo-extra "db_port=$PGPORT" \
        --odoo-extra "db_user=$PGUSER" \
        ${PGPASSWORD:+--odoo-extra "db_password=$PGPASSWORD"} \
        -p no:cacheprovider -p no:benchmark \
        -q "$@"
}

ensure_postgres
ensure_odoo
ensure_python_deps
apt_install poppler-utils chromium
ensure_wkhtmltopdf
trap cleanup EXIT
cd "$REPO_ROOT"

base_status=0
if [ "$#" -eq 0 ]; then
    say "Installing the base addon alone in the fresh database $BASE_DB"
    odoo -d "$BASE_DB" -i relance_avancee --without-demo=all --stop-after-init --log-level=warn \
        || die "The base addon relance_avancee did not install alone in a fresh database (see the log above)."
    say "Running the base addon's tests on it (the tests of the other addons are skipped)"
    run_pytest "$BASE_DB" tests || base_status=$?
    if [ "$base_status" -eq 5 ]; then
        die "No test of the base addon was collected."
    fi
    dropdb -h "$PGHOST" -p "$PGPORT" --if-exists "$BASE_DB" >/dev/null 2>&1 || true
fi

say "Installing the addons in the fresh database $DB"
odoo -d "$DB" -i "$ADDONS,queue_job,relance_avancee_queue_job,l10n_fr_account" --without-demo=all --stop-after-init --log-level=warn \
    || die "The addons did not install in a fresh database (see the log above)."

say "Running the test suite"
# Test files or folders named in the arguments replace the whole suite.
targets=(tests)
for argument in "$@"; do
    case "$argument" in
        tests/* | ./tests/*) targets=() ;;
    esac
done
status=0
run_pytest "$DB" "${targets[@]}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
    die "No test was collected."
fi
if [ "$base_status" -ne 0 ]; then
    say "The base addon's tests failed on the base addon alone (step 1, see above)."
    exit "$base_status"
fi
exit "$status"
