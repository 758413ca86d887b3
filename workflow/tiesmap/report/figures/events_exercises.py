"""Figure: Military exercises per year, bilateral vs multilateral."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.report.figures import Context, integer_years, plt, save_figure, years_of


def exercises_by_format(events: pd.DataFrame, start: int, end: int, path: str | Path) -> None:
    """Military exercises per year, bilateral vs multilateral."""
    ex = events[events["activity"] == "exercise"]
    table = pd.crosstab(years_of(ex), ex["format"]).reindex(
        index=range(start, end + 1), columns=["bilateral", "multilateral"], fill_value=0
    )
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    ax.bar(table.index, table["bilateral"], color="#4C72B0", label="Bilateral", width=0.8)
    ax.bar(
        table.index,
        table["multilateral"],
        bottom=table["bilateral"],
        color="#DD8452",
        label="Multilateral",
        width=0.8,
    )
    ax.set_ylabel("Exercises")
    integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    exercises_by_format(data, context.start, context.end, path)
