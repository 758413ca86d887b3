"""Network structure of ties: is it a bloc or a web of bilateral ties?

A bloc shows up as high density and transitivity (partners of partners are
partners: triadic closure) and as much multilateral interaction; a web of
bilateral ties as a sparse, star-shaped graph with little multilateral activity.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from tiesmap.core.codebook import AREAS


def tie_graph(panel_year: pd.DataFrame, column: str, states: list[str]) -> nx.Graph:
    """Graph of `states` with an edge for every dyad whose `column` is 1 in the rows."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(states))
    for rec in panel_year[panel_year[column] == 1].to_dict("records"):
        if rec["state_a"] in graph and rec["state_b"] in graph:
            graph.add_edge(rec["state_a"], rec["state_b"])
    return graph


def any_tie(panel: pd.DataFrame) -> pd.Series:
    """1 where the dyad has a tie in at least one area, 0 where none, NaN if nothing observed."""
    ties = panel[[f"tie_{a}" for a in AREAS]]
    return ties.max(axis=1, skipna=True).where(ties.notna().any(axis=1))


def network_by_year(panel: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """Density, transitivity, edges and multilateral share among the focal states,
    per year and area (plus 'any' for a tie in any area)."""
    panel = panel.assign(tie_any=any_tie(panel))
    focal = panel[panel["state_a"].isin(focal_states) & panel["state_b"].isin(focal_states)]
    rows = []
    for year, group in focal.groupby("year", sort=True):
        for area in ("any", *AREAS):
            column = f"tie_{area}"
            if group[column].isna().all():
                continue
            g = tie_graph(group, column, focal_states)
            rows.append(
                {
                    "year": int(year),
                    "area": area,
                    "edges": g.number_of_edges(),
                    "density": nx.density(g),
                    "transitivity": nx.transitivity(g),
                    "multilateral_share": float(np.nanmean(group["multilateral_share"]))
                    if group["multilateral_share"].notna().any()
                    else np.nan,
                }
            )
    return pd.DataFrame(rows)


def degree_centrality_by_year(panel: pd.DataFrame, focal_states: list[str]) -> pd.DataFrame:
    """Each focal state's degree centrality in the any-area tie graph, per year."""
    panel = panel.assign(tie_any=any_tie(panel))
    rows = []
    for year, group in panel.groupby("year", sort=True):
        g = tie_graph(group, "tie_any", focal_states)
        for state, value in sorted(nx.degree_centrality(g).items()):
            rows.append({"year": int(year), "state": state, "degree_centrality": value})
    return pd.DataFrame(rows)
