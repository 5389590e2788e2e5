"""Command-line tools on top of everything: the run CLI, sweep gathering, the scorecard,
the documentation generator."""
