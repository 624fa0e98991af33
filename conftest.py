"""pytest configuration: the suite runs under pytest-odoo (see README)."""
