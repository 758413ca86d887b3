"""Figure: per-dyad event timelines by area and format, with durations."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd

from tiesmap.core.codebook import AREAS
from tiesmap.index.hyperedges import event_months, focal_events
from tiesmap.report.figures import AREA_COLOURS, Context, integer_years, plt, save_figure

WAR_START = 2022 + 1.5 / 12  # 24 February 2022, in fractional years


def dyad_timelines(events: pd.DataFrame, focal: tuple[str, ...], start: int, end: int,
                   path: str | Path) -> None:  # fmt: skip
    """One panel per focal dyad, one row per area: a dot per event (filled: two focal
    states; open: three or more), a bar from first to last month for events with an
    end date, and a line at the start of the Russia-Ukraine war."""
    ev = focal_events(events, list(focal))
    months = event_months(ev)
    ev = ev.assign(
        first=months["first"] / 12, last=(months["last"] + 1) / 12, ref=months["reference"] / 12
    )
    dyads = [f"{a}-{b}" for a, b in combinations(sorted(focal), 2)]
    fig, axes = plt.subplots(len(dyads), 1, figsize=(6.5, 1.15 * len(dyads) + 0.6), sharex=True)
    for ax, dyad in zip(axes, dyads, strict=True):
        a, b = dyad.split("-")
        mine = ev[ev["focal"].str.split(";").map(lambda fs, a=a, b=b: a in fs and b in fs)]
        for row, area in enumerate(AREAS):
            part = mine[mine["area"] == area]
            colour = AREA_COLOURS[area]
            long = part[part["last"] - part["first"] > 1.01 / 12]
            ax.hlines([row] * len(long), long["first"], long["last"], color=colour, lw=3,
                      alpha=0.5)  # fmt: skip
            for bloc, face in ((False, colour), (True, "white")):
                dots = part[(part["n_focal"] >= 3) == bloc]
                ax.scatter(dots["ref"], [row] * len(dots), s=12, facecolors=face,
                           edgecolors=colour, linewidths=0.8, zorder=3)  # fmt: skip
        ax.axvline(WAR_START, color="grey", lw=0.8, ls="--")
        ax.set_yticks(range(len(AREAS)), [a.replace("_", " ") for a in AREAS], fontsize=5)
        ax.set_ylim(-0.7, len(AREAS) - 0.3)
        ax.set_title(dyad.replace("-", "–"), fontsize=7, loc="left", pad=2)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xlim(start, end + 1)
    integer_years(axes[-1])
    fig.tight_layout(h_pad=0.3)
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    dyad_timelines(data, context.focal_states, context.start, context.end, path)
