"""Time reading the full SIPRI trade register through tiesmap.sources.sipri.ingest.

Not a test. Streams /work/shared/data/sipri_trade_register/trade-register.csv
(about 30,000 deals; skipped with a message when the file is absent) through
the adapter -- header search, row checks, actor mapping, one event per delivery
year, schema validation -- and reports the time of the first call in the
process (the figure: a workflow rule runs it once), the best of --repeats more, the
peak memory Python allocates during one ingest (tracemalloc, separate untimed
run) and the process's peak RSS. Baseline: a bare `pandas.read_csv` of the same
file, i.e. parsing without any of the adapter's checks or mapping; the ratio
says what the adapter costs on top of parsing.

--size N ingests a copy with the deal rows repeated N times (a larger register);
--smoke ingests the first 300 deals once.

    .venv/bin/python benchmarks/bench_sipri_read.py [--size 1] [--path FILE] [--smoke]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, best_of, emit, load_average, peak_rss_gb  # noqa: E402

REGISTER = Path("/work/shared/data/sipri_trade_register/trade-register.csv")


def header_index(lines: list[bytes]) -> int:
    for i, line in enumerate(lines[:60]):
        if line.startswith(b"Recipient,") or line.startswith(b"SIPRI AT Database ID,"):
            return i
    raise ValueError("no SIPRI header in the first 60 lines")


def scaled_copy(path: Path, copies: int, max_rows: int | None, out: Path) -> Path:
    """The register with its data rows cut to max_rows and repeated `copies` times."""
    lines = path.read_bytes().splitlines(keepends=True)
    head = header_index(lines)
    rows = lines[head + 1 :]
    if max_rows is not None:
        rows = rows[:max_rows]
    out.write_bytes(b"".join(lines[: head + 1] + rows * copies))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=REGISTER)
    parser.add_argument("--size", type=int, default=1, help="copies of the deal rows")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="first 300 deals, one run")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"SKIP: SIPRI trade register not found at {args.path}")
        emit({"benchmark": "sipri_read", "skipped": True, "figure": None, "baseline": None,
              "ratio": None, "reason": f"{args.path} absent"})  # fmt: skip
        return 0

    from tiesmap.core.config import load_config
    from tiesmap.sources.sipri import ingest

    wars = load_config(ROOT / "config" / "config.yaml")["wars"]
    max_rows = 300 if args.smoke else None
    repeats = 1 if args.smoke else args.repeats
    with tempfile.TemporaryDirectory(prefix="tiesmap-bench-") as tmp:
        path = args.path
        if args.size != 1 or max_rows is not None:
            path = scaled_copy(args.path, args.size, max_rows, Path(tmp) / "register.csv")
        size_mb = path.stat().st_size / 1e6
        head = header_index(path.read_bytes().splitlines()[:60])
        load = load_average()
        start = time.perf_counter()
        result = ingest(path, wars)  # the first call in a process, as a workflow rule makes it
        cold = time.perf_counter() - start
        seconds, result = best_of(lambda: ingest(path, wars), repeats)
        t_csv, frame = best_of(
            lambda: pd.read_csv(path, skiprows=head, encoding="latin-1", low_memory=False),
            repeats,
        )
        tracemalloc.start()
        start = time.perf_counter()
        ingest(path, wars)
        traced_seconds = time.perf_counter() - start
        traced_peak = tracemalloc.get_traced_memory()[1] / 1e9
        tracemalloc.stop()

    ratio = cold / t_csv
    counts = result.counts
    print(
        f"register {size_mb:.1f} MB: {counts['rows_read']:,} rows read, "
        f"{counts['deals_mapped']:,} mapped, {counts['deals_rejected']:,} rejected, "
        f"{counts['events']:,} events; load average {load}"
    )
    print(
        f"tiesmap.sources.sipri.ingest : {cold:7.2f} s  first call; {seconds:.2f} s best of {repeats} more"
    )
    print(
        f"pandas.read_csv (parse only) : {t_csv:7.2f} s  ({len(frame):,} rows, best of {repeats})"
    )
    print(f"ratio ingest / read_csv      : {ratio:7.2f}  (first call)")
    print(
        f"peak traced memory in ingest : {traced_peak * 1000:7.1f} MB (tracemalloc run "
        f"{traced_seconds:.2f} s); process peak RSS {peak_rss_gb():.2f} GB"
    )
    emit(
        {
            "benchmark": "sipri_read",
            "size": counts["rows_read"],
            "file_mb": round(size_mb, 2),
            "events": counts["events"],
            "figure": round(cold, 3),
            "unit": "s",
            "best_of_repeats": round(seconds, 3),
            "baseline": round(t_csv, 3),
            "ratio": round(ratio, 2),
            "ratio_meaning": "first ingest seconds / pandas.read_csv seconds (no target)",
            "peak_traced_mb": round(traced_peak * 1000, 1),
            "peak_rss_gb": round(peak_rss_gb(), 3),
            "smoke": args.smoke,
            "load_average_1min": load,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
