"""What every stage's command-line module shares: writing files the same way
everywhere, reading the config, and declaring a verb.

A verb reads files, calls package functions and writes files. Its stage module
(tiesmap.<stage>.cli) registers it with `verbs(sub)`; tiesmap.cli only
dispatches.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2


def ensure_parent(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_text(path: str | Path, text: str) -> None:
    ensure_parent(path).write_text(text, encoding="utf-8", newline="\n")


def write_parquet(frame, path: str | Path) -> None:
    frame.to_parquet(ensure_parent(path), index=False)


def round_floats(value: Any, digits: int = 10) -> Any:
    """Round to significant digits so JSON does not record BLAS-dependent last bits."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: round_floats(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [round_floats(v, digits) for v in value]
    return value


def write_json(path: str | Path, data: Any) -> None:
    write_text(path, json.dumps(round_floats(data), indent=2, sort_keys=True) + "\n")


def write_table(frame, path: str | Path) -> None:
    """A CSV with floats rounded to 10 decimals and Unix line ends."""
    ensure_parent(path)
    frame.round(10).to_csv(path, index=False, lineterminator="\n")


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def setup(args: argparse.Namespace):
    """(config, codebook) of the verb's --config."""
    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config

    config = load_config(args.config)
    return config, load_codebook(config["codebook"])


def verbs(sub: argparse._SubParsersAction) -> Callable[..., argparse.ArgumentParser]:
    """`verb(name, handler, help, **files)`: a subcommand with --config and one
    required --<file> option per keyword (its help text the value)."""

    def verb(name: str, func: Callable, help_: str, **files: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--config", default="config/config.yaml")
        for opt, h in files.items():
            p.add_argument(f"--{opt.replace('_', '-')}", dest=opt, required=True, help=h)
        p.set_defaults(func=func)
        return p

    return verb
