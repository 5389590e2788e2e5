"""One BLAS thread inside the model.

The monthly Nash solve multiplies small matrices (vendors x panel buyers); OpenBLAS would
run them on every core, where the threads spin against each other on a busy machine, and
the thread count changes results in the last bits. One thread makes a single run and the
same seed inside a parallel sweep (whose workers use one thread) bit-identical.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    # scanning the loaded libraries costs milliseconds: once per process
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager:
    """A context in which BLAS (OpenBLAS, MKL, BLIS) runs on one thread."""
    return _controller().limit(limits=1, user_api="blas")
