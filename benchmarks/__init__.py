"""Speed and memory benchmarks of the simulation (``make bench`` or ``python -m benchmarks``)."""
