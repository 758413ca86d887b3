"""Figure: arms transfers within each dyad over time (SIPRI TIV where available)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.figures import Context, integer_years, plt, save_figure


def arms_by_dyad(panel: pd.DataFrame, path: str | Path) -> None:
    """Arms transfers within each dyad over time: SIPRI TIV where a TIV source is in the
    build, otherwise the number of coded transfer events (the axis label says which)."""
    has_tiv = panel["tiv"].fillna(0).gt(0).any()
    value = "tiv" if has_tiv else "n_war_preparation"
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    for dyad, group in panel.groupby("dyad", sort=True):
        series = group.set_index("year")[value]
        if series.fillna(0).gt(0).any():
            ax.plot(
                series.index,
                series.to_numpy(),
                marker="o",
                markersize=2,
                label=dyad.replace("-", "–"),
            )
    ax.set_ylabel("SIPRI TIV (millions)" if has_tiv else "War-preparation events")
    integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    arms_by_dyad(data, path)
