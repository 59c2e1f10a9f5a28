"""The cashdesk domain and its store: money, records, rules, chain, store, reports."""
