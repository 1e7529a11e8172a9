"""The Django admin shaped for a newsroom: registers every newsroom model (the site itself, its
titles and its dashboard home page, is newsroom/admin_site.py)."""

from broadsheet.newsroom.admin import articles, structure

__all__ = ["articles", "structure"]
