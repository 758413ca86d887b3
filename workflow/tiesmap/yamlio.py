"""Safe YAML loading and JSON-schema validation with messages that name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tiesmap.errors import InputError, Problem

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def load_yaml(path: str | Path) -> Any:
    """Load YAML with the safe loader only (no arbitrary Python objects)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, None, None, "file not found")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputError([Problem(str(path), None, None, None, f"not valid YAML: {err}")]) from None


def validate_against_schema(data: Any, schema_name: str, source: str) -> None:
    """Validate `data` against workflow/schemas/<schema_name>; report every violation."""
    schema = load_yaml(SCHEMA_DIR / schema_name)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        key = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        if err.validator == "additionalProperties":
            allowed = sorted(err.schema.get("properties", {}))
            message = f"{err.message}; allowed keys: {', '.join(allowed)}"
        else:
            message = err.message
        value = None if isinstance(err.instance, dict | list) else str(err.instance)
        problems.append(Problem(source, None, key, value, message))
    if problems:
        raise InputError(problems)
