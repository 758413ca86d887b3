"""Figure: contact events by political level, bilateral vs multilateral."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.core.codebook import Codebook
from tiesmap.report.figures import Context, plt, save_figure


def contacts_by_level(events: pd.DataFrame, codebook: Codebook, path: str | Path) -> None:
    """Contacts by political level, bilateral vs multilateral (the concept note's two
    key dimensions for contacts)."""
    contacts = events[events["area"] == "contacts"]
    order = [lv for lv in codebook.levels if lv in set(contacts["level"])]
    table = pd.crosstab(contacts["level"], contacts["format"]).reindex(
        index=order, columns=["bilateral", "multilateral"], fill_value=0
    )
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * max(len(order), 2) + 1.2))
    y = range(len(order))
    ax.barh(y, table["bilateral"], color="#4C72B0", label="Bilateral")
    ax.barh(
        y, table["multilateral"], left=table["bilateral"], color="#DD8452", label="Multilateral"
    )
    ax.set_yticks(list(y), [lv.replace("_", " ") for lv in order], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("Contact events")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, path)


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    contacts_by_level(data, context.codebook, path)
