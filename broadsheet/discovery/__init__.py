"""Discovery: story clusters, related stories, top stories and the section classifier."""
