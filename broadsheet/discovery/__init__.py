"""Discovery: story clusters, related stories, trending and the section classifier."""
