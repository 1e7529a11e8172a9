"""Search: the Tantivy index (one writer) and `search.query`, the only public entry point."""
