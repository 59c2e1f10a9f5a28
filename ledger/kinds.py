"""Entry kinds grouped by what they do (kept free of heavy imports: the store and verify read it)."""

#: Kinds whose amount counts against the officer's daily limit (and which can be reversed).
LIMIT_KINDS = ("receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued")

#: What an admin's reference rule (`refs set TYPE`) can govern, and the check-digit schemes it may name.
REFERENCE_TYPES = ("debtor", "case", "payee", "creditor", "receipt")
CHECK_SCHEMES = ("luhn", "mod_11_10", "mod_97_10", "iso11649", "verhoeff", "damm")
