"""Row chunks: buyers taken through a month's choice a block of rows at a time.

The vectorized engine's choice builds arrays of buyers x offerings (utilities, prices,
availability, probabilities and their temporaries: about 1.9 KB per reviewing firm with the
default world's offerings). Taken over all firms at once they grow with the firms (1.8 GiB
at a million); taken :data:`CHUNK_ROWS` firms at a time their peak is that of one chunk
whatever the firms. A segment of at most one chunk is taken whole, by the same operations
as before chunking, so its results are bit-identical; a larger one sums its tokens and
spend chunk by chunk, which equals the whole sum up to the order of floating-point
additions (relative differences of order 1e-15).
"""

from __future__ import annotations

from collections.abc import Iterator

#: Firms per chunk by default (``engine_chunk_rows``): about 190 MB of transient arrays at
#: the default world's offerings, above every shipped world's largest segment (20,000 firms),
#: so those are one chunk; the time per firm is the same as at one chunk of a million
#: (numpy's fixed cost per call is spread over 100,000 rows).
CHUNK_ROWS = 100_000


def row_chunks(n: int, size: int) -> Iterator[slice]:
    """Consecutive slices of ``range(n)`` of ``size`` rows each (the last one shorter);
    one slice ``0:n`` when ``n <= size``, and none when ``n`` is 0."""
    if size < 1:
        raise ValueError(f"a chunk needs at least one row, got {size!r}")
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))
