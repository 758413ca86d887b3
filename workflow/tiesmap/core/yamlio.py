"""Safe YAML loading and JSON-schema validation with messages that name the key.

`load_yaml` is stricter than `yaml.safe_load` in two ways that matter for hand-edited
files: a key given twice in one mapping is an error (PyYAML silently keeps the
last), and a value that looks like a date but is not one (2022-02-30) is reported
with its key instead of escaping as a bare ValueError.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from tiesmap.core.errors import InputError, Problem

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


# libyaml's parser where PyYAML was built with it: the same documents, several times
# faster, and every start of the workflow loads the config, the manifest and schemas.
_SAFE_BASE = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class StrictSafeLoader(_SAFE_BASE):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (plain data only) that checks the composed document
    before building it: duplicate mapping keys and impossible timestamps become
    problems naming the key path (`activities.exercise`, `files.0.sha256`) and line."""

    def load_checked(self, source: str) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        problems: list[Problem] = []
        self._check_node(node, [], source, problems, set())
        if problems:
            raise InputError(problems)
        try:
            return self.construct_document(node)
        except (ValueError, OverflowError) as err:  # a value the checks above did not foresee
            raise InputError(
                [Problem(source, None, None, None, f"not valid YAML: {err}")]
            ) from None

    def _check_node(
        self, node: yaml.Node, path: list[str], source: str, problems: list, seen: set[int]
    ) -> None:
        if id(node) in seen:  # an alias: its node was checked where its anchor is
            return
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _TIMESTAMP_TAG:
                try:
                    self.construct_yaml_timestamp(node)
                except (ValueError, OverflowError) as err:
                    problems.append(
                        Problem(
                            source,
                            _line(node),
                            _key(path),
                            node.value,
                            f"not a valid date: {err}",
                        )
                    )
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._check_node(item, [*path, str(i)], source, problems, seen)
        elif isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:  # `<<: *base` may override keys on purpose
                    self._check_node(value_node, path, source, problems, seen)
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self._check_node(value_node, path, source, problems, seen)
                    continue  # a collection as key: the constructor reports it
                try:
                    key = self.construct_object(key_node)
                except (ValueError, OverflowError) as err:
                    problems.append(
                        Problem(
                            source,
                            _line(key_node),
                            _key(path),
                            key_node.value,
                            f"key is not a valid date: {err}",
                        )
                    )
                    continue
                name = key.isoformat() if hasattr(key, "isoformat") else str(key)
                if key in first_line:
                    problems.append(
                        Problem(
                            source,
                            _line(key_node),
                            _key([*path, name]),
                            key_node.value,
                            f"duplicate key '{key_node.value}' (first given on line "
                            f"{first_line[key]}); YAML would silently keep only the last",
                        )
                    )
                else:
                    first_line[key] = _line(key_node)
                self._check_node(value_node, [*path, name], source, problems, seen)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _key(path: list[str]) -> str:
    return ".".join(path) or "(top level)"


def _load(path: Path) -> Any:
    """Parse `path` strictly: InputError for bytes that are not UTF-8, duplicate keys
    and impossible dates; yaml.YAMLError (syntax) and OSError pass through."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        message = f"not valid YAML: the file is not UTF-8 ({err})"
        raise InputError([Problem(str(path), line, None, None, message)]) from None
    loader = StrictSafeLoader(text)
    try:
        return loader.load_checked(str(path))
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> Any:
    """Load YAML with the safe loader only (no arbitrary Python objects), refusing
    duplicate keys and impossible dates."""
    path = Path(path)
    try:
        return _load(path)
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, None, None, "file not found")]) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(str(path), None, None, None, f"not valid YAML: {err}")]) from None


def check_yaml_file(path: str | Path) -> None:
    """Raise InputError for what another YAML reader (Snakemake's `configfile:`)
    would silently accept or crash on: duplicate keys, impossible dates, bytes that
    are not UTF-8. A missing file or a syntax error is left to that reader, which
    reports those itself."""
    path = Path(path)
    try:
        _load(path)
    except (FileNotFoundError, yaml.YAMLError):
        return


def decline_iri_grammar() -> None:
    """Call before the first import of jsonschema (directly or through nbformat).

    jsonschema's format checker imports rfc3987_syntax when it is installed (the
    Jupyter stack brings it), and that module compiles an IRI grammar on import:
    about one second of CPU in Snakemake's start and in every rule that reads a
    YAML file. tiesmap's schemas use no IRI formats, so that optional import is
    declined: None in sys.modules makes `import` raise ImportError, which jsonschema
    expects and answers by leaving the "iri" formats unchecked."""
    sys.modules.setdefault("rfc3987_syntax", None)


def validate_against_schema(
    data: Any, schema_name: str, source: str, cache_file: str | Path | None = None
) -> None:
    """Validate `data` against workflow/schemas/<schema_name>; report every violation.

    With `cache_file`, data that passed before against the same schema and this
    module's code are not checked again: Snakemake's start then need not import
    jsonschema (a sixth of a no-op's own time). Only passes are remembered."""
    key = _validation_key(data, schema_name) if cache_file is not None else None
    if key is not None and key in _passed(Path(cache_file)):
        return
    decline_iri_grammar()
    import jsonschema

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
    if key is not None:
        _remember_pass(Path(cache_file), key)


def _validation_key(data: Any, schema_name: str) -> str:
    """sha256 of the data, the schema's bytes and this module's source."""
    import hashlib

    digest = hashlib.sha256(repr(data).encode())
    digest.update((SCHEMA_DIR / schema_name).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _passed(cache_file: Path) -> list[str]:
    try:
        keys = cache_file.read_text(encoding="utf-8").split()
    except OSError:
        return []
    return keys


def _remember_pass(cache_file: Path, key: str, keep: int = 64) -> None:
    """Add `key` to the cache (the last `keep` passes are kept)."""
    from tiesmap.core.atomic import replace_file

    keys = [k for k in _passed(cache_file) if k != key][-(keep - 1) :] + [key]
    replace_file(cache_file, lambda out: out.write("\n".join(keys) + "\n"))
