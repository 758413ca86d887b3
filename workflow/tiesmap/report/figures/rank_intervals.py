"""Figure: Each dyad's median rank over the Monte Carlo draws with its 90% interval."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.report.figures import Context, plt, save_figure


def rank_intervals(ranks: pd.DataFrame, path: str | Path) -> None:
    """Each dyad's median rank over the Monte Carlo draws with its 90% interval."""
    ranks = ranks.sort_values(["rank_median", "dyad"], ignore_index=True)
    fig, ax = plt.subplots(figsize=(5.0, 0.3 * len(ranks) + 1.0))
    y = range(len(ranks))
    ax.hlines(y, ranks["rank_p05"], ranks["rank_p95"], color="#4C72B0", linewidth=2)
    ax.plot(ranks["rank_median"], y, "o", color="#C44E52", markersize=4)
    ax.set_yticks(list(y), [d.replace("-", "–") for d in ranks["dyad"]], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("Rank (1 = strongest ties), median and 90% interval")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    rank_intervals(data, path)
