"""Textual screens, one module per screen."""
