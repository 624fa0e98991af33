# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: the legal interest rate of a creditor who is a private individual is
gone (it never applies to a company): its rows and their external ids leave."""


def migrate(cr, version):
    cr.execute("DELETE FROM relance_rate WHERE kind = 'legal_individual'")
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'relance_avancee' AND model = 'relance.rate'
           AND name LIKE 'relance_rate_legal_individual_%'
        """
    )
