"""Figure: mean area score across dyads per year, one line per area, on the index's
[0, 1] scale (not stacked: a stack of means would leave the index's range)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.core.codebook import AREAS, Codebook
from tiesmap.report.figures import AREA_COLOURS, Context, integer_years, plt, save_figure


def areas_over_time(panel: pd.DataFrame, codebook: Codebook, path: str | Path) -> None:
    """Mean area score across dyads per year, by area; each line lies in [0, 1]."""
    means = panel.groupby("year")[[f"score_{a}" for a in AREAS]].mean()
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    for area in AREAS:
        column = f"score_{area}"
        if means[column].notna().any():
            ax.plot(means.index, means[column], color=AREA_COLOURS[area], marker="o", ms=2.5,
                    label=codebook.areas[area]["label"])  # fmt: skip
    ax.set_ylim(0, 1)
    ax.set_ylabel("Mean area score (0-1)")
    integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    areas_over_time(data, context.codebook, path)
