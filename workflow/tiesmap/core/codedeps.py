"""Which package files a workflow step runs, read from the code's own imports.

A rule that lists its code inputs by hand goes stale when the code grows a new
import, and a stale exhibit after a code change is a silent wrong number. Here
the code inputs of a command-line verb are derived instead: the dispatcher
``cli.py``, the verb's handler in its stage's command-line module
(``<stage>/cli.py``, the one whose ``register`` names the verb), the helpers of that
module it calls, and the closure of every ``tiesmap`` module they import (imports
inside functions included, since the package imports lazily). Only the standard library is used, so Snakemake can call this
at start-up without importing pandas.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from tiesmap.core.atomic import replace_file

PACKAGE = "tiesmap"


def module_path(package_dir: Path, module: str) -> Path | None:
    """The file of a dotted ``tiesmap`` module (a package's ``__init__.py``), or None."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(package_dir: Path, path: Path) -> str:
    rel = path.relative_to(package_dir).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


def _resolve_from(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module named by ``from X import ...`` (relative imports too)."""
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_in(tree: ast.AST, current: str, is_package: bool) -> set[str]:
    """Every ``tiesmap`` module a syntax tree imports, wherever the import stands.

    ``from tiesmap.x import y`` names ``tiesmap.x`` and, where ``y`` is itself a
    module, ``tiesmap.x.y``; the caller keeps only names that are files.
    """
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _resolve_from(current, is_package, node)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m == PACKAGE or m.startswith(PACKAGE + ".")}


@cache
def _parsed_imports(path: Path, module: str, mtime_ns: int) -> frozenset[str]:
    return frozenset(imports_in(_tree(path), module, path.name == "__init__.py"))


def _file_imports(path: Path, module: str) -> frozenset[str]:
    """A file's imports, parsed once per version of the file (every rule asks)."""
    return _parsed_imports(path, module, path.stat().st_mtime_ns)


def _with_parents(module: str) -> list[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def closure(
    package_dir: Path, modules: Iterable[str], opaque: frozenset[str] = frozenset()
) -> list[str]:
    """Sorted files of the given modules and of everything they import, transitively.

    The imports of an ``opaque`` module are not followed: ``cli`` imports every
    stage lazily, and only the handler a rule runs counts (see `verb_modules`).
    """
    package_dir = Path(package_dir)
    seen: dict[str, Path] = {}
    todo = [p for m in modules for p in _with_parents(m)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_path(package_dir, name)
        if path is None:
            continue
        seen[name] = path
        if name not in opaque:
            for imported in _file_imports(path, name):
                todo.extend(_with_parents(imported))
    return sorted({str(p) for p in seen.values()})


@cache
def _parsed_tree(path: Path, mtime_ns: int) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _tree(path: Path) -> ast.Module:
    """A file's syntax tree, parsed once per version of the file (every rule asks)."""
    return _parsed_tree(path, path.stat().st_mtime_ns)


def _cli_functions(cli_path: Path) -> tuple[dict[str, ast.FunctionDef], dict[str, str]]:
    """A command-line module's top-level functions, and its verb -> handler table."""
    return _parsed_cli(cli_path, cli_path.stat().st_mtime_ns)


@cache
def _parsed_cli(cli_path: Path, mtime_ns: int) -> tuple[dict[str, ast.FunctionDef], dict[str, str]]:
    tree = _tree(cli_path)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    verbs: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        callee = node.func
        name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
        if name == "verb" and len(node.args) > 1 and isinstance(node.args[1], ast.Name):
            verbs[first.value] = node.args[1].id
        elif name == "add_parser":
            verbs.setdefault(first.value, "cmd_" + first.value.replace("-", "_"))
    return functions, verbs


def stage_cli_modules(package_dir: Path) -> dict[str, Path]:
    """Dotted name -> file of each stage's command-line module: a ``<stage>/cli.py``
    with a ``register`` function (the shared helpers in ``core/cli.py`` have none)."""
    found = {}
    for path in sorted(Path(package_dir).glob("*/cli.py")):
        if "register" in _cli_functions(path)[0]:
            found[f"{PACKAGE}.{path.parent.name}.cli"] = path
    return found


def verb_modules(cli_path: Path, verb: str, cli_module: str | None = None) -> set[str]:
    """The modules a verb's handler imports, through the helpers of its command-line
    module (``cli_module``, by default named after the file) that it calls."""
    functions, verbs = _cli_functions(cli_path)
    if verb not in verbs or verbs[verb] not in functions:
        raise KeyError(f"tiesmap has no command-line verb {verb!r}")
    if cli_module is None:
        cli_module = _module_name(cli_path.parents[1], cli_path)
    top_level = ast.Module(
        body=[n for n in _tree(cli_path).body if isinstance(n, ast.Import | ast.ImportFrom)],
        type_ignores=[],
    )
    modules = {cli_module, *imports_in(top_level, cli_module, False)}
    todo, done = [verbs[verb]], set()
    while todo:
        name = todo.pop()
        if name in done or name not in functions:
            continue
        done.add(name)
        fn = functions[name]
        modules |= imports_in(fn, cli_module, False)
        todo.extend(n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id in functions)
    return modules


def notebook_modules(notebook: Path) -> set[str]:
    """The ``tiesmap`` modules a notebook's code cells import."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    found: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        found |= imports_in(ast.parse("\n".join(lines)), "__notebook__", False)
    return found


def code_inputs(
    package_dir: str | Path,
    verb: str,
    extra: Iterable[str] = (),
    notebook: str | Path | None = None,
    cache_file: str | Path | None = None,
) -> list[str]:
    """Files whose edit must rerun a rule that runs ``tiesmap <verb>``.

    ``extra`` names modules the verb loads by name at run time (a figure's
    module, say), which no import statement shows. The dispatcher and the stage
    command-line modules import every stage's verbs; only the verb's own handler
    counts, so their imports are followed no further than `verb_modules` does.

    With ``cache_file`` the answer is kept on disk under the digest of every
    package file's path and content (and the notebook's), so a workflow started
    again on unchanged code reads it instead of parsing the package (most of a
    no-op's own cost); any edit, added or removed file changes the digest.
    """
    extra = tuple(extra)
    if cache_file is None:
        return _code_inputs(Path(package_dir), verb, extra, notebook)
    return CodeInputIndex(package_dir, cache_file)(verb, extra, notebook)


class CodeInputIndex:
    """`code_inputs` of many verbs against one reading of the package and its cache.

    A workflow asks for every rule's code inputs while it parses, when the files
    cannot change: hashing the package and reading the cache once for all rules,
    not once per rule, is most of what a start with nothing to do spends on this.
    """

    def __init__(self, package_dir: str | Path, cache_file: str | Path) -> None:
        self.package_dir = Path(package_dir)
        self.cache_file = Path(cache_file)
        self.digest = package_digest(self.package_dir)
        stored = _read_cache(self.cache_file)
        entries = stored.get("entries", {}) if stored.get("digest") == self.digest else {}
        self.entries: dict = dict(entries) if isinstance(entries, dict) else {}

    def __call__(
        self, verb: str, extra: Iterable[str] = (), notebook: str | Path | None = None
    ) -> list[str]:
        extra = tuple(extra)
        notebook_digest = (
            hashlib.sha256(Path(notebook).read_bytes()).hexdigest() if notebook is not None else ""
        )
        key = "\t".join([verb, ",".join(sorted(extra)), str(notebook or ""), notebook_digest])
        if key not in self.entries:
            self.entries[key] = _code_inputs(self.package_dir, verb, extra, notebook)
            _write_cache(self.cache_file, {"digest": self.digest, "entries": self.entries})
        return list(self.entries[key])


def package_digest(package_dir: Path) -> str:
    """sha256 over the relative path and content of every ``.py`` file of the package:
    what `code_inputs` reads. Hashed once per version of the files (every rule asks)."""
    return _digest(package_dir, _versions(str(package_dir)))


def _versions(root: str) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every ``.py`` file under `root`, sorted (one scandir walk)."""
    found, todo = [], [root]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        todo.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    found.append((entry.path, info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


@cache
def _digest(package_dir: Path, versions: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in versions:
        path = Path(name)
        digest.update(str(path.relative_to(package_dir)).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_cache(path: Path) -> dict:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored if isinstance(stored, dict) else {}


def _write_cache(path: Path, content: dict) -> None:
    replace_file(path, lambda out: json.dump(content, out, sort_keys=True))


def _code_inputs(
    package_dir: Path, verb: str, extra: tuple[str, ...], notebook: str | Path | None
) -> list[str]:
    stages = stage_cli_modules(package_dir)
    owners = [name for name, path in stages.items() if verb in _cli_functions(path)[1]]
    if not owners:
        raise KeyError(f"tiesmap has no command-line verb {verb!r}")
    dispatcher = f"{PACKAGE}.cli"
    modules = {dispatcher, *verb_modules(stages[owners[0]], verb, owners[0]), *extra}
    if notebook is not None:
        modules |= notebook_modules(Path(notebook))
    return closure(package_dir, modules, opaque=frozenset({dispatcher, *stages}))
