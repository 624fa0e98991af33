# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models, tools

from .. import report_html


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Our batches of documents (context ``relance_light_html``) go to
        wkhtmltopdf as lighter HTML rendering the same pages (see report_html)."""
        if self.env.context.get("relance_light_html"):
            bodies, header, footer = report_html.lighten(
                bodies, header, footer, self._relance_stylesheet
            )
        return super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )

    @api.model
    def _relance_stylesheet(self, href):
        """The compiled asset bundle at ``href``, parsed; None keeps the link."""
        try:
            return self._relance_parsed_stylesheet(href)
        except LookupError:  # not a bundle: nothing cached, the link stays
            return None

    @api.model
    @tools.ormcache("href")
    def _relance_parsed_stylesheet(self, href):
        """Its URL carries the bundle's version: the cache holds while the URL is used."""
        attachment = self._relance_bundle_attachment(href)
        if not attachment:
            raise LookupError(href)
        return report_html.parse_stylesheet(attachment.raw.decode())

    @api.model
    def _relance_bundle_attachment(self, href):
        """The attachment Odoo serves at ``href``, made as its /web/assets route makes
        it when missing (a bundle is compiled on its first request)."""
        attachments = self.env["ir.attachment"].sudo()
        found = attachments.search(
            [("url", "=", href), ("res_model", "=", "ir.ui.view"), ("res_id", "=", 0)], limit=1
        )
        if found:
            return found
        version, _slash, filename = href.removeprefix("/web/assets/").partition("/")
        try:
            name, rtl, kind = self.env["ir.asset"]._parse_bundle_name(filename, False)
        except ValueError:
            return attachments
        bundle = self.env["ir.qweb"].sudo()._get_asset_bundle(name, css=True, js=False, rtl=rtl)
        if kind != "css" or bundle.get_version("css") != version or not bundle.stylesheets:
            return attachments
        return bundle.css()
