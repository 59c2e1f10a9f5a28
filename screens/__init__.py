"""Textual screens of the cashdesk console; they talk to ledger/ only through the service layer."""
