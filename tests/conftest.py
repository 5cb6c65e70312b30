"""Fixtures shared by every test (where each kind of test goes: tests/README.md).

- ``root``: the repository (a pathlib.Path); ``proofs``: its proofs/ folder;
- ``proof(rel)``: the certificate proofs/<rel> as parsed JSON (a fresh copy each call);
- ``cli(*args, cwd=None)``: ``symcert ...`` (``symcert.cli.main``) called in this process, with
  its stdout and stderr captured, from the repository unless ``cwd`` is given; returns a
  ``subprocess.CompletedProcess`` and fails the test on any traceback. Use it wherever the test is
  not about the process itself (each command still forks its supervised children as usual);
- ``cli_process(*args, cwd=None, env=None, timeout=600)``: ``python -m symcert ...`` in a new
  process, exactly as a user runs it (for tests of the process: exit status, signals, start-up,
  environment variables);
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


def _in_process(argv: list, cwd) -> subprocess.CompletedProcess:
    import contextlib
    import io
    import os

    from symcert import cli as symcert_cli
    from symcert import progress
    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = symcert_cli.main(argv)
            except SystemExit as exc:  # argparse: usage errors (2), --help (0)
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os.chdir(here)
        progress.configure(None)  # the command line configures progress bars for the process
    return subprocess.CompletedProcess(["symcert", *argv], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def cli(root):
    def run(*args, cwd=None) -> subprocess.CompletedProcess:
        p = _in_process(list(map(str, args)), cwd or root)
        assert "Traceback" not in p.stderr, p.stderr
        return p
    return run


@pytest.fixture(scope="session")
def cli_process(root):
    def run(*args, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
        p = subprocess.run([sys.executable, "-m", "symcert", *map(str, args)], capture_output=True, text=True,
                           cwd=cwd or root, env=env, timeout=timeout)
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


def pytest_addoption(parser):
    parser.addoption("--overwrite", action="store_true", default=False,
                     help="regenerate the golden transcripts under tests/golden/ instead of comparing with them")
