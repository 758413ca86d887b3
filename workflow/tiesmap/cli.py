"""Command line: `tiesmap check` for coders, and one verb per workflow step.

This module only dispatches: each stage's command-line module (tiesmap.codings.cli,
tiesmap.sources.cli, tiesmap.index.cli, tiesmap.models.cli, tiesmap.report.cli)
registers its verbs. Bad input ends with a table of all problems and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from tiesmap.codings import cli as codings_cli
from tiesmap.core.cli import EXIT_BAD_INPUT
from tiesmap.core.errors import InputError
from tiesmap.index import cli as index_cli
from tiesmap.models import cli as models_cli
from tiesmap.report import cli as report_cli
from tiesmap.sources import cli as sources_cli

# In the order of the workflow, which is the order of `tiesmap --help`.
STAGES = (codings_cli, sources_cli, index_cli, models_cli, report_cli)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tiesmap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for stage in STAGES:
        stage.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
