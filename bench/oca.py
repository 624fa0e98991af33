"""The OCA side of the benchmark: account_credit_control and account_financial_report.

Installed from their PyPI wheels into the benchmark databases only (never a
dependency of our addons, never in the CI databases), then driven through their
own methods on the same ledger as ours, so that bench.py can print the ratios.
"""

import importlib
import importlib.util
import subprocess
import sys

from odoo import Command

# Odoo module -> PyPI requirement; installed with --no-deps (Odoo itself is no pip package).
REQUIREMENTS = {
    "date_range": "odoo-addon-date_range>=18.0,<18.1",
    "report_xlsx": "odoo-addon-report_xlsx>=18.0,<18.1",
    "account_credit_control": "odoo-addon-account-credit-control>=18.0,<18.1",
    "account_financial_report": "odoo-addon-account-financial-report>=18.0,<18.1",
}
MODULES = "account_credit_control,account_financial_report"
POLICY_LEVELS = [(1, 15, "email"), (2, 30, "email"), (3, 60, "letter")]
LETTERS_REPORT = "account_credit_control.report_credit_control_summary"


def ensure_installed():
    """pip-install the wheels that site-packages/odoo/addons lacks (like ensure_queue_job)."""
    for module, requirement in REQUIREMENTS.items():
        if importlib.util.find_spec(f"odoo.addons.{module}") is not None:
            continue
        print(f"installing {requirement} (--no-deps)...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", requirement], check=True
        )
    importlib.invalidate_caches()


def receivable_accounts(env, company):
    return env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
    )


def setup_policy(env, company, partners):
    """A 3-level policy (15/30/60 days after the due date, email, email, letter),
    the company's and each customer's, as an OCA user would set it up."""
    template = env.ref("account_credit_control.email_template_credit_control_base")
    policy = env["credit.control.policy"].create(
        {
            "name": "Bench 15/30/60",
            "company_id": company.id,
            "account_ids": [Command.set(receivable_accounts(env, company).ids)],
            "level_ids": [
                Command.create(
                    {
                        "name": f"Level {level}: {days} days",
                        "level": level,
                        "computation_mode": "net_days",
                        "delay_days": days,
                        "channel": channel,
                        "email_template_id": template.id,
                        "custom_text": f"Reminder {level}",
                        "custom_mail_text": f"<p>Reminder {level}</p>",
                        "mail_show_invoice_detail": True,
                    }
                )
                for level, days, channel in POLICY_LEVELS
            ],
        }
    )
    company.credit_policy_id = policy
    partners.write({"credit_policy_id": policy.id})
    env.flush_all()
    return policy


def generate_credit_lines(env, company, policy, date):
    """OCA's daily decision: a credit control run deciding and writing its lines."""
    run = env["credit.control.run"].create(
        {"date": date, "company_id": company.id, "policy_ids": [Command.set(policy.ids)]}
    )
    run.generate_credit_lines()
    env.flush_all()
    return run


def aged_partner_balance(env, company, date):
    """account_financial_report's aged partner balance, detailed per move line, as its
    report computes the data for the HTML/PDF/XLSX (`_get_report_values`), not rendered."""
    wizard = env["aged.partner.balance.report.wizard"].create(
        {
            "company_id": company.id,
            "date_at": date,
            "target_move": "posted",
            "receivable_accounts_only": True,
            "account_ids": [Command.set(receivable_accounts(env, company).ids)],
            "show_move_line_details": True,
        }
    )
    data = wizard._prepare_report_data()
    data["date_at"] = str(date)  # as report_action serializes it
    report = env["report.account_financial_report.aged_partner_balance"]
    return report._get_report_values(wizard.ids, data)


def letters_communications(env, partner_count):
    """One communication per customer (OCA's print groups credit lines this way)."""
    lines = env["credit.control.line"].search([("state", "=", "draft")])
    partners = lines.partner_id[:partner_count]
    lines = lines.filtered(lambda line: line.partner_id in partners)
    return env["credit.control.communication"]._generate_comm_from_credit_lines(lines)


def render_letters(env, communications):
    """Their print: the credit control summary of N communications in one call."""
    return env["ir.actions.report"]._render_qweb_pdf(LETTERS_REPORT, communications.ids)
