"""The codebook: areas, activities, levels and collection status, loaded from YAML.

The codebook is the operationalization. Code asks it which area an activity
belongs to and whether an activity was collected at all, so that "not collected"
never turns into an observed zero downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tiesmap.errors import InputError, Problem
from tiesmap.yamlio import load_yaml, validate_against_schema

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


def render_coding_guide(codebook: Codebook) -> str:
    """The coding guide coders and reviewers read, generated from the same codebook
    the software applies, so the two cannot drift apart."""
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
    return "\n".join(lines) + "\n"
