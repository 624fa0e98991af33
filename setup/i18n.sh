#!/usr/bin/env bash
# Contributors: refresh each addon's .pot from the code and merge it into fr.po
# (new terms arrive untranslated, obsolete ones leave), then list what is left to
# translate. Uses a throwaway database with the three addons installed.
#   setup/i18n.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="relance_i18n_$(date +%Y%m%d%H%M%S)_$$"
# The glue addon for OCA queue_job has its catalog too.
CATALOG_ADDONS="$ADDONS,relance_avancee_queue_job"
cleanup() {
    dropdb -h "$PGHOST" -p "$PGPORT" --if-exists "$DB" >/dev/null 2>&1 || true
}

ensure_postgres
ensure_odoo
ensure_python_deps
trap cleanup EXIT

say "Installing the addons in $DB"
odoo -d "$DB" -i "$CATALOG_ADDONS,queue_job" --without-demo=all --stop-after-init --log-level=warn \
    || die "The addons did not install (see the log above)."

for addon in ${CATALOG_ADDONS//,/ }; do
    say "Exporting $addon/i18n/$addon.pot"
    mkdir -p "$REPO_ROOT/$addon/i18n"
    odoo -d "$DB" --i18n-export="$REPO_ROOT/$addon/i18n/$addon.pot" --modules="$addon" \
        --log-level=warn --stop-after-init
done

"$PYTHON" - "$REPO_ROOT" ${CATALOG_ADDONS//,/ } <<'PY'
import os
import sys

import polib

root, addons = sys.argv[1], sys.argv[2:]
for addon in addons:
    folder = os.path.join(root, addon, "i18n")
    template = polib.pofile(os.path.join(folder, f"{addon}.pot"))
    french_path = os.path.join(folder, "fr.po")
    if not os.path.exists(french_path):  # a new addon: its catalog starts from the template
        french = polib.pofile(os.path.join(folder, f"{addon}.pot"))
        french.metadata["Language"] = "fr"
        french.save(french_path)
    french = polib.pofile(french_path)
    french.merge(template)
    for entry in french.obsolete_entries():
        french.remove(entry)
    french.save(french_path)
    missing = french.untranslated_entries() + french.fuzzy_entries()
    print(f"{addon}: {len(missing)} term(s) to translate in {french_path}")
PY
