"""Scale-out: the pilot workflow as real SLURM jobs, byte-identical to a local build.

Starts a single-node SLURM cluster on this machine (tools/slurm_cluster.sh: installs
the Debian packages when missing, starts munged, slurmctld and slurmd), builds one
copy of the project with `snakemake --profile profiles/slurm` (every rule an sbatch
job) and another copy locally, and compares the two results/ folders byte by byte.

Needs root on Debian with apt-get; skipped otherwise, except under CI=true, where
it fails instead of skipping. Took 7-8 minutes on a 2-core VM shared with other
work (37 SLURM jobs, two at a time; each job starts Snakemake twice before its rule
runs, so the build is CPU-bound); an idle machine should need about half that.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.project import build_env, digests
from tests.project import copy_project as _copy_project

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "tools" / "slurm_cluster.sh"
START_TIMEOUT = 600  # seconds; includes installing the packages on a fresh machine
BUILD_TIMEOUT = 900  # seconds for both builds together (measured: 400-450 s on a loaded VM)
# Status checks 2 s apart while jobs keep finishing; after a check finding none the
# plugin waits 10 s longer each time (2, 14, 36 s...). A job here takes 8-15 s. The
# test cluster keeps finished jobs for squeue for 15 min (MinJobAge=900), so polling
# this often is safe; on a shared cluster keep the plugin's default (40 s).
INIT_CHECK_SECONDS = 2

pytestmark = pytest.mark.slurm


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _missing_requirements() -> list[str]:
    missing = []
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        missing.append("not running as root (the test installs packages and starts daemons)")
    if not Path("/etc/debian_version").exists():
        missing.append("not a Debian/Ubuntu system (/etc/debian_version missing)")
    if shutil.which("apt-get") is None:
        missing.append("apt-get not found")
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        missing.append("snakemake-executor-plugin-slurm is not installed in this environment")
    return missing


def _require_environment() -> None:
    missing = _missing_requirements()
    if not missing:
        return
    reason = "SLURM test needs root on Debian with apt-get: " + "; ".join(missing)
    if _in_ci():
        pytest.fail(f"CI=true, so the SLURM test must run, but it cannot: {reason}")
    pytest.skip(reason)


def _tail(text: str, chars: int = 4000) -> str:
    return text if len(text) <= chars else "...\n" + text[-chars:]


def _cluster_logs() -> str:
    run = subprocess.run(
        ["bash", str(CLUSTER), "logs", "40"], capture_output=True, text=True, timeout=30
    )
    return run.stdout + run.stderr


def _cluster(action: str, timeout: int) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["bash", str(CLUSTER), action],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as err:
        out = (err.stdout or b"").decode() if isinstance(err.stdout, bytes) else err.stdout or ""
        pytest.fail(
            f"tools/slurm_cluster.sh {action} did not finish in {timeout} s\n"
            f"{_tail(out)}\n{_cluster_logs()}"
        )


@pytest.fixture(scope="module")
def cluster(request):
    _require_environment()
    t0 = time.monotonic()
    # Registered first, so the cluster is stopped even when starting it fails halfway.
    request.addfinalizer(lambda: _cluster("stop", 60))
    run = _cluster("start", START_TIMEOUT)
    if run.returncode != 0:
        pytest.fail(
            "tools/slurm_cluster.sh start failed (exit "
            f"{run.returncode}):\n{_tail(run.stdout + run.stderr)}\n{_cluster_logs()}"
        )
    seconds = time.monotonic() - t0
    _report(request, f"SLURM cluster started in {seconds:.1f} s")
    return seconds


def _report(request, line: str) -> None:
    """A line in pytest's output even when output is captured (timings)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"test_slurm: {line}")


