"""Verbs of the codings stage: coder files checked, sheets for coders and
adjudicators, the merge, tracing an event, and the raw-data manifest.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tiesmap.core.cli import setup, verbs, write_parquet, write_text
from tiesmap.core.errors import InputError


def cmd_check(args: argparse.Namespace) -> int:
    """Coder files, and adjudication sheets (recognised by their decided_value
    column), checked with every problem listed."""
    from tiesmap.codings.coder_files import load_codings
    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config, period_of

    config = load_config(args.config)
    codebook = load_codebook(args.codebook or config["codebook"])
    sheets = [f for f in args.files if _is_adjudication(f)]
    coder_files = [f for f in args.files if f not in sheets]
    if coder_files:
        codings = load_codings(coder_files, codebook, period_of(config))
        print(f"{len(coder_files)} file(s) OK: {len(codings)} coded events.")
    for sheet in sheets:
        n = _check_adjudication(sheet, config, codebook)
        print(f"{sheet} OK: {n} decisions.")
    return 0


def _is_adjudication(path: str) -> bool:
    from tiesmap.codings.coder_files import read_table

    try:
        header = read_table(path, columns=(), required=()).columns
    except InputError as err:
        return any(
            p.column == "decided_value" or (p.value or "") == "decided_value" for p in err.problems
        )
    return "decided_value" in header


def _check_adjudication(sheet: str, config: dict, codebook) -> int:
    """Decisions against the project's current codings, as the merge applies them."""
    from tiesmap.codings.coder_files import load_codings
    from tiesmap.codings.merge import context_columns, merge_codings, read_adjudication
    from tiesmap.core.config import period_of

    coders = config["codings"]["coders"]
    files = [str(Path(config["codings"]["dir"]) / f"{c}.csv") for c in coders]
    codings = load_codings(files, codebook, period_of(config))
    table = read_adjudication(sheet, context_columns(coders))
    merge_codings(codings, table, coders, True, adjudication_file=sheet, codebook=codebook)
    return int((table["decided_value"].str.strip() != "").sum())


def cmd_template(args: argparse.Namespace) -> int:
    import country_converter as coco
    import pandas as pd

    from tiesmap.codings.sheets import coder_template

    config, codebook = setup(args)
    register = pd.read_csv(
        args.events or config["codings"]["assignments"], dtype=str, keep_default_na=False
    )
    if "status" in register:
        register = register[register["status"] == "coded"]
    data = coco.CountryConverter().data[["ISO3", "name_short"]].dropna()
    countries = sorted({(r.ISO3, r.name_short) for r in data.itertuples(index=False)})
    coder_template(args.out, codebook, list(register["event_id"]), args.coder, countries)
    print(f"{args.out}: coder sheet for {args.coder} with {len(register)} events.")
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from tiesmap.codings.coder_files import load_codings
    from tiesmap.codings.merge import merge_codings, read_adjudication
    from tiesmap.codings.sheets import adjudication_sheet, open_disagreements
    from tiesmap.core.config import period_of

    config, codebook = setup(args)
    coders = config["codings"]["coders"]
    files = [str(Path(config["codings"]["dir"]) / f"{c}.csv") for c in coders]
    codings = load_codings(files, codebook, period_of(config))
    done = read_adjudication(config["codings"]["adjudication"])
    result = merge_codings(codings, done, coders, True, codebook=codebook)
    table = open_disagreements(result.disagreements, codings, coders)
    adjudication_sheet(args.out, table)
    print(f"{args.out}: {len(table)} open disagreements in {table['event_id'].nunique()} events.")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from tiesmap.codings.coder_files import load_codings
    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config, period_of
    from tiesmap.core.schema import validate_events

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    codings = validate_events(load_codings(args.files, codebook, period_of(config)), "codings")
    _check_coding_records(config, args.files)
    write_parquet(codings, args.out)
    return 0


def _check_coding_records(config: dict, files: list[str]) -> None:
    """The corrections log must agree with the coder files, and every edition of a
    recurring series must be coded or explained (when the project keeps them)."""
    from tiesmap.codings.changelog import check_changelog, check_series, coder_values

    paths = {Path(f).stem: Path(f) for f in files if Path(f).suffix.lower() == ".csv"}
    project = Path(config["codings"]["dir"]).resolve()
    if any(p.resolve().parent != project for p in paths.values()):
        return  # coder files from elsewhere: the project's log does not describe them
    problems = []
    changelog = config["codings"].get("changelog")
    if changelog and Path(changelog).exists():
        problems += check_changelog(Path(changelog), paths)
    series = config["codings"].get("series")
    if series and Path(series).exists():
        ids = {e for path in paths.values() for e in coder_values(path)}
        problems += check_series(Path(series), ids)
    if problems:
        raise InputError(problems)


