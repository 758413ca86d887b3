"""Figure: coefficients of the linear models of the tie index, with 95% intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tiesmap.report.figures import Context

LINEAR = ("twoway_fe", "lpm")


def draw(data: dict[str, Any], context: Context, path: str | Path) -> None:
    """Only models on the index's scale share one plot; count models are in the table."""
    from tiesmap.report.model_outputs import coefficient_plot

    linear = [m for m in data["models"] if m["kind"] in LINEAR and m["dependent"] == "tie_index"]
    coefficient_plot(linear, path)
