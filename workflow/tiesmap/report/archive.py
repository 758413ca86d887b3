"""The replication package: code, config, redistributable raw data, manifest,
results and paper in one archive, with a checksum for every file.

The archive is byte-stable (sorted members, fixed times and owners, gzip without
a timestamp), so its own checksum identifies the replicated state.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from pathlib import Path

from tiesmap.codings.manifest import load_manifest

INCLUDE = (
    "README.md",
    "LICENSE",
    "CITATION.cff",
    ".zenodo.json",
    ".ci",
    "Snakefile",
    "Makefile",
    "pyproject.toml",
    "requirements.lock",
    "environment.yml",
    "config",
    "workflow",
    "notebooks",
    "paper",
    "tools",
    "benchmarks",
    "profiles",
    "results",
)
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", "tiesmap.egg-info"}


def package_files(root: str | Path) -> list[Path]:
    """Relative paths to pack: project files, results, and the provided raw data only
    (third-party files the licence does not let us redistribute stay out)."""
    root = Path(root)
    files: set[Path] = set()
    for item in INCLUDE:
        path = root / item
        if path.is_file():
            files.add(Path(item))
        elif path.is_dir():
            files |= {
                p.relative_to(root)
                for p in path.rglob("*")
                if p.is_file() and not SKIP_PARTS & set(p.parts)
            }
    manifest = root / "data/raw/MANIFEST.yaml"
    files.add(manifest.relative_to(root))
    files |= {Path(e.path) for e in load_manifest(manifest) if e.provided}
    files.add(Path("data/raw/events/README.md"))
    return sorted(f for f in files if (root / f).exists())


def write_archive(root: str | Path, out: str | Path, sums: str | Path) -> None:
    root, out = Path(root), Path(out)
    lines, buffer = [], io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel in package_files(root):
            data = (root / rel).read_bytes()
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel.as_posix()}")
            info = tarfile.TarInfo(f"tiesmap-replication/{rel.as_posix()}")
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
        listing = ("\n".join(lines) + "\n").encode()
        info = tarfile.TarInfo("tiesmap-replication/SHA256SUMS")
        info.size, info.mtime, info.mode = len(listing), 0, 0o644
        tar.addfile(info, io.BytesIO(listing))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(buffer.getvalue())
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    Path(sums).write_text(f"{digest}  {out.name}\n" + listing.decode(), encoding="utf-8")
