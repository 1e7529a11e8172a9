"""Admin pagination that never counts a whole table: the count stops at a cap."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Enough pages for any editor to browse; past this, filters and search are the way in.
DEFAULT_COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose `count` is at most `cap`, found with a bounded query.

    Django's changelist asks the paginator for `count`; a plain COUNT(*) over a million
    articles takes seconds on every page load. Counting a sliced queryset makes the database
    stop after `cap + 1` rows, and `is_capped` tells the template to say "more than".
    """

    cap: int = DEFAULT_COUNT_CAP

    @cached_property
    def _bounded_count(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "order_by"):
            # Ordering is irrelevant to a count and would force a sort in the subquery.
            return int(object_list.order_by()[: self.cap + 1].count())
        return len(object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def is_capped(self) -> bool:
        return self._bounded_count > self.cap


class SearchCappedPaginator(CappedPaginator):
    """For search results: a common word matches a fifth of the table, and each match costs
    a text comparison, so the count stops sooner (an editor refines a search rather than
    paging through a thousand results)."""

    cap = 1_000
