"""Robustness of the build (issue 10): an interrupted build recovers to the same
results, the number of cores and the absence of a network change nothing, and the
PDFs carry no build time or random id. The builds are the session's
(tests/e2e/conftest.py); the static safety checks are in tests/core/test_safety.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.core.test_safety import _pdf_stamps, _pdf_text
from tests.e2e.builds import offline_command, start, tail
from tests.project import BUILD_TIMEOUT, ROOT, assert_same_results, build_env, run_snakemake

# A rule in the middle of the DAG: when its log appears the build is half done and
# several jobs (scope, index, sensitivity, notebook) are running.
MID_BUILD_LOG = "logs/dyad_scope.log"


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


# ------------------------------------------------------------------ 1. interrupted build
@pytest.mark.e2e
def test_build_killed_mid_run_recovers_to_identical_results(builds):
    """SIGKILL to the whole Snakemake process group while jobs run, then rerun.

    Snakemake leaves a lock and incomplete-job markers behind; a plain rerun refuses
    and names the way out. The recovery is `snakemake --unlock` followed by
    `snakemake --cores 2 --rerun-incomplete`, after which results/ must be
    byte-identical to an uninterrupted build (no half-written file survives).
    """
    builds.want("pilot", "cores1", "cores4")  # side by side with the interrupted build
    dest = builds.fresh("interrupted")
    proc = start(dest, 2, "killed.txt")
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not (dest / MID_BUILD_LOG).exists():
        if proc.poll() is not None:
            pytest.fail(f"build ended before {MID_BUILD_LOG} appeared\n{tail(dest, 'killed.txt')}")
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

    plain = run_snakemake(dest, "--cores", "2", "all")
    if plain.returncode != 0:
        message = plain.stdout + plain.stderr
        assert "--rerun-incomplete" in message or "--unlock" in message, message[-3000:]
        unlock = run_snakemake(dest, "--unlock", timeout=120)
        assert unlock.returncode == 0, unlock.stderr[-3000:]
        rerun = run_snakemake(dest, "--cores", "2", "--rerun-incomplete", "all")
        assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert_same_results(builds["cores1"], dest)


# ------------------------------------------------------------------ 2. cores
@pytest.mark.e2e
def test_one_and_four_cores_give_identical_results(builds):
    builds.want("cores1", "cores4")
    assert_same_results(builds["cores1"], builds["cores4"])


# ------------------------------------------------------------------ 3. no network
@pytest.mark.e2e
def test_build_without_network_gives_identical_results(builds):
    """The default build reads nothing from the internet (the offline build ran in
    an empty network namespace with only loopback, or under the socket guard)."""
    assert_same_results(builds["cores1"], builds["pilot"])


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
    cmd = offline_command([sys.executable, "-c", probe], network_guard)
    run = subprocess.run(
        cmd, env=build_env(tmp_path, network_guard), capture_output=True, text=True, timeout=60
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
    shutil.copyfile(ROOT / "tests" / "netguard.py", tmp_path / "sitecustomize.py")
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


@pytest.mark.e2e
def test_pdfs_carry_no_build_time_and_no_random_id(builds, config):
    """No PDF in results/ records when it was built (a date, if any, is the fixed
    SOURCE_DATE_EPOCH of the config) and the paper has no trailer /ID."""
    epoch = datetime.fromtimestamp(config["paper"]["source_date_epoch"], UTC)
    fixed = epoch.strftime("D:%Y%m%d%H%M%S").encode()
    one, two = builds["cores1"] / "results", builds["cores4"] / "results"
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
