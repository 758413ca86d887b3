"""Figure: Tie networks among the focal states per period; edge width = years with a tie."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tiesmap.report.figures import Context, plt, save_figure


def periods_of(start: int, end: int, parts: int = 3) -> list[tuple[int, int]]:
    """Split the study period into `parts` consecutive spans of (nearly) equal length."""
    years = list(range(start, end + 1))
    size = -(-len(years) // parts)
    return [
        (chunk[0], chunk[-1]) for chunk in (years[i : i + size] for i in range(0, len(years), size))
    ]


def network_periods(
    panel: pd.DataFrame, focal_states: list[str], periods: list[tuple[int, int]], path: str | Path
) -> None:
    """Tie networks among the focal states per period; edge width = years with a tie."""
    import networkx as nx

    from tiesmap.core.countries import to_name
    from tiesmap.index.network import any_tie

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


def draw(data: pd.DataFrame, context: Context, path: str | Path) -> None:
    network_periods(data, list(context.focal_states), periods_of(context.start, context.end), path)
