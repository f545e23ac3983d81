"""A normal install works: build the wheel, install it into a fresh venv, ingest and serve from another directory.

Everything the code reads at run time (ontology, canned queries, seeds for
`kg bench`, gazetteer tables, templates, static assets) must be inside the
wheel: the test runs from a directory that has no source tree in sight.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the project installed from its wheel (dependencies from the package index or pip's cache)."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
        check=True,
        timeout=600,
    )
    wheel = next((work / "dist").glob("astana_kg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "kg/ontology/akg.ttl",
        "kg/ontology/shapes.ttl",
        "kg/ontology/context.jsonld",
        "kg/queries/bilateral-ties.rq",
        "kg/queries/portable/bilateral-ties.rq",
        "kg/data/countries.tsv",
        "server/templates/base.html",
        "server/static/app.css",
    ):
        assert expected in names, f"{expected} is not in the wheel"
    assert any(name.startswith("kg/seeds/") and name.endswith(".txt") for name in names)
    assert any(name.startswith("server/static/vendor/") for name in names)
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=300)
    subprocess.run([str(work / "venv" / "bin" / "pip"), "install", "-q", str(wheel)], check=True, timeout=1800)
    return work / "venv" / "bin"


def test_the_installed_wheel_ingests_and_serves_from_another_directory(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("KG_")}
    ingest = subprocess.run(
        [str(installed / "kg"), "ingest", str(ROOT / "seeds"), "-q"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "50 new" in ingest.stdout
    assert (elsewhere / "data" / "kg").is_dir()
    validate = subprocess.run(
        [str(installed / "kg"), "validate"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    server = subprocess.Popen(
        [str(installed / "kg"), "serve", "--port", "0", "--workers", "1"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = _served_url(server)
        assert requests.get(url + "/", timeout=30).status_code == 200
        assert requests.get(url + "/api/bilateral-ties", params={"country": "KZ"}, timeout=30).status_code == 200
        counted = requests.get(
            url + "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert int(counted.json()["results"]["bindings"][0]["n"]["value"]) > 1000
        assert requests.get(url + "/static/app.css", timeout=30).status_code == 200
    finally:
        server.terminate()
        server.wait(30)


def _served_url(server: subprocess.Popen) -> str:
    """The URL `kg serve` announces on its first lines."""
    deadline = time.monotonic() + 120
    seen = []
    assert server.stdout is not None
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        seen.append(line)
        for word in line.split():
            if word.startswith("http://127.0.0.1:"):
                return word.rstrip("/")
    raise AssertionError("kg serve did not announce its URL:\n" + "".join(seen))
