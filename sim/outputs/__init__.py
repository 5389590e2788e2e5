"""Writing a run's files: atomic writes, tidy tables, summary and manifest."""
