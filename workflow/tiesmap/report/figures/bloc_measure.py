"""Figure: bloc or web -- the share of focal interaction inside bloc events, and
triads closed by all ties against those the dyadic ties alone close."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.report.figures import Context, integer_years, plt, save_figure


def bloc_over_time(measure: pd.DataFrame, path: str | Path) -> None:
    """Top: share of focal dyad-events (24-month window) from events with three or more
    focal states. Bottom: closed triads, closed by dyadic ties alone, triad-level ties."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.5, 4.2), sharex=True)
    top.plot(measure["year"], measure["bloc_share"], color="#4C72B0", marker="o", ms=3)
    top.set_ylim(0, 1)
    top.set_ylabel("Share in bloc events")
    width = 0.28
    series = [
        ("closed_triads", "closed by all ties", "#4C72B0"),
        ("closed_triads_dyadic", "closed by dyadic ties alone", "#DD8452"),
        ("triad_ties", "triad-level tie", "#55A868"),
    ]
    for k, (column, label, colour) in enumerate(series):
        if column in measure:
            bottom.bar(measure["year"] + (k - 1) * width, measure[column], width, label=label,
                       color=colour)  # fmt: skip
    bottom.set_ylabel("Triads (of 4)")
    bottom.set_ylim(0, 4)
    bottom.legend(frameon=False, fontsize=7, loc="upper left")
    integer_years(bottom)
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    bloc_over_time(data, path)
