"""Loading and checking config/config.yaml.

The workflow validates the config before any rule runs, so a typo in a key stops
the build at once with the key's name instead of failing deep inside a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from tiesmap.core.errors import InputError, Problem
from tiesmap.core.yamlio import load_yaml, validate_against_schema

# Third-party covariate files (manifest names) the models can use when present.
# Kept here, not in tiesmap.index.covariates, because Snakemake reads it at start-up and
# this module imports no pandas.
EXTERNAL_COVARIATES = (
    "peacesciencer_cow_contdir",
    "peacesciencer_cow_capitals",
    "peacesciencer_ccode_democracy",
    "peacesciencer_cow_nmc",
    "peacesciencer_atop_alliance",
    "peacesciencer_cow_mid_ddydisps",
    "unga_ideal_points",
    "gsdb_sanctions",
)
# COW inter-state wars (`cow_war`): joined only in a scope whose config says
# `wars_from: cow_war_inter`, so the pilot's model panel and report stay as they were.
WAR_COVARIATE = "peacesciencer_cow_war_inter"


def covariate_names(config: dict[str, Any]) -> tuple[str, ...]:
    """The manifest names of the covariate files a build joins under `config`."""
    if config.get("wars_from") == "cow_war_inter":
        return (*EXTERNAL_COVARIATES, WAR_COVARIATE)
    return EXTERNAL_COVARIATES


def check_config(
    config: dict[str, Any],
    source: str = "config/config.yaml",
    cache_file: str | Path | None = None,
) -> dict[str, Any]:
    """Validate a config mapping; YAML dates arrive as `date` and are kept as ISO text.
    `cache_file`: remember schema passes (`validate_against_schema`)."""
    config = _dates_to_text(config)
    validate_against_schema(config, "config.schema.yaml", source, cache_file)
    problems = []
    if config["period"]["start"] > config["period"]["end"]:
        problems.append(Problem(source, None, "period", None, "start is after end"))
    for i, war in enumerate(config["wars"]):
        for key in ("start", "end"):
            if war[key] is not None:
                try:
                    date.fromisoformat(war[key])
                except ValueError:
                    problems.append(
                        Problem(source, None, f"wars.{i}.{key}", war[key], "not a date YYYY-MM-DD")
                    )
    if (
        config["index"]["normalisation"] == "zscore"
        and config["index"]["aggregation"] == "geometric"
    ):
        problems.append(
            Problem(
                source,
                None,
                "index.aggregation",
                "geometric",
                "geometric aggregation needs non-negative scores; not with zscore",
            )
        )
    in_scope = set(panel_dyads(config))
    for i, dyad in enumerate(config["notebooks"]["dyad_profiles"]):
        if dyad not in in_scope:
            problems.append(
                Problem(
                    source,
                    None,
                    f"notebooks.dyad_profiles.{i}",
                    dyad,
                    "not a dyad of the panel (alphabetical ISO3 pair of states in scope)",
                )
            )
    problems += _mechanical_models(config, source)
    for i, spec in enumerate(config["coverage"]):
        if spec["start"] > spec["end"]:
            problems.append(Problem(source, None, f"coverage.{i}", None, "start is after end"))
    if problems:
        raise InputError(problems)
    return config


def _mechanical_models(config: dict[str, Any], source: str) -> list[Problem]:
    """Model specifications whose regressor mechanically defines the outcome."""
    from tiesmap.core.formulas import mechanical_definition, parse_formula

    problems = []
    models = config["models"]
    for group in ("specs", "external_specs"):
        for i, spec in enumerate(models.get(group, [])):
            try:
                parsed = parse_formula(spec["formula"])
            except ValueError:
                continue  # the model stage reports a malformed formula
            reason = mechanical_definition(parsed.dependent, parsed.regressors)
            if reason:
                problems.append(
                    Problem(source, None, f"models.{group}.{i}.formula", spec["formula"],
                            f"refused: {reason}")
                )  # fmt: skip
    return problems


def load_config(path: str | Path) -> dict[str, Any]:
    return check_config(load_yaml(path), str(path))


@dataclass(frozen=True)
class Period:
    """The study period, first and last year included."""

    start: int
    end: int


def period_of(config: dict[str, Any]) -> Period:
    return Period(config["period"]["start"], config["period"]["end"])


def _dates_to_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def panel_dyads(config: dict[str, Any]) -> list[str]:
    """The dyads the panel covers: every pair of the scope's states when the state
    system gives them (`scope.states`), else focal states and configured partners."""
    if config["scope"].get("states"):
        return dyads_in_scope(config["scope"]["states"])
    return dyads_in_scope(config["focal_states"], config["scope"]["partners"])


def dyads_in_scope(
    focal_states: list[str], partners: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """All pairs of focal states, plus every focal state with every partner."""
    focal = sorted(set(focal_states))
    pairs = {f"{a}-{b}" for a, b in combinations(focal, 2)}
    pairs |= {"-".join(sorted((f, p))) for f in focal for p in partners if p not in focal}
    return sorted(pairs)
