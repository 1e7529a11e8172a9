"""Core: environment parsing, clock, URL canonicalisation, HTML sanitising, shared types."""
