"""Golden transcripts: what check, audit, explain and certify --spec print over docs/examples/.

Each transcript holds the command, its exit code, stdout and stderr, with the temporary
directory written as $TMP and timings masked. `pytest tests/test_golden.py --overwrite`
regenerates them (then review the diff).
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

import pathlib as _pathlib

ROOT = str(_pathlib.Path(__file__).resolve().parents[1])

GOLDEN = os.path.join(ROOT, "tests", "golden")
EXAMPLES = ("valley-end", "boundary-min", "absolute-boundary-min")

CASES = [(f"certify-spec-{n}", ["certify", "--spec", f"docs/examples/{n}.json", "-o", f"$TMP/certs/{n}.json"]) for n in EXAMPLES] + [
    ("check", ["check"] + [f"$TMP/certs/{n}.json" for n in EXAMPLES]),
    ("check-verbose", ["check", "-v", "$TMP/certs/boundary-min.json"]),
    ("check-spec-file", ["check", "docs/examples/valley-end.json"]),
    ("explain-valley-end", ["explain", "$TMP/certs/valley-end.json"]),
    ("explain-boundary-min", ["explain", "$TMP/certs/boundary-min.json"]),
    ("audit", ["audit", "certs"]),  # the audits run in $TMP: relative paths keep the table's width fixed
    ("audit-github", ["audit", "certs", "--format", "github"]),
    ("audit-quiet", ["audit", "-q", "certs"]),
]


def mask(text: str, tmp: str) -> str:
    text = text.replace(tmp, "$TMP")
    text = re.sub(r"\b\d+\.\d+ s\b", "#.## s", text)  # certify timings
    text = re.sub(r"(?m)^(\S+\.json\s+[A-Z_]+\s+\S*\s+)\d+\.\d{2}(  )", r"\g<1>#.##\2", text)  # audit seconds column
    return text


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory, request):
    tmp = str(tmp_path_factory.mktemp("golden"))
    os.makedirs(os.path.join(tmp, "certs"))
    out = {}
    for name, args in CASES:
        if name == "audit":  # a spec file beside the certificates: well-formed JSON, not a certificate
            shutil.copy(os.path.join(ROOT, "docs", "examples", "valley-end.json"), os.path.join(tmp, "certs", "spec.json"))
        argv = [a.replace("$TMP", tmp) for a in args]
        env = dict(os.environ, SYMCERT_PROGRESS="0", COLUMNS="100")
        cwd = tmp if name.startswith("audit") else ROOT
        p = subprocess.run([sys.executable, "-m", "symcert", *argv], capture_output=True, text=True, cwd=cwd, env=env)
        out[name] = mask(f"$ symcert {' '.join(args)}\nexit {p.returncode}\n--- stdout\n{p.stdout}--- stderr\n{p.stderr}", tmp)
    return out


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_golden_transcript(transcripts, name, request):
    path = os.path.join(GOLDEN, f"{name}.txt")
    if request.config.getoption("--overwrite"):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(transcripts[name])
        return
    assert os.path.exists(path), f"{path} is missing: run pytest tests/test_golden.py --overwrite"
    with open(path, encoding="utf-8") as fh:
        expected = fh.read()
    assert transcripts[name] == expected, f"{name}: output differs from {path} (regenerate with --overwrite and review)"


def test_masking_hides_timings_only():
    assert mask("a: CERTIFIED: x; 0.12 s -> /t/c.json", "/t") == "a: CERTIFIED: x; #.## s -> $TMP/c.json"
    row = "/t/a.json  CERTIFIED   yun2018.test         0.16  local_minimum at risk 1/3 (0.25)"
    assert mask(row, "/t") == "$TMP/a.json  CERTIFIED   yun2018.test         #.##  local_minimum at risk 1/3 (0.25)"
