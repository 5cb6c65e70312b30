"""Fixtures shared by every test (where each kind of test goes: tests/README.md).

- ``root``: the repository (a pathlib.Path); ``proofs``: its proofs/ folder;
- ``proof(rel)``: the certificate proofs/<rel> as parsed JSON (a fresh copy each call);
- ``cli(*args, cwd=None)``: ``python -m symcert ...`` run as a user runs it, from the
  repository unless ``cwd`` is given; fails the test on any traceback;
- ``bench(name)``: the script bench/<name>.py loaded as a module (benchmarks are scripts, not
  timed tests; their tests only guard that the scripts keep working);
- a test that takes ``proof_path`` runs once per certificate under proofs/.
"""
import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest


def _root(config) -> pathlib.Path:
    return pathlib.Path(config.rootpath)


@pytest.fixture(scope="session")
def root(pytestconfig) -> pathlib.Path:
    return _root(pytestconfig)


@pytest.fixture(scope="session")
def proofs(root) -> pathlib.Path:
    return root / "proofs"


@pytest.fixture
def proof(proofs):
    def load(rel: str) -> dict:
        return json.loads((proofs / rel).read_text(encoding="utf-8"))
    return load


@pytest.fixture(scope="session")
def cli(root):
    def run(*args, cwd=None) -> subprocess.CompletedProcess:
        p = subprocess.run([sys.executable, "-m", "symcert", *map(str, args)], capture_output=True, text=True,
                           cwd=cwd or root)
        assert "Traceback" not in p.stderr, p.stderr
        return p
    return run



@pytest.fixture(scope="session")
def bench(root):
    loaded = {}

    def load(name: str):
        if name not in loaded:
            spec = importlib.util.spec_from_file_location(name, root / "bench" / f"{name}.py")
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            loaded[name] = mod
        return loaded[name]
    return load


def pytest_generate_tests(metafunc):
    if "proof_path" in metafunc.fixturenames:
        folder = _root(metafunc.config) / "proofs"
        files = sorted(folder.rglob("*.json"))
        metafunc.parametrize("proof_path", files, ids=[f.relative_to(folder).as_posix() for f in files])
