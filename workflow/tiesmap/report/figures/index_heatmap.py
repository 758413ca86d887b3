"""Figure: Dyad x year heat map of the tie index (grey where nothing was observed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd

from tiesmap.report.figures import Context, plt, save_figure


def index_heatmap(panel: pd.DataFrame, path: str | Path) -> None:
    """Dyad x year heat map of the tie index (grey where nothing was observed)."""
    import numpy as np

    grid = panel.pivot(index="dyad", columns="year", values="tie_index").sort_index()
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(grid) + 1.2))
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
