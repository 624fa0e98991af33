# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lifecycle statuses of French e-invoices: the CDAR message (pure Python, no ORM).

Since the e-invoicing reform (CGI art. 289 bis, from 1 September 2026), the approved
platforms exchange each invoice's lifecycle statuses as UN/CEFACT "Cross Domain
Acknowledgement and Response" (CDAR, D22B) messages, profiled by the AFNOR standard
XP Z12-012 and the DGFiP's external specifications (the lifecycle "flux 6"). One
message carries one or more ``AcknowledgementDocument``; each names the invoice in its
``ReferenceReferencedDocument`` (number ``IssuerAssignedID``, issue date
``FormattedIssueDateTime``, seller ``IssuerTradeParty``) and the status in
``ProcessConditionCode`` (200 to 213), with the reason (``SpecifiedDocumentStatus``:
``ReasonCode``, ``Reason``) and, for the payment statuses, the amounts
(``SpecifiedDocumentCharacteristic`` of type ``MPA`` or ``MEN``, one per VAT rate).

:func:`parse_cdar` reads a message into plain dicts; it never resolves entities,
never reads the network and refuses huge trees.
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
ROOT_TAG = f"{{{NS['rsm']}}}CrossDomainAcknowledgementAndResponse"

# ProcessConditionCode -> our key (XP Z12-012; French name in the comment). Mandatory
# for the tax authority: 200, 210, 212 (VAT on payments), 213.
STATUS_BY_CODE = {
    "200": "deposited",  # Déposée
    "201": "issued",  # Émise par la plateforme
    "202": "received",  # Reçue par la plateforme
    "203": "made_available",  # Mise à disposition
    "204": "taken_over",  # Prise en charge
    "205": "approved",  # Approuvée
    "206": "partially_approved",  # Approuvée partiellement
    "207": "disputed",  # En litige
    "208": "suspended",  # Suspendue
    "209": "completed",  # Complétée
    "210": "refused",  # Refusée
    "211": "payment_sent",  # Paiement transmis
    "212": "cashed",  # Encaissée
    "213": "rejected",  # Rejetée
}
CODE_BY_STATUS = {status: code for code, status in STATUS_BY_CODE.items()}
# French names, as the standard writes them (the ProcessCondition of an outgoing message).
FRENCH_NAME_BY_CODE = {
    "200": "Déposée",
    "201": "Émise par la plateforme",
    "202": "Reçue par la plateforme",
    "203": "Mise à disposition",
    "204": "Prise en charge",
    "205": "Approuvée",
    "206": "Approuvée partiellement",
    "207": "En litige",
    "208": "Suspendue",
    "209": "Complétée",
    "210": "Refusée",
    "211": "Paiement transmis",
    "212": "Encaissée",
    "213": "Rejetée",
}
# Statuses that carry an amount paid (MEN characteristics).
PAYMENT_STATUSES = ("payment_sent", "cashed")
# Characteristic types of an amount paid (MPA, Paiement transmis) or cashed (MEN,
# Encaissée), one characteristic per VAT rate.
AMOUNT_TYPES_PAID = ("MEN", "MPA")
# Schemes of party identifiers: 0002 = SIREN, 0009 = SIRET, VA = VAT number.
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"

MAX_STATUSES = 500

# Why a message cannot be read, in English; the model translates them by key.
ERRORS = {
    "empty": "The message is empty.",
    "not_xml": "The message is not well-formed XML: %(detail)s",
    "not_cdar": "The message is not a lifecycle message (CrossDomainAcknowledgementAndResponse).",
    "no_document": "The message has no ExchangedDocument.",
    "no_id": "The message has no identifier (ExchangedDocument/ID).",
    "long_id": "The message identifier is longer than 200 characters.",
    "too_many": "The message carries more than %(max)s statuses.",
    "no_status": "The message carries no status (AcknowledgementDocument).",
    "no_date": "The message and its status have no date.",
    "bad_date": "Invalid date %(value)s (format %(format)s).",
    "bad_amount": "Invalid amount %(value)s.",
    "unknown_code": "Unknown lifecycle status code %(code)s.",
    "no_number": "A status names no invoice number (IssuerAssignedID).",
    "no_seller": "Invoice %(number)s: the status names no seller (IssuerTradeParty).",
}


class CdarError(ValueError):
    """A lifecycle message that cannot be read: ``key`` (of ERRORS) says why and
    ``params`` fill its text."""

    def __init__(self, key, **params):
        self.key = key
        self.params = params
        super().__init__(ERRORS[key] % params)


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _text(node, path):
    found = node.find(path, NS)
    if found is None or found.text is None:
        return ""
    return found.text.strip()


def parse_datetime(value, fmt="102"):
    """A UN/CEFACT date string (format 102 = YYYYMMDD, 203 = YYYYMMDDHHMM,
    204 = YYYYMMDDHHMMSS) as a naive datetime; ISO 8601 is also accepted."""
    value = (value or "").strip()
    patterns = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}
    try:
        if fmt in patterns and value.isdigit():
            return datetime.datetime.strptime(value, patterns[fmt])
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CdarError("bad_date", value=repr(value), format=fmt) from None
    if parsed.tzinfo:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


def _date_of(node, path):
    found = node.find(path, NS)
    if found is None:
        return None
    return parse_datetime(found.text, found.get("format") or "102")


