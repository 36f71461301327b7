"""Reusable Textual widgets of pipedrive-tui."""
