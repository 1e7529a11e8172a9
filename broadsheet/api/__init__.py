"""The JSON API under /api/v1/: public reads, token-authenticated writes, an OpenAPI 3 schema."""
