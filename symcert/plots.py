"""Deterministic matplotlib figures (``symcert report`` and docs/papers/figures/make_figures.py).

matplotlib is in the ``plot`` extra. The SVG hash salt is fixed, SVG text is drawn as paths
(no font-dependent glyph ids), and no date or library version is written into the files, so
regenerated figures are byte-identical.
"""
from __future__ import annotations

import os

from symcert.errors import ConstructionFailed

SVG_META = {"Date": None, "Creator": "symcert"}
PNG_META = {"Software": "symcert"}
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def pyplot():
    """matplotlib.pyplot with the Agg backend and deterministic settings (ConstructionFailed,
    exit 3, if matplotlib is missing)."""
    try:
        import matplotlib
    except ImportError:
        raise ConstructionFailed("the plots need matplotlib: pip install 'symcert[plot]', or pass --no-plots") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    matplotlib.rcParams.update({"svg.hashsalt": "symcert", "svg.fonttype": "path", "path.simplify": False,
                                "font.family": "DejaVu Sans", "figure.dpi": 100})
    return plt


def save(fig, path: str) -> str:
    """Save ``fig`` to ``path`` (.svg or .png) without dates or versions; close it."""
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    fig.savefig(path, format=ext, metadata=SVG_META if ext == "svg" else PNG_META)
    return os.path.basename(path)


def line_figure(series, title: str, xlabel: str, ylabel: str, logx: bool = False, logy: bool = False,
                marks=(), size=(6, 3.6)):
    """A line plot: series = [(label, [(x, y), ...])]; marks = [(x, label)] vertical dashed lines."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=size)
    for n, (label, pts) in enumerate(series):
        ax.plot([x for x, _ in pts], [y for _, y in pts], "-o", color=COLORS[n % len(COLORS)], markersize=2.5,
                linewidth=1.2, label=label)
    for x, label in marks:
        ax.axvline(x, color="grey", linewidth=0.6, linestyle="--")
        ax.annotate(label, (x, 0.02), xycoords=("data", "axes fraction"), fontsize=8, ha="left", va="bottom",
                    rotation=90, color="grey")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    if len(series) > 1 or (series and series[0][0]):
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
