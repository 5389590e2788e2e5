"""HTML building blocks of the reports: one self-contained page, its sections, tables
and embedded figures.

A report is a single ``report.html`` with its figures embedded as base64 PNG and a little
inline CSS: it can be mailed, archived or opened offline, and needs nothing beside it.
The pages themselves are written by :mod:`sim.report.run_report` (one run) and
:mod:`sim.report.sweep_report` (a sweep).
"""

from __future__ import annotations

import base64
import html
import logging
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.tables import fmt_number

log = logging.getLogger("sim.report.html")

#: File name of a report, in a run's folder or a gathered sweep's.
REPORT = "report.html"

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #222; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5em 2em 3em; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em;
     margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
p.lead { font-size: 1.1em; color: #444; margin-top: 0; }
p.note, .muted { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.88em; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #e4e4e4; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { border-top: 2px solid #ccc; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.9em; margin-top: 0.3em; }
details { margin: 0.5em 0 1em; }
summary { cursor: pointer; color: #0072B2; }
code { font-size: 0.92em; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }
"""


def escape(text: Any) -> str:
    """Text made safe for HTML."""
    return html.escape(str(text))


def table_html(frame: pd.DataFrame, numeric: Sequence[str] = (), *, empty: str) -> str:
    """A DataFrame as an HTML table; ``numeric`` columns formatted and right-aligned.

    ``empty`` is the sentence shown instead of an empty table: it says what is missing
    ("The scenario has no events of its own."), where a bare "None." said nothing.
    """
    if frame.empty:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(f'<th class="num">{escape(c)}</th>' if c in numeric else f"<th>{escape(c)}</th>"
                   for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = "".join(f'<td class="num">{fmt_number(row[c])}</td>' if c in numeric
                        else f"<td>{escape(row[c])}</td>" for c in frame.columns)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def img_html(data: bytes, alt: str, caption: str) -> str:
    """A PNG embedded as base64, with its caption: the page needs nothing beside it."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{encoded}" alt="{escape(alt)}">'
            f"<figcaption><strong>{escape(alt)}.</strong> {escape(caption)}</figcaption></figure>")


def figures_html(figures: Mapping[str, Sequence[Path]], captions: Callable[[str], str],
                 titles: Callable[[str], str]) -> str:
    """Each figure's PNG, embedded, with its title and caption."""
    parts = []
    for name, paths in figures.items():
        png = next((Path(p) for p in paths if str(p).endswith(".png")), None)
        if png is None or not png.exists():
            log.warning("figure %s has no PNG to embed", name)
            continue
        parts.append(img_html(png.read_bytes(), titles(name), captions(name)))
    return "\n".join(parts)


def page(title: str, sections: Sequence[str]) -> str:
    """A whole self-contained page: inline CSS, the sections, a footer with the version."""
    try:
        version = metadata.version("ai-market-sim")
    except metadata.PackageNotFoundError:
        version = "unknown"
    body = "\n".join(s for s in sections if s)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n<footer>Written by ai-market-sim {escape(version)}. Figures are also "
            f"saved as PNG (and PDF or SVG on request) in <code>plots/</code> when the run "
            f"draws them; docs/outputs.md says how to redraw them from the tables.</footer>\n"
            f"</main>\n</body>\n</html>\n")


def section(section_id: str, heading: str, content: str) -> str:
    """A titled section of a page (its id is the anchor of a link to it)."""
    return f'<section id="{section_id}">\n<h2>{escape(heading)}</h2>\n{content}\n</section>'


def extra_section(extra_html: str | None) -> str:
    """A caller's HTML (a scorecard, say) as its own section; '' for none."""
    if not extra_html:
        return ""
    return f'<section id="extra">\n{extra_html}\n</section>'
