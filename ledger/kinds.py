"""Entry kinds grouped by what they do (kept free of heavy imports: the store and verify read it)."""

#: Kinds whose amount counts against the officer's daily limit (and which can be reversed).
LIMIT_KINDS = ("receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued")
