"""Robustness and safety of the build (issue 10).

End-to-end parts (marked e2e) run on temporary copies of the project, as in
test_workflow_e2e.py: an interrupted build recovers to the same results, the number
of cores and the absence of a network change nothing, and the PDFs carry no build
time or random id. The other parts are fast static and unit checks: no eval/exec/
pickle/unsafe YAML/shell=True in the package, YAML payloads are refused, config paths
cannot leave the project, and CSV exports cannot be read as spreadsheet formulas.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from tiesmap.core.errors import InputError

from .conftest import good_row, write_coder_file
from .test_workflow_e2e import _copy_project

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workflow" / "tiesmap"
BUILD_TIMEOUT = 900
# A rule in the middle of the DAG: when its log appears the build is half done and
# several jobs (scope, index, sensitivity, notebook) are running.
MID_BUILD_LOG = "logs/dyad_scope.log"


# ------------------------------------------------------------------ helpers
def _env(dest: Path, extra_path: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    paths = [str(extra_path)] if extra_path else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(dest / "workflow")])
    return env


def _snakemake(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", *args]


def _run(dest: Path, *args: str, timeout: int = BUILD_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run(
        _snakemake(*args), cwd=dest, env=_env(dest), capture_output=True, text=True, timeout=timeout
    )


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _assert_same_results(one: Path, two: Path) -> None:
    a, b = _digests(one / "results"), _digests(two / "results")
    assert a, f"no results in {one}"
    assert a.keys() == b.keys(), sorted(set(a) ^ set(b))
    differ = sorted(k for k in a if a[k] != b[k])
    assert not differ, f"results differ: {differ}"


def _tail(dest: Path, name: str) -> str:
    path = dest / name
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _unshare_works() -> bool:
    """`unshare -n` (a new, empty network namespace) with loopback brought up."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    try:
        run = subprocess.run(
            ["unshare", "-n", "sh", "-c", "ip link set lo up && ip -o link show"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0


def _offline_command(cmd: list[str], guard_dir: Path | None) -> list[str]:
    if guard_dir is not None:
        return cmd  # the sitecustomize guard on PYTHONPATH does the blocking
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', *cmd]


def _start(dest: Path, cores: int, log: str, offline: bool = False, guard_dir=None):
    cmd = _snakemake("--cores", str(cores), "all")
    if offline:
        cmd = _offline_command(cmd, guard_dir)
    out = (dest / log).open("w")
    proc = subprocess.Popen(
        cmd,
        cwd=dest,
        env=_env(dest, guard_dir),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    return proc


def _processes_in(folder: Path) -> list[int]:
    """Processes still working in `folder` (their current directory is inside it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd == str(folder) or cwd.startswith(f"{folder}/"):
            found.append(int(entry.name))
    return found


# ------------------------------------------------------------------ builds
@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """One copy of the project; every build below starts from it, so an edit to the
    working tree during the test run cannot make two builds differ."""
    return _copy_project(tmp_path_factory.mktemp("snapshot"))


def _fresh(snapshot: Path, tmp_path_factory, name: str) -> Path:
    dest = tmp_path_factory.mktemp(name) / "project"
    shutil.copytree(snapshot, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def network_guard(tmp_path_factory) -> Path | None:
    """None when `unshare -n` works; otherwise a folder holding a sitecustomize.py
    that refuses connections beyond loopback."""
    if _unshare_works():
        return None
    folder = tmp_path_factory.mktemp("netguard")
    shutil.copyfile(Path(__file__).with_name("netguard.py"), folder / "sitecustomize.py")
    return folder


class Builds:
    """Clean builds started in the background; `builds[name]` waits for one, checks
    that it succeeded and returns its folder. Running them side by side (and beside
    the interrupted build) keeps the module's wall time down."""

    def __init__(self) -> None:
        self.running: dict[str, tuple[Path, subprocess.Popen, float]] = {}
        self.done: dict[str, Path] = {}

    def start(self, name: str, dest: Path, **kw) -> None:
        proc = _start(dest, log="build.txt", **kw)
        self.running[name] = (dest, proc, time.monotonic() + BUILD_TIMEOUT)

    def __getitem__(self, name: str) -> Path:
        if name not in self.done:
            dest, proc, deadline = self.running.pop(name)
            try:
                rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"build {name} timed out\n{_tail(dest, 'build.txt')}")
            assert rc == 0, f"build {name} failed ({rc})\n{_tail(dest, 'build.txt')}"
            self.done[name] = dest
        return self.done[name]

    def stop(self) -> None:
        for _, proc, _ in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture(scope="module")
def clean_builds(snapshot, tmp_path_factory, network_guard):
    """Three clean builds of the same snapshot, each in its own folder: 1 core,
    4 cores, and 2 cores without network."""
    builds = Builds()
    builds.start("cores1", _fresh(snapshot, tmp_path_factory, "cores1"), cores=1)
    builds.start("cores4", _fresh(snapshot, tmp_path_factory, "cores4"), cores=4)
    builds.start(
        "offline",
        _fresh(snapshot, tmp_path_factory, "offline"),
        cores=2,
        offline=True,
        guard_dir=network_guard,
    )
    yield builds
    builds.stop()


# ------------------------------------------------------------------ 1. interrupted build
@pytest.mark.e2e
def test_build_killed_mid_run_recovers_to_identical_results(
    snapshot, tmp_path_factory, clean_builds
):
    """SIGKILL to the whole Snakemake process group while jobs run, then rerun.

    Snakemake leaves a lock and incomplete-job markers behind; a plain rerun refuses
    and names the way out. The recovery is `snakemake --unlock` followed by
    `snakemake --cores 2 --rerun-incomplete`, after which results/ must be
    byte-identical to an uninterrupted build (no half-written file survives).
    """
    dest = _fresh(snapshot, tmp_path_factory, "interrupted")
    proc = _start(dest, 2, "killed.txt")
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not (dest / MID_BUILD_LOG).exists():
        if proc.poll() is not None:
            pytest.fail(f"build ended before {MID_BUILD_LOG} appeared\n{_tail(dest, 'killed.txt')}")
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    # Every process of the build died with it: nothing keeps writing into the copy.
    for _ in range(50):
        left = _processes_in(dest)
        if not left:
            break
        time.sleep(0.1)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes survived the kill: {left}"

    # The kill hit running jobs (otherwise this test would prove nothing).
    incomplete = dest / ".snakemake" / "incomplete"
    assert incomplete.is_dir() and any(incomplete.iterdir())
    assert not (dest / "results" / "paper.pdf").exists()

    plain = _run(dest, "--cores", "2", "all")
    if plain.returncode != 0:
        message = plain.stdout + plain.stderr
        assert "--rerun-incomplete" in message or "--unlock" in message, message[-3000:]
        unlock = _run(dest, "--unlock", timeout=120)
        assert unlock.returncode == 0, unlock.stderr[-3000:]
        rerun = _run(dest, "--cores", "2", "--rerun-incomplete", "all")
        assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    _assert_same_results(clean_builds["cores1"], dest)


def test_readme_documents_recovery_after_a_killed_build():
    """After a kill, Snakemake needs `--unlock` and `--rerun-incomplete` (see above);
    a user who only reads the README must find both."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--unlock" in text and "--rerun-incomplete" in text


# ------------------------------------------------------------------ 2. cores
@pytest.mark.e2e
def test_one_and_four_cores_give_identical_results(clean_builds):
    _assert_same_results(clean_builds["cores1"], clean_builds["cores4"])


# ------------------------------------------------------------------ 3. no network
@pytest.mark.e2e
def test_build_without_network_gives_identical_results(clean_builds):
    """The default build reads nothing from the internet (the offline build ran in
    an empty network namespace with only loopback, or under the socket guard)."""
    _assert_same_results(clean_builds["cores1"], clean_builds["offline"])


def test_network_isolation_really_isolates(tmp_path, network_guard):
    """The offline build's isolation blocks outside addresses and keeps loopback."""
    probe = (
        "import socket\n"
        "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()\n"
        "c = socket.create_connection(srv.getsockname(), timeout=5); c.close()\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=5)\n"
        "except OSError as err:\n"
        "    print('blocked', type(err).__name__, err)\n"
        "else:\n"
        "    print('REACHED')\n"
    )
    cmd = _offline_command([sys.executable, "-c", probe], network_guard)
    run = subprocess.run(
        cmd, env=_env(tmp_path, network_guard), capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("blocked"), run.stdout
    if network_guard is None:
        links = subprocess.run(
            ["unshare", "-n", "sh", "-c", "ip link set lo up && ip -o link show"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert [line.split(":")[1].strip() for line in links.splitlines()] == ["lo"]


def test_socket_guard_fallback_blocks_outside_and_allows_loopback(tmp_path):
    """The sitecustomize fallback (used where `unshare -n` is not available)."""
    shutil.copyfile(Path(__file__).with_name("netguard.py"), tmp_path / "sitecustomize.py")
    probe = (
        "import socket\n"
        "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()\n"
        "socket.create_connection(srv.getsockname(), timeout=5).close()\n"
        "for target in [('192.0.2.1', 80), ('example.org', 443)]:\n"
        "    try:\n"
        "        socket.create_connection(target, timeout=5)\n"
        "    except OSError as err:\n"
        "        assert 'netguard' in str(err), err\n"
        "    else:\n"
        "        raise SystemExit('reached ' + repr(target))\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr


# ------------------------------------------------------------------ 4. safety: static scan
_BANNED = {
    "eval": "eval",
    "exec": "exec",
    "compile": "compile() of code",
    "builtins.eval": "eval",
    "builtins.exec": "exec",
    "os.system": "shell command",
    "os.popen": "shell command",
    "subprocess.getoutput": "shell command",
    "subprocess.getstatusoutput": "shell command",
    "asyncio.create_subprocess_shell": "shell command",
    "pickle.load": "pickle",
    "pickle.loads": "pickle",
    "pickle.Unpickler": "pickle",
    "_pickle.load": "pickle",
    "_pickle.loads": "pickle",
    "dill.load": "pickle",
    "dill.loads": "pickle",
    "joblib.load": "pickle",
    "marshal.load": "marshal",
    "marshal.loads": "marshal",
    "shelve.open": "pickle (shelve)",
    "pandas.read_pickle": "pickle",
    "yaml.unsafe_load": "unsafe YAML",
    "yaml.unsafe_load_all": "unsafe YAML",
    "yaml.full_load": "unsafe YAML",
    "yaml.full_load_all": "unsafe YAML",
}
_SUBPROCESS = {"subprocess." + f for f in ("run", "call", "check_call", "check_output", "Popen")}
_SAFE_LOADERS = {"yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader"}


def _qualified(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """Dotted name of an expression like `pd.read_pickle`, with import aliases resolved."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def unsafe_calls(source: str, filename: str = "<source>") -> list[str]:
    """Calls that could run code or shell commands taken from data."""
    tree = ast.parse(source, filename)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[(a.asname or a.name).split(".")[0]] = (
                    a.name if a.asname else a.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _qualified(node.func, aliases)
        where = f"{filename}:{node.lineno}"
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        if name in _BANNED:
            found.append(f"{where}: {name} ({_BANNED[name]})")
        elif name in ("yaml.load", "yaml.load_all"):
            loader = kwargs.get("Loader", node.args[1] if len(node.args) > 1 else None)
            if loader is None or _qualified(loader, aliases) not in _SAFE_LOADERS:
                found.append(f"{where}: {name} without SafeLoader")
        elif name in _SUBPROCESS or name == "asyncio.create_subprocess_exec":
            shell = kwargs.get("shell")
            if shell is not None and not (
                isinstance(shell, ast.Constant) and shell.value in (False, None)
            ):
                found.append(f"{where}: {name} with shell=")
        elif name in ("numpy.load", "numpy.lib.npyio.load"):
            allow = kwargs.get("allow_pickle")
            if allow is not None and not (isinstance(allow, ast.Constant) and not allow.value):
                found.append(f"{where}: numpy.load with allow_pickle")
    return found


def test_package_never_evaluates_or_unpickles_data():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    found = [
        hit
        for path in files
        for hit in unsafe_calls(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "\n".join(found)


def test_yaml_is_only_read_with_the_safe_loader():
    """Every YAML read in the package goes through yaml.safe_load (yamlio.load_yaml)."""
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "yaml"
                and "load" in node.attr
            ):
                readers.append(f"{path.name}:{node.attr}")
    assert readers and all(r.endswith(("safe_load", "safe_load_all")) for r in readers), readers


@pytest.mark.parametrize(
    "snippet",
    [
        "eval(text)",
        "exec(text)",
        "import builtins\nbuiltins.eval(text)",
        "import pickle\npickle.load(fh)",
        "from pickle import loads as l\nl(raw)",
        "import pandas as pd\npd.read_pickle(path)",
        "import yaml\nyaml.load(fh)",
        "import yaml\nyaml.load(fh, Loader=yaml.Loader)",
        "import yaml\nyaml.load(fh, yaml.FullLoader)",
        "import yaml\nyaml.unsafe_load(fh)",
        "from yaml import load\nload(fh)",
        "import subprocess\nsubprocess.run(cmd, shell=True)",
        "import subprocess as sp\nsp.Popen(cmd, shell=flag)",
        "from subprocess import check_output\ncheck_output(cmd, shell=True)",
        "import os\nos.system(cmd)",
        "import numpy as np\nnp.load(path, allow_pickle=True)",
    ],
)
def test_scanner_flags_unsafe_calls(snippet):
    assert unsafe_calls(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "import yaml\nyaml.safe_load(fh)",
        "import yaml\nyaml.load(fh, Loader=yaml.SafeLoader)",
        "import subprocess\nsubprocess.run(['latexmk', name], shell=False)",
        "import re\nre.compile('x')",
        "import numpy as np\nnp.load(path)",
    ],
)
def test_scanner_accepts_safe_calls(snippet):
    assert not unsafe_calls(snippet)


# ------------------------------------------------------------------ 4. safety: YAML payloads
def _payload(tmp_path: Path, name: str) -> tuple[Path, Path]:
    marker = tmp_path / "pwned"
    path = tmp_path / name
    path.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    return path, marker


@pytest.mark.parametrize("kind", ["config", "codebook", "manifest"])
def test_yaml_payload_is_refused_by_the_loaders(tmp_path, kind):
    from tiesmap.codings.manifest import load_manifest
    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config

    path, marker = _payload(tmp_path, f"{kind}.yaml")
    loader = {"config": load_config, "codebook": load_codebook, "manifest": load_manifest}[kind]
    with pytest.raises(InputError) as err:
        loader(path)
    assert not marker.exists()
    assert [(p.file, p.row) for p in err.value.problems] == [(str(path), None)]
    assert "not valid YAML" in str(err.value) and "python/object/apply" in str(err.value)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--config", "{evil}", "data/raw/events/coder_a.csv"],
        ["check", "--codebook", "{evil}", "data/raw/events/coder_a.csv"],
        ["manifest", "--manifest", "{evil}"],
    ],
)
def test_yaml_payload_is_refused_by_the_command_line(tmp_path, argv):
    evil, marker = _payload(tmp_path, "evil.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "tiesmap.cli", *(a.format(evil=evil) for a in argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "problem found" in run.stderr and "not valid YAML" in run.stderr
    assert not marker.exists()


@pytest.fixture(scope="module")
def dry_project(snapshot, tmp_path_factory) -> Path:
    return _fresh(snapshot, tmp_path_factory, "dry")


def test_yaml_payload_in_workflow_config_runs_nothing(dry_project, tmp_path):
    """Snakemake itself reads config/config.yaml (PyYAML's FullLoader via yte), before
    tiesmap sees it; the payload must still not run."""
    dest = dry_project
    config = dest / "config" / "config.yaml"
    original = config.read_text(encoding="utf-8")
    evil, marker = _payload(tmp_path, "evil.yaml")
    try:
        config.write_text(evil.read_text(encoding="utf-8"), encoding="utf-8")
        run = _run(dest, "-n", "--cores", "1", timeout=300)
    finally:
        config.write_text(original, encoding="utf-8")
    assert run.returncode != 0
    assert not marker.exists()


# ------------------------------------------------------------------ 4. safety: config paths
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("codebook", "../x"),
        ("codebook", "/etc/passwd"),
        ("codebook", "config/../../codebook.yaml"),
        ("codings.dir", "../../events"),
        ("codings.dir", "/tmp"),
        ("codings.adjudication", "data/raw/events/../../../../etc/passwd"),
        ("codings.adjudication", "/etc/passwd"),
    ],
)
def test_config_paths_must_stay_inside_the_project(config, key, value):
    from tiesmap.core.config import check_config

    bad = copy.deepcopy(config)
    *parents, last = key.split(".")
    target = bad
    for part in parents:
        target = target[part]
    target[last] = value
    with pytest.raises(InputError) as err:
        check_config(bad)
    assert [p.column for p in err.value.problems] == [key]
    assert value in str(err.value) or value[:39] in str(err.value)


def test_workflow_refuses_a_config_path_outside_the_project(dry_project):
    run = _run(dry_project, "-n", "--cores", "1", "--config", "codebook=/etc/passwd", timeout=300)
    assert run.returncode == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert "configuration is not valid" in run.stderr and "codebook" in run.stderr
    assert "Traceback" not in run.stderr


def test_manifest_paths_must_stay_inside_the_project(tmp_path):
    import yaml

    from tiesmap.codings.manifest import load_manifest

    data = yaml.safe_load((ROOT / "data/raw/MANIFEST.yaml").read_text(encoding="utf-8"))
    data["files"][0]["path"] = "../outside.csv"
    data["files"][1]["path"] = "/etc/passwd"
    path = tmp_path / "MANIFEST.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_manifest(path)
    assert {p.column for p in err.value.problems} == {"files.0.path", "files.1.path"}


# ------------------------------------------------------------------ 4. safety: CSV exports
FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=1"]


def _csv_cells(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_write_csv_neutralises_formulas_and_keeps_numbers(tmp_path):
    from tiesmap.core.csvsafe import write_csv

    n = len(FORMULAS) + 1
    frame = pd.DataFrame(
        {
            "text": [*FORMULAS, "plain text"],
            "number": [-2.5] * n,
            "integer": [-3] * n,
            "mixed": [-2.5, 7, None, "=x", "ok", "text", 0.5][:n],
        }
    )
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    header, *rows = _csv_cells(path)
    assert header == ["text", "number", "integer", "mixed"]
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS] + ["plain text"]
    assert {r[1] for r in rows} == {"-2.5"} and {r[2] for r in rows} == {"-3"}
    assert [r[3] for r in rows] == ["-2.5", "7", "", "'=x", "ok", "text", "0.5"][:n]
    assert path.read_bytes().count(b"\r\n") == 0


def test_write_csv_keeps_cells_with_carriage_returns_whole(tmp_path):
    from tiesmap.core.csvsafe import write_csv

    path = tmp_path / "out.csv"
    write_csv(pd.DataFrame({"text": ["\r=1", "a\rb"], "n": [1, 2]}), path)
    assert _csv_cells(path) == [["text", "n"], ["'\r=1", "1"], ["a\rb", "2"]]


@pytest.mark.parametrize("dtype", ["string", "category"])
def test_write_csv_neutralises_formulas_in_typed_text_columns(tmp_path, dtype):
    from tiesmap.core.csvsafe import write_csv

    path = tmp_path / "out.csv"
    write_csv(pd.DataFrame({"text": pd.Series(FORMULAS, dtype=dtype)}), path)
    assert [r[0] for r in _csv_cells(path)[1:]] == ["'" + f for f in FORMULAS]


def test_disagreements_csv_neutralises_adjudicated_formulas(tmp_path, monkeypatch):
    from tiesmap.cli import main

    monkeypatch.chdir(ROOT)  # the config names the codebook relative to the project
    a = write_coder_file(tmp_path / "coder_a.csv", [good_row(coder="coder_a")])
    b = write_coder_file(tmp_path / "coder_b.csv", [good_row(coder="coder_b", confidence="low")])
    adjudication = tmp_path / "adjudication.csv"
    adjudication.write_text(
        "event_id,variable,decided_value,adjudicator,reason\nE001,confidence,=1+1,me,test\n",
        encoding="utf-8",
    )
    codings, out = tmp_path / "codings.parquet", tmp_path / "disagreements.csv"
    assert main(["validate", "--out", str(codings), str(a), str(b)]) == 0
    rc = main(
        [
            "merge",
            "--codings",
            str(codings),
            "--adjudication",
            str(adjudication),
            "--out",
            str(tmp_path / "events.parquet"),
            "--disagreements",
            str(out),
        ]
    )
    # Either the adjudication is refused as bad input, or the value is neutralised.
    if rc == 0:
        cells = [c for row in _csv_cells(out) for c in row]
        assert "=1+1" not in cells


# ------------------------------------------------------------------ 5. PDF metadata
_PDF_KEYS = re.compile(rb"/(CreationDate|ModDate)\s*\(([^)]*)\)|/ID\s*\[([^\]]*)\]")


def _pdf_text(data: bytes) -> bytes:
    """The PDF's bytes plus every Flate stream decompressed: with PDF 1.5 object
    streams the Info dictionary (with its dates) is compressed."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompressobj().decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def _pdf_stamps(path: Path) -> list[tuple[str, bytes]]:
    return [
        ("ID", m.group(3)) if m.group(3) is not None else (m.group(1).decode(), m.group(2))
        for m in _PDF_KEYS.finditer(_pdf_text(path.read_bytes()))
    ]


def test_pdf_scanner_reads_compressed_object_streams(tmp_path):
    body = zlib.compress(b"<< /CreationDate (D:20260101120000Z) /ModDate (D:1) >>")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.5\n1 0 obj << >> stream\n" + body + b"\nendstream\n/ID [<ab><cd>]")
    assert _pdf_stamps(pdf) == [
        ("ID", b"<ab><cd>"),
        ("CreationDate", b"D:20260101120000Z"),
        ("ModDate", b"D:1"),
    ]


@pytest.mark.e2e
def test_pdfs_carry_no_build_time_and_no_random_id(clean_builds, config):
    """No PDF in results/ records when it was built (a date, if any, is the fixed
    SOURCE_DATE_EPOCH of the config) and the paper has no trailer /ID."""
    epoch = datetime.fromtimestamp(config["paper"]["source_date_epoch"], UTC)
    fixed = epoch.strftime("D:%Y%m%d%H%M%S").encode()
    one, two = clean_builds["cores1"] / "results", clean_builds["cores4"] / "results"
    pdfs = sorted(p.relative_to(one) for p in one.rglob("*.pdf"))
    assert Path("paper.pdf") in pdfs and len(pdfs) > 1
    paper_text = _pdf_text((one / "paper.pdf").read_bytes())
    assert b"/Producer" in paper_text  # the Info dictionary was found and read
    for rel in pdfs:
        stamps = _pdf_stamps(one / rel)
        assert stamps == _pdf_stamps(two / rel), rel
        for key, value in stamps:
            if key != "ID":
                assert value.startswith(fixed), (rel, key, value)
    assert not [s for s in _pdf_stamps(one / "paper.pdf") if s[0] == "ID"]
