"""Broadsheet: a news website engine that publishes its own stories and aggregates feeds."""

__version__ = "0.1.0"