def cmd_merge(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codings.merge import (
        context_columns,
        merge_codings,
        read_adjudication,
        with_derived_columns,
    )
    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    result = merge_codings(
        pd.read_parquet(args.codings),
        read_adjudication(args.adjudication, context_columns(config["codings"]["coders"])),
        config["codings"]["coders"],
        config["merge"]["allow_provisional"],
        adjudication_file=args.adjudication,
        codebook=codebook,
    )
    from tiesmap.core.csvsafe import write_csv

    write_parquet(with_derived_columns(result.events, codebook, result.adjudications), args.out)
    write_csv(result.disagreements, args.disagreements)
    return 0


def cmd_coding_guide(args: argparse.Namespace) -> int:
    from tiesmap.core.codebook import load_codebook, render_coding_guide
    from tiesmap.core.config import load_config

    config = load_config(args.config)
    write_text(args.out, render_coding_guide(load_codebook(config["codebook"]), config))
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codings.trace import trace_event

    print(
        trace_event(
            args.event_id,
            pd.read_parquet(args.events),
            pd.read_parquet(args.codings),
            pd.read_csv(args.disagreements, dtype=str, keep_default_na=False),
        )
    )
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from tiesmap.codings.manifest import load_manifest, update_checksums, verify

    if args.update:
        n = update_checksums(args.manifest, args.root)
        print(f"updated {n} checksum(s) in {args.manifest}")
    lines = verify(load_manifest(args.manifest), args.root, args.manifest)
    if args.out:
        write_text(args.out, "\n".join(lines) + "\n")
    absent = [ln.split()[0] for ln in lines if ln.endswith("absent-optional")]
    print(
        f"{len(lines) - len(absent)} raw file(s) verified; optional sources absent: "
        f"{', '.join(absent) or 'none'} (fetch them with `make download`)"
    )
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from tiesmap.codings.manifest import download, load_manifest

    entries = load_manifest(args.manifest)
    for line in download(entries, args.root, args.mirror_dir, args.mirror_url, args.only):
        print(line)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    verb = verbs(sub)
    p = verb("check", cmd_check, "check coder files and list every problem")
    p.add_argument("--codebook", default=None)
    p.add_argument("files", nargs="+")
    p = verb("template", cmd_template, "write an XLSX coder sheet from the codebook", out="xlsx")
    p.add_argument("--coder", required=True, help="the coder's id (the file's name)")
    p.add_argument("--events", default=None, help="event register CSV (default: config)")
    verb(
        "adjudicate",
        cmd_adjudicate,
        "write an adjudication sheet pre-filled with every open disagreement",
        out="xlsx or csv",
    )
    p = verb(
        "validate", cmd_validate, "check coder files and write canonical codings", out="parquet"
    )
    p.add_argument("files", nargs="+")
    verb(
        "merge",
        cmd_merge,
        "merge coders into one row per event",
        codings="codings parquet",
        adjudication="adjudication CSV",
        out="events parquet",
        disagreements="disagreements CSV",
    )
    verb("coding-guide", cmd_coding_guide, "coding guide from the codebook", out="markdown")
    p = sub.add_parser("trace", help="show the source rows behind a merged event")
    p.add_argument("event_id")
    p.add_argument("--events", default="data/processed/events.parquet")
    p.add_argument("--codings", default="data/processed/codings.parquet")
    p.add_argument("--disagreements", default="results/tables/disagreements.csv")
    p.set_defaults(func=cmd_trace)
    p = sub.add_parser("manifest", help="verify raw files against data/raw/MANIFEST.yaml")
    p.add_argument("--manifest", default="data/raw/MANIFEST.yaml")
    p.add_argument("--root", default=".")
    p.add_argument("--out", default=None)
    p.add_argument("--update", action="store_true", help="record new checksums of provided files")
    p.set_defaults(func=cmd_manifest)
    p = sub.add_parser("download", help="fetch optional third-party files listed in the manifest")
    p.add_argument("--manifest", default="data/raw/MANIFEST.yaml")
    p.add_argument("--root", default=".")
    p.add_argument("--mirror-dir", default=None, help="copy from a local folder instead")
    p.add_argument("--mirror-url", default=None, help="fetch from this base URL instead")
    p.add_argument("--only", nargs="*", default=None)
    p.set_defaults(func=cmd_download)
