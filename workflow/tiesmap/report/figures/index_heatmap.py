"""Figure: Dyad x year heat map of the tie index (grey where nothing was observed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd

from tiesmap.report.figures import Context, plt, save_figure

# At most this many dyads (rows): the figure stays within a page for any scope.
MAX_DYADS = 40


def index_heatmap(panel: pd.DataFrame, path: str | Path) -> None:
    """Dyad x year heat map of the tie index (grey where nothing was observed)."""
    import numpy as np

    grid = panel.pivot(index="dyad", columns="year", values="tie_index").sort_index()
    shown = len(grid)
    if shown > MAX_DYADS:  # a row per dyad would outgrow the page: the strongest only
        top = grid.mean(axis=1).sort_values(ascending=False, kind="stable").index[:MAX_DYADS]
        grid = grid.loc[sorted(top)]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(grid) + 1.2))
    if len(grid) < shown:
        ax.set_title(f"The {len(grid)} of {shown} dyads with the highest mean index", fontsize=8)
    masked = np.ma.masked_invalid(grid.to_numpy())
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#dddddd")
    image = ax.imshow(
        masked, aspect="auto", cmap=cmap, vmin=0, vmax=max(1e-9, np.nanmax(grid.to_numpy()))
    )
    ax.set_yticks(range(len(grid)), [d.replace("-", "–") for d in grid.index], fontsize=7)
    years = list(grid.columns)
    step = max(1, len(years) // 10)
    ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]], fontsize=7)
    fig.colorbar(image, ax=ax, label="Tie index", shrink=0.8)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    index_heatmap(data, path)
