"""Answer queries from a published kazsearch index: ``SearchEngine(index_dir).search(query)``."""

from search.engine import SearchEngine, SearchError

__all__ = ["SearchEngine", "SearchError"]
