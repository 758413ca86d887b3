"""From events to dyad-events: one row for every pair of participants.

A multilateral exercise with n states is n(n-1)/2 dyadic interactions. Whether it
should weigh as much for each pair as a bilateral one is a research choice, so
the weight is a parameter: "full" (1) or "inverse" (1/(n-1), each state's total
contribution equals one bilateral event).
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from tiesmap.dates import parse_partial_date

DYAD_EVENT_COLUMNS = (
    "event_id",
    "dyad",
    "state_a",
    "state_b",
    "year",
    "ref_date",
    "activity",
    "area",
    "format",
    "n_participants",
    "follow_up",
    "weight",
)


def dyad_key(a: str, b: str) -> str:
    """Undirected dyad name, alphabetical: 'CHN-RUS'."""
    x, y = sorted((a, b))
    return f"{x}-{y}"


def expand_to_dyads(events: pd.DataFrame, multilateral_weight: str = "full") -> pd.DataFrame:
    """Every unordered pair of each event's participants, with the event's weight."""
    if multilateral_weight not in ("full", "inverse"):
        raise ValueError(f"unknown multilateral_weight {multilateral_weight!r}")
    rows = []
    for rec in events.to_dict("records"):
        states = sorted(set(rec["participants"].split(";")))
        n = len(states)
        weight = 1.0 if multilateral_weight == "full" or n <= 2 else 1.0 / (n - 1)
        ref = parse_partial_date(rec["date_start"]).midpoint
        for a, b in combinations(states, 2):
            rows.append(
                {
                    "event_id": rec["event_id"],
                    "dyad": f"{a}-{b}",
                    "state_a": a,
                    "state_b": b,
                    "year": ref.year,
                    "ref_date": pd.Timestamp(ref),
                    "activity": rec["activity"],
                    "area": rec["area"],
                    "format": rec["format"],
                    "n_participants": n,
                    "follow_up": bool(rec["follow_up"]),
                    "weight": weight,
                }
            )
    out = pd.DataFrame(rows, columns=list(DYAD_EVENT_COLUMNS))
    return out.sort_values(["dyad", "ref_date", "event_id"], ignore_index=True)
