"""Figures for the paper. Saved without timestamps so rebuilds are byte-identical."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tiesmap.codebook import AREAS, Codebook  # noqa: E402
from tiesmap.dates import parse_partial_date  # noqa: E402

AREA_COLOURS = {
    "contacts": "#4C72B0",
    "regime_security": "#8172B2",
    "war_preparation": "#C44E52",
    "missions_outside_war": "#55A868",
    "wartime_support": "#DD8452",
}


def save_figure(fig: plt.Figure, path: str | Path) -> None:
    """PDF without creation date or producer version, so the bytes depend on data only."""
    meta = {"CreationDate": None, "Creator": None, "Producer": None}
    fig.savefig(path, metadata=meta)
    plt.close(fig)


def events_by_area_year(
    events: pd.DataFrame, codebook: Codebook, start: int, end: int, path: str | Path
) -> None:
    """Stacked bars: merged events per year, by area (areas not collected are named)."""
    years = events["date_start"].map(lambda d: parse_partial_date(d).midpoint.year)
    counts = (
        pd.crosstab(years, events["area"])
        .reindex(index=range(start, end + 1), columns=list(AREAS), fill_value=0)
        .fillna(0)
    )
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    bottom = pd.Series(0, index=counts.index)
    for area in AREAS:
        if not codebook.area_collected(area):
            continue
        ax.bar(
            counts.index,
            counts[area],
            bottom=bottom,
            color=AREA_COLOURS[area],
            label=codebook.areas[area]["label"],
            width=0.8,
        )
        bottom = bottom + counts[area]
    missing = [codebook.areas[a]["label"] for a in AREAS if not codebook.area_collected(a)]
    ax.set_ylabel("Events")
    ax.set_xlim(start - 0.6, end + 0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left")
    if missing:
        ax.set_title("Not yet collected: " + ", ".join(missing), fontsize=7, loc="left")
    fig.tight_layout()
    save_figure(fig, path)
