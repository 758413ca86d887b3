"""Fast paths for large inputs: events -> dyad x period x area counts -> panel, the
tie rule on those counts, and the index's Monte Carlo.

These are the workflow's only implementations of these steps. Expanding each
event into dyad-event records (`expand_to_dyads`) is right for a few thousand
hand codings and far too slow for millions of machine-coded events (10 million
events with 2-8 participants are about 110 million dyad-events). `count_dyads`
never materialises dyad-events. It

1. reads the columns it needs as Arrow arrays and decodes the ';'-joined
   3-letter participant codes straight from the string buffer (every state
   gets an integer code, in alphabetical order);
2. sorts events into classes (n participants, format, follow-up, directed),
   so that a class is an (n x events) array of state codes, and forms all
   pairs at once -- the n(n-1)/2 pairs of the sorted list, or the n-1 pairs
   with the supplier for directed activities -- as integer cell keys
   dyad x bin x area;
3. counts the keys with `np.bincount`. The weight of a dyad-event depends only
   on n, so one pass gives the counts under all three multilateral rules
   ("full", "inverse", "excluded").

`DyadCounts` holds those counts; `panel_from_counts` turns them into the
balanced dyad-year frame, and `add_sustained_ties` adds the sustained-tie
columns (tests/oracles.py holds the direct pandas versions they are checked
against).
Counts are kept per bin of `months_per_bin` months (12 = years); any tie
window that is a multiple of the bin is exact, because a window of w months
ending on 31 December covers whole calendar months. `window_counts` does the
same on a dyad-events frame; `scenario_scores` and `monte_carlo` are the two
steps of the index's sensitivity analysis (`tiesmap.index.sensitivity.Space`).

Events are expected to have passed the canonical schema (`validate_events`):
the fast path checks the shape of participants and dates, not every rule.

Window sums are rounded to 9 decimals, so that k inverse-weighted events (sums
of 1/(n-1)) meet a threshold of k exactly rather than missing it by float
round-off; a comparison of unrounded sums could give no tie where the sum is
k up to 1e-16 (e.g. six events of 1/3).
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations, product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tiesmap.core.codebook import AREAS, Codebook
from tiesmap.index.dyads import MULTILATERAL_WEIGHTS, multilateral_weight
from tiesmap.index.index import normalise, tie_intensity
from tiesmap.index.panel import coverage_mask

EVENT_COLUMNS = (
    "participants",
    "date_start",
    "date_end",
    "activity",
    "area",
    "format",
    "follow_up",
    "tiv",
    "quantity",
    "quantity_unit",
)
CATEGORICAL_COLUMNS = ("activity", "area", "format")
WINDOW_DECIMALS = 9
COUNT_FIELDS = ("w2", "wm", "wi", "m2", "mm", "mi", "f2", "fm")
_CODE_SPACE = 26**3  # every 3-letter upper-case code
_SEMICOLON = ord(";")
_KEYS_PER_CHUNK = 1 << 23  # bounds the temporaries of one bincount

EventsLike = pd.DataFrame | pa.Table | str | Path


# --------------------------------------------------------------------------- reading


def read_events(path: str | Path) -> pa.Table:
    """The columns the fast path needs from an events parquet file, as Arrow.

    Activity, area and format are read as dictionaries (no per-row strings).
    """
    names = pq.read_schema(path).names
    columns = [c for c in EVENT_COLUMNS if c in names]
    return pq.read_table(
        path,
        columns=columns,
        read_dictionary=[c for c in CATEGORICAL_COLUMNS if c in columns],
    )


def _as_table(events: EventsLike) -> pa.Table:
    if isinstance(events, str | Path):
        return read_events(events)
    if isinstance(events, pd.DataFrame):
        columns = [c for c in EVENT_COLUMNS if c in events.columns]
        return pa.Table.from_pandas(events[columns], preserve_index=False)
    if isinstance(events, pa.Table):
        return events.select([c for c in EVENT_COLUMNS if c in events.column_names])
    raise TypeError(f"expected a DataFrame, an Arrow table or a parquet path, got {type(events)}")


def _string_chunks(column: pa.ChunkedArray, name: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(offsets relative to data, data bytes) of each chunk of a string column."""
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        if pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_decode()
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            chunk = chunk.cast(pa.large_string())
        if chunk.null_count:
            raise ValueError(f"{name} has {chunk.null_count} missing values")
        width = np.int32 if pa.types.is_string(chunk.type) else np.int64
        buffers = chunk.buffers()
        offsets = np.frombuffer(
            buffers[1], dtype=width, count=len(chunk) + 1, offset=chunk.offset * width().itemsize
        ).astype(np.int64)
        first, last = int(offsets[0]), int(offsets[-1])
        if buffers[2] is None or last == first:
            data = np.zeros(0, dtype=np.uint8)
        else:
            data = np.frombuffer(buffers[2], dtype=np.uint8, count=last - first, offset=first)
        yield offsets - first, data


