"""Reusable widgets for the cashdesk screens."""
