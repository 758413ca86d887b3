"""Small helpers for writing LaTeX safely from data."""

from __future__ import annotations

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def escape(text: object) -> str:
    """Escape LaTeX special characters in text taken from data."""
    return "".join(_SPECIAL.get(ch, ch) for ch in str(text))


def fmt(value: float, digits: int = 3) -> str:
    """Fixed formatting so the same number always prints the same way (no '-0.000')."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
