"""Writing a figure to files: PNG by default, vector PDF or SVG on request, atomically.

PNG is what a report embeds and what most readers open; a vector copy of every figure of
every run costs as much again to write (a PDF embeds and subsets its fonts), so PDF and SVG
are written only when asked for (``output.figure_formats=[png,pdf]``, or ``formats=`` here).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from sim.core.files import atomic_write
from sim.plots.style import paper_context, write_png

#: The formats a figure can be written in, and the default (PNG only).
FIGURE_FORMATS: tuple[str, ...] = ("png", "pdf", "svg")
DEFAULT_FORMATS: tuple[str, ...] = ("png",)
#: The lowest resolution of a PNG fit for print.
MIN_DPI = 200


def save(fig: Figure, stem: str | Path, dpi: int = MIN_DPI,
         formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    """Write ``stem.<format>`` for each of ``formats``, atomically; PNG first when asked for.

    Each file is written to a temporary name in its folder and renamed into place, so a
    reader never sees half a figure. Vector files carry no creation date (and SVG ids are
    salted with the file name), so the same figure gives the same bytes.

    Args:
        fig: the figure.
        stem: the path without its suffix.
        dpi: resolution of the PNG, at least :data:`MIN_DPI`.
        formats: some of :data:`FIGURE_FORMATS`.

    Returns:
        The paths written, in the order of ``formats`` with PNG first.

    Raises:
        ValueError: for a dpi below :data:`MIN_DPI` or an unknown format.
    """
    if dpi < MIN_DPI:
        raise ValueError(f"dpi must be at least {MIN_DPI} for print, got {dpi}")
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown or not formats:
        raise ValueError(f"figure formats {list(formats)!r}: allowed are "
                         f"{', '.join(FIGURE_FORMATS)} (at least one)")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(dict.fromkeys(formats), key=lambda f: f != "png")
    engine = fig.get_layout_engine()
    paths = []
    with paper_context():
        try:
            for i, fmt in enumerate(ordered):
                path = stem.with_name(f"{stem.name}.{fmt}")
                paths.append(atomic_write(path, lambda tmp, fmt=fmt: _write(fig, tmp, fmt,
                                                                           dpi, stem.name)))
                if i == 0:  # the first file laid the figure out: keep that layout (half
                    fig.set_layout_engine("none")  # the time of a vector copy)
        finally:
            fig.set_layout_engine(engine)
    return paths


def _write(fig: Figure, path: Path, fmt: str, dpi: int, name: str) -> None:
    """One file of a figure."""
    if fmt == "png":
        write_png(fig, path, dpi)
    elif fmt == "pdf":
        # embedding fonts, fontTools logs every table it prunes at INFO level: hundreds of
        # lines in a Hydra run's log (whose root logger is at INFO)
        fonttools = logging.getLogger("fontTools")
        level = fonttools.level
        fonttools.setLevel(max(level, logging.WARNING))
        try:
            fig.savefig(path, format="pdf", metadata={"CreationDate": None})
        finally:
            fonttools.setLevel(level)
    else:  # svg: ids from a fixed salt rather than random ones, so the bytes repeat
        with mpl.rc_context({"svg.hashsalt": name}):
            fig.savefig(path, format="svg", metadata={"Date": None})
