"""Settings packages: base (env-driven), dev (the default for `make run`), prod, test."""