def _start(dest: Path, args: list[str], log: Path, nice: bool = False) -> subprocess.Popen:
    prefix = ["nice", "-n", "19"] if nice else []
    with log.open("w") as fh:
        return subprocess.Popen(
            [*prefix, sys.executable, "-m", "snakemake", *args],
            cwd=dest,
            env=build_env(dest),
            stdout=fh,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _wait_all(procs: dict[str, subprocess.Popen], t0: float, timeout: float):
    """Exit status and seconds taken of each process; None for one stopped at the timeout."""
    done: dict[str, tuple[int | None, float]] = {}
    while len(done) < len(procs):
        for name, proc in procs.items():
            if name not in done and proc.poll() is not None:
                done[name] = (proc.returncode, time.monotonic() - t0)
        if time.monotonic() - t0 > timeout:
            for name, proc in procs.items():
                if name in done:
                    continue
                proc.terminate()  # snakemake cancels its SLURM jobs on SIGTERM
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                done[name] = (None, time.monotonic() - t0)
        time.sleep(0.5)
    return done


def _run_id(log_text: str) -> str | None:
    match = re.search(r"SLURM run ID: (\S+)", log_text)
    return match.group(1) if match else None


def _slurm_jobs(run_id: str) -> list[dict[str, str]]:
    """The run's jobs still known to slurmctld (MinJobAge=900 keeps finished ones)."""
    out = subprocess.run(
        [
            "squeue",
            "--states=all",
            "--noheader",
            f"--name={run_id}",
            "--format=%i|%T|%k|%m|%l|%C",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    keys = ["id", "state", "comment", "mem", "time", "cpus"]
    return [dict(zip(keys, line.split("|"), strict=True)) for line in out.splitlines() if line]


def _failed_job_logs(dest: Path, limit: int = 3) -> str:
    logs = sorted((dest / ".snakemake" / "slurm_logs").rglob("*.log"), key=os.path.getmtime)
    bad = [p for p in logs if re.search(r"Error|error:|Traceback", p.read_text(errors="replace"))]
    parts = []
    for path in bad[-limit:]:
        lines = path.read_text(errors="replace").splitlines()[-25:]
        parts.append(f"----- {path.relative_to(dest)}\n" + "\n".join(lines))
    for rule_log in sorted((dest / "logs").glob("*.log")) if (dest / "logs").exists() else []:
        text = rule_log.read_text(errors="replace")
        if "Traceback" in text or "Error" in text:
            parts.append(f"----- {rule_log.relative_to(dest)}\n{_tail(text, 1500)}")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def builds(cluster, tmp_path_factory, request):
    """Build one copy through SLURM and another locally, at the same time.

    The local build runs at the lowest CPU priority: it uses the CPU left idle while
    Snakemake waits between SLURM status checks, without slowing the SLURM jobs (the
    plugin's check interval grows by 10 s after every check that finds no finished
    job, so slower jobs cost far more than their own extra seconds).
    """
    on_slurm = _copy_project(tmp_path_factory.mktemp("slurm"))
    local = _copy_project(tmp_path_factory.mktemp("local"))
    slurm_log = on_slurm.parent / "snakemake-slurm.txt"
    local_log = local.parent / "snakemake-local.txt"

    t0 = time.monotonic()
    procs = {
        "slurm": _start(
            on_slurm,
            [
                "--profile",
                "profiles/slurm",
                "--slurm-init-seconds-before-status-checks",
                str(INIT_CHECK_SECONDS),
                "all",
            ],
            slurm_log,
        ),
        "local": _start(local, ["--cores", "2", "--quiet", "all"], local_log, nice=True),
    }
    done = _wait_all(procs, t0, BUILD_TIMEOUT)
    (slurm_rc, slurm_seconds), (local_rc, local_seconds) = done["slurm"], done["local"]
    slurm_text = slurm_log.read_text(errors="replace")
    run_id = _run_id(slurm_text)

    if slurm_rc != 0:
        if run_id:  # leave nothing of this run queued or running
            subprocess.run(["scancel", f"--name={run_id}"], capture_output=True, timeout=30)
        what = f"did not finish in {BUILD_TIMEOUT} s" if slurm_rc is None else f"exited {slurm_rc}"
        jobs = "\n".join(str(j) for j in _slurm_jobs(run_id)) if run_id else "(no run id)"
        pytest.fail(
            f"SLURM build (snakemake --profile profiles/slurm) {what}.\n"
            f"===== snakemake log ({slurm_log}):\n{_tail(slurm_text)}\n"
            f"===== SLURM jobs of run {run_id}:\n{jobs}\n"
            f"===== failed job logs:\n{_failed_job_logs(on_slurm)}\n"
            f"===== cluster logs:\n{_cluster_logs()}"
        )
    if local_rc != 0:
        what = f"did not finish in {BUILD_TIMEOUT} s" if local_rc is None else f"exited {local_rc}"
        pytest.fail(
            f"local build {what}.\n{_tail(local_log.read_text(errors='replace'))}\n"
            f"{_failed_job_logs(local)}"
        )
    _report(
        request,
        f"SLURM build {slurm_seconds:.0f} s, local build {local_seconds:.0f} s "
        "(run at the same time, the local one at nice 19)",
    )
    return on_slurm, local, slurm_text, run_id


def test_every_rule_ran_as_a_slurm_job(builds):
    on_slurm, _, log_text, run_id = builds
    submitted = set(re.findall(r"has been submitted with SLURM jobid (\d+)", log_text))
    planned = re.search(r"^total\s+(\d+)$", log_text, re.MULTILINE)
    assert planned, "no job table in the snakemake log"
    # every job but the target rule `all` (a local rule) went through sbatch
    assert len(submitted) == int(planned.group(1)) - 1, (len(submitted), planned.group(0))
    # slurmd wrote each job's output file (kept by slurm-keep-successful-logs)
    written = {p.stem for p in (on_slurm / ".snakemake" / "slurm_logs").rglob("*.log")}
    assert submitted <= written, sorted(submitted - written)
    assert run_id, "no 'SLURM run ID' in the snakemake log"
    jobs = _slurm_jobs(run_id)  # all of them unless purged after MinJobAge
    assert jobs and {j["id"] for j in jobs} <= submitted, (jobs, submitted)
    assert all(j["state"] == "COMPLETED" for j in jobs), jobs


def test_profile_resources_reach_sbatch(builds):
    """Per-rule resources from profiles/slurm/config.yaml are what SLURM allocated."""
    _, _, _, run_id = builds
    by_rule = {j["comment"]: j for j in _slurm_jobs(run_id)}
    paper, numbers = by_rule["rule_paper"], by_rule["rule_numbers"]  # the last jobs
    assert (paper["mem"], paper["time"], paper["cpus"]) == ("2000M", "20:00", "1"), paper
    assert (numbers["mem"], numbers["time"], numbers["cpus"]) == ("1000M", "10:00", "1"), numbers


def test_slurm_results_are_byte_identical_to_local_build(builds):
    on_slurm, local, _, _ = builds
    one, two = digests(on_slurm / "results"), digests(local / "results")
    assert "paper.pdf" in one
    assert one.keys() == two.keys(), sorted(set(one) ^ set(two))
    differ = [k for k in one if one[k] != two[k]]
    assert not differ, f"files differ between the SLURM and the local build: {differ}"
