"""Seeded synthetic events in the canonical schema, at any size.

Not data: a load generator for the benchmarks. Each event has 2-8 distinct
participants (uniform by default) drawn with a skewed popularity from 200
ISO3-like states -- CHN, IRN, PRK, RUS and 196 codes from the user-assigned
range XAA-XZZ, so none is a real country -- over 35 years (1991-2025), with a
collected codebook activity and its area, day/month/year date precision,
follow-up flags and, for the directed activities (arms_sale, weapons_delivery),
the supplier first and a TIV. Columns are `tiesmap.core.schema.SOURCE_EVENT_COLUMNS`
(the canonical columns plus `tiv` and `flags`), as the source adapters write.

Strings are assembled as Arrow buffers with numpy, so ten million events take
about a minute (5 GB peak).

    .venv/bin/python benchmarks/synthetic.py --events 10000000 --seed 1 --out events.parquet
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tiesmap.core.codebook import COLLECTED, load_codebook
from tiesmap.core.schema import SOURCE_EVENT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
FOCAL = ("CHN", "IRN", "PRK", "RUS")
FIRST_YEAR = 1991
N_YEARS = 35
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def state_codes(n_states: int = 200) -> list[str]:
    """The four focal states plus XAA, XAB, ... (user-assigned ISO 3166 codes), sorted."""
    if not 4 <= n_states <= 4 + 26 * 26:
        raise ValueError("n_states must be between 4 and 680")
    extra = [f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    return sorted(FOCAL + tuple(extra[: n_states - 4]))


def _strings(rows: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """An Arrow string array from a (n, width) uint8 matrix, row i cut to lengths[i]."""
    keep = np.arange(rows.shape[1])[None, :] < lengths[:, None]
    data = rows[keep]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return pa.LargeStringArray.from_buffers(
        len(lengths), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))
    ).cast(pa.string())


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as a (n, width) uint8 matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers[None, :]) % 10 + 48).astype(np.uint8)


def _distinct_participants(
    rng: np.random.Generator, n: np.ndarray, n_states: int, max_n: int
) -> np.ndarray:
    """(events, max_n) state indices, the first n[i] distinct in row i; the rest -1."""
    popularity = 1.0 / (np.arange(n_states) + 20.0)
    popularity /= popularity.sum()
    order = rng.permutation(n_states)  # popularity is not alphabetical
    out = np.full((len(n), max_n), -1, dtype=np.int32)
    todo = np.arange(len(n))
    cols = np.arange(max_n)[None, :]
    while todo.size:
        draw = order[rng.choice(n_states, size=(todo.size, max_n), p=popularity)]
        used = cols < n[todo, None]
        masked = np.where(used, draw, n_states + cols)  # unused slots never collide
        srt = np.sort(masked, axis=1)
        dup = (srt[:, 1:] == srt[:, :-1]).any(axis=1)
        ok = todo[~dup]
        out[ok] = np.where(used[~dup], draw[~dup], -1)
        todo = todo[dup]
    return out


def synthetic_events(
    n_events: int,
    seed: int,
    n_states: int = 200,
    first_year: int = FIRST_YEAR,
    n_years: int = N_YEARS,
    max_participants: int = 8,
) -> pa.Table:
    """A seeded table of canonical events (SOURCE_EVENT_COLUMNS order and types)."""
    if n_events < 1:
        raise ValueError("n_events must be positive")
    rng = np.random.default_rng(seed)
    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    activities = sorted(
        (a for a in codebook.activities.values() if a.status == COLLECTED), key=lambda a: a.code
    )
    act_names = np.array([a.code for a in activities], dtype=object)
    act_area = np.array([a.area for a in activities], dtype=object)
    act_level = np.array([a.levels[0] for a in activities], dtype=object)
    act_directed = np.array([a.directed for a in activities])
    states = state_codes(n_states)
    letters = np.frombuffer("".join(states).encode("ascii"), dtype=np.uint8).reshape(-1, 3)

    m = n_events
    n = rng.integers(2, max_participants + 1, size=m)
    act = rng.integers(0, len(activities), size=m)
    directed = act_directed[act]
    parts = _distinct_participants(rng, n, n_states, max_participants)
    # Canonical order: sorted, except that a directed event lists its supplier first.
    big = np.iinfo(np.int32).max
    srt = np.sort(np.where(parts >= 0, parts, big), axis=1)
    first = rng.integers(0, n)  # the supplier's position among the sorted participants
    supplier = srt[np.arange(m), first]
    rest = np.where(np.arange(max_participants)[None, :] == first[:, None], big, srt)
    rest = np.sort(rest, axis=1)[:, : max_participants - 1]
    lead = np.column_stack([supplier, rest])
    parts = np.where(directed[:, None], lead, srt)
    parts = np.where(np.arange(max_participants)[None, :] < n[:, None], parts, 0)
    cells = np.concatenate(
        [letters[parts], np.full((m, max_participants, 1), ord(";"), dtype=np.uint8)], axis=2
    ).reshape(m, 4 * max_participants)
    participants = _strings(cells, 4 * n - 1)
    cow = _strings(np.full((m, max_participants), ord(";"), dtype=np.uint8), n - 1)

    year = first_year + rng.integers(0, n_years, size=m)
    month = rng.integers(1, 13, size=m)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = _DAYS[month - 1] + ((month == 2) & leap)
    day = 1 + (rng.random(m) * days).astype(np.int64)
    precision = rng.choice(3, size=m, p=[0.8, 0.15, 0.05])  # day, month, year
    dash = np.full((m, 1), ord("-"), dtype=np.uint8)
    date_rows = np.hstack([_digits(year, 4), dash, _digits(month, 2), dash, _digits(day, 2)])
    date_len = np.array([10, 7, 4])[precision]

    ids = _strings(
        np.hstack([np.full((m, 1), ord("S"), dtype=np.uint8), _digits(np.arange(m), 9)]),
        np.full(m, 10),
    )
    tiv = np.where(directed, np.round(rng.lognormal(3.0, 1.2, size=m), 2), np.nan)

    def const(value: str) -> pa.Array:
        return pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(m, dtype=np.int8)), pa.array([value])
        ).cast(pa.string())

    def pick(values: np.ndarray, index: np.ndarray) -> pa.Array:
        categories = sorted(set(values))
        code = np.array([categories.index(v) for v in values], dtype=np.int32)
        return pa.DictionaryArray.from_arrays(pa.array(code[index]), pa.array(categories)).cast(
            pa.string()
        )

    columns = {
        "event_id": ids,
        "date_start": _strings(date_rows, date_len),
        "date_end": const(""),
        "date_precision": pick(np.array(["day", "month", "year"], dtype=object), precision),
        "participants": participants,
        "participants_cow": cow,
        "n_participants": pa.array(n.astype(np.int64)),
        "activity": pick(act_names, act),
        "area": pick(act_area, act),
        "level": pick(act_level, act),
        "format": pick(np.array(["bilateral", "multilateral"], dtype=object), (n > 2).astype(int)),
        "forum": const(""),
        "location": const(""),
        "source": const(f"synthetic (benchmarks/synthetic.py, seed {seed})"),
        "source_type": const("dataset"),
        "confidence": const("high"),
        "follow_up": pa.array(rng.random(m) < 0.1),
        "coder": const("synthetic"),
        "notes": const(""),
        "tiv": pa.array(tiv, type=pa.float64()),
        "source_record": ids,
        "flags": const(""),
    }
    return pa.table({c: columns[c] for c in SOURCE_EVENT_COLUMNS})


def write_events(table: pa.Table, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out, row_group_size=1_000_000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True, help="number of events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--out", required=True, help="output .parquet file")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table = synthetic_events(args.events, args.seed, args.states)
    write_events(table, args.out)
    print(
        f"wrote {table.num_rows:,} events to {args.out} in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
