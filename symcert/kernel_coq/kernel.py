"""``symcert check --kernel coq``: export a certificate and let Coq's kernel check it.

Verdicts: CERTIFIED when coqc accepts the exported file and its theorems rest on no axiom
beyond the standard library's axioms for the reals (ledger "Coq 8.16 kernel"); REJECTED when
coqc does not accept it; UNKNOWN naming the reason (kind not kernel-checkable, coqc missing,
time limit); INVALID when the certificate cannot be read.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time

from symcert.checker import problem as P
from symcert.checker.check import Report
from symcert.checker.verdict import Verdict
from symcert.kernel_coq import export as E
from symcert.kernel_coq import library as L

MAX_FILE_BYTES = 200_000_000


def ledger(version: str) -> str:
    return f"Coq {'.'.join(version.split('.')[:2])} kernel"


def _read(path: str):
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _axioms(output: str) -> list[str]:
    """The axiom names that Print Assumptions listed (each starts a line; types are indented)."""
    names = []
    for line in output.splitlines():
        if line and not line[0].isspace() and line != "Axioms:" and not line.startswith("Closed under"):
            names.append(line.split()[0])
    return names


def run_coq(vtext: str, libdir: str, timeout: float):
    """(accepted, detail) for one exported file; raises subprocess.TimeoutExpired."""
    names = E.theorems(vtext)
    probe = "".join(f"\nPrint Assumptions {t}." for t in names)
    with tempfile.TemporaryDirectory(prefix="symcert-coq-") as work:
        with open(os.path.join(work, "Instance.v"), "w", encoding="ascii") as fh:
            fh.write(vtext + probe + "\n")
        res = subprocess.run([L.coqc(), "-Q", libdir, L.LOGICAL, "Instance.v"], cwd=work,
                             capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        return False, "the kernel did not accept the proof: " + " ".join(lines[-3:])[:300]
    extra = sorted({a for a in _axioms(res.stdout) if a not in L.STANDARD_AXIOMS})
    if extra:
        return False, f"the proof rests on axioms beyond the standard real axioms: {', '.join(extra)}"
    return True, "coqc accepted: " + ", ".join(names)


def check_file(path: str, timeout: float = 600.0) -> Report:
    rep = Report(Verdict.INVALID, path)
    t0 = time.perf_counter()
    try:
        doc = _read(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        rep.summary = f"{path}: cannot read: {exc}"
        return rep
    try:
        rep.claim = str(doc.get("claim", {}).get("id", "")) if isinstance(doc, dict) else ""
        rep.conclusion = str(doc.get("claim", {}).get("conclusion", "")) if isinstance(doc, dict) else ""
        vtext = E.export(doc, path)
    except E.Unsupported as exc:
        rep.verdict, rep.summary = Verdict.UNKNOWN, f"not kernel-checkable: {exc}"
        return rep
    except P.FormatError as exc:
        rep.summary = f"{path}: {exc}"
        return rep
    try:
        libdir, version = L.library_dir(), L.coq_version()
        accepted, detail = run_coq(vtext, libdir, timeout)
    except L.CoqMissing as exc:
        rep.verdict, rep.summary = Verdict.UNKNOWN, str(exc)
        return rep
    except subprocess.TimeoutExpired:
        rep.verdict, rep.summary = Verdict.UNKNOWN, f"time limit: coqc did not finish within {timeout:g} s"
        return rep
    rep.verdict = Verdict.CERTIFIED if accepted else Verdict.REJECTED
    rep.summary = f"{rep.conclusion}: {detail}" if accepted else detail
    rep.rests_on = [ledger(version)] if accepted else []
    rep.environment = [f"coqc {version}"]
    rep.seconds = time.perf_counter() - t0
    return rep


def check_paths(paths, timeout: float = 600.0) -> list[Report]:
    return [check_file(p, timeout) for p in paths]


def kernel_checked(reports) -> int:
    return sum(1 for r in reports if r.verdict is Verdict.CERTIFIED)


def export_file(path: str, outdir: str) -> str:
    """Write the .v file of the certificate at ``path`` into ``outdir``; return its path."""
    doc = _read(path)
    base = re.sub(r"[^A-Za-z0-9_]", "_", os.path.splitext(os.path.basename(path))[0])
    if not base or not base[0].isalpha():
        base = "C" + base
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, base + ".v")
    with open(out, "w", encoding="ascii") as fh:
        fh.write(E.export(doc, path))
    return out
