"""Figures for the paper. Saved without timestamps so rebuilds are byte-identical."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tiesmap.codebook import AREAS, Codebook  # noqa: E402
from tiesmap.dates import parse_partial_date  # noqa: E402

AREA_COLOURS = {
    "contacts": "#4C72B0",
    "regime_security": "#8172B2",
    "war_preparation": "#C44E52",
    "missions_outside_war": "#55A868",
    "wartime_support": "#DD8452",
}


def save_figure(fig: plt.Figure, path: str | Path) -> None:
    """PDF without creation date or producer version, so the bytes depend on data only."""
    meta = {"CreationDate": None, "Creator": None, "Producer": None}
    fig.savefig(path, metadata=meta)
    plt.close(fig)


def _integer_years(ax: plt.Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def events_by_area_year(
    events: pd.DataFrame, codebook: Codebook, start: int, end: int, path: str | Path
) -> None:
    """Stacked bars: merged events per year, by area (areas not collected are named)."""
    years = events["date_start"].map(lambda d: parse_partial_date(d).midpoint.year)
    counts = (
        pd.crosstab(years, events["area"])
        .reindex(index=range(start, end + 1), columns=list(AREAS), fill_value=0)
        .fillna(0)
    )
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    bottom = pd.Series(0, index=counts.index)
    for area in AREAS:
        if not codebook.area_collected(area):
            continue
        ax.bar(
            counts.index,
            counts[area],
            bottom=bottom,
            color=AREA_COLOURS[area],
            label=codebook.areas[area]["label"],
            width=0.8,
        )
        bottom = bottom + counts[area]
    missing = [codebook.areas[a]["label"] for a in AREAS if not codebook.area_collected(a)]
    ax.set_ylabel("Events")
    ax.set_xlim(start - 0.6, end + 0.6)
    _integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if missing:
        ax.set_title("Not yet collected: " + ", ".join(missing), fontsize=7, loc="left")
    fig.tight_layout()
    save_figure(fig, path)


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
    _integer_years(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    save_figure(fig, path)


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


def network_periods(
    panel: pd.DataFrame, focal_states: list[str], periods: list[tuple[int, int]], path: str | Path
) -> None:
    """Tie networks among the focal states per period; edge width = years with a tie."""
    import networkx as nx

    from tiesmap.countries import to_name
    from tiesmap.network import any_tie

    panel = panel.assign(tie_any=any_tie(panel))
    fig, axes = plt.subplots(1, len(periods), figsize=(2.2 * len(periods), 2.4))
    axes = [axes] if len(periods) == 1 else list(axes)
    layout = nx.circular_layout(sorted(focal_states))
    for ax, (start, end) in zip(axes, periods, strict=True):
        part = panel[panel["year"].between(start, end)]
        years = part.groupby(["state_a", "state_b"])["tie_any"].sum()
        g = nx.Graph()
        g.add_nodes_from(sorted(focal_states))
        for (a, b), n in sorted(years.items()):
            if n > 0 and a in layout and b in layout:
                g.add_edge(a, b, weight=float(n))
        widths = [0.5 + 3.0 * g[u][v]["weight"] / (end - start + 1) for u, v in g.edges()]
        nx.draw_networkx_nodes(g, layout, ax=ax, node_color="#dddddd", node_size=500)
        nx.draw_networkx_edges(g, layout, ax=ax, width=widths, edge_color="#4C72B0")
        nx.draw_networkx_labels(g, layout, ax=ax, font_size=7)
        ax.set_title(f"{start}–{end}", fontsize=8)
        ax.set_axis_off()
        ax.margins(0.2)
    fig.suptitle("Ties among " + ", ".join(to_name(s) for s in sorted(focal_states)), fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)
