"""The finance state machine's rules and invariants live in helper modules: let pytest explain
their failed asserts as it does a test's (it rewrites only modules it is told about)."""

import pytest

pytest.register_assert_rewrite("finance_desk", "finance_machine", "finance_model", "finance_runs")
