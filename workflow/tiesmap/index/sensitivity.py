"""Uncertainty and sensitivity of the tie index (OECD/JRC step 7).

Every choice behind the index -- normalisation, area weights, aggregation,
multilateral weighting and the tie rule's k and w -- is drawn at random many
times; the spread of each dyad-year's index and of each dyad's rank over those
draws shows how much a conclusion depends on the choices rather than the data.
`Space` is the space drawn from; `tiesmap.scale.scenario_scores` computes the
scores once per discrete combination and `tiesmap.scale.monte_carlo` the draws,
as matrix products over blocks of rows, so thousands of draws stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Space:
    """The choices the Monte Carlo draws from (uniformly, weights from a Dirichlet)."""

    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    multilateral_weights: tuple[str, ...]
    min_interactions: tuple[int, ...]
    window_months: tuple[int, ...]
    dirichlet_alpha: float
    draws: int
    offset: float = 0.01

    @classmethod
    def from_config(cls, config: dict[str, Any], draws: int | None = None) -> Space:
        """The space of a checked config's `sensitivity` section (`draws` overrides)."""
        spec = config["sensitivity"]
        return cls(
            normalisations=tuple(spec["normalisations"]),
            aggregations=tuple(spec["aggregations"]),
            multilateral_weights=tuple(spec["multilateral_weights"]),
            min_interactions=tuple(spec["min_interactions"]),
            window_months=tuple(spec["window_months"]),
            dirichlet_alpha=spec["dirichlet_alpha"],
            draws=spec["draws"] if draws is None else draws,
            offset=config["index"]["geometric_offset"],
        )
