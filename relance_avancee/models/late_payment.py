# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Why customers pay late: the reasons a call records, and the internal process each
points to. The one list of processes: the dispute reasons of the disputes addon use it
too, so that calls and disputes add up in one analysis."""

# The internal process to fix so that a cause of late payment disappears. The first
# seven are the disputes' historical root processes (their stored values stay).
PROCESSES = [
    ("invoicing", "Invoicing"),
    ("sales", "Sales"),
    ("delivery", "Delivery"),
    ("logistics", "Logistics"),
    ("production", "Production"),
    ("accounting", "Accounting"),
    ("customer", "Customer's own process"),
    ("master_data", "Customer master data"),
    ("credit_risk", "Credit risk"),
    ("dunning", "Dunning rhythm"),
    ("other", "Other"),
]

# Why the customer pays late, as a collector hears it on the phone.
LATE_REASONS = [
    ("cash", "Cash difficulties"),
    ("approval", "Approval circuit"),
    ("not_received", "Invoice not received"),
    ("wrong_recipient", "Wrong recipient"),
    ("missing_po", "Missing purchase order"),
    ("dispute", "Dispute"),
    ("forgot", "Forgot"),
    ("other", "Other"),
]

# The process each reason points to. A dispute points to its own root process: the
# disputes addon counts the dispute itself; without it, a dispute is "other".
REASON_PROCESSES = {
    "cash": "credit_risk",  # customer acceptance, credit limits
    "approval": "customer",  # the customer's circuit, not ours
    "not_received": "invoicing",  # invoicing and sending
    "wrong_recipient": "master_data",
    "missing_po": "sales",  # order taking, sales administration
    "dispute": "other",
    "forgot": "dunning",
    "other": "other",
}
# Reasons the checks made when an invoice is posted or sent would have avoided (as
# the dispute reasons' ``preventable`` flag).
PREVENTABLE_REASONS = ("not_received", "wrong_recipient", "missing_po")

# The reason a call outcome suggests (the collector may change it).
CALL_OUTCOME_REASONS = {
    "not_received": "not_received",
    "dispute": "dispute",
    "wrong_contact": "wrong_recipient",
}
# Outcomes whose very answer is a reason: the call records one. A promise or a claimed
# payment may come with a reason (the collector records it when the customer gives
# one); nobody answered a call with no answer, so it has none.
CALL_OUTCOMES_NEEDING_REASON = ("dispute", "not_received", "wrong_contact")
CALL_OUTCOMES_WITHOUT_REASON = ("no_answer",)
