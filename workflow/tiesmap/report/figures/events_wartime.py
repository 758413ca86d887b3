"""Figure: Each wartime-support event as a mark on a timeline, one line per supplying dyad."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.core.dates import parse_partial_date
from tiesmap.report.figures import Context, plt, save_figure

# Okabe-Ito colours, distinguishable with the common forms of colour blindness.
COLOURS = {
    "weapons_delivery": "#D55E00",
    "joint_operation": "#0072B2",
    "intelligence_sharing": "#009E73",
}
MARKERS = {"weapons_delivery": "o", "joint_operation": "s", "intelligence_sharing": "^"}
NAMES = {"CHN": "China", "RUS": "Russia", "IRN": "Iran", "PRK": "North Korea"}


def _pair(participants: str) -> str:
    supplier, recipient = participants.split(";")[:2]
    return f"{NAMES.get(supplier, supplier)} to {NAMES.get(recipient, recipient)}"


def wartime_support_timeline(events: pd.DataFrame, path: str | Path) -> None:
    """Each wartime-support event on a timeline, one line per supplier and recipient:
    a mark at its start and a bar over the months it lasted."""
    import matplotlib.dates as mdates

    ws = events[events["area"] == "wartime_support"].copy()
    ws["when"] = ws["date_start"].map(lambda d: parse_partial_date(d).earliest)
    ws["until"] = [
        parse_partial_date(e).latest if isinstance(e, str) and e else None for e in ws["date_end"]
    ]
    ws["pair"] = ws["participants"].map(_pair)
    pairs = sorted(ws["pair"].unique())
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * max(len(pairs), 2) + 1.3))
    for activity, group in ws.groupby("activity", sort=True):
        y = group["pair"].map(pairs.index).to_numpy()
        colour = COLOURS.get(activity, "#555555")
        for yi, start, stop in zip(y, group["when"], group["until"], strict=True):
            if stop is not None:
                ax.plot([start, stop], [yi, yi], color=colour, linewidth=3, alpha=0.45)
        ax.scatter(
            group["when"],
            y,
            marker=MARKERS.get(activity, "D"),
            label=activity.replace("_", " "),
            color=colour,
            zorder=3,
        )
    ax.set_yticks(range(len(pairs)), pairs, fontsize=8)
    ax.set_ylim(-0.6, len(pairs) - 0.4)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(
        "Start of the delivery, deployment or assistance (bars: how long it lasted)", fontsize=8
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    wartime_support_timeline(data, path)
