"""The corpus of bad certificates (tests/corpus/<VERDICT>/): every file gets its folder's verdict
through the command line, in one line, with no traceback; the corpus covers every obligation
kind and every conclusion, and tests/corpus/make_corpus.py rebuilds exactly these files."""
import glob
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from symcert.checker.registry import CHECKS, CONCLUSIONS
from symcert.checker.verdict import Verdict

CORPUS = os.path.join(ROOT, "tests", "corpus")
FOLDERS = sorted(d for d in os.listdir(CORPUS) if os.path.isdir(os.path.join(CORPUS, d)) and d in Verdict.__members__)


def files(folder=None) -> list:
    pattern = os.path.join(CORPUS, folder or "*", "*.json")
    return sorted(glob.glob(pattern))


CORPUS_FILES = [p for folder in FOLDERS for p in files(folder)]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[os.path.relpath(p, CORPUS) for p in CORPUS_FILES])
def test_every_file_gets_its_verdict_through_the_cli(cli, path):
    """One command-line check per file (the ``cli`` fixture, in-process; the check itself runs in
    its supervised child), so that parallel test workers share the corpus."""
    folder = os.path.basename(os.path.dirname(path))
    p = cli("check", "--json", "--time-limit", "120", path)
    assert p.returncode == Verdict[folder].exit_code, p.stdout[-2000:]
    (r,) = json.loads(p.stdout)["reports"]
    assert r["source"] == path
    assert r["verdict"] == folder, (os.path.basename(path), r["verdict"], r["summary"][:200])
    assert "\n" not in r["summary"] and len(r["summary"]) < 1000, r["summary"][:300]


def test_every_verdict_folder_has_files():
    assert FOLDERS and all(files(folder) for folder in FOLDERS)


@pytest.mark.parametrize("folder", ["INVALID"])
def test_one_file_one_line_and_its_exit_code(folder):
    path = files(folder)[0]
    p = subprocess.run([sys.executable, "-m", "symcert", "check", path], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == Verdict[folder].exit_code and "Traceback" not in p.stderr
    assert p.stdout.count("\n") == 1 and p.stdout.startswith(f"{path}: {folder}: ")


def test_every_file_says_why_in_one_line():
    for path in files():
        why = path[:-len(".json")] + ".why"
        assert os.path.isfile(why), why
        with open(why, encoding="utf-8") as fh:
            text = fh.read()
        assert text.endswith("\n") and text.count("\n") == 1 and len(text) > 10, why


def test_the_corpus_covers_every_obligation_kind_and_conclusion():
    names = [os.path.basename(p)[:-len(".json")] for p in files()]
    for kind in CHECKS:
        assert any(n.endswith(f"-{kind}") for n in names), kind
    for conclusion in CONCLUSIONS:
        assert f"relabel-{conclusion}" in names, conclusion


def test_make_corpus_rebuilds_these_files():
    sys.path.insert(0, CORPUS)
    import make_corpus

    expected = sorted(os.path.join(CORPUS, v, n + ".json") for v, n, _, _ in make_corpus.entries())
    assert expected == files()
