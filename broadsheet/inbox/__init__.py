"""Inbox: what readers send the desk, contact messages and copyright takedown requests."""
