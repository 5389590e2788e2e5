"""Helpers for the dashboard's browser tests (tests/test_app.py)."""
