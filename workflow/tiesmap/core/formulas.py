"""The grammar of a model formula, the check that a regressor does not
mechanically define its outcome, and the number of clusters below which a fit is
only descriptive.

The first two are read when the configuration is checked, before any model is
fitted, and the paper states the third; so they sit with the configuration rather
than with the estimators (tiesmap.models.models), which use all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from tiesmap.core.codebook import AREAS

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ParsedFormula(NamedTuple):
    """`dependent ~ regressors [| effects]`; effects is None when not given."""

    dependent: str
    regressors: tuple[str, ...]
    effects: tuple[str, ...] | None


def _terms(text: str, what: str, formula: str) -> tuple[str, ...]:
    terms = tuple(t.strip() for t in text.split("+"))
    bad = [t for t in terms if not IDENTIFIER.match(t)]
    if bad:
        raise ValueError(
            f"formula {formula!r}: {what} must be column names joined by '+', got {bad} "
            "(transformations and interactions belong in the panel, as columns)"
        )
    dup = sorted({t for t in terms if terms.count(t) > 1})
    if dup:
        raise ValueError(f"formula {formula!r}: {what} repeat {dup}")
    return terms


def parse_formula(formula: str) -> ParsedFormula:
    """Parse "y ~ x1 + x2" or "y ~ x1 + x2 | dyad + year" (pyfixest-style effects).

    Only plain column names are accepted: the model's columns must be visible in
    the panel (and in its missingness report), not created inside a formula.
    """
    if formula.count("~") != 1:
        raise ValueError(f"formula {formula!r} needs exactly one '~'")
    left, right = formula.split("~")
    if right.count("|") > 1:
        raise ValueError(f"formula {formula!r} has more than one '|'")
    rhs, _, fe = right.partition("|")
    (dependent,) = _terms(left, "the dependent variable", formula)
    regressors = _terms(rhs, "regressors", formula)
    effects: tuple[str, ...] | None = None
    if "|" in right:
        effects = () if fe.strip() == "0" else _terms(fe, "fixed effects", formula)
    return ParsedFormula(dependent, regressors, effects)


# Regressors that switch on where a war is fought: wartime support is coded only
# for such wars, so regressing it on them measures the definition, not a relation.
WAR_REGRESSORS = ("war_partner", "cow_war", "at_war", "war_involvement")
# Columns derived from one area's events (tiesmap.index.index, tiesmap.index.scale).
AREA_PREFIXES = ("n", "window", "tie", "score", "lasting", "quantity", "uncollected")


def mechanical_definition(dependent: str, regressors: Iterable[str]) -> str | None:
    """Why a regressor mechanically defines the outcome, or None.

    Refused: a war regressor on a wartime-support outcome; a column of one area
    on another column of the same area (e.g. tie_contacts on n_contacts); an area
    column on the index or the count of ties built from it.
    """

    def area_of(column: str) -> str | None:
        for prefix in AREA_PREFIXES:
            for area in AREAS:
                if column == f"{prefix}_{area}":
                    return area
        return None

    for regressor in regressors:
        if regressor in WAR_REGRESSORS and "wartime_support" in dependent:
            return (
                f"{regressor} mechanically defines {dependent}: wartime support is coded "
                "only for the configured wars, so the model would recover the coding rule"
            )
        area = area_of(regressor)
        if area is not None and area_of(dependent) == area:
            return f"{regressor} and {dependent} are built from the same {area} events"
        if area is not None and dependent in ("tie_index", "n_ties"):
            return f"{dependent} is computed from {regressor}"
    return None


# Below this many clusters, cluster-robust inference is not credible: a design is
# reported as descriptive.
MIN_CLUSTERS = 20