def _amount(text):
    """A finite amount: NaN and infinities (as a float) are no amount."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        value = None
    if value is None or not value.is_finite() or not math.isfinite(float(value)):
        raise CdarError("bad_amount", value=repr(text))
    return value


def _seller_ids(reference):
    """The seller's identifiers named by the referenced invoice (digits and letters only)."""
    ids = []
    for party in reference.findall("ram:IssuerTradeParty", NS):
        for path in ("ram:GlobalID", "ram:ID", "ram:SpecifiedTaxRegistration/ram:ID"):
            for node in party.findall(path, NS):
                value = normalize_id(node.text)
                if value:
                    ids.append(value)
    return ids


def normalize_id(value):
    """A SIREN, SIRET or VAT number without spaces or dots, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def siren_of(identifier):
    """The SIREN a SIREN, SIRET or French VAT number names (else the identifier)."""
    value = normalize_id(identifier)
    if len(value) == 14 and value.isdigit():
        return value[:9]
    if len(value) == 13 and value.startswith("FR") and value[4:].isdigit():
        return value[4:]
    return value


def _payment(status_node):
    """Sum of the amounts paid (one per VAT rate) and their currency, or (None, "")."""
    total = None
    currency = ""
    for characteristic in status_node.findall("ram:SpecifiedDocumentCharacteristic", NS):
        if _text(characteristic, "ram:TypeCode") not in AMOUNT_TYPES_PAID:
            continue
        node = characteristic.find("ram:ValueAmount", NS)
        if node is None:
            continue
        total = (total or Decimal(0)) + _amount(node.text)
        currency = currency or (node.get("currencyID") or "").strip().upper()
    if total is not None and not math.isfinite(float(total)):
        raise CdarError("bad_amount", value=repr(str(total)))
    return total, currency


def _status_of(reference, message, ack_date, index):
    code = _text(reference, "ram:ProcessConditionCode")
    status_node = reference.find("ram:SpecifiedDocumentStatus", NS)
    if not code and status_node is not None:
        code = _text(status_node, "ram:ProcessConditionCode")
    if code not in STATUS_BY_CODE:
        raise CdarError("unknown_code", code=repr(code))
    number = _text(reference, "ram:IssuerAssignedID")
    if not number:
        raise CdarError("no_number")
    issue_date = _date_of(reference, "ram:FormattedIssueDateTime/qdt:DateTimeString")
    if issue_date is None:
        issue_date = _date_of(reference, "ram:FormattedIssueDateTime/udt:DateTimeString")
    seller_ids = _seller_ids(reference)
    if not seller_ids:
        raise CdarError("no_seller", number=number)
    values = {
        "message_id": message["id"],
        "index": index,
        "status_code": code,
        "status": STATUS_BY_CODE[code],
        "date": ack_date or message["date"],
        "invoice_number": number,
        "invoice_date": issue_date.date() if issue_date else None,
        "seller_ids": seller_ids,
        "reason_code": "",
        "reason_text": "",
        "amount": None,
        "currency": "",
    }
    if status_node is not None:
        values["reason_code"] = _text(status_node, "ram:ReasonCode")
        values["reason_text"] = _text(status_node, "ram:Reason")
        values["amount"], values["currency"] = _payment(status_node)
    return values


def parse_cdar(xml_bytes):
    """The statuses of one CDAR message, one dict each, in the message's order.

    Each dict: ``message_id`` (the message's ID), ``platform_message_id`` (the ID, with
    ``#n`` when the message carries several statuses), ``status_code``, ``status``,
    ``date`` (naive datetime of the status, else of the message), ``invoice_number``,
    ``invoice_date`` (date or None), ``seller_ids`` (normalized identifiers),
    ``reason_code``, ``reason_text``, ``amount`` (Decimal or None), ``currency``.
    Raises :class:`CdarError` on anything it cannot read.
    """
    if not xml_bytes or not xml_bytes.strip():
        raise CdarError("empty")
    try:
        root = etree.fromstring(xml_bytes, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise CdarError("not_xml", detail=str(error)) from None
    if root.tag != ROOT_TAG:
        raise CdarError("not_cdar")
    exchanged = root.find("rsm:ExchangedDocument", NS)
    if exchanged is None:
        raise CdarError("no_document")
    message = {
        "id": _text(exchanged, "ram:ID"),
        "date": _date_of(exchanged, "ram:IssueDateTime/udt:DateTimeString"),
    }
    if not message["id"]:
        raise CdarError("no_id")
    if len(message["id"]) > 200:
        raise CdarError("long_id")
    found = []
    for ack in root.findall("rsm:AcknowledgementDocument", NS):
        ack_date = _date_of(ack, "ram:IssueDateTime/udt:DateTimeString")
        for reference in ack.findall("ram:ReferenceReferencedDocument", NS):
            found.append(_status_of(reference, message, ack_date, len(found) + 1))
            if len(found) > MAX_STATUSES:
                raise CdarError("too_many", max=MAX_STATUSES)
    if not found:
        raise CdarError("no_status")
    for values in found:
        if values["date"] is None:
            raise CdarError("no_date")
        values["platform_message_id"] = (
            message["id"] if len(found) == 1 else f"{message['id']}#{values['index']}"
        )
    return found
