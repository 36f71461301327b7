"""Local SQLite cache, sync engine and outbox of edits. No textual import here."""
