"""Provenance: from a merged event back to the coder rows and sources that formed it."""

from __future__ import annotations

import pandas as pd

from tiesmap.codings.merge import CODED_VARIABLES
from tiesmap.core.errors import InputError, Problem


def trace_event(
    event_id: str, events: pd.DataFrame, codings: pd.DataFrame, disagreements: pd.DataFrame
) -> str:
    """A readable chain: merged values, each coder's row (file and row) and the sources,
    and how every disagreement on the event was resolved."""
    match = events[events["event_id"] == event_id]
    if match.empty:
        raise InputError([Problem("events", None, "event_id", event_id, "no such merged event")])
    ev = match.iloc[0]
    lines = [
        f"event {event_id}: {ev['activity']} ({ev['area']}), {ev['date_start']}, "
        f"{ev['participants']}, {ev['format']}"
        + (" [provisional: " + ev["provisional_variables"] + "]" if ev["provisional"] else ""),
        f"  merged from: {ev['source_record']}",
        "  sources:",
    ]
    lines += [f"    {s.strip()}" for s in str(ev["source"]).split("|") if s.strip()]
    for rec in codings[codings["event_id"] == event_id].sort_values("coder").to_dict("records"):
        values = ", ".join(f"{v}={rec[v]}" for v in CODED_VARIABLES)
        lines.append(f"  {rec['coder']} ({rec['source_record']}): {values}")
    dis = disagreements[disagreements["event_id"] == event_id]
    for rec in dis.to_dict("records"):
        lines.append(
            f"  disagreement on {rec['variable']}: {rec['resolution']} -> '{rec['decided_value']}'"
        )
    return "\n".join(lines)
