"""Aggregation: poll other publishers' feeds and publish their stories with credit."""