def _participant_codes(column: pa.ChunkedArray, row: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All listed participants as 3-letter codes 0..26^3-1 (flat, uint16), and n per event.

    A list of n codes is 4n - 1 bytes; with the separators dropped, the bytes of
    all lists are one stream of letter triples. `row` numbers the column's first
    value in error messages.
    """
    codes, counts = [], []
    for offsets, data in _string_chunks(column, "participants"):
        lengths = np.diff(offsets)
        n = (lengths + 1) >> 2
        letters = data[data != _SEMICOLON]
        bad = np.flatnonzero((((lengths + 1) & 3) != 0) | (n < 1))
        if bad.size == 0 and (letters.size != 3 * int(n.sum()) or _any_above(letters, 65, 25)):
            bad = _first_bad_list(offsets, data)
        if bad.size:
            i = int(bad[0])
            text = bytes(data[offsets[i] : offsets[i + 1]]).decode("utf-8", "replace")
            raise ValueError(
                f"participants in row {row + i}: {text!r} is not ';'-joined 3-letter "
                "upper-case codes (validate events with tiesmap.core.schema first)"
            )
        triple = letters.reshape(-1, 3)
        code = triple[:, 0].astype(np.uint16)
        code *= 676
        part = triple[:, 1].astype(np.uint16)
        part *= 26
        code += part
        code += triple[:, 2]
        code -= np.uint16(65 * 703)
        codes.append(code)
        counts.append(n)
        row += len(lengths)
    if not codes:
        return np.zeros(0, dtype=np.uint16), np.zeros(0, dtype=np.int64)
    return np.concatenate(codes), np.concatenate(counts)


def _any_above(values: np.ndarray, low: int, span: int) -> bool:
    """Whether any uint8 value lies outside [low, low + span]."""
    return bool(values.size) and int((values - np.uint8(low)).max()) > span


def _first_bad_list(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Row of the first malformed participant list (slow; only to report it)."""
    for i in range(len(offsets) - 1):
        text = bytes(data[offsets[i] : offsets[i + 1]]).decode("utf-8", "replace")
        parts = text.split(";")
        if len(parts) < 1 or not all(len(p) == 3 and p.isascii() and p.isupper() for p in parts):
            return np.array([i])
    return np.array([0])


def _date_parts(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Year and month (1-12) of each event's reference date (the midpoint of YYYY,
    YYYY-MM or YYYY-MM-DD: a year-precision date falls on 1 or 2 July)."""
    years, months = [], []
    for offsets, data in _string_chunks(column, "date_start"):
        start = offsets[:-1]
        lengths = np.diff(offsets)
        last = max(len(data) - 1, 0)
        padded = data if len(data) else np.zeros(1, dtype=np.uint8)
        digit = [padded[np.minimum(start + k, last)] - np.uint8(48) for k in (0, 1, 2, 3, 5, 6)]
        year = digit[0].astype(np.int32) * 1000
        year += digit[1].astype(np.int32) * 100
        year += digit[2].astype(np.int32) * 10
        year += digit[3]
        month = np.where(lengths >= 7, digit[4].astype(np.int32) * 10 + digit[5], 7)
        high = np.maximum(np.maximum(digit[0], digit[1]), np.maximum(digit[2], digit[3]))
        ok = (lengths == 4) | (lengths == 7) | (lengths == 10)
        ok &= (high <= 9) & (month >= 1) & (month <= 12)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            text = bytes(data[offsets[i] : offsets[i + 1]]).decode("utf-8", "replace")
            raise ValueError(f"date_start {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        years.append(year)
        months.append(month.astype(np.int32))
    if not years:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate(years), np.concatenate(months)


def _category_codes(column: pa.ChunkedArray, categories: Sequence[str]) -> np.ndarray:
    """Index of each value in `categories` (-1 for anything else, including nulls)."""
    out = []
    for chunk in column.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(chunk)
        values = chunk.dictionary.to_pylist()
        lut = np.array(
            [categories.index(v) if v in categories else -1 for v in values] + [-1], dtype=np.int16
        )
        indices = chunk.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
        out.append(lut[indices])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int16)


def _bool_column(column: pa.ChunkedArray, name: str) -> np.ndarray:
    if column.null_count:
        raise ValueError(f"{name} has {column.null_count} missing values")
    if not pa.types.is_boolean(column.type):
        column = column.cast(pa.bool_())
    return column.to_numpy(zero_copy_only=False).astype(bool)


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class DyadCounts:
    """Dyad-event counts per undirected dyad x bin of months x area.

    `arrays` holds float arrays of shape (dyads, bins, areas); the first letter
    names the quantity, the second the weight class:

    * w: dyad-events, m: those of events in multilateral format, f: those with a
      follow-up flag;
    * 2: from events with at most two (distinct) participants, weight 1 under
      every rule; m: count and i: sum of 1/(n-1) over events with n > 2.

    `tiv` (dyads, bins) sums the TIV of every dyad-event (whatever its weight).
    Dyad d is the pair (i, j), i < j, of `states` in alphabetical order, so
    dyads are ordered as their names 'AAA-BBB' sort. The arrays are dense:
    about 72 bytes per dyad x bin x area (250 MB for 200 states, 35 years in
    yearly bins; twelve times that in monthly bins).
    """

    states: tuple[str, ...]
    first_year: int
    last_year: int
    months_per_bin: int
    arrays: dict[str, np.ndarray] = field(repr=False)
    tiv: np.ndarray = field(repr=False)
    events_before: int = 0
    events_after: int = 0

    @property
    def n_dyads(self) -> int:
        return len(self.states) * (len(self.states) - 1) // 2

    @property
    def bins_per_year(self) -> int:
        return 12 // self.months_per_bin

    @property
    def n_years(self) -> int:
        return self.last_year - self.first_year + 1

    def weight(self, rule: str) -> np.ndarray:
        """Weighted dyad-events under a multilateral rule: (dyads, bins, areas)."""
        a = self.arrays
        return {"full": a["w2"] + a["wm"], "inverse": a["w2"] + a["wi"], "excluded": a["w2"]}[
            _rule(rule)
        ]

    def multilateral(self, rule: str) -> np.ndarray:
        """Weighted dyad-events of events in multilateral format."""
        a = self.arrays
        return {"full": a["m2"] + a["mm"], "inverse": a["m2"] + a["mi"], "excluded": a["m2"]}[
            _rule(rule)
        ]

    def followed(self, rule: str) -> np.ndarray:
        """Dyad-events with a follow-up flag and a positive weight under `rule`."""
        a = self.arrays
        return a["f2"] if _rule(rule) == "excluded" else a["f2"] + a["fm"]

    def by_year(self, values: np.ndarray) -> np.ndarray:
        """Sum bins to years: (dyads, bins, ...) -> (dyads, years, ...)."""
        shape = (values.shape[0], self.n_years, self.bins_per_year, *values.shape[2:])
        return values.reshape(shape).sum(axis=2)

    def dyad_names(self) -> list[str]:
        return [f"{a}-{b}" for a, b in combinations(self.states, 2)]

    def dyad_index(self, dyads: Iterable[str]) -> np.ndarray:
        """Index of each dyad name ('AAA-BBB', alphabetical) in the counts; -1 if absent."""
        position = {s: i for i, s in enumerate(self.states)}
        n = len(self.states)
        out = []
        for name in dyads:
            a, _, b = str(name).partition("-")
            i, j = position.get(a, -1), position.get(b, -1)
            out.append(-1 if i < 0 or j <= i else i * (2 * n - i - 1) // 2 + j - i - 1)
        return np.array(out, dtype=np.int64)


def _rule(rule: str) -> str:
    if rule not in MULTILATERAL_WEIGHTS:
        raise ValueError(f"unknown multilateral_weight {rule!r}")
    return rule


def months_per_bin_for(window_months: Iterable[int]) -> int:
    """The coarsest bin (a divisor of 12) in which every window is a whole number of bins."""
    return math.gcd(12, *(int(w) for w in window_months))


def _pairs(n: int, directed: bool) -> tuple[np.ndarray, np.ndarray]:
    if directed:
        return np.zeros(n - 1, dtype=np.intp), np.arange(1, n, dtype=np.intp)
    pairs = np.array(list(combinations(range(n), 2)), dtype=np.intp).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _pair_keys(
    columns: np.ndarray, cell: np.ndarray, n: int, directed: bool, tri: np.ndarray, per_dyad: int
) -> Iterator[tuple[slice, np.ndarray]]:
    """Cell keys dyad * per_dyad + cell of every pair of each event, in blocks of events.

    `columns` is (n, events): participant k of each event in row k. Yields
    (events, keys) with keys of shape (pairs, events). Undirected events must
    list their participants in ascending order (then pair (i, j), i < j, is
    already (low, high)); for directed events each pair is ordered here.
    """
    first, second = _pairs(n, directed)
    if first.size == 0:
        return
    step = max(1, _KEYS_PER_CHUNK // first.size)
    for lo in range(0, columns.shape[1], step):
        rows = slice(lo, min(lo + step, columns.shape[1]))
        block = columns[:, rows]
        here = cell[rows]
        keys = np.empty((first.size, block.shape[1]), dtype=np.int64)
        if directed:
            for p, (i, j) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
                low = np.minimum(block[i], block[j])
                high = np.maximum(block[i], block[j])
                np.add(tri[low], high, out=keys[p])
                keys[p] *= per_dyad
                keys[p] += here
        else:
            base = [tri[block[i]] * per_dyad + here for i in range(n - 1)]
            scaled = [block[j].astype(np.int64) * per_dyad for j in range(n)]
            for p, (i, j) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
                np.add(base[i], scaled[j], out=keys[p])
        yield rows, keys


_BATCH_EVENTS = 1 << 20  # events per batch of `count_dyads`: bounds its memory


def _event_batches(
    events: pa.Table | str | Path, batch_events: int, columns: Sequence[str] | None = None
) -> Iterator[pa.Table]:
    """`events` in batches of exactly `batch_events` rows (the last one shorter), in order.

    A parquet path is streamed from disk (only `columns` of EVENT_COLUMNS,
    categorical ones as dictionaries), so memory does not grow with the file; its
    row groups are regrouped, so the batches do not depend on how the file was
    written. A table is sliced without copying.
    """
    if not isinstance(events, str | Path):
        for lo in range(0, max(events.num_rows, 1), batch_events):
            yield events.slice(lo, batch_events)
        return
    names = pq.read_schema(events).names
    wanted = [c for c in (columns or EVENT_COLUMNS) if c in names]
    reader = pq.ParquetFile(events, read_dictionary=[c for c in CATEGORICAL_COLUMNS if c in wanted])
    held: list[pa.RecordBatch] = []
    rows, yielded = 0, False
    for batch in reader.iter_batches(batch_size=batch_events, columns=wanted):
        held.append(batch)
        rows += batch.num_rows
        while rows >= batch_events:
            table = pa.Table.from_batches(held)
            yield table.slice(0, batch_events)
            rest = table.slice(batch_events)
            held, rows, yielded = rest.to_batches(), rest.num_rows, True
    if rows:
        yield pa.Table.from_batches(held)
    elif not yielded:  # an empty file
        yield reader.read(columns=wanted)


class _Accumulator:
    """The counts of `count_dyads`, filled batch by batch.

    One integer buffer (`total`) collects the pair keys of one event class
    (n, format, follow-up) chunk by chunk -- densely (bincount) when a chunk is
    large, else at its distinct keys only -- and `flush` moves them to the
    float accumulators at the cells touched (or everywhere, if any chunk was
    dense), resetting only those cells. Classes are flushed at the end of each
    batch, so the result is the same for any input of at most one batch and
    deterministic for a given batch size.
    """

    def __init__(self, n_cells: int, n_tiv: int) -> None:
        self.n_cells = n_cells
        self.acc = {name: np.zeros(n_cells) for name in COUNT_FIELDS}
        self.tiv = np.zeros(n_tiv)
        self.total = np.zeros(n_cells, dtype=np.int64)
        self.touched: list[np.ndarray] = []
        self.dense = False
        self.collected = 0  # keys since the last flush

    def collect(self, keys: np.ndarray) -> None:
        self.collected += keys.size
        if self.dense or (keys.size + sum(t.size for t in self.touched)) * 64 >= self.n_cells:
            self.total += np.bincount(keys, minlength=self.n_cells)
            self.dense = True
        else:
            found, times = np.unique(keys, return_counts=True)
            self.total[found] += times
            self.touched.append(found)

    def flush(self, size: int, multi: bool, followed: bool) -> None:
        if not self.dense and not self.touched:
            return
        if self.dense:
            # Many keys: whole arrays (contiguous); few: only the cells counted.
            # Adding 0.0 to the cells not counted changes nothing either way.
            many = self.collected * 4 >= self.n_cells
            where: Any = slice(None) if many else np.flatnonzero(self.total)
        else:
            touched = self.touched
            where = np.unique(np.concatenate(touched)) if len(touched) > 1 else touched[0]
        count = self.total[where]
        acc = self.acc
        cls = "2" if size <= 2 else "m"
        acc["w" + cls][where] += count
        if multi:
            acc["m" + cls][where] += count
        if followed:
            acc["f" + cls][where] += count
        if size > 2:
            share = count * (1.0 / (size - 1))
            acc["wi"][where] += share
            if multi:
                acc["mi"][where] += share
        self.total[where] = 0
        self.touched.clear()
        self.dense = False
        self.collected = 0


@dataclass(frozen=True)
class _Grid:
    """Where a dyad x bin x area cell sits in the flat count arrays."""

    lookup: np.ndarray  # 3-letter code -> state position (-1: absent)
    tri: np.ndarray  # state position i -> offset of the dyads (i, .) minus i + 1
    first_year: int
    last_year: int
    months_per_bin: int
    per_dyad: int


def _batch_years(table: pa.Table, months: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Year and month (1-12) of each event of a batch: its date's midpoint, or `months`."""
    if months is None:
        return _date_parts(table["date_start"])
    return (months // 12).astype(np.int32), (months % 12 + 1).astype(np.int32)


def _count_batch(
    table: pa.Table,
    months: np.ndarray | None,
    directed: Sequence[str],
    grid: _Grid,
    accumulator: _Accumulator,
    row0: int,
    parsed: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> None:
    """Add the dyad-events of one batch of events to `accumulator` (`parsed`: its
    participant codes, counts, years and months, when the first pass kept them)."""
    if parsed is None:
        codes, n = _participant_codes(table["participants"], row0)
        year, month = _batch_years(table, months)
    else:
        codes, n, year, month = parsed
    area = _category_codes(table["area"], AREAS)
    if np.any(area < 0):
        raise ValueError(f"unknown area in events (expected one of {', '.join(AREAS)})")
    is_directed = (
        _category_codes(table["activity"], directed) >= 0
        if directed
        else np.zeros(len(n), dtype=bool)
    )
    is_multi = _category_codes(table["format"], ["multilateral"]) == 0
    follow = _bool_column(table["follow_up"], "follow_up")
    tiv = (
        np.nan_to_num(table["tiv"].to_numpy().astype(float), nan=0.0)
        if "tiv" in table.column_names
        else np.zeros(len(n))
    )
    flat = grid.lookup[codes]
    del codes
    starts = np.cumsum(n) - n
    n_areas = len(AREAS)
    cell = (
        (year.astype(np.int64) - grid.first_year) * 12 + month - 1
    ) // grid.months_per_bin * n_areas + area
    inside = (year >= grid.first_year) & (year <= grid.last_year)

    # One block of events per class (n, format, follow-up, directed); blocks that
    # differ only in `directed` are adjacent and share one count.
    klass = n << 3
    klass |= is_multi.view(np.int8) << 2
    klass |= follow.view(np.int8) << 1
    klass |= is_directed.view(np.int8)
    klass[~inside] = -1
    if klass.size and klass.max() < 2**15:
        klass = klass.astype(np.int16)  # a radix sort
    order = np.argsort(klass, kind="stable")
    klass = klass[order]
    skip = int(np.searchsorted(klass, 0))  # events outside the years sort first
    rows_in, klass = order[skip:], klass[skip:]
    bounds = np.flatnonzero(np.diff(klass)) + 1
    current = None
    for lo, hi in zip(np.r_[0, bounds].tolist(), np.r_[bounds, klass.size].tolist(), strict=True):
        if lo == hi:
            continue
        k = int(klass[lo])
        size, multi, followed, dir_flag = k >> 3, bool(k >> 2 & 1), bool(k >> 1 & 1), bool(k & 1)
        if current != (size, multi, followed):
            if current is not None:
                accumulator.flush(*current)
            current = (size, multi, followed)
        rows = rows_in[lo:hi]
        offsets = starts[rows]
        columns = np.empty((size, len(rows)), dtype=flat.dtype)  # participant k of each row
        for k in range(size):
            np.take(flat, offsets + k, out=columns[k])
        ordered = np.ones(len(rows), dtype=bool)
        for k in range(size - 1):
            ordered &= columns[k + 1] > columns[k]
        if not ordered.all():
            unordered = np.flatnonzero(~ordered)
            srt = np.sort(columns[:, unordered].T, axis=1)
            repeated = np.any(srt[:, 1:] == srt[:, :-1], axis=1)
            if repeated.any():
                bad = unordered[repeated]
                _count_repeated(
                    columns[:, bad].T, rows[bad], is_directed, is_multi, follow, tiv, cell,
                    grid.tri, grid.per_dyad, n_areas, accumulator.acc, accumulator.tiv,
                )  # fmt: skip
                keep = np.ones(len(rows), dtype=bool)
                keep[bad] = False
                rows, columns, srt = rows[keep], columns[:, keep], srt[~repeated]
                unordered = np.flatnonzero(~ordered[keep])
            if not dir_flag:  # undirected pairs are the pairs of the sorted list
                columns[:, unordered] = srt.T
        row_tiv = tiv[rows]
        for chunk, keys in _pair_keys(columns, cell[rows], size, dir_flag, grid.tri, grid.per_dyad):
            accumulator.collect(keys.ravel())
            chunk_tiv = row_tiv[chunk]
            if np.any(chunk_tiv):
                accumulator.tiv += np.bincount(
                    (keys // n_areas).ravel(),
                    weights=np.tile(chunk_tiv, keys.shape[0]),
                    minlength=accumulator.tiv.size,
                )
    if current is not None:
        accumulator.flush(*current)


def count_dyads(
    events: EventsLike,
    directed: Iterable[str] = frozenset(),
    first_year: int | None = None,
    last_year: int | None = None,
    months_per_bin: int = 12,
    months: np.ndarray | None = None,
    batch_events: int = _BATCH_EVENTS,
) -> DyadCounts:
    """Count the dyad-events of `events` (DataFrame, Arrow table or parquet path)
    per dyad x bin x area under all three multilateral rules.

    Each event is dated by the midpoint of `date_start`, as in `expand_to_dyads`
    (or by `months`: months since year 0, one per event, e.g. its last active month);
    events outside [first_year, last_year] (default: the years present) are
    left out and counted in `events_before` / `events_after`. Activities in
    `directed` pair the first listed participant with each other one.

    The events are read twice, in batches of `batch_events`: once for the states
    and years present (which fix the shape of the counts), once to count. Memory
    is the counts plus one batch, whatever the number of events (a parquet path
    is streamed from disk).
    """
    if months_per_bin not in (1, 2, 3, 4, 6, 12):
        raise ValueError("months_per_bin must divide 12")
    source: pa.Table | str | Path
    if not isinstance(events, str | Path):
        source = _as_table(events)
    elif pq.ParquetFile(events).metadata.num_rows <= batch_events:
        source = read_events(events)  # one batch: read once, not once per pass
    else:
        source = events
    names = pq.read_schema(source).names if isinstance(source, str | Path) else source.column_names
    missing = {"participants", "date_start", "activity", "area", "format", "follow_up"} - set(names)
    if missing:
        raise ValueError(f"events lack columns {sorted(missing)}")
    if months is not None:
        months = np.asarray(months, dtype=np.int64)

    def batches(
        columns: Sequence[str] | None = None,
    ) -> Iterator[tuple[pa.Table, np.ndarray | None, int]]:
        row = 0
        for table in _event_batches(source, batch_events, columns):
            part = None if months is None else months[row : row + table.num_rows]
            if part is not None and part.shape != (table.num_rows,):
                raise ValueError("months needs one value per event")
            yield table, part, row
            row += table.num_rows
        if months is not None and months.shape != (row,):
            raise ValueError("months needs one value per event")

    # Pass 1: which states and years occur.
    seen = np.zeros(_CODE_SPACE, dtype=bool)
    year_counts = np.zeros(10_000, dtype=np.int64)
    single = isinstance(source, pa.Table) and source.num_rows <= batch_events
    parsed = None  # one batch: what this pass parses serves the second too
    for table, part, row in batches(None if single else ("participants", "date_start")):
        codes, n = _participant_codes(table["participants"], row)
        seen[codes] = True
        year, month = _batch_years(table, part)
        year_counts += np.bincount(np.clip(year, 0, 9_999), minlength=10_000)
        if single:
            parsed = (codes, n, year, month)
    present = np.flatnonzero(seen)
    years_present = np.flatnonzero(year_counts)
    if first_year is None:
        first_year = int(years_present[0]) if years_present.size else 0
    if last_year is None:
        last_year = int(years_present[-1]) if years_present.size else first_year
    if last_year < first_year:
        raise ValueError("last_year is before first_year")

    lookup = np.full(_CODE_SPACE, -1, dtype=np.int16)
    lookup[present] = np.arange(present.size, dtype=np.int16)
    states = tuple(
        chr(65 + c // 676) + chr(65 + c // 26 % 26) + chr(65 + c % 26) for c in present.tolist()
    )
    n_states = len(states)
    n_dyads = n_states * (n_states - 1) // 2
    n_bins = (last_year - first_year + 1) * (12 // months_per_bin)
    n_areas = len(AREAS)
    lo_index = np.arange(n_states, dtype=np.int64)
    grid = _Grid(
        lookup=lookup,
        tri=lo_index * (2 * n_states - lo_index - 1) // 2 - lo_index - 1,
        first_year=first_year,
        last_year=last_year,
        months_per_bin=months_per_bin,
        per_dyad=n_bins * n_areas,
    )

    # Pass 2: count.
    accumulator = _Accumulator(n_dyads * grid.per_dyad, n_dyads * n_bins)
    chosen = sorted(set(directed))
    for table, part, row in batches():
        _count_batch(table, part, chosen, grid, accumulator, row, parsed)

    shape = (n_dyads, n_bins, n_areas)
    return DyadCounts(
        states=states,
        first_year=first_year,
        last_year=last_year,
        months_per_bin=months_per_bin,
        arrays={name: values.reshape(shape) for name, values in accumulator.acc.items()},
        tiv=accumulator.tiv.reshape(n_dyads, n_bins),
        events_before=int(year_counts[: max(first_year, 0)].sum()),
        events_after=int(year_counts[min(last_year + 1, 10_000) :].sum()),
    )


def _count_repeated(
    matrix, rows, is_directed, is_multi, follow, tiv, cell, tri, per_dyad, n_areas, acc, tiv_acc
) -> None:
    """Events listing a state twice: drop the repeats (as `expand_to_dyads` does),
    then count each remaining pair one by one. Rare; canonical events have none."""
    for listed_all, row in zip(matrix.tolist(), rows.tolist(), strict=True):
        listed = list(dict.fromkeys(listed_all))
        size = len(listed)
        pairs = (
            [(listed[0], other) for other in listed[1:]]
            if is_directed[row]
            else list(combinations(sorted(listed), 2))
        )
        for a, b in pairs:
            lo, hi = min(a, b), max(a, b)
            key = (int(tri[lo]) + hi) * per_dyad + int(cell[row])
            share = 1.0 / (size - 1) if size > 2 else 1.0
            cls = "2" if size <= 2 else "m"
            acc["w" + cls][key] += 1
            if is_multi[row]:
                acc["m" + cls][key] += 1
            if follow[row]:
                acc["f" + cls][key] += 1
            if size > 2:
                acc["wi"][key] += share
                if is_multi[row]:
                    acc["mi"][key] += share
            tiv_acc[key // n_areas] += tiv[row]


# --------------------------------------------------------------------------- panel


def panel_from_counts(
    counts: DyadCounts,
    dyads: Sequence[str] | None,
    start: int,
    end: int,
    codebook: Codebook,
    coverage: list[dict[str, Any]] | None = None,
    rule: str = "full",
) -> pd.DataFrame:
    """The dyad-year panel of the counts under multilateral `rule`:
    balanced dyads x years with `n_<area>`, `tiv`, `multilateral_share` and
    `uncollected_<area>` (dyads=None: every pair of states in the counts)."""
    names = sorted(dyads) if dyads is not None else counts.dyad_names()
    years = np.arange(start, end + 1, dtype=np.int64)
    n_dyads, n_years = len(names), len(years)
    index = counts.dyad_index(names)
    d = np.where(index >= 0, index, counts.n_dyads)  # the padding row holds zeros
    offset = years - counts.first_year
    y = np.where((offset >= 0) & (offset < counts.n_years), offset, counts.n_years)

    def per_row(values: np.ndarray) -> np.ndarray:
        yearly = counts.by_year(values)
        padded = np.zeros((yearly.shape[0] + 1, yearly.shape[1] + 1, *yearly.shape[2:]))
        padded[:-1, :-1] = yearly
        return padded[d[:, None], y[None, :]].reshape(n_dyads * n_years, *yearly.shape[2:])

    weight = per_row(counts.weight(rule))
    multi = per_row(counts.multilateral(rule)).sum(axis=1)
    total = weight.sum(axis=1)
    split = [name.split("-", 1) for name in names]
    panel = pd.DataFrame(
        {
            "dyad": np.repeat(np.array(names, dtype=object), n_years),
            "year": np.tile(years, n_dyads),
            "state_a": np.repeat(np.array([s[0] for s in split], dtype=object), n_years),
            "state_b": np.repeat(np.array([s[-1] for s in split], dtype=object), n_years),
        }
    )
    if coverage is None:
        coverage = [{"areas": list(AREAS), "start": start, "end": end}]
    observed = {
        area: codebook.area_collected(area) & coverage_mask(panel, area, coverage) for area in AREAS
    }
    for i, area in enumerate(AREAS):
        panel[f"n_{area}"] = np.where(observed[area], weight[:, i], np.nan)
    panel["tiv"] = per_row(counts.tiv[:, :, None])[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        panel["multilateral_share"] = np.where(total > 0, multi / total, np.nan)
    for area in AREAS:
        panel[f"uncollected_{area}"] = ~observed[area]
    return panel


def build_dyad_year(
    events: EventsLike,
    dyads: Sequence[str] | None,
    start: int,
    end: int,
    codebook: Codebook,
    coverage: list[dict[str, Any]] | None = None,
    rule: str = "full",
    directed: Iterable[str] = frozenset(),
) -> pd.DataFrame:
    """The dyad-year panel of `events` under multilateral `rule` (`panel_from_counts`
    of `count_dyads`), without forming dyad-events."""
    counts = count_dyads(events, directed, first_year=start, last_year=end)
    return panel_from_counts(counts, dyads, start, end, codebook, coverage, rule)


def dyad_year_counts(counts: DyadCounts, rule: str = "full") -> pd.DataFrame:
    """Long table of the non-zero weighted counts: dyad, state_a, state_b, year, area,
    weight -- the dyad-year-area panel without its zeros or coverage rules."""
    yearly = counts.by_year(counts.weight(rule))
    d, y, a = np.nonzero(yearly)
    n = len(counts.states)
    first = np.repeat(np.arange(n), np.arange(n - 1, -1, -1))
    second = np.concatenate([np.arange(i + 1, n) for i in range(n)]) if n else np.zeros(0, int)
    states = pd.Categorical.from_codes(np.arange(n), categories=list(counts.states))
    return pd.DataFrame(
        {
            "dyad": pd.Categorical.from_codes(d, categories=counts.dyad_names()),
            "state_a": states[first[d]],
            "state_b": states[second[d]],
            "year": (counts.first_year + y).astype(np.int64),
            "area": pd.Categorical.from_codes(a, categories=list(AREAS)),
            "weight": yearly[d, y, a],
        }
    )


def scope_from_counts(counts: DyadCounts, dyads: Sequence[str], rule: str) -> dict[str, int]:
    """`tiesmap.index.panel.scope_report(expand_to_dyads(events, rule, ...), dyads)` from
    counts: how many dyad-events fall inside and outside the panel's dyads, and how
    many of those inside weigh zero (only multilateral ones, under "excluded")."""
    if counts.events_before or counts.events_after:
        raise ValueError("the scope needs counts over every year of the events")
    a = counts.arrays
    per_dyad = (a["w2"] + a["wm"]).sum(axis=(1, 2))
    multilateral = a["wm"].sum(axis=(1, 2))
    index = counts.dyad_index(sorted(set(dyads)))
    index = index[index >= 0]
    inside = int(round(per_dyad[index].sum()))
    total = int(round(per_dyad.sum()))
    zero = int(round(multilateral[index].sum())) if _rule(rule) == "excluded" else 0
    return {
        "dyad_events": total,
        "dyad_events_in_scope": inside,
        "dyad_events_out_of_scope": total - inside,
        "dyad_events_zero_weight": zero,
    }


# --------------------------------------------------------------------------- duration


@dataclass(frozen=True)
class SpanCounts:
    """Dyad-event counts by the first and the last month an event is active.

    An event with `date_end` is active from the first month of `date_start` to the
    last month of `date_end`; one without is active in its reference month only
    (the open-end rule: an activity counts where it is confirmed, nowhere else).
    An event is active in a window (a, b] of bins when it starts by b and has not
    ended by a, so the events active in a window are a difference of two
    cumulative sums: `first` up to b minus `last` up to a. `long_first` and
    `long_last` count only the events lasting at least `min_duration_months`.
    """

    first: DyadCounts
    last: DyadCounts
    long_first: DyadCounts
    long_last: DyadCounts
    min_duration_months: int


def event_spans(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """First and last active month of each event, as months since year 0 (0-based)."""
    year, month = _date_parts(table["date_start"])
    reference = year.astype(np.int64) * 12 + month - 1
    if "date_end" not in table.column_names:
        return reference, reference.copy()
    end = pc.fill_null(table["date_end"].cast(pa.large_string()), "")
    has_end = (pc.utf8_length(end).to_numpy(zero_copy_only=False) >= 4).astype(bool)
    if not has_end.any():
        return reference, reference.copy()
    rows = np.flatnonzero(has_end)
    first, last = reference.copy(), reference.copy()
    starts = table["date_start"].take(pa.array(rows)).to_pylist()
    ends = end.take(pa.array(rows)).to_pylist()
    first[rows] = [_month_of(text, last=False) for text in starts]
    last[rows] = [_month_of(text, last=True) for text in ends]
    return first, np.maximum(first, last)


def _month_of(text: str, last: bool) -> int:
    """First (or last) month of a partial date 'YYYY[-MM[-DD]]', months since year 0."""
    year = int(text[:4])
    if len(text) >= 7:
        return year * 12 + int(text[5:7]) - 1
    return year * 12 + (11 if last else 0)


def count_spans(
    events: EventsLike,
    directed: Iterable[str],
    first_year: int,
    last_year: int,
    months_per_bin: int,
    min_duration_months: int,
) -> SpanCounts:
    """Count dyad-events by the bin of their first and of their last active month,
    for all events and for those lasting at least `min_duration_months` months."""
    table = _as_table(events)
    first, last = event_spans(table)
    long = (last - first + 1) >= min_duration_months

    def at(months: np.ndarray, rows: np.ndarray | None = None) -> DyadCounts:
        chosen = table if rows is None else table.filter(pa.array(rows))
        values = months if rows is None else months[rows]
        return count_dyads(chosen, directed, first_year, last_year, months_per_bin, values)

    return SpanCounts(
        first=at(first),
        last=at(last),
        long_first=at(first, long),
        long_last=at(last, long),
        min_duration_months=min_duration_months,
    )


# --------------------------------------------------------------------------- tie rule


def add_sustained_ties(
    panel: pd.DataFrame,
    counts: DyadCounts,
    rule: str,
    min_interactions: int,
    window_months: int,
    follow_up_counts: bool,
    spans: SpanCounts | None = None,
) -> pd.DataFrame:
    """The sustained-tie columns (`window_<area>`, `tie_<area>`), from counts: a cumulative sum over bins per
    dyad and two look-ups per panel row.

    With `spans` (counted in the same bins and years as `counts`) the rule also
    sees duration: `window_<area>` counts the events *active* in the window (a
    delivery that began before the window and continues into it counts), and an
    activity lasting at least `spans.min_duration_months` months that is active
    in the window forms a tie on its own (`lasting_<area>` = 1)."""
    if window_months % counts.months_per_bin:
        raise ValueError(
            f"a {window_months}-month window needs counts in bins of "
            f"{months_per_bin_for([window_months])} months, not {counts.months_per_bin}"
        )
    span = window_months // counts.months_per_bin
    end = (panel["year"].to_numpy(dtype=np.int64) - counts.first_year + 1) * counts.bins_per_year
    begin = end - span
    n_bins = counts.n_years * counts.bins_per_year
    if counts.events_before and np.any(begin < 0):
        raise ValueError("some windows start before the counts do; count from an earlier year")
    if counts.events_after and np.any(end > n_bins):
        raise ValueError("some windows end after the counts do; count to a later year")
    raw_end, raw_begin = end, begin
    end, begin = np.clip(end, 0, n_bins), np.clip(begin, 0, n_bins)
    codes, uniques = pd.factorize(panel["dyad"])
    index = counts.dyad_index(uniques)
    d = np.where(index >= 0, index, counts.n_dyads)[codes]

    def cumulative(values: np.ndarray) -> np.ndarray:
        out = np.zeros((values.shape[0] + 1, values.shape[1] + 1, values.shape[2]))
        np.cumsum(values, axis=1, out=out[:-1, 1:])
        return out

    if spans is None:
        weight = cumulative(counts.weight(rule))
        window_all = np.round(weight[d, end] - weight[d, begin], WINDOW_DECIMALS)
        lasting_all = np.zeros(window_all.shape, dtype=bool)
        del weight
    else:
        for part in (spans.first, spans.last, spans.long_first, spans.long_last):
            if (part.first_year, part.months_per_bin) != (counts.first_year, counts.months_per_bin):
                raise ValueError("spans must be counted in the bins and years of counts")

        def lookup(part: DyadCounts, at: np.ndarray) -> np.ndarray:
            index = part.dyad_index(uniques)
            rows = np.where(index >= 0, index, part.n_dyads)[codes]
            bins = np.clip(at, 0, part.n_years * part.bins_per_year)
            return cumulative(part.weight(rule))[rows, bins]

        window_all = np.round(
            lookup(spans.first, raw_end) - lookup(spans.last, raw_begin), WINDOW_DECIMALS
        )
        lasting_all = (
            np.round(
                lookup(spans.long_first, raw_end) - lookup(spans.long_last, raw_begin),
                WINDOW_DECIMALS,
            )
            > 0
        )
    follow = cumulative(counts.followed(rule))
    followed_all = (follow[d, end] - follow[d, begin]) > 0.5
    panel = panel.copy()
    for i, area in enumerate(AREAS):
        missing = panel[f"uncollected_{area}"].to_numpy(dtype=bool)
        window = window_all[:, i]
        tie = (window >= min_interactions) | (followed_all[:, i] if follow_up_counts else False)
        tie |= lasting_all[:, i]
        panel[f"window_{area}"] = np.where(missing, np.nan, window)
        if spans is not None:
            panel[f"lasting_{area}"] = np.where(missing, np.nan, lasting_all[:, i].astype(float))
        panel[f"tie_{area}"] = np.where(missing, np.nan, tie.astype(float))
    return panel


def window_counts(
    panel: pd.DataFrame,
    dyad_events: pd.DataFrame,
    area: str,
    window_months: int,
    max_cells: int = 1 << 24,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted events of `area` in each panel row's window, and whether any carries a
    follow-up flag, from a dyad-events frame.

    Windows (end - w months, end] with end = 31 December cover whole months, so
    events are counted per dyad x month (one bincount), summed cumulatively
    along the months, and each panel row reads its window as the difference of
    two cumulative sums. Dyads are processed in blocks of at most `max_cells`
    dyad-months. Sums are rounded to 9 decimals (see the module docstring).
    """
    rows_year = panel["year"].to_numpy(dtype=np.int64)
    window = np.zeros(len(panel))
    followed = np.zeros(len(panel), dtype=bool)
    if len(panel) == 0:
        return window, followed
    end_month = rows_year * 12 + 11  # months since year 0, 0-based
    first = int(end_month.min()) - window_months + 1
    n_months = int(end_month.max()) - first + 1
    ev = dyad_events[(dyad_events["area"] == area) & (dyad_events["weight"] > 0)]
    row_dyad, uniques = pd.factorize(panel["dyad"])
    ev_dyad = pd.Categorical(ev["dyad"], categories=uniques).codes.astype(np.int64)
    ref = pd.DatetimeIndex(ev["ref_date"])
    month = ref.year.to_numpy(dtype=np.int64) * 12 + ref.month.to_numpy(dtype=np.int64) - 1 - first
    keep = (ev_dyad >= 0) & (month >= 0) & (month < n_months)
    ev_dyad, month = ev_dyad[keep], month[keep]
    weight = ev["weight"].to_numpy(dtype=float)[keep]
    follow = ev["follow_up"].to_numpy(dtype=bool)[keep]
    hi = end_month - first + 1
    lo = hi - window_months
    block = max(1, max_cells // (n_months + 1))
    for d0 in range(0, len(uniques), block):
        d1 = min(d0 + block, len(uniques))
        in_block = (ev_dyad >= d0) & (ev_dyad < d1)
        key = (ev_dyad[in_block] - d0) * n_months + month[in_block]
        size = (d1 - d0) * n_months
        shape = (d1 - d0, n_months)
        sums = np.zeros((d1 - d0, n_months + 1))
        np.cumsum(
            np.bincount(key, weights=weight[in_block], minlength=size).reshape(shape),
            axis=1,
            out=sums[:, 1:],
        )
        flags = np.zeros((d1 - d0, n_months + 1))
        np.cumsum(
            np.bincount(key, weights=follow[in_block], minlength=size).reshape(shape),
            axis=1,
            out=flags[:, 1:],
        )
        rows = np.flatnonzero((row_dyad >= d0) & (row_dyad < d1))
        local = row_dyad[rows] - d0
        window[rows] = sums[local, hi[rows]] - sums[local, lo[rows]]
        followed[rows] = (flags[local, hi[rows]] - flags[local, lo[rows]]) > 0.5
    return np.round(window, WINDOW_DECIMALS), followed


def scenario_scores(
    panel: pd.DataFrame,
    counts: DyadCounts,
    space: Any,
    follow_up_counts: bool,
    spans: SpanCounts | None = None,
    scenarios: range | None = None,
) -> tuple[np.ndarray, list[tuple]]:
    """Normalised area scores [scenarios, rows, areas] for every discrete combination
    of the space, from counts (which hold every rule); with `spans`, every scenario's tie rule also sees duration.
    With `scenarios` (a `part_scenarios` range, whole tie rules) only those: a part
    of a split run holds 1/jobs of the scores."""
    scores, labels = [], []
    for t, (rule, w, k) in enumerate(scenario_triples(space)):
        if scenarios is not None and t * len(space.normalisations) not in scenarios:
            continue
        ties = add_sustained_ties(panel, counts, rule, k, w, follow_up_counts, spans)
        intensity = tie_intensity(ties)
        for norm in space.normalisations:
            scores.append(np.column_stack([normalise(intensity[a], norm) for a in AREAS]))
            labels.append((rule, w, k, norm))
    return np.stack(scores), labels


def panel_with_ties(
    events: EventsLike,
    dyads: Sequence[str] | None,
    start: int,
    end: int,
    codebook: Codebook,
    coverage: list[dict[str, Any]] | None,
    rule: str,
    directed: Iterable[str],
    min_interactions: int,
    window_months: int,
    follow_up_counts: bool,
    min_duration_months: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, panel with ties) as `tiesmap.index.configured.configured_panel` returns them, from
    events instead of dyad-events: the entry point for large inputs.

    With `min_duration_months` (m) the tie rule sees duration (see
    `add_sustained_ties`); without it, it is the event-count rule alone."""
    table = _as_table(events)
    bins = months_per_bin_for([window_months])
    counts = count_dyads(table, directed, months_per_bin=bins)
    panel = panel_from_counts(counts, dyads, start, end, codebook, coverage, rule)
    spans = (
        None
        if min_duration_months is None
        else spans_for(table, counts, directed, min_duration_months)
    )
    ties = add_sustained_ties(
        panel, counts, rule, min_interactions, window_months, follow_up_counts, spans
    )
    extra = quantity_in_window(table, ties, window_months, directed, rule, spans is not None)
    if extra is not None:
        for area in AREAS:
            missing = ties[f"uncollected_{area}"].to_numpy(dtype=bool)
            ties[f"quantity_{area}"] = np.where(missing, np.nan, extra[area])
    return panel, ties


def quantity_in_window(
    events: EventsLike,
    panel: pd.DataFrame,
    window_months: int,
    directed: Iterable[str],
    rule: str,
    with_duration: bool = True,
) -> pd.DataFrame | None:
    """Per panel row and area: the sum of log10(1 + quantity) over the events with a
    coded quantity that are active in the row's window (each weighted by the
    multilateral rule). The index adds it to the event count where a tie exists, so
    6,600 drones weigh about 4.8 events rather than one. None when no event has one."""
    table = _as_table(events)
    if "quantity" not in table.column_names:
        return None
    text = pc.fill_null(table["quantity"].cast(pa.large_string()), "")
    coded = np.flatnonzero(pc.utf8_length(text).to_numpy(zero_copy_only=False) > 0)
    if coded.size == 0:
        return None
    quantity = np.full(table.num_rows, np.nan)
    quantity[coded] = pd.to_numeric(
        pd.Series(text.take(pa.array(coded)).to_pylist()), errors="coerce"
    ).to_numpy(dtype=float)
    rows = np.flatnonzero(np.isfinite(quantity))
    if rows.size == 0:
        return None
    first, last = event_spans(table)
    if not with_duration:
        year, month = _date_parts(table["date_start"])
        first = last = year.astype(np.int64) * 12 + month - 1
    directed = set(directed)
    participants = table["participants"].to_pylist()
    activity = table["activity"].to_pylist()
    area = table["area"].to_pylist()
    pairs = []
    for i in rows.tolist():
        listed = list(dict.fromkeys(participants[i].split(";")))
        weight = multilateral_weight(len(listed), rule)
        if activity[i] in directed:
            formed = [tuple(sorted((listed[0], other))) for other in listed[1:]]
        else:
            formed = list(combinations(sorted(listed), 2))
        for a, b in formed:
            value = weight * math.log10(1.0 + quantity[i])
            pairs.append((f"{a}-{b}", area[i], int(first[i]), int(last[i]), value))
    out = pd.DataFrame(0.0, index=panel.index, columns=list(AREAS))
    end = panel["year"].to_numpy(dtype=np.int64) * 12 + 11
    begin = end - window_months
    dyads = panel["dyad"].to_numpy()
    for dyad, where, lo, hi, value in pairs:
        hit = (dyads == dyad) & (lo <= end) & (hi > begin)
        out.loc[hit, where] += value
    return out.round(WINDOW_DECIMALS)


def spans_for(
    events: EventsLike, counts: DyadCounts, directed: Iterable[str], min_duration_months: int
) -> SpanCounts:
    """Span counts in the bins of `counts`, over its years extended to the last
    month any event is active (so an activity running past the data stays active)."""
    table = _as_table(events)
    _, last = event_spans(table)
    last_year = max(counts.last_year, int(last.max()) // 12) if last.size else counts.last_year
    return count_spans(
        table, directed, counts.first_year, last_year, counts.months_per_bin, min_duration_months
    )


# --------------------------------------------------------------------------- Monte Carlo


def _row_quantiles_inplace(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """`np.nanquantile(values, q, axis=1).T` (linear method); sorts `values` in place.

    One vectorised row sort is much faster than numpy's per-row nanquantile or a
    multi-kth partition; the order statistics, and so the results, are the same.
    """
    n = values.shape[1]
    out = np.full((values.shape[0], q.size), np.nan)
    if n == 0:
        return out
    values.sort(axis=1)  # NaN sorts last
    finite = ~np.isnan(values[:, -1])
    virtual = (n - 1) * q
    previous = np.floor(virtual).astype(np.intp)
    following = np.minimum(previous + 1, n - 1)
    gamma = virtual - previous
    # Gather the few columns first, then the rows: `values[finite]` would copy the block.
    a, b = values[:, previous][finite], values[:, following][finite]
    diff = b - a
    lerp = a + diff * gamma
    high = np.broadcast_to(gamma >= 0.5, lerp.shape)
    lerp[high] = (b - diff * (1 - gamma))[high]
    out[finite] = lerp
    if not finite.all():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows stay NaN
            out[~finite] = np.nanquantile(values[~finite], q, axis=1).T
    return out


def _rank_quantiles(ranks: np.ndarray, q: np.ndarray) -> np.ndarray:
    """`np.quantile(ranks, q, axis=0).T` for integer ranks 1..D (ranks: draws x
    dyads, as `_ranks_per_draw` gives them), from each dyad's histogram of ranks
    instead of sorting its draws."""
    n, n_dyads = ranks.shape
    if n_dyads == 0 or n == 0:
        return np.full((n_dyads, q.size), np.nan)
    if n_dyads > 4096:  # the D x D histogram would be large: sort instead
        return _row_quantiles_inplace(ranks.T.astype(float), q)
    keys = (ranks - 1) + np.arange(n_dyads)[None, :] * n_dyads
    cum = np.cumsum(np.bincount(keys.ravel(), minlength=n_dyads * n_dyads).reshape(n_dyads, -1), 1)
    virtual = (n - 1) * q
    previous = np.floor(virtual).astype(np.intp)
    following = np.minimum(previous + 1, n - 1)
    gamma = virtual - previous

    def order_statistic(k: np.ndarray) -> np.ndarray:  # k-th smallest rank (0-based k)
        return np.stack([(cum <= i).sum(axis=1) + 1.0 for i in k.tolist()], axis=1)

    a, b = order_statistic(previous), order_statistic(following)
    diff = b - a
    lerp = a + diff * gamma
    high = np.broadcast_to(gamma >= 0.5, lerp.shape)
    lerp[high] = (b - diff * (1 - gamma))[high]
    return lerp


def _row_medians(values: np.ndarray, threads: int = 1) -> np.ndarray:
    """`np.nanmedian(values, axis=1)` (all-NaN rows give NaN, silently); the rows
    are sorted on `threads` threads."""
    n = values.shape[1]
    out = np.full(values.shape[0], np.nan)
    if n == 0:
        return out
    ordered = values.copy()
    _on_threads(lambda lo, hi: ordered[lo:hi].sort(axis=1), len(out), threads)
    finite = ~np.isnan(ordered[:, -1])
    middle = ordered[finite][:, n // 2]
    out[finite] = middle if n % 2 else (ordered[finite][:, n // 2 - 1] + middle) / 2
    partial = ~finite & ~np.isnan(ordered[:, 0])
    if partial.any():
        out[partial] = np.nanmedian(values[partial], axis=1)
    return out


@dataclass(frozen=True)
class DrawPlan:
    """The Monte Carlo's draws, all generated from the seed, in column order.

    Columns hold the draws sorted by (scenario, aggregation), so every scenario's
    draws are one contiguous run of columns: a part of a split run that owns a
    range of scenarios owns a range of columns, and regenerating the plan from the
    seed gives each part exactly the one-job run's draws.
    """

    combo: np.ndarray  # scenario of each draw, in draw order
    weights: np.ndarray  # area weights of each draw, in draw order
    geometric: np.ndarray  # index into space.aggregations of each draw
    sorted_weights: np.ndarray  # the weights in column order
    segments: list[tuple[int, bool, int, int]]  # (scenario, geometric, column, end column)
    step: int  # rows per block: the blocks fix the arithmetic, so every part uses them
    positive: bool  # every weight > 0


def draw_plan(
    space: Any, labels: list[tuple], n_areas: int, seed: int, block_values: int = 1 << 22
) -> DrawPlan:
    """The draws of `monte_carlo` (refuses geometric aggregation of z-scores)."""
    rng = np.random.default_rng(seed)
    combo = rng.integers(0, len(labels), size=space.draws)
    weights = rng.dirichlet(np.full(n_areas, space.dirichlet_alpha), size=space.draws)
    geometric = rng.integers(0, len(space.aggregations), size=space.draws)
    is_geo = np.array([space.aggregations[g] == "geometric" for g in geometric], dtype=bool)
    if any(lbl[3] == "zscore" for lbl in labels) and is_geo.any():
        raise ValueError("geometric aggregation cannot be combined with z-scores")
    # Every output is a statistic over draws (a quantile, a median, a rank per
    # draw), so their order is free.
    order = np.lexsort((is_geo, combo))
    group = combo[order] * 2 + is_geo[order]
    cuts = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
    segments = [
        (int(combo[order][c0]), bool(is_geo[order][c0]), int(c0), int(c1))
        for c0, c1 in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    return DrawPlan(
        combo=combo,
        weights=weights,
        geometric=geometric,
        sorted_weights=weights[order],
        segments=segments,
        step=max(1, block_values // max(1, space.draws)),
        positive=bool(np.all(weights > 0)),
    )


def scenario_triples(space: Any) -> list[tuple[str, int, int]]:
    """(multilateral rule, window, k) of every tie rule, in `scenario_scores` order."""
    return list(product(space.multilateral_weights, space.window_months, space.min_interactions))


def scenario_labels(space: Any) -> list[tuple]:
    """The labels `scenario_scores` returns, without computing any score."""
    return [(*t, norm) for t in scenario_triples(space) for norm in space.normalisations]


def part_scenarios(space: Any, part: int, parts: int) -> range:
    """The scenarios part `part` (0-based) of `parts` scores: a contiguous run of
    whole tie rules, since a tie rule's ties are the expensive step and serve all
    its normalisations."""
    n_triples = len(scenario_triples(space))
    if not 1 <= parts <= n_triples:
        raise ValueError(f"sensitivity.jobs must be 1..{n_triples} (the tie rules), not {parts}")
    if not 0 <= part < parts:
        raise ValueError(f"part {part} is not in 0..{parts - 1}")
    n_norm = len(space.normalisations)
    return range(part * n_triples // parts * n_norm, (part + 1) * n_triples // parts * n_norm)


def part_columns(plan: DrawPlan, scenarios: range) -> tuple[int, int]:
    """The columns (start, end) of the draws of `scenarios`: contiguous by the plan's order."""
    own = [seg for seg in plan.segments if seg[0] in scenarios]
    if not own:
        before = [seg[3] for seg in plan.segments if seg[0] < scenarios.start]
        start = max(before, default=0)
        return start, start
    return own[0][2], own[-1][3]


def _fill_block(
    scores: np.ndarray,
    first: int,
    plan: DrawPlan,
    columns: tuple[int, int],
    lo: int,
    hi: int,
    offset: float,
    into: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index values of rows lo:hi under the draws in `columns` (scores[s - first] is
    scenario s), and which rows have no area present in every / some scenario drawn.

    Draws come in (scenario, aggregation) groups, each filling contiguous columns
    with one matrix product instead of scattering them. A group is computed in a
    small array that stays in cache and copied into the block once: done in place
    in the block, each step touches hundreds of rows far apart (about 1.2x slower).
    The values go into `into` when given (rows lo:hi x the columns)."""
    c_start, c_end = columns
    values = np.empty((hi - lo, c_end - c_start)) if into is None else into
    own = [seg for seg in plan.segments if c_start <= seg[2] and seg[3] <= c_end]
    if not own:
        return values, np.ones(hi - lo, dtype=bool), np.zeros(hi - lo, dtype=bool)
    # The block's scores of the scenarios drawn, prepared once for all their groups.
    low, high = min(seg[0] for seg in own), max(seg[0] for seg in own)
    drawn = np.unique([seg[0] for seg in own]) - low
    block = scores[low - first : high - first + 1, lo:hi]  # scenarios x rows x areas
    present = ~np.isnan(block)
    empty = ~present.any(axis=2)[drawn]
    filled = np.where(present, block, 0.0)
    weight_present = present.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(filled + offset) * present if any(seg[1] for seg in own) else None
        for s, geo, c0, c1 in own:
            w = plan.sorted_weights[c0:c1].T
            total = weight_present[s - low] @ w
            if geo:
                out = np.matmul(logs[s - low], w)
                out /= total
                np.exp(out, out=out)
                out -= offset
                np.maximum(out, 0.0, out=out)
            else:
                out = np.matmul(filled[s - low], w)
                out /= total
            values[:, c0 - c_start : c1 - c_start] = out
            # Where total == 0 (no area present, or only zero-weight ones) the
            # numerator is 0 too, so out is already 0/0 = NaN, as in the reference.
    # Rows with no area present in every / in some scenario drawn.
    none_present, some_none = empty.all(axis=0), empty.any(axis=0)
    return values, none_present, some_none


_Q = np.array([0.05, 0.5, 0.95])


def _reduce_block(
    values: np.ndarray,
    none_present: np.ndarray,
    some_none: np.ndarray,
    block_codes: np.ndarray,
    positive: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row quantiles, dyad codes, per-dyad sums, per-dyad counts) of one block of
    all draws' values; sorts `values` in place."""
    seg = np.flatnonzero(np.r_[True, block_codes[1:] != block_codes[:-1]])
    sums = None
    if positive and np.array_equal(none_present, some_none):
        # NaN exactly in the rows with no area present, under every draw.
        values[none_present] = 0.0
        sums = _segment_sums(values, seg)
        values[none_present] = np.nan
        if np.isnan(sums).any():  # NaN from elsewhere (e.g. log of a negative)
            sums = None
        else:
            counts = np.add.reduceat((~none_present).astype(float), seg)[:, None]
            counts = np.broadcast_to(counts, sums.shape)
    if sums is None:
        missing = np.isnan(values)
        sums = _segment_sums(np.where(missing, 0.0, values), seg)
        counts = _segment_sums(~missing, seg)
        del missing
    quantiles = _row_quantiles_inplace(values, _Q)  # sorts the rows: after the sums
    return quantiles, block_codes[seg], sums, counts


def _segment_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """`np.add.reduceat(values, starts, axis=0)` as floats, for runs of whole rows
    (a block holds a few dyads): one column-wise sum per run is about 3x faster
    than reduceat along the rows."""
    sums = np.empty((len(starts), values.shape[1]))
    for k, (a, b) in enumerate(zip(starts, [*starts[1:], len(values)], strict=True)):
        np.sum(values[a:b], axis=0, out=sums[k])
    return sums


class _BlockBuffers:
    """One reusable rows x draws array per thread for the blocks of a Monte Carlo,
    instead of a fresh array of tens of MB for every block."""

    def __init__(self, step: int, columns: int) -> None:
        self._shape = (step, columns)
        self._local = threading.local()

    def get(self, rows: int) -> np.ndarray:
        """The first `rows` rows of this thread's array (C-contiguous)."""
        buffer = getattr(self._local, "buffer", None)
        if buffer is None:
            buffer = self._local.buffer = np.empty(self._shape)
        return buffer[:rows]


def _in_blocks(func: Any, n_rows: int, step: int, threads: int) -> Iterator[tuple]:
    """func(lo) for every block start, in block order, on `threads` threads (numpy
    releases the GIL in the heavy steps)."""
    blocks = range(0, n_rows, step)
    if threads > 1 and len(blocks) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            yield from pool.map(func, blocks)
    else:
        yield from map(func, blocks)


def _on_threads(func: Callable[[int, int], None], n_rows: int, threads: int) -> None:
    """func(lo, hi) on `threads` contiguous runs of rows at once (for row-wise
    numpy steps, which release the GIL)."""
    step = max(1, -(-n_rows // max(1, threads)))
    for _ in _in_blocks(lambda lo: func(lo, min(lo + step, n_rows)), n_rows, step, threads):
        pass


def _ranks_per_draw(means: np.ndarray, threads: int) -> np.ndarray:
    """Rank of each dyad in each draw (draws x dyads; 1 = strongest mean index, a
    dyad with no mean ranks last). A stable sort of each draw's strengths, so tied
    dyads keep the panel's order; the draws are split over `threads` threads."""
    strength = np.ascontiguousarray(-np.nan_to_num(means, nan=-np.inf).T)  # draws x dyads
    ranks = np.empty(strength.shape, dtype=np.intp)
    positions = np.arange(1, strength.shape[1] + 1)[None, :]

    def rank(lo: int, hi: int) -> None:
        order = np.argsort(strength[lo:hi], axis=1, kind="stable")
        np.put_along_axis(ranks[lo:hi], order, positions, axis=1)

    _on_threads(rank, len(strength), threads)
    return ranks


def _dyad_codes(dyads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each dyad, dyad code of each row); rows sorted by dyad."""
    new_dyad = np.r_[True, dyads[1:] != dyads[:-1]]
    return np.flatnonzero(new_dyad), np.cumsum(new_dyad) - 1


def _summarise(
    blocks: Iterable[tuple],
    n_rows: int,
    dyads: np.ndarray,
    plan: DrawPlan,
    labels: list[tuple],
    space: Any,
    threads: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The outputs of `monte_carlo` from its reduced blocks (lo, hi, quantiles,
    codes, sums, counts), whose per-dyad sums are added in block order."""
    starts, _ = _dyad_codes(dyads)
    dyad_sum = np.zeros((len(starts), space.draws))
    dyad_n = np.zeros((len(starts), space.draws))
    quantiles = np.full((n_rows, 3), np.nan)
    for lo, hi, qs, seg_codes, sums, counts in blocks:
        quantiles[lo:hi] = qs
        dyad_sum[seg_codes] += sums
        dyad_n[seg_codes] += counts
    with np.errstate(invalid="ignore"):
        means = dyad_sum / dyad_n
    del dyad_sum, dyad_n
    rank_q = _rank_quantiles(_ranks_per_draw(means, threads), _Q)
    rows = pd.DataFrame(quantiles, columns=["index_p05", "index_median", "index_p95"])
    ranks_df = pd.DataFrame(
        {
            "dyad": dyads[starts],
            "rank_p05": rank_q[:, 0],
            "rank_median": rank_q[:, 1],
            "rank_p95": rank_q[:, 2],
            "mean_index_median": _row_medians(means, threads),
        }
    )
    draws = pd.DataFrame(
        {
            "scenario": [labels[c] for c in plan.combo],
            "aggregation": [space.aggregations[g] for g in plan.geometric],
            **{f"weight_{a}": plan.weights[:, i] for i, a in enumerate(AREAS)},
        }
    )
    return rows, ranks_df, draws


def monte_carlo(
    scores: np.ndarray,
    labels: list[tuple],
    dyads: np.ndarray,
    space: Any,
    seed: int,
    block_values: int = 1 << 22,
    threads: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-row median and 90% interval of the index; per-dyad median rank and 90%
    rank interval (rank 1 = strongest mean index over the years); and the draws.

    Each draw aggregates the areas by the rule of `tiesmap.index.index.aggregate`
    (weights rescaled over the areas present; the geometric mean taken of score +
    offset, shifted back and floored at 0), written here for many weight draws
    at once as one matrix product rather than once per draw.

    Blocks of rows are filled (`_fill_block`) and reduced (`_reduce_block`: row
    quantiles from one vectorised row sort, per-dyad sums) on `threads` threads;
    per-dyad sums are added in block order, so the result does not depend on
    `threads`, and rank quantiles come from per-dyad rank histograms. Results
    equal the plain loop over draws in tests/oracles.py up to float round-off
    in the per-dyad sums (1e-16). `monte_carlo_part` and `monte_carlo_gather`
    compute the same, bit for bit, as separate jobs.
    """
    plan = draw_plan(space, labels, scores.shape[2], seed, block_values)
    n_rows = scores.shape[1]
    _, codes = _dyad_codes(dyads)
    buffers = _BlockBuffers(plan.step, space.draws)

    def run_block(lo: int) -> tuple:
        hi = min(lo + plan.step, n_rows)
        out = buffers.get(hi - lo)
        filled = _fill_block(scores, 0, plan, (0, space.draws), lo, hi, space.offset, out)
        return lo, hi, *_reduce_block(*filled, codes[lo:hi], plan.positive)

    blocks = _in_blocks(run_block, n_rows, plan.step, threads)
    return _summarise(blocks, n_rows, dyads, plan, labels, space, threads)


def monte_carlo_part(
    scores: np.ndarray,
    scenarios: range,
    space: Any,
    seed: int,
    block_values: int = 1 << 22,
    threads: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One job of a split Monte Carlo: (values of every row under the draws of
    `scenarios`, a rows x draws-of-the-part array in column order; rows with no
    area present in every / in some scenario drawn).

    `scores` holds only `scenarios` (as `scenario_scores(..., triples)` gives them),
    so a part needs 1/jobs of the scores' memory. Same seed, same blocks and the
    same arithmetic as `monte_carlo`, so `monte_carlo_gather` of the parts equals it.
    """
    labels = scenario_labels(space)
    plan = draw_plan(space, labels, scores.shape[2], seed, block_values)
    columns = part_columns(plan, scenarios)
    n_rows = scores.shape[1]
    values = np.empty((n_rows, columns[1] - columns[0]))
    none_present = np.ones(n_rows, dtype=bool)
    some_none = np.zeros(n_rows, dtype=bool)

    def run_block(lo: int) -> None:  # blocks write disjoint rows: no block is queued
        hi = min(lo + plan.step, n_rows)
        filled = _fill_block(
            scores, scenarios.start, plan, columns, lo, hi, space.offset, values[lo:hi]
        )
        _, none_present[lo:hi], some_none[lo:hi] = filled

    for _ in _in_blocks(run_block, n_rows, plan.step, threads):
        pass
    return values, none_present, some_none


def monte_carlo_gather(
    parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    dyads: np.ndarray,
    space: Any,
    seed: int,
    n_areas: int = len(AREAS),
    block_values: int = 1 << 22,
    threads: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`monte_carlo` from the `monte_carlo_part` results of parts 0..K-1 (in order):
    each block's columns are joined as the one job fills them, then reduced alike.

    A part's values may be a memory map: only a block of rows is read at a time.
    """
    labels = scenario_labels(space)
    plan = draw_plan(space, labels, n_areas, seed, block_values)
    n_rows = len(dyads)
    for values, every, some in parts:
        if values.shape[0] != n_rows or len(every) != n_rows or len(some) != n_rows:
            raise ValueError(f"a part has {values.shape[0]} rows, the panel {n_rows}")
    if sum(values.shape[1] for values, _, _ in parts) != space.draws:
        raise ValueError(f"the parts do not hold the {space.draws} draws")
    none_present = np.logical_and.reduce([every for _, every, _ in parts])
    some_none = np.logical_or.reduce([some for _, _, some in parts])
    _, codes = _dyad_codes(dyads)
    buffers = _BlockBuffers(plan.step, space.draws)

    def run_block(lo: int) -> tuple:
        hi = min(lo + plan.step, n_rows)
        values = np.concatenate([v[lo:hi] for v, _, _ in parts], axis=1, out=buffers.get(hi - lo))
        return (
            lo,
            hi,
            *_reduce_block(
                values, none_present[lo:hi], some_none[lo:hi], codes[lo:hi], plan.positive
            ),
        )

    blocks = _in_blocks(run_block, n_rows, plan.step, threads)
    return _summarise(blocks, n_rows, dyads, plan, labels, space, threads)
