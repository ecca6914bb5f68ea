def refresh(project):
    """Recompute the search data of one published project (called after each approval)."""
