# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outgoing lifecycle messages: the seller's "Encaissée" (212) statuses as one CDAR
message for the approved platform (pure Python, no ORM).

A seller whose invoices bear VAT on payments ("TVA sur les encaissements") tells the
platform each amount it cashed, and when (XP Z12-012, flux 6; mandatory status for
the tax authority). :func:`build_cdar` writes the message in the same profile
:func:`einvoice_cdar.parse_cdar` reads: one ``AcknowledgementDocument`` per status,
naming the invoice (number, issue date, seller) and the amount cashed (``MEN``).
"""

import datetime

from lxml import etree

from .einvoice_cdar import CODE_BY_STATUS, FRENCH_NAME_BY_CODE, NS, SCHEME_SIREN, normalize_id

GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
BUSINESS_PROCESS = "REGULATED"
# Type of the acknowledgement: 23 = lifecycle status of a processed invoice.
ACK_TYPE = "23"
# The amount cashed (Encaissée), one characteristic per status.
AMOUNT_TYPE_CASHED = "MEN"
# Role codes: SE = seller, BY = buyer.
ROLE_SELLER = "SE"
ROLE_BUYER = "BY"


def _element(parent, prefix, tag, text=None, **attributes):
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{tag}", attributes)
    if text is not None:
        node.text = str(text)
    return node


def _datetime(parent, prefix, tag, value, kind="udt"):
    """A UN/CEFACT date: format 204 (YYYYMMDDHHMMSS) for a datetime, 102 for a date."""
    wrapper = _element(parent, prefix, tag)
    if isinstance(value, datetime.datetime):
        _element(wrapper, kind, "DateTimeString", value.strftime("%Y%m%d%H%M%S"), format="204")
    else:
        _element(wrapper, kind, "DateTimeString", value.strftime("%Y%m%d"), format="102")
    return wrapper


def _party(parent, tag, identifier, role):
    party = _element(parent, "ram", tag)
    if identifier:
        _element(party, "ram", "GlobalID", normalize_id(identifier), schemeID=SCHEME_SIREN)
    _element(party, "ram", "RoleCode", role)
    return party


def build_cdar(message_id, issued_at, seller_siren, statuses):
    """One CDAR message (bytes, UTF-8) carrying ``statuses``.

    ``statuses``: dicts with ``status`` (a key of ``CODE_BY_STATUS``, e.g. "cashed"),
    ``date`` (datetime of the status), ``invoice_number``, ``invoice_date`` (date),
    ``buyer_siren``, ``amount`` (Decimal or float, already rounded), ``currency``
    (ISO code) and ``payment_date`` (date, optional). Raises ``ValueError`` when one
    is incomplete: a platform refuses a message it cannot read.
    """
    if not statuses:
        raise ValueError("No status to send.")
    if not seller_siren:
        raise ValueError("The seller has no SIREN.")
    root = etree.Element(
        f"{{{NS['rsm']}}}CrossDomainAcknowledgementAndResponse",
        nsmap={prefix: uri for prefix, uri in NS.items()},
    )
    context = _element(root, "rsm", "ExchangedDocumentContext")
    process = _element(context, "ram", "BusinessProcessSpecifiedDocumentContextParameter")
    _element(process, "ram", "ID", BUSINESS_PROCESS)
    guideline = _element(context, "ram", "GuidelineSpecifiedDocumentContextParameter")
    _element(guideline, "ram", "ID", GUIDELINE)
    document = _element(root, "rsm", "ExchangedDocument")
    _element(document, "ram", "ID", message_id)
    _element(document, "ram", "Name", FRENCH_NAME_BY_CODE[CODE_BY_STATUS["cashed"]])
    _datetime(document, "ram", "IssueDateTime", issued_at)
    _party(document, "IssuerTradeParty", seller_siren, ROLE_SELLER)
    for values in statuses:
        _acknowledgement(root, seller_siren, values)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _acknowledgement(root, seller_siren, values):
    code = CODE_BY_STATUS.get(values.get("status"))
    if not code:
        raise ValueError(f"Unknown status {values.get('status')!r}.")
    if not values.get("invoice_number") or not values.get("invoice_date"):
        raise ValueError("A status names no invoice number or issue date.")
    if values.get("date") is None:
        raise ValueError(f"Invoice {values['invoice_number']}: the status has no date.")
    ack = _element(root, "rsm", "AcknowledgementDocument")
    multiple = _element(ack, "ram", "MultipleReferencesIndicator")
    _element(multiple, "udt", "Indicator", "false")
    _element(ack, "ram", "TypeCode", ACK_TYPE)
    _datetime(ack, "ram", "IssueDateTime", values["date"])
    reference = _element(ack, "ram", "ReferenceReferencedDocument")
    _element(reference, "ram", "IssuerAssignedID", values["invoice_number"])
    _element(reference, "ram", "TypeCode", "380")
    _datetime(reference, "ram", "FormattedIssueDateTime", values["invoice_date"], kind="qdt")
    _element(reference, "ram", "ProcessConditionCode", code)
    _element(reference, "ram", "ProcessCondition", FRENCH_NAME_BY_CODE[code])
    _party(reference, "IssuerTradeParty", seller_siren, ROLE_SELLER)
    if values.get("buyer_siren"):
        _party(reference, "RecipientTradeParty", values["buyer_siren"], ROLE_BUYER)
    status = _element(reference, "ram", "SpecifiedDocumentStatus")
    _element(status, "ram", "SequenceNumeric", "1")
    if values.get("payment_date"):
        _datetime(status, "ram", "ProcessDateTime", values["payment_date"])
    if values.get("amount") is not None:
        characteristic = _element(status, "ram", "SpecifiedDocumentCharacteristic")
        _element(characteristic, "ram", "TypeCode", AMOUNT_TYPE_CASHED)
        _element(
            characteristic,
            "ram",
            "ValueAmount",
            f"{values['amount']:.2f}",
            currencyID=values.get("currency") or "EUR",
        )
    return ack
