"""Running notebooks with papermill as workflow steps, with byte-stable output.

Papermill records start and end times and durations for the notebook and every
cell; those change on every run, so they are removed before the notebook is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

VOLATILE_KEYS = ("start_time", "end_time", "duration", "exception")


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop timing metadata (papermill and Jupyter's `execution`) and random cell ids."""
    pm = nb.metadata.get("papermill", {})
    for key in (*VOLATILE_KEYS, "input_path", "output_path", "environment_variables"):
        pm.pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"  # papermill gives its injected cell a random id
        if "outputs" in cell:
            cell["outputs"] = coalesce_streams(cell["outputs"])
        cell.metadata.pop("execution", None)
        for key in VOLATILE_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


def coalesce_streams(outputs: list) -> list:
    """Join consecutive stdout/stderr chunks: how a kernel splits printed text into
    messages depends on timing, so the split must not reach the saved notebook."""
    merged: list = []
    for out in outputs:
        if (
            merged
            and out.get("output_type") == "stream"
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1]["text"] = merged[-1]["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def run_notebook(source: str | Path, target: str | Path, parameters: dict[str, Any]) -> None:
    """Execute `source` with `parameters` into `target`, then strip volatile metadata."""
    import papermill as pm

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(Path.cwd()),
    )
    nb = strip_volatile(nbformat.read(target, as_version=4))
    nbformat.write(nb, target)


def to_html(notebook: str | Path, target: str | Path) -> None:
    """A static HTML copy of an executed notebook, for readers without Jupyter."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    Path(target).write_text(body, encoding="utf-8")
