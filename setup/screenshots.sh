#!/usr/bin/env bash
# Capture the README screenshots (docs/screenshots/*.png) from the demo database:
# prepares relance_demo when needed (setup/run.sh --no-start), adds a few disputes
# once, starts Odoo on a spare port, drives headless Chromium, stops Odoo.
#   setup/screenshots.sh              port 8175 (SCREENSHOTS_PORT to change it)
#   setup/screenshots.sh --no-update  capture the database as it is
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${RELANCE_DB:-relance_demo}"
PORT="${SCREENSHOTS_PORT:-8175}"
OUT="$REPO_ROOT/docs/screenshots"

if [ "${1:-}" != "--no-update" ]; then
    RELANCE_NO_START=1 bash "$REPO_ROOT/setup/run.sh"
fi
ensure_postgres
ensure_odoo
ensure_python_deps
apt_install chromium

say "Preparing the pages to capture"
pages="$("${ODOO_BIN[@]}" shell --addons-path="$ODOO_ADDONS_PATH" "${ODOO_DB_ARGS[@]}" \
    -d "$DB" --no-http --log-level=warn <"$REPO_ROOT/setup/screenshots_prepare.py" \
    | sed -n 's/^SCREENSHOTS=//p')"
[ -n "$pages" ] || die "The demo database $DB could not be prepared for the screenshots (see the log above)."

say "Starting Odoo on port $PORT"
# exec: $! is Odoo itself, so that the trap stops it.
(exec "${ODOO_BIN[@]}" --addons-path="$ODOO_ADDONS_PATH" "${ODOO_DB_ARGS[@]}" -d "$DB" \
    --db-filter="^$DB\$" --http-port="$PORT" --log-level=warn --workers=0) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null && break
    sleep 1
done
curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null || die "Odoo did not answer on port $PORT."

"$PYTHON" "$REPO_ROOT/setup/screenshots.py" "http://127.0.0.1:$PORT" "$DB" "$OUT" "$pages"
say "Screenshots written to $OUT"
