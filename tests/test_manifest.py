"""The data manifest: verification, checksum refusal, and downloads from a mirror."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from tiesmap.codings.manifest import download, load_manifest, sha256_of, verify
from tiesmap.core.errors import InputError

from .shared_data import SHARED, shared_file

ROOT = Path(__file__).resolve().parents[1]


def test_project_manifest_verifies():
    entries = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    lines = verify(entries, ROOT, "MANIFEST.yaml")
    provided = [e for e in entries if e.provided]
    assert {f"{e.name} {e.sha256} ok" for e in provided} <= set(lines)
    for e in entries:  # every entry says where it comes from and under which terms
        assert e.spec["citation"] and e.spec["licence"] and e.spec["retrieved"]
        assert e.provided or e.url


def _project(tmp_path, content=b"a,b\n1,2\n"):
    (tmp_path / "data/raw").mkdir(parents=True)
    (tmp_path / "data/raw/x.csv").write_bytes(content)
    manifest = {
        "files": [
            {
                "name": "x",
                "path": "data/raw/x.csv",
                "source": "test",
                "citation": "test",
                "licence": "CC0",
                "version": "1",
                "retrieved": "2026-11-25",
                "sha256": sha256_of(tmp_path / "data/raw/x.csv"),
                "provided": True,
            }
        ]
    }
    path = tmp_path / "MANIFEST.yaml"
    path.write_text(yaml.safe_dump(manifest))
    return path


def test_changed_raw_file_is_refused(tmp_path):
    path = _project(tmp_path)
    (tmp_path / "data/raw/x.csv").write_bytes(b"a,b\n1,3\n")
    with pytest.raises(InputError) as err:
        verify(load_manifest(path), tmp_path, "MANIFEST.yaml")
    (p,) = err.value.problems
    assert p.file == "data/raw/x.csv" and p.column == "sha256" and "differs" in p.message


def test_missing_raw_file_is_refused(tmp_path):
    path = _project(tmp_path)
    (tmp_path / "data/raw/x.csv").unlink()
    with pytest.raises(InputError, match="missing"):
        verify(load_manifest(path), tmp_path, "MANIFEST.yaml")


def test_paths_outside_the_project_are_refused(tmp_path):
    path = _project(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["files"][0]["path"] = "../../etc/passwd"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="inside the project"):
        load_manifest(path)


@pytest.fixture
def mirror_server():
    root = shared_file("gsdb_sanctions/GSDB_V3.csv").parents[1]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_from_local_http_mirror_verifies_checksums(tmp_path, mirror_server):
    entries = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    done = download(
        entries, tmp_path, mirror_url=mirror_server, only=["gsdb_sanctions", "mme_exercises"]
    )
    assert len(done) == 2
    gsdb = next(e for e in entries if e.name == "gsdb_sanctions")
    assert sha256_of(tmp_path / gsdb.path) == gsdb.sha256
    # A second run finds the files present and verified.
    again = download(entries, tmp_path, mirror_url=mirror_server, only=["gsdb_sanctions"])
    assert again == ["gsdb_sanctions: already present"]


def test_download_refuses_a_file_with_the_wrong_checksum(tmp_path, mirror_server):
    entries = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    wrong = [e for e in entries if e.name == "gsdb_sanctions"]
    wrong = [type(wrong[0])(**{**wrong[0].__dict__, "sha256": "0" * 64})]
    with pytest.raises(InputError, match="does not match the manifest"):
        download(wrong, tmp_path, mirror_url=mirror_server)
    assert not (tmp_path / wrong[0].path).exists()
    assert not list((tmp_path / "data/external").rglob("*.part"))


def test_download_from_mirror_folder(tmp_path):
    shared_file("mme_exercises/mme_v7.csv")
    entries = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    done = download(entries, tmp_path, mirror_dir=SHARED / "data", only=["mme_exercises"])
    assert done[0].startswith("mme_exercises: downloaded")
    shutil.rmtree(tmp_path / "data")
