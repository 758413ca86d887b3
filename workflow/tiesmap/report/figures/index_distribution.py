"""Figure: the tie index as distributions, for a panel of any size. Left, the
distribution of dyads' mean index (dyads without any observed year are left
out); right, per year, the share of observed dyad-years with a tie in any area
and the number of dyads with one. Its size does not grow with the dyads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tiesmap.report.figures import Context, integer_years, plt, save_figure
from tiesmap.report.scope_exhibits import any_tie


def yearly_ties(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: observed dyad-years, dyads with a tie, and their share."""
    ties = any_tie(panel)
    frame = pd.DataFrame(
        {
            "year": panel["year"].to_numpy(),
            "observed": panel["tie_index"].notna().to_numpy(),
            "tie": (ties > 0).to_numpy(),
        }
    )
    out = frame.groupby("year").agg(observed=("observed", "sum"), ties=("tie", "sum"))
    out["share"] = out["ties"] / out["observed"].where(out["observed"] > 0)
    return out


def index_distribution(panel: pd.DataFrame, path: str | Path) -> None:
    means = panel.groupby("dyad")["tie_index"].mean().dropna()
    yearly = yearly_ties(panel)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 2.8))
    bins = np.linspace(0.0, max(1.0, float(means.max()) if len(means) else 1.0), 21)
    left.hist(means.to_numpy(), bins=bins, color="#4C72B0", log=True)
    left.set_xlabel("Mean tie index of a dyad")
    left.set_ylabel("Dyads (log scale)")
    right.plot(yearly.index, yearly["share"], color="#C44E52", marker="o", ms=2)
    right.set_ylabel("Share of dyad-years with a tie", color="#C44E52")
    twin = right.twinx()
    twin.plot(yearly.index, yearly["ties"], color="#55A868", lw=1)
    twin.set_ylabel("Dyads with a tie", color="#55A868")
    integer_years(right)
    for ax in (left, right):
        ax.spines[["top"]].set_visible(False)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    index_distribution(data, path)
