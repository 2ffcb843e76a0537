"""Test kit for billing_core users: hypothesis strategies, reference stores, conformance suites."""
