# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

# The buyer's reason codes of the French e-invoicing lifecycle (XP Z12-012, "motifs de
# statut" of Refusée 210, En litige 207, Suspendue 208, Approuvée partiellement 206)
# and the dispute reason each points to. The platform's own rejection codes (REJ_*,
# IRR_*) come with a Rejetée status, which opens no dispute.
REASON_BY_CODE = {
    # The invoice itself is wrong: invoicing's to correct.
    "TX_TVA_ERR": "reason_einvoice_invoice_error",  # Taux de TVA erroné
    "MONTANTTOTAL_ERR": "reason_einvoice_invoice_error",  # Montant total erroné
    "CALCUL_ERR": "reason_einvoice_invoice_error",  # Erreur de calcul
    "NON_CONFORME": "reason_einvoice_invoice_error",  # Mention légale manquante
    "COORD_BANC_ERR": "reason_einvoice_invoice_error",  # Coordonnées bancaires erronées
    "DOUBLON": "reason_einvoice_invoice_error",  # Facture en doublon
    "DOUBLE_FACT": "reason_einvoice_invoice_error",  # Double facturation
    # Who the invoice is for, or which references it carries.
    "DEST_INC": "reason_wrong_recipient",  # Destinataire inconnu
    "DEST_ERR": "reason_wrong_recipient",  # Erreur de destinataire
    "ADR_ERR": "reason_wrong_recipient",  # Adresse électronique erronée
    "CMD_ERR": "reason_missing_po",  # N° de commande absent ou erroné
    "EMMET_INC": "reason_einvoice_references",  # Émetteur inconnu
    "SIRET_ERR": "reason_einvoice_references",  # SIRET erroné
    "CODE_ROUTAGE_ERR": "reason_einvoice_references",  # Code de routage erroné
    "REF_CT_ABSENT": "reason_einvoice_references",  # Référence contractuelle absente
    "REF_ERR": "reason_einvoice_references",  # Référence erronée
    "JUSTIF_ABS": "reason_einvoice_missing_info",  # Justificatif absent
    # What was sold.
    "TRANSAC_INC": "reason_einvoice_no_transaction",  # Transaction inconnue
    "CONTRAT_TERM": "reason_einvoice_no_transaction",  # Contrat terminé
    "PU_ERR": "reason_price",  # Prix unitaire erroné
    "REM_ERR": "reason_price",  # Remise erronée
    "MODPAI_ERR": "reason_einvoice_payment_terms",  # Modalités de paiement erronées
    "QTE_ERR": "reason_quantity",  # Quantité erronée
    "ART_ERR": "reason_quantity",  # Article erroné
    "LIVR_INCOMP": "reason_quantity",  # Livraison incomplète
    "QUALITE_ERR": "reason_defective",  # Qualité non conforme
    "AUTRE": "reason_other",  # Autre
}
# A suspended invoice lacks information the buyer needs: invoicing completes it.
SUSPENDED_REASON = "reason_einvoice_missing_info"


class RelanceEinvoiceStatus(models.Model):
    """Refused, disputed or suspended by the buyer: a dispute, routed like any other,
    suspends the dunning of the invoice."""

    _inherit = "relance.einvoice.status"

    dispute_id = fields.Many2one("relance.dispute", readonly=True, ondelete="set null", index=True)

    def _relance_dispute_reason(self):
        """The dispute reason of the buyer's reason code ("Other" when unknown)."""
        self.ensure_one()
        code = (self.reason_code or "").strip().upper()
        xmlid = SUSPENDED_REASON if self.status == "suspended" else None
        xmlid = xmlid or REASON_BY_CODE.get(code, "reason_other")
        reason = self.env.ref(f"relance_avancee_disputes.{xmlid}", raise_if_not_found=False)
        if not reason or not reason.active:
            reason = self.env.ref("relance_avancee_disputes.reason_other")
        return reason

    def _relance_effect_dispute(self):
        """A dispute on the invoice (or the one already open for the same status),
        routed by the disputes' rules; its invoice's dunning is suspended while open."""
        move = self.move_id
        label = self._relance_status_label()
        current = move.sudo().relance_dispute_ids.filtered(
            lambda d: d.source == "einvoice" and d.is_open
        )[:1]
        if current:
            self.dispute_id = current
            current.message_post(
                body=_(
                    "%(status)s on the e-invoicing platform: %(reason)s",
                    status=label,
                    reason=self._relance_reason_label(),
                ),
                subtype_xmlid="mail.mt_note",
            )
            return _("Noted on the open dispute %s: dunning stays suspended.", current.name)
        reason = self._relance_dispute_reason()
        dispute = (
            self.env["relance.dispute"]
            .sudo()
            .with_company(move.company_id)
            .create(
                {
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": move.company_id.id,
                    "move_ids": [fields.Command.set(move.ids)],
                    "reason_id": reason.id,
                    "description": _(
                        "%(status)s on the e-invoicing platform: %(reason)s",
                        status=label,
                        reason=self._relance_reason_label(),
                    ),
                    "source": "einvoice",
                }
            )
        )
        self.dispute_id = dispute
        return _(
            "Dispute %(dispute)s opened (%(reason)s), assigned to %(team)s: dunning of the "
            "invoice suspended.",
            dispute=dispute.name,
            reason=reason.name,
            team=dispute.team_id.name or "-",
        )
