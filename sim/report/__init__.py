"""Self-contained HTML reports of runs and sweeps, built from tables and figures."""
