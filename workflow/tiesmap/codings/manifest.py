"""The data manifest: every raw file with its source, licence, version and checksum.

`verify` proves that the raw data a result was built from are the data the
manifest records; `download` fetches the optional third-party files from their
public addresses (or a local mirror) and refuses any whose checksum differs.
"""

from __future__ import annotations

import hashlib
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tiesmap.core.errors import InputError, Problem
from tiesmap.core.yamlio import load_yaml, validate_against_schema


@dataclass(frozen=True)
class Entry:
    name: str
    path: str
    sha256: str
    provided: bool
    url: str | None
    mirror: str | None
    adapter: str | None
    spec: dict[str, Any]


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(path: str | Path, cache_file: str | Path | None = None) -> list[Entry]:
    """Entries of MANIFEST.yaml, schema-checked (passes remembered in `cache_file`);
    paths must stay inside the project."""
    data = load_yaml(path)
    validate_against_schema(data, "manifest.schema.yaml", str(path), cache_file)
    problems, entries = [], []
    for i, spec in enumerate(data["files"]):
        p = Path(spec["path"])
        if p.is_absolute() or ".." in p.parts:
            problems.append(
                Problem(
                    str(path),
                    None,
                    f"files.{i}.path",
                    spec["path"],
                    "path must be relative and inside the project",
                )
            )
        entries.append(
            Entry(
                name=spec["name"],
                path=spec["path"],
                sha256=spec["sha256"],
                provided=spec["provided"],
                url=spec.get("url"),
                mirror=spec.get("mirror"),
                adapter=spec.get("adapter"),
                spec=spec,
            )
        )
    names = [e.name for e in entries]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(str(path), None, "files.name", name, "name appears twice"))
    if problems:
        raise InputError(problems)
    return entries


def verify(entries: list[Entry], root: str | Path, manifest_file: str) -> list[str]:
    """Check provided files exist and match; optional files are checked when present.
    Returns lines 'name sha256 status' (status: ok | absent-optional)."""
    root = Path(root)
    problems, report = [], []
    for e in entries:
        target = root / e.path
        if not target.exists():
            if e.provided:
                problems.append(
                    Problem(
                        e.path, None, None, None, f"raw file listed in {manifest_file} is missing"
                    )
                )
            else:
                report.append(f"{e.name} {e.sha256} absent-optional")
            continue
        actual = sha256_of(target)
        if actual != e.sha256:
            problems.append(
                Problem(
                    e.path,
                    None,
                    "sha256",
                    actual,
                    f"file differs from {manifest_file} (expected {e.sha256[:12]}…); "
                    "if the change is intended, run `tiesmap manifest --update`",
                )
            )
        else:
            report.append(f"{e.name} {e.sha256} ok")
    if problems:
        raise InputError(problems)
    return report


def update_checksums(path: str | Path, root: str | Path) -> int:
    """Record the sha256 of every provided file (after an intended change to raw data).

    The manifest is validated first: an invalid one raises InputError and is left
    byte-for-byte as it was. Nothing is written when no checksum changed; otherwise
    only the changed sha256 values are replaced in the text, so comments and layout
    stay. Returns the number of checksums changed."""
    path = Path(path)
    entries = load_manifest(path)  # InputError before anything is written
    digests = []
    for e in entries:
        target = Path(root) / e.path
        digests.append(sha256_of(target) if e.provided and target.exists() else e.sha256)
    changed = sum(new != e.sha256 for e, new in zip(entries, digests, strict=True))
    if not changed:
        return 0
    text = path.read_bytes().decode("utf-8")  # load_manifest has checked it is UTF-8
    updated = _replace_checksums(text, digests)
    if updated is None:  # a layout the in-place edit does not handle (anchors, block scalars)
        data = load_yaml(path)
        for spec, digest in zip(data["files"], digests, strict=True):
            spec["sha256"] = digest
        header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
        updated = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(updated.encode("utf-8"))
    partial.replace(path)
    return changed


