"""From events to dyad-events: one row for every pair of participants.

A multilateral exercise with n states is n(n-1)/2 dyadic interactions. Whether it
should weigh as much for each pair as a bilateral one is a research choice, so
the weight is a parameter: "full" (1), "inverse" (1/(n-1), so each state's total
contribution equals one bilateral event) or "excluded" (0: bilateral ties only).
Directed activities (arms transfers) keep their origin; the dyad key itself is
undirected, because the index measures ties, not flows.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from tiesmap.core.codebook import Codebook
from tiesmap.core.dates import parse_partial_date

MULTILATERAL_WEIGHTS = ("full", "inverse", "excluded")
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
    "forum",
    "n_participants",
    "follow_up",
    "origin",
    "tiv",
    "source_type",
    "weight",
)


def dyad_key(a: str, b: str) -> str:
    """Undirected dyad name, alphabetical: 'CHN-RUS'."""
    x, y = sorted((a, b))
    return f"{x}-{y}"


def multilateral_weight(n_participants: int, rule: str) -> float:
    """Weight of one dyad-event of an event with n participants under `rule`."""
    if rule not in MULTILATERAL_WEIGHTS:
        raise ValueError(f"unknown multilateral_weight {rule!r}")
    if n_participants <= 2 or rule == "full":
        return 1.0
    return 0.0 if rule == "excluded" else 1.0 / (n_participants - 1)


def expand_to_dyads(
    events: pd.DataFrame, rule: str = "full", directed: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Every unordered pair of each event's participants, with the event's weight.

    For activities in `directed` the first listed participant is the origin
    (supplier); only pairs involving the origin are formed, since co-recipients
    of one delivery have no tie through it.
    """
    rows = []
    for rec in events.to_dict("records"):
        listed = list(dict.fromkeys(rec["participants"].split(";")))
        n = len(listed)
        weight = multilateral_weight(n, rule)
        ref = parse_partial_date(rec["date_start"]).midpoint
        is_directed = rec["activity"] in directed
        pairs = (
            [(listed[0], other) for other in listed[1:]]
            if is_directed
            else list(combinations(sorted(listed), 2))
        )
        for a, b in pairs:
            x, y = sorted((a, b))
            rows.append(
                {
                    "event_id": rec["event_id"],
                    "dyad": f"{x}-{y}",
                    "state_a": x,
                    "state_b": y,
                    "year": ref.year,
                    "ref_date": pd.Timestamp(ref),
                    "activity": rec["activity"],
                    "area": rec["area"],
                    "format": rec["format"],
                    "forum": rec.get("forum", "") or "",
                    "n_participants": n,
                    "follow_up": bool(rec["follow_up"]),
                    "origin": listed[0] if is_directed else "",
                    "tiv": float(rec.get("tiv", np.nan)) if rec.get("tiv") is not None else np.nan,
                    "source_type": rec.get("source_type", "") or "",
                    "weight": weight,
                }
            )
    out = pd.DataFrame(rows, columns=list(DYAD_EVENT_COLUMNS))
    out["ref_date"] = pd.to_datetime(out["ref_date"])
    return out.sort_values(["dyad", "ref_date", "event_id"], ignore_index=True)


def directed_activities(codebook: Codebook) -> frozenset[str]:
    """Codes of the activities that run from one state to another."""
    return frozenset(a.code for a in codebook.activities.values() if a.directed)
