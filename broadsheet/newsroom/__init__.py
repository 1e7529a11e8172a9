"""Newsroom: the content model, its querysets, the publish service and the admin."""
