"""Readership: what readers read. The view beacon, per-day and per-hour view counts, Popular
and Trending."""
