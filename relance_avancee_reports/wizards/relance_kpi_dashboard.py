# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang

from odoo.addons.relance_avancee.access import check_manager

from ..models.relance_kpi import EFFECT_WINDOWS
from .kpi_chart import stacked_bar_chart


class RelanceKpiDashboard(models.TransientModel):
    """The manager's summary: DSO, CEI, delinquency, promises and channel effectiveness."""

    _name = "relance.kpi.dashboard"
    _description = "Collection KPIs"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_to = fields.Date(string="As Of", required=True, default=fields.Date.context_today)
    date_from = fields.Date(
        string="Period From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=89),
    )
    receivable = fields.Monetary(compute="_compute_kpis")
    overdue_ratio = fields.Float(string="Overdue Ratio (%)", compute="_compute_kpis")
    dso = fields.Float(string="DSO (days, countback)", compute="_compute_kpis")
    add = fields.Float(string="Average Days Delinquent", compute="_compute_kpis")
    cei = fields.Float(string="CEI (%)", compute="_compute_kpis")
    promises_kept = fields.Integer(compute="_compute_kpis")
    promises_broken = fields.Integer(compute="_compute_kpis")
    promises_pending = fields.Integer(compute="_compute_kpis")
    rate_warning = fields.Char(compute="_compute_rate_warning")
    effect_line_ids = fields.One2many("relance.kpi.effect.line", "dashboard_id")
    bucket_line_ids = fields.One2many("relance.kpi.bucket.line", "dashboard_id")
    late_line_ids = fields.One2many("relance.kpi.late.line", "dashboard_id")
    collect_line_ids = fields.One2many("relance.kpi.collect.line", "dashboard_id")
    collect_chart = fields.Html(
        string="Collected after reminders, per channel and week",
        compute="_compute_collect_chart",
        sanitize=False,
    )

    @api.depends("company_id", "date_from", "date_to")
    def _compute_kpis(self):
        kpi = self.env["relance.kpi"]
        for board in self:
            company, day = board.company_id, board.date_to
            board.receivable = kpi._receivable(day, company)
            board.overdue_ratio = kpi._overdue_ratio(day, company)
            board.dso = kpi._dso(day, company)
            board.add = kpi._average_days_delinquent(day, company)
            board.cei = kpi._cei(board.date_from, day, company)
            kept, broken, pending = kpi._promises(board.date_from, day, company)
            board.promises_kept, board.promises_broken, board.promises_pending = (
                kept,
                broken,
                pending,
            )

    @api.depends("collect_line_ids", "date_from", "date_to")
    def _compute_collect_chart(self):
        """Every week of the period along the axis (a week without cash shows as a gap),
        each channel stacked in its bar."""
        # The levels' own field: its labels are translated (the line's is a callable).
        selection = self.env["relance.level"].fields_get(["channel"], ["selection"])
        channel_labels = dict(selection["channel"]["selection"])
        for board in self:
            values = {(line.week, line.channel): line.amount for line in board.collect_line_ids}
            channels = sorted(
                {channel for _week, channel in values}, key=list(channel_labels).index
            )
            board.collect_chart = stacked_bar_chart(
                columns=[
                    (week, format_date(self.env, week, date_format="dd MMM"))
                    for week in board._weeks()
                ],
                series=[(channel, channel_labels[channel]) for channel in channels],
                values=values,
                format_amount=lambda amount, board=board: formatLang(
                    self.env, amount, currency_obj=board.currency_id
                ),
                empty_text=_("No cash collected after a reminder in this period."),
            )

    def _weeks(self):
        """The Mondays of the weeks the period touches."""
        monday = self.date_from - timedelta(days=self.date_from.weekday())
        weeks = []
        while monday <= self.date_to:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks

    @api.depends("company_id")
    def _compute_rate_warning(self):
        for board in self:
            board.rate_warning = board.company_id._relance_missing_rate_warning()

    @api.model
    def action_open_dashboard(self):
        """The menu's entry: the dashboard of the current company opens with its
        figures, tables and charts computed."""
        check_manager(self.env)
        return self.create({}).action_refresh()

    def action_open_rates(self):
        check_manager(self.env)
        return self.env["ir.actions.act_window"]._for_xml_id("relance_avancee.relance_rate_action")

    def action_refresh(self):
        """(Re)build the channel effectiveness lines of the period."""
        self.ensure_one()
        self.effect_line_ids.unlink()
        kpi = self.env["relance.kpi"]
        values = []
        for group_by in ("channel", "level", "typology"):
            groups = kpi._effectiveness(self.date_from, self.date_to, self.company_id, group_by)
            for key, group in groups.items():
                values.append(self._line_values(group_by, key, group))
        self.env["relance.kpi.effect.line"].create(values)
        self._refresh_buckets()
        self._refresh_late_payers()
        self._refresh_collected()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _refresh_buckets(self):
        """Amounts per bucket at the last six month ends, for the trend graph."""
        self.bucket_line_ids.unlink()
        kpi = self.env["relance.kpi"]
        labels = self.env["relance.aged.balance"]._bucket_labels(self.company_id)
        self.env["relance.kpi.bucket.line"].create(
            [
                {
                    "dashboard_id": self.id,
                    "date": point,
                    "bucket": f"{index}. {labels[index]}",
                    "amount": amount,
                }
                for point, amounts in kpi._bucket_history(self.date_to, self.company_id)
                for index, amount in enumerate(amounts)
            ]
        )

    def _refresh_late_payers(self):
        """The customers with the largest overdue amount on the As Of date."""
        self.late_line_ids.unlink()
        top = self.env["relance.kpi"]._top_late_payers(self.date_to, self.company_id)
        self.env["relance.kpi.late.line"].create(
            [
                {
                    "dashboard_id": self.id,
                    "sequence": rank,
                    "partner_id": partner_id,
                    "overdue": overdue,
                }
                for rank, (partner_id, overdue) in enumerate(top, start=1)
            ]
        )

    def _refresh_collected(self):
        """Cash collected after reminders, per channel and week, for the chart."""
        self.collect_line_ids.unlink()
        collected = self.env["relance.kpi"]._collected_by_week(
            self.date_from, self.date_to, self.company_id
        )
        self.env["relance.kpi.collect.line"].create(
            [
                {"dashboard_id": self.id, "week": week, "channel": channel, "amount": amount}
                for (week, channel), amount in sorted(collected.items())
            ]
        )

    def action_open_collected(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Collected after reminders, per channel and week"),
            "res_model": "relance.kpi.collect.line",
            "view_mode": "graph,pivot",
            "domain": [("dashboard_id", "=", self.id)],
        }

    def action_open_bucket_trend(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Overdue by bucket over time"),
            "res_model": "relance.kpi.bucket.line",
            "view_mode": "graph,pivot",
            "domain": [("dashboard_id", "=", self.id)],
        }

    def _line_values(self, group_by, key, group):
        values = {
            "dashboard_id": self.id,
            "group_by": group_by,
            "count": group["count"],
            "reminded": group["reminded"],
            "cost": group["cost"],
            "cost_per_euro": group["cost_per_euro"],
            **{f"share_{d}": group[f"share_{d}"] for d in EFFECT_WINDOWS},
        }
        if group_by == "channel":
            values["channel"] = key
        elif group_by == "level":
            values["level_id"] = key
        else:
            values["typology_id"] = key
        return values
