"""Figure: Each wartime-support event as a mark on a timeline, one line per supplying dyad."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.dates import parse_partial_date
from tiesmap.figures import Context, plt, save_figure


def wartime_support_timeline(events: pd.DataFrame, path: str | Path) -> None:
    """Each wartime-support event as a mark on a timeline, one line per supplying dyad."""
    ws = events[events["area"] == "wartime_support"].copy()
    ws["when"] = ws["date_start"].map(lambda d: parse_partial_date(d).midpoint)
    ws["pair"] = ws["participants"].str.replace(";", "→", n=1)
    pairs = sorted(ws["pair"].unique())
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * max(len(pairs), 2) + 1.0))
    markers = {"weapons_delivery": "o", "joint_operation": "s", "intelligence_sharing": "^"}
    for activity, group in ws.groupby("activity", sort=True):
        ax.scatter(
            group["when"],
            group["pair"].map(pairs.index),
            marker=markers.get(activity, "D"),
            label=activity.replace("_", " "),
            color="#C44E52" if activity == "weapons_delivery" else "#4C72B0",
        )
    ax.set_yticks(range(len(pairs)), pairs, fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    wartime_support_timeline(data, path)
