"""Figure: Stacked area chart: mean area score across dyads per year, by area."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.codebook import AREAS, Codebook
from tiesmap.figures import AREA_COLOURS, Context, integer_years, plt, save_figure


def areas_over_time(panel: pd.DataFrame, codebook: Codebook, path: str | Path) -> None:
    """Stacked area chart: mean area score across dyads per year, by area."""
    means = panel.groupby("year")[[f"score_{a}" for a in AREAS]].mean()
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    areas = [a for a in AREAS if means[f"score_{a}"].notna().any()]
    ax.stackplot(
        means.index,
        [means[f"score_{a}"].fillna(0) for a in areas],
        labels=[codebook.areas[a]["label"] for a in areas],
        colors=[AREA_COLOURS[a] for a in areas],
    )
    ax.set_ylabel("Mean area score")
    integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    areas_over_time(data, context.codebook, path)
