"""Verbs of the sources stage: a third-party file read into canonical events,
and the records of all sources linked into one event table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tiesmap.core.cli import verbs, write_json, write_parquet
from tiesmap.core.errors import InputError


def cmd_ingest(args: argparse.Namespace) -> int:
    from tiesmap.core.config import load_config
    from tiesmap.core.csvsafe import write_csv
    from tiesmap.core.errors import Problem
    from tiesmap.sources.registry import EVENT_SOURCES

    if args.source not in EVENT_SOURCES:
        raise InputError(
            [
                Problem(
                    args.source,
                    None,
                    None,
                    args.source,
                    f"unknown source (known: {', '.join(sorted(EVENT_SOURCES))})",
                )
            ]
        )
    config = load_config(args.config)
    result = EVENT_SOURCES[args.source].read(Path(args.input), config)
    out = Path(args.out)
    if out.suffix == ".parquet":
        write_parquet(result.table, out)
    else:
        write_csv(result.table, out)
    if args.report:
        write_json(
            args.report,
            {
                "source": args.source,
                "counts": result.counts,
                "rejected_reasons": result.rejected["reason"].value_counts().sort_index().to_dict()
                if len(result.rejected)
                else {},
                **result.notes,
            },
        )
        write_csv(result.rejected, Path(args.report).with_suffix(".rejected.csv"))
    print(f"{args.source}: {result.counts}")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.core.csvsafe import write_csv
    from tiesmap.sources.linking import as_records, involves, link_records, scope_states
    from tiesmap.sources.registry import EVENT_SOURCES

    config = load_config(args.config)
    scope = scope_states(config)
    records = [as_records(pd.read_parquet(args.events), "hand")]
    outside: dict[str, int] = {}
    for path in args.sources or []:
        name = Path(path).stem
        table = pd.read_parquet(path)
        inside = involves(table, scope)
        outside[name] = int((~inside).sum())
        records.append(as_records(table[inside], name, EVENT_SOURCES[name].machine_coded))
    link = config["linking"]
    result = link_records(
        pd.concat(records, ignore_index=True),
        link["date_tolerance_days"],
        link["compatible_activities"],
        ["hand", *config["sources"]["use"]],
        link["include_machine_coded"],
    )
    write_parquet(result.events, args.out)
    write_csv(result.review, args.review)
    write_csv(result.conflicts, args.conflicts)
    write_csv(result.links, Path(args.conflicts).with_name("links.csv"))
    write_json(args.report, {**result.report, "records_outside_scope": outside})
    return 0


def cmd_sipri_crosscheck(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.sources.sipri import crosscheck_report

    events = pd.read_parquet(args.events) if args.events else None
    write_json(args.out, crosscheck_report(events, args.exports, args.imports))
    return 0


def cmd_aiddata_crosscheck(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.sources.aiddata import crosscheck_report

    events = pd.read_parquet(args.events) if args.events else None
    write_json(args.out, crosscheck_report(events, args.aiddata))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    verb = verbs(sub)
    p = verb(
        "ingest",
        cmd_ingest,
        "read a third-party source into canonical events",
        out="output .csv or .parquet",
    )
    p.add_argument("source")
    p.add_argument("input")
    p.add_argument("--report", default=None, help="JSON report of counts and rejections")
    p = verb(
        "link",
        cmd_link,
        "link records of several sources into one event table",
        events="hand-coded events",
        out="analysis events",
        review="review CSV",
        conflicts="conflicts CSV",
        report="linking JSON",
    )
    p.add_argument("sources", nargs="*", help="ingested source tables (<source>.parquet)")
    p = verb(
        "sipri-crosscheck",
        cmd_sipri_crosscheck,
        "SIPRI register TIV against SIPRI's TIV tables (absent files recorded)",
        out="JSON",
    )
    p.add_argument("--events", default=None, help="the sipri adapter's events (parquet)")
    p.add_argument("--exports", default=None, help="TIV of exports by supplier (CSV)")
    p.add_argument("--imports", default=None, help="TIV of imports by recipient (CSV)")
    p = verb(
        "aiddata-crosscheck",
        cmd_aiddata_crosscheck,
        "AidData's elite visits against China Vitae's meetings (absent files recorded)",
        out="JSON",
    )
    p.add_argument("--events", default=None, help="the china_vitae adapter's events (parquet)")
    p.add_argument("--aiddata", default=None, help="AidData ChinesePublicDiplomacy.csv")