def _replace_checksums(text: str, digests: list[str]) -> str | None:
    """`text` with the sha256 value of files[i] set to digests[i], edited in place;
    None unless the result reads back as exactly the intended data."""
    expected = yaml.safe_load(text)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    files = next(v for k, v in root.value if k.value == "files")
    edits = []
    for item, digest in zip(files.value, digests, strict=True):
        node = next(v for k, v in item.value if k.value == "sha256")
        if node.value == digest:
            continue
        quote = {"'": "'", '"': '"'}.get(node.style or "", "")
        if not quote and yaml.safe_load(digest) != digest:  # e.g. all decimal digits
            quote = "'"
        edits.append((node.start_mark.index, node.end_mark.index, f"{quote}{digest}{quote}"))
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    for spec, digest in zip(expected["files"], digests, strict=True):
        spec["sha256"] = digest
    try:
        ok = yaml.safe_load(text) == expected
    except yaml.YAMLError:
        ok = False
    return text if ok else None


def download(
    entries: list[Entry],
    root: str | Path,
    mirror_dir: str | Path | None = None,
    mirror_url: str | None = None,
    only: list[str] | None = None,
) -> list[str]:
    """Fetch optional files (public URL, or a local mirror folder/URL), verify checksums.

    A file is written under its final name only after its checksum matched, so an
    interrupted or corrupted download never leaves a file that looks valid.
    """
    root = Path(root)
    problems, done = [], []
    for e in entries:
        if e.provided or (only and e.name not in only):
            continue
        target = root / e.path
        if target.exists() and sha256_of(target) == e.sha256:
            done.append(f"{e.name}: already present")
            continue
        partial = target.with_name(target.name + ".part")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if mirror_dir is not None:
                shutil.copyfile(Path(mirror_dir) / (e.mirror or ""), partial)
                origin = f"{mirror_dir}/{e.mirror}"
            else:
                origin = f"{mirror_url.rstrip('/')}/{e.mirror}" if mirror_url else e.url
                if not origin:
                    raise OSError("no URL in the manifest")
                with urllib.request.urlopen(origin, timeout=60) as resp, partial.open("wb") as fh:
                    shutil.copyfileobj(resp, fh)
        except (OSError, ValueError) as err:
            partial.unlink(missing_ok=True)
            problems.append(
                Problem(
                    e.path,
                    None,
                    "url",
                    origin if "origin" in dir() else e.url,
                    f"download failed: {err}",
                )
            )
            continue
        actual = sha256_of(partial)
        if actual != e.sha256:
            partial.unlink()
            problems.append(
                Problem(
                    e.path,
                    None,
                    "sha256",
                    actual,
                    f"downloaded file does not match the manifest ({origin})",
                )
            )
            continue
        partial.replace(target)
        done.append(f"{e.name}: downloaded from {origin}")
    if problems:
        raise InputError(problems)
    return done


def present_files(
    entries: list[Entry], wanted, by: str = "adapter", root: str | Path = "."
) -> dict[str, str]:
    """{adapter (or entry name, by="name"): path} of the optional files whose entry is
    wanted and whose file exists under `root`; with several files per adapter, the
    last listed is kept (as the workflow has always done)."""
    return {
        getattr(e, by): e.path
        for e in entries
        if getattr(e, by) in wanted and (Path(root) / e.path).exists()
    }


def absent_sources(
    entries: list[Entry], sources, covariates, root: str | Path = "."
) -> tuple[list[str], list[str]]:
    """(event sources, covariate files) that the config asks for but whose files are
    missing under `root`: what the build will go without."""
    found = present_files(entries, sources, "adapter", root)
    files = present_files(entries, covariates, "name", root)
    listed = {e.name for e in entries}
    return (
        sorted(set(sources) - set(found)),
        sorted(c for c in covariates if c in listed and c not in files),
    )


def absent_sources_line(sources: list[str], covariates: list[str]) -> str | None:
    """One line naming what is absent, or None when every optional file is present."""
    if not sources and not covariates:
        return None
    parts = []
    if sources:
        parts.append("event sources " + ", ".join(sources))
    if covariates:
        parts.append("covariates " + ", ".join(covariates))
    return "tiesmap: optional sources absent (fetch with `make download`): " + "; ".join(parts)
