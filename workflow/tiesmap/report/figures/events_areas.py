"""Figure: Stacked bars: merged events per year, by area (areas not collected are named)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.core.codebook import AREAS, Codebook
from tiesmap.core.dates import parse_partial_date
from tiesmap.report.figures import AREA_COLOURS, Context, integer_years, plt, save_figure


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
    integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if missing:
        ax.set_title("Not yet collected: " + ", ".join(missing), fontsize=7, loc="left")
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    events_by_area_year(data, context.codebook, context.start, context.end, path)
