"""Figures for the paper, one module per figure.

Each figure lives in its own module so that editing one figure's code or style
reruns only that figure (and the paper): every rule lists the modules it uses as
inputs. This module holds what all figures share. Figures are saved without
timestamps so rebuilds are byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tiesmap.core.codebook import Codebook  # noqa: E402
from tiesmap.core.dates import parse_partial_date  # noqa: E402

AREA_COLOURS = {
    "contacts": "#4C72B0",
    "regime_security": "#8172B2",
    "war_preparation": "#C44E52",
    "missions_outside_war": "#55A868",
    "wartime_support": "#DD8452",
}


@dataclass(frozen=True)
class Context:
    """What a figure may need besides its data."""

    codebook: Codebook
    start: int
    end: int
    focal_states: tuple[str, ...]


def save_figure(fig: plt.Figure, path: str | Path) -> None:
    """PDF without creation date or producer version, so the bytes depend on data only."""
    meta = {"CreationDate": None, "Creator": None, "Producer": None}
    fig.savefig(path, metadata=meta)
    plt.close(fig)


def integer_years(ax: plt.Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def years_of(events: pd.DataFrame) -> pd.Series:
    return events["date_start"].map(lambda d: parse_partial_date(d).midpoint.year)


def draw(name: str, data: pd.DataFrame, context: Context, path: str | Path) -> None:
    """Draw figure `name` (a module of this package) from `data` into `path`."""
    from importlib import import_module

    import_module(f"tiesmap.report.figures.{name}").draw(data, context, path)
