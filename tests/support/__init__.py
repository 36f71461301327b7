"""Fixtures and builders shared by test modules."""
