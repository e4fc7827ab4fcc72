"""Curated resources: the list with filters and sorts, bookmarks and ratings."""
