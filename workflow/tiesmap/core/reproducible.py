"""The environment every tiesmap step runs in, set in one place for the workflow's
rules (workflow/rules/common.smk) and for commands run by hand (`tiesmap.cli.main`).

A fixed hash seed keeps any set ordering inside libraries from reaching the results;
SOURCE_DATE_EPOCH (the config's `paper.source_date_epoch`) is the build time that
TeX and Matplotlib stamp into PDFs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

HASH_SEED = "0"
PROJECT_CONFIG = Path("config/config.yaml")


def fixed_environment(epoch: int | None) -> dict[str, str]:
    """The variables to set: the hash seed, and SOURCE_DATE_EPOCH when the epoch is known."""
    env = {"PYTHONHASHSEED": HASH_SEED}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(int(epoch))
    return env


def project_epoch(config_path: Path = PROJECT_CONFIG) -> int | None:
    """`paper.source_date_epoch` of the project's config (relative to the working
    directory), or None when there is no readable config: a command's own check
    reports a bad config, not this look-up."""
    from tiesmap.core.errors import InputError
    from tiesmap.core.yamlio import load_yaml

    try:
        data = load_yaml(config_path)
        epoch = data["paper"]["source_date_epoch"]
    except (InputError, OSError, KeyError, TypeError):
        return None
    return epoch if isinstance(epoch, int) and not isinstance(epoch, bool) else None


def missing(environ: Mapping[str, str], wanted: Mapping[str, str]) -> dict[str, str]:
    """The wanted variables that `environ` does not already hold with that value."""
    return {k: v for k, v in wanted.items() if environ.get(k) != v}


def ensure_fixed_environment(
    exec_: Callable[[str, list[str], dict[str, str]], object] = os.execve,
) -> None:
    """Restart this interpreter with the fixed environment unless it already runs in
    it (the hash seed only takes effect at interpreter start). For hand-run commands;
    the workflow's rules inherit the environment from common.smk and never restart."""
    wanted = fixed_environment(project_epoch())
    if missing(os.environ, wanted):
        exec_(sys.executable, list(sys.orig_argv), {**os.environ, **wanted})
