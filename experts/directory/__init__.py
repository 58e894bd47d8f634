"""The public directory of the board's clinical network: clinics, their
departments and clinical populations, contact persons, and the audit trail."""
