"""The codebook: areas, activities, levels and collection status, loaded from YAML.

The codebook is the operationalization. Code asks it which area an activity
belongs to and whether an activity was collected at all, so that "not collected"
never turns into an observed zero downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tiesmap.core.errors import InputError, Problem
from tiesmap.core.yamlio import load_yaml, validate_against_schema

AREAS = (
    "contacts",
    "regime_security",
    "war_preparation",
    "missions_outside_war",
    "wartime_support",
)
COLLECTED = "collected"


@dataclass(frozen=True)
class Activity:
    code: str
    area: str
    label: str
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    levels: tuple[str, ...]
    example: str
    status: str
    directed: bool = False


@dataclass(frozen=True)
class Codebook:
    version: str
    levels: dict[str, str]
    areas: dict[str, dict[str, str]]
    activities: dict[str, Activity]

    def area_of(self, activity: str) -> str:
        return self.activities[activity].area

    def activities_in(self, area: str) -> list[Activity]:
        return [a for a in self.activities.values() if a.area == area]

    def area_collected(self, area: str) -> bool:
        """An area is observed when at least one of its activities was collected."""
        return any(a.status == COLLECTED for a in self.activities_in(area))

    def collected_areas(self) -> list[str]:
        return [a for a in AREAS if self.area_collected(a)]


def codebook_from_dict(data: dict, source: str) -> Codebook:
    """Build a Codebook after schema validation and cross-reference checks."""
    validate_against_schema(data, "codebook.schema.yaml", source)
    problems = []
    for code, spec in data["activities"].items():
        if spec["area"] not in data["areas"]:
            problems.append(
                Problem(source, None, f"activities.{code}.area", spec["area"], "unknown area")
            )
        for level in spec["levels"]:
            if level not in data["levels"]:
                problems.append(
                    Problem(source, None, f"activities.{code}.levels", level, "unknown level")
                )
    if problems:
        raise InputError(problems)
    activities = {
        code: Activity(
            code=code,
            area=spec["area"],
            label=spec["label"],
            definition=" ".join(spec["definition"].split()),
            include=tuple(spec["include"]),
            exclude=tuple(spec["exclude"]),
            levels=tuple(spec["levels"]),
            example=spec["example"],
            status=spec["status"],
            directed=bool(spec.get("directed", False)),
        )
        for code, spec in data["activities"].items()
    }
    return Codebook(
        version=data["version"],
        levels=dict(data["levels"]),
        areas={k: dict(v) for k, v in data["areas"].items()},
        activities=activities,
    )


def load_codebook(path: str | Path) -> Codebook:
    return codebook_from_dict(load_yaml(path), str(path))


STATUS_WORDS = {
    "collected": "collected (an absence of events is an observed zero)",
    "not_yet_collected": "not yet collected (absence means missing data, never zero)",
    "not_applicable_yet": "not applicable yet (not expected among the focal states)",
}


QUANTITY_WORDS = {
    "units": "items delivered or produced (drones, missiles, launchers, vehicles, shells)",
    "troops": "military personnel deployed or taking part",
    "ships": "naval vessels taking part",
    "aircraft": "aircraft (incl. helicopters) taking part",
    "tiv_millions": "SIPRI trend-indicator value, millions (volume of major arms, not money)",
    "usd_millions": "money, millions of US dollars (contract or aid value)",
}

DURATION_GUIDE = [
    "## Dates, duration and quantities",
    "",
    "An event with `date_end` is active in every month from the first month of"
    " `date_start` to the last month of `date_end`: a delivery programme, a deployment,"
    " a patrol season or an exercise counts in each year it covers. Give `date_end`"
    " wherever the source states when an activity ended or was last confirmed.",
    "",
    "Open-end rule: an ongoing activity without a stated end is coded with `date_end`"
    " equal to the last month a source confirms it (e.g. the last report of the"
    " troops' presence). Without `date_end` an event is active in its reference month"
    " only (the middle of `date_start`'s precision), however long it may have lasted.",
    "",
    "Optional `quantity` and `quantity_unit`: how much was delivered or deployed, when"
    " the source states it. `quantity` is a non-negative number (thousands separators"
    " allowed); `quantity_unit` is one of:",
    "",
    "| unit | meaning |",
    "|---|---|",
]


def render_measurement(config: dict) -> str:
    """The tie rule and the index formula with the configured values (markdown)."""
    rule, index = config["tie_rule"], config["index"]
    k, w = rule["min_interactions"], rule["window_months"]
    m = rule.get("min_duration_months")
    weights = ", ".join(f"{a} {index['weights'][a]}" for a in AREAS)
    lines = [
        "## The tie rule and the index",
        "",
        "For dyad d, area a and year t, the window W(t) is the "
        f"{w} months ending on 31 December of t. An event is active in W(t) when it"
        " starts before the window ends and ends after it begins (see the dates section).",
        "",
        "1. Weight of an event with n participants for each of its dyads"
        f" (`index.multilateral_weight` = {index['multilateral_weight']}):"
        " full 1; inverse 1/(n-1); excluded 0 for n > 2 (1 for bilateral events).",
        "2. `window_<area>` c = sum of the weights of the dyad's events of the area active in W(t).",
        f"3. `tie_<area>` = 1 when c >= k (k = {k}), or"
        + (
            " when one event with a follow-up flag has its reference date in W(t)"
            if rule["follow_up_counts"]
            else ""
        )
        + (
            f", or when an event lasting at least m = {m} months (first to last active"
            " month) is active in W(t) (`lasting_<area>` = 1)"
            if m
            else ""
        )
        + "; else 0. Missing where the area was not collected for the dyad-year.",
        "4. Intensity x = `tie_<area>` x (c + q), q = `quantity_<area>` = sum over the"
        " active events with a coded quantity of weight x log10(1 + quantity).",
        f"5. `score_<area>` = normalised x (`index.normalisation` = {index['normalisation']}):"
        " minmax (x - min) / (max - min); minmax_log1p the same on log(1 + x); rank the"
        " mid-rank percentile; minima and maxima over all dyad-years of the panel. Every"
        " score lies in [0, 1]; a panel with no variation scores 0.",
        f"6. `tie_index` = weighted {index['aggregation']} mean of the area scores present"
        f" (weights {weights}, rescaled over the areas collected for the dyad-year;"
        f" geometric: exp(sum w log(s + {index['geometric_offset']}) / sum w) -"
        f" {index['geometric_offset']}, floored at 0). It lies in [0, 1].",
        "7. `n_ties` = number of areas with a tie.",
        "",
    ]
    return "\n".join(lines)


def render_coding_guide(codebook: Codebook, config: dict | None = None) -> str:
    """The coding guide coders and reviewers read, generated from the same codebook
    the software applies, so the two cannot drift apart; with `config`, also the
    tie rule and the index formula as configured."""
    lines = [
        "# tiesmap coding guide",
        "",
        f"Generated from `config/codebook.yaml` (version {codebook.version}); do not edit.",
        "",
        "## Levels",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{code}` | {text} |" for code, text in codebook.levels.items()]
    for area in AREAS:
        spec = codebook.areas[area]
        lines += ["", f"## {spec['label']} (`{area}`)", "", " ".join(spec["description"].split())]
        for act in codebook.activities_in(area):
            lines += [
                "",
                f"### {act.label} (`{act.code}`)",
                "",
                f"- Status: {STATUS_WORDS[act.status]}",
                f"- Definition: {act.definition}",
                "- Include: " + " ".join(act.include),
                "- Exclude: " + " ".join(act.exclude),
                "- Levels: " + ", ".join(f"`{lv}`" for lv in act.levels),
                f"- Example: {act.example}",
            ]
            if act.directed:
                lines.append("- Directed: list the supplying state first.")
    lines += ["", *DURATION_GUIDE]
    lines += [f"| `{unit}` | {text} |" for unit, text in QUANTITY_WORDS.items()]
    text = "\n".join(lines) + "\n"
    if config is not None:
        text += "\n" + render_measurement(config)
    return text
