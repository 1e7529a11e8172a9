"""Search: the Tantivy index (one writer); `search.query` and `search.similar` read it."""
