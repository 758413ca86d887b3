"""Scopes of a build: where a scope writes, and the merged config its verbs read.

The pilot (no `scope.name`) writes to results/, data/processed/ and logs/; a named
scope writes to `results/<name>/`, `data/processed/<name>/` and `logs/<name>/`, so
two scopes live side by side and neither reads the other's files. Kept free of
pandas: Snakemake imports this module when it parses the workflow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The workflow's generated folders, each moved under the scope's name.
SCOPED_BASES = ("results", "data/processed", "logs")


def scope_name(config: dict[str, Any]) -> str | None:
    """The configured scope's name, or None for the pilot."""
    return config.get("scope", {}).get("name")


def scope_dirs(config: dict[str, Any]) -> dict[str, str]:
    """Each generated folder and where this scope puts it."""
    name = scope_name(config)
    return {base: base if name is None else f"{base}/{name}" for base in SCOPED_BASES}


def scoped_path(path: str, dirs: dict[str, str]) -> str:
    """`path` (written as for the pilot, e.g. results/tables/x.tex) in the scope of `dirs`."""
    for base in sorted(dirs, key=len, reverse=True):
        if path == base or path.startswith(base + "/"):
            return dirs[base] + path[len(base) :]
    raise ValueError(f"{path}: not under one of {', '.join(SCOPED_BASES)}")


def config_text(config: dict[str, Any]) -> str:
    """The merged config as YAML, in the config's own key order (deterministic)."""
    header = "# Written by the workflow: the merged Snakemake config of this build.\n"
    return header + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )


def write_if_changed(path: str | Path, config: dict[str, Any]) -> bool:
    """Write the merged config to `path` unless it already holds exactly that text
    (an unchanged file keeps its time stamp, so nothing reruns); True if written."""
    path = Path(path)
    text = config_text(config)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def coding_period(config: dict[str, Any]) -> tuple[int, int]:
    """The years the hand codings may carry: `codings.period`, else the study period."""
    period = config["codings"].get("period", config["period"])
    return int(period["start"]), int(period["end"])


def scope_states(config: dict[str, Any]) -> set[str] | None:
    """The states of the scope's panel (None: no list, every coded state counts)."""
    states = config["scope"].get("states")
    return set(states) if states else None
