# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import traceback

from lxml import html
from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import safe_eval

from .batch_formats import BatchFormats

_logger = logging.getLogger(__name__)

# Rendering an editable (inline) QWeb body for many records is where batching pays.
BATCH_MODEL = "relance.history"


class MailTemplate(models.Model):
    """Dunning templates are rendered for hundreds of actions in one run.

    Odoo compiles an inline QWeb body again for every record, and looks the
    language settings up again for every date and amount; for the dunning history,
    the body is compiled once per batch, evaluated per record, with batch-scoped
    formatting. Other models keep Odoo's rendering.
    """

    _inherit = "mail.template"

    @api.model
    def _relance_render_in_their_language(self, xmlid, record, add_context=None):
        """(subject, body) of the editable template ``xmlid`` rendered for ``record`` in
        the language the template computes (the customer's), whoever sends it."""
        # With the caller's rights: an editable template is code, never run as superuser.
        template = self.env.ref(xmlid)
        res_id = record.id
        subject = template._render_field(
            "subject", [res_id], compute_lang=True, add_context=add_context
        )[res_id]
        body = template._render_field(
            "body_html", [res_id], compute_lang=True, add_context=add_context
        )[res_id]
        return subject, body

    @api.constrains("model_id")
    def _check_relance_level_model(self):
        """A template used by a dunning level keeps the dunning actions' model."""
        levels = self.env["relance.level"].sudo().search([("mail_template_id", "in", self.ids)])
        levels._check_mail_template_model()

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        if (
            model != BATCH_MODEL
            or len(res_ids) < 2
            or not template_src
            or self._render_is_restricted()
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            # Restricted rendering stays Odoo's: its checks and its AccessError apply.
            # A copy of the options: Odoo's restricted mode writes its flag into them,
            # and they are the field's own render_options (shared by every rendering).
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=dict(options or {})
            )
        options = dict(options or {})
        variables = self._render_eval_context()
        formats = BatchFormats(self.env, variables["format_date"])
        variables.update(format_date=formats.format_date, format_amount=formats.format_amount)
        variables.update(add_context or {})
        try:
            return self._render_compiled_once(template_src, model, res_ids, variables, options)
        except Exception as error:
            _logger.info("Failed to render template: %s", template_src, exc_info=True)
            raise UserError(
                _(
                    "Failed to render QWeb template: %(template_src)s\n\n%(template_traceback)s)",
                    template_src=template_src,
                    template_traceback=traceback.format_exc(),
                )
            ) from error

    @api.model
    def _render_is_restricted(self):
        """Same rule as Odoo's rendering: who may run arbitrary code in a template."""
        return (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        )

    @api.model
    def _render_compiled_once(self, template_src, model, res_ids, variables, options):
        """{res_id: Markup}: one compilation, one evaluation per record."""
        qweb = self.env["ir.qweb"].with_context(**options)
        root = html.fragment_fromstring(template_src, create_parent="div")
        functions, def_name = qweb._prepare_environment(dict(variables))._compile(root)
        render = functions[def_name]
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            record_qweb = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            # Drop the <div> wrapping the fragment, as Odoo's rendering does.
            results[record.id] = Markup("".join(render(record_qweb, values)))[5:-6]
        return results
