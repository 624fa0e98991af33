"""Capture the README screenshots from a running demo server with headless Chromium,
driven through the DevTools protocol (websocket-client). Called by setup/screenshots.sh.

    python3 setup/screenshots.py BASE_URL DB OUT_DIR PAGES_JSON
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import requests
import websocket

WIDTH, HEIGHT = 1400, 900
DEBUG_PORT = 9275


class Chrome:
    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            sys.exit("Chromium is missing: apt-get install chromium.")
        self.profile = tempfile.mkdtemp(prefix="relance-shots-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--lang=fr-FR",
                f"--remote-debugging-port={DEBUG_PORT}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{DEBUG_PORT}/json") as answer:
                    targets = json.load(answer)
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        else:
            sys.exit("Chromium did not start.")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Network.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=40):
        deadline = time.time() + timeout
        check = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            if self.evaluate(check):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{selector} did not appear")

    def shoot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as image:
            image.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def session_id(base_url, db):
    response = requests.post(
        f"{base_url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "admin"}},
        timeout=60,
    )
    response.raise_for_status()
    if response.json().get("error"):
        sys.exit("admin / admin could not log in to the demo database.")
    return response.cookies["session_id"]


def main():
    base_url, db, out_dir, pages = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    os.makedirs(out_dir, exist_ok=True)
    # (file, path, selector to wait for, JavaScript to run, selector to wait for then)
    back_office = [
        (
            "worklist.png",
            "/odoo/action-relance_avancee.relance_worklist_action",
            ".o_list_view .o_data_row",
            None,
            None,
        ),
        (
            "call_screen.png",
            f"/odoo/action-relance_avancee.relance_worklist_action/{pages['call_partner_id']}"
            "?view_type=form",
            ".o_form_view",
            # Open the call screen the way the collector does: the Call button.
            "(async () => { const env = odoo.__WOWL_DEBUG__.root.env;"
            " const action = await env.services.orm.call('res.partner',"
            f" 'action_relance_call_screen', [[{pages['call_partner_id']}]]);"
            " await env.services.action.doAction(action); })()",
            ".o_relance_call_screen",
        ),
        (
            "blocked_quotation.png",
            f"/odoo/action-sale.action_quotations_with_onboarding/{pages['quotation_id']}",
            ".o_relance_block_banner",
            None,
            None,
        ),
        (
            "aged_balance.png",
            "/odoo/action-relance_avancee.relance_worklist_action",
            ".o_list_view",
            "(async () => { const env = odoo.__WOWL_DEBUG__.root.env;"
            " await env.services.action.doAction("
            "'relance_avancee_reports.relance_aged_balance_report_action');"
            " await new Promise((r) => setTimeout(r, 1500));"
            " document.querySelector('.modal button[name=action_open]').click(); })()",
            ".o_pivot table",
        ),
        (
            "payment_terms_table.png",
            "/odoo/action-relance_avancee.relance_worklist_action",
            ".o_list_view",
            # Closing today: the demo's invoices are dated in the last four months, so
            # the default closing (the last fiscal year end) would show an empty table.
            "(async () => { const env = odoo.__WOWL_DEBUG__.root.env;"
            " const today = new Date().toISOString().slice(0, 10);"
            " await env.services.action.doAction("
            "'relance_avancee_reports.relance_payment_terms_report_action',"
            " { additionalContext: { default_date: today } });"
            " await new Promise((r) => setTimeout(r, 1500));"
            " document.querySelector('.modal button[name=action_open]').click();"
            # The table rather than the filters: scrolled to the top of the dialog.
            " for (let i = 0; i < 100; i++) {"
            " const table = document.querySelector('.modal .o_relance_payment_terms');"
            " if (table) { table.scrollIntoView(); break; }"
            " await new Promise((r) => setTimeout(r, 300)); } })()",
            ".modal .o_relance_payment_terms table",
        ),
        (
            "kpi_dashboard.png",
            "/odoo/action-relance_avancee.relance_worklist_action",
            ".o_list_view",
            "(async () => { const env = odoo.__WOWL_DEBUG__.root.env;"
            " await env.services.action.doAction("
            "'relance_avancee_reports.relance_kpi_dashboard_action_open');"
            # The figures, the promises and the chart, rather than the rates' warning.
            " for (let i = 0; i < 100; i++) {"
            " const chart = document.querySelector('.o_relance_chart');"
            " if (chart) { chart.scrollIntoView({ block: 'end' }); break; }"
            " await new Promise((r) => setTimeout(r, 300)); } })()",
            ".o_relance_chart",
        ),
        (
            "late_payment_analysis.png",
            "/odoo/action-relance_avancee.relance_late_payment_analysis_action",
            ".o_pivot table",
            None,
            None,
        ),
        (
            "dispute_kanban.png",
            "/odoo/action-relance_avancee_disputes.relance_dispute_action",
            ".o_kanban_view .o_kanban_record",
            None,
            None,
        ),
        (
            "settings.png",
            "/odoo/action-account.action_account_config",
            "#relance_default_plan",
            "(() => { const setting = document.querySelector('#relance_default_plan');"
            " const block = setting.closest('.o_settings_container');"
            " (block.previousElementSibling || setting).scrollIntoView(); })()",
            None,
        ),
    ]
    portal = [
        ("portal_statement.png", pages["statement_path"], ".o_relance_statement", None, None),
        (
            "portal_problem.png",
            pages["dispute_path"],
            "select[name=reason_id]",
            "(() => { const select = document.querySelector('select[name=reason_id]');"
            " const options = [...select.options];"
            " const price = options.findIndex((o) => /prix|price/i.test(o.text));"
            " select.selectedIndex = price > 0 ? price : 1;"
            " document.querySelector('textarea[name=message]').value ="
            " 'La remise de 10 % négociée en mars n\\'apparaît pas sur la facture.'; })()",
            None,
        ),
    ]
    chrome = Chrome()
    try:
        # The customer's side first, not logged in, in French.
        chrome.call("Network.setCookie", name="frontend_lang", value="fr_FR", url=base_url)
        shots = [(shot, False) for shot in portal] + [(shot, True) for shot in back_office]
        only = os.environ.get("SCREENSHOTS_ONLY")
        if only:
            shots = [shot for shot in shots if shot[0][0] in only.split(",")]
        logged_in = False
        for (name, path, selector, script, after), needs_login in shots:
            if needs_login and not logged_in:
                chrome.call(
                    "Network.setCookie",
                    name="session_id",
                    value=session_id(base_url, db),
                    url=base_url,
                )
                # The demo company ("Relance Démo SAS"), whatever admin's default one.
                chrome.call(
                    "Network.setCookie", name="cids", value=str(pages["company_id"]), url=base_url
                )
                logged_in = True
            chrome.call("Page.navigate", url=base_url + path)
            time.sleep(1)
            chrome.wait_for(selector)
            time.sleep(1.5)
            if script:
                chrome.evaluate(script)
                if after:
                    chrome.wait_for(after)
                time.sleep(2)
            target = os.path.join(out_dir, name)
            chrome.shoot(target)
            print(f"{target}: {os.path.getsize(target) // 1024} KB")
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
