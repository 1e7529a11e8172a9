"""Edge: what stands between readers and the site: the page cache, fast path and headers."""
