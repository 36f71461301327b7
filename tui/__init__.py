"""pipedrive-tui: a keyboard-first terminal dashboard for Pipedrive CRM."""

__version__ = "0.1.0"
