"""Figure: coefficients of the linear models of the tie index, with 95% intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tiesmap.report.figures import Context, plt, save_figure
from tiesmap.report.model_outputs import check_results, variable_label

LINEAR = ("twoway_fe", "lpm")


def draw(data: dict[str, Any], context: Context, path: str | Path) -> None:
    """Only models on the index's scale share one plot; count models are in the table."""
    linear = [m for m in data["models"] if m["kind"] in LINEAR and m["dependent"] == "tie_index"]
    coefficient_plot(linear, path)


def coefficient_plot(
    results: Sequence[Mapping[str, Any]],
    path: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "Coefficient with 95% interval",
) -> None:
    """Dot-and-whisker plot: one row per regressor, one marker per model.

    Intervals are the results' `conf_int` (the model's own inference); a
    coefficient without an SE is drawn without an interval. Models on different
    scales (linear vs log-link) should go in separate plots. Saved as PDF
    without dates (`tiesmap.report.figures.save_figure`).
    """
    check_results(results)
    import matplotlib

    regressors: list[str] = []
    for result in results:
        regressors += [r for r in result["regressors"] if r not in regressors]
    m = len(results)
    colours = matplotlib.colormaps["tab10"].colors
    markers = "osD^v<>ph*"
    fig, ax = plt.subplots(figsize=(6.0, 0.55 * len(regressors) * max(1, m / 2) + 1.2))
    height = 0.7
    for j, result in enumerate(results):
        offset = (j - (m - 1) / 2) * height / max(m, 1)
        ys, xs, intervals = [], [], []
        for i, name in enumerate(regressors):
            value = result["params"].get(name)
            if value is None:
                continue
            ys.append(i + offset)
            xs.append(value)
            low, high = result.get("conf_int", {}).get(name, [None, None])
            if low is not None and high is not None:
                intervals.append((i + offset, low, high))
        colour = colours[j % len(colours)]
        for y, low, high in intervals:
            ax.hlines(y, low, high, color=colour, linewidth=1.5)
        ax.plot(
            xs,
            ys,
            markers[j % len(markers)],
            color=colour,
            markersize=5,
            label=f"({j + 1}) {result.get('name', result['dependent'])}",
        )
    ax.axvline(0.0, color="#888888", linewidth=0.8, linestyle="--")
    ax.set_yticks(range(len(regressors)), [variable_label(r, labels) for r in regressors])
    ax.set_ylim(len(regressors) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=7, loc="best")
    fig.tight_layout()
    save_figure(fig, path)
