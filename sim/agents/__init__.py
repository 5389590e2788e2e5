"""Mesa agents: vendors, governments, device makers, and the per-agent buyers (startups,
nations) of the reference engine."""
