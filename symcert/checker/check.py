"""Checking a whole certificate (trusted entry point).

``check_document(doc)`` re-derives every obligation from the certificate's problem statement
and decides whether the certificate's conclusion follows. It trusts no number the generator
wrote that it can recompute: losses are recomputed, the SMT query is rebuilt, and a claimed
value that disagrees with the recomputation is itself a failure.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from symcert.checker import krawczyk
from symcert.checker import problem as P
from symcert.checker.obligations import Context, Outcome
from symcert.checker.registry import CHECKS, CONCLUSIONS
from symcert.checker.smooth import SmoothProblem
from symcert.checker.smooth_obligations import SmoothContext
from symcert.checker.verdict import Verdict

FORMAT = "symcert-certificate"
VERSION = 2
VERSIONS = (1, 2)  # 2 adds rigorous enclosures [lo, hi] in loss and better_loss (box conclusions)


@dataclass
class Report:
    verdict: Verdict
    source: str = ""
    claim: str = ""
    conclusion: str = ""
    summary: str = ""
    obligations: list = field(default_factory=list)  # (id, kind, status, detail)
    rests_on: list = field(default_factory=list)
    seconds: float = 0.0
    environment: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "source": self.source, "verdict": self.verdict.name, "claim": self.claim,
            "conclusion": self.conclusion, "summary": self.summary,
            "obligations": [dict(zip(("id", "kind", "status", "detail"), o)) for o in self.obligations],
            "rests_on": self.rests_on, "environment": self.environment,
        }


def _has(facts: set, name: str) -> bool:
    return any(f == name or (isinstance(f, tuple) and f[0] == name) for f in facts)


def check_document(doc, source: str = "", smt_timeout_ms: int = 60000) -> Report:
    rep = Report(Verdict.INVALID, source)
    try:
        return _check(doc, rep, smt_timeout_ms)
    except P.FormatError as exc:
        rep.verdict, rep.summary = Verdict.INVALID, str(exc)
        return rep


def _check(doc, rep: Report, smt_timeout_ms: int) -> Report:
    if P.get(doc, "format", "", str) != FORMAT:
        raise P.FormatError("format", doc.get("format"), f"expected {FORMAT!r}")
    version = P.get(doc, "version", "", int)
    if version not in VERSIONS:
        raise P.FormatError("version", doc.get("version"), f"unsupported version (this checker reads {', '.join(map(str, VERSIONS))})")
    claim = P.get(doc, "claim", "", dict)
    rep.claim = P.get(claim, "id", "claim", str)
    rep.conclusion = P.get(claim, "conclusion", "claim", str)
    if rep.conclusion not in CONCLUSIONS:
        raise P.FormatError("claim.conclusion", rep.conclusion, f"unknown conclusion (known: {', '.join(CONCLUSIONS)})")
    ctx, claimed = _context(doc, version, rep.conclusion, smt_timeout_ms)
    boxed = claimed is None
    obligations = P.get(doc, "obligations", "", list)
    parsed = []
    for n, ob in enumerate(obligations):
        path = f"obligations[{n}]"
        kind = P.get(ob, "kind", path, str)
        if kind not in CHECKS:
            raise P.FormatError(f"{path}.kind", kind, f"unknown obligation kind (known: {', '.join(CHECKS)})")
        parsed.append((path, str(ob.get("id", kind)), kind, ob))

    ledger: list = []
    failed = unknown = False
    if "problem_sha256" in doc:
        text = json.dumps(doc["problem"], sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
        if hashlib.sha256(text.encode("ascii")).hexdigest() != doc["problem_sha256"]:
            rep.obligations.append(("problem_sha256", "digest", "fails", "problem_sha256 does not match the problem statement"))
            failed = True
    if not boxed and ctx.risk != claimed:
        rep.obligations.append(("loss", "claimed_loss", "fails", f"claimed loss {claimed} but the risk at the point is {ctx.risk}"))
        failed = True
    for path, oid, kind, ob in parsed:
        if failed:  # the verdict is settled; do not spend solver time on the rest
            rep.obligations.append((oid, kind, "skipped", "not checked: an earlier obligation failed"))
            continue
        out: Outcome = CHECKS[kind](ctx, ob, path)
        declared = ob.get("rests_on")
        if declared is not None and out.status == "holds" and declared != out.rests_on:
            out = Outcome("fails", f"the certificate says this obligation rests on {declared}, but it rests on {out.rests_on}", out.rests_on)
        rep.obligations.append((oid, kind, out.status, out.detail))
        for item in out.rests_on:
            if item not in ledger:
                ledger.append(item)
        if out.status == "holds":
            ctx.facts.update(out.facts)
        elif out.status == "fails":
            failed = True
        else:
            unknown = True
    rep.rests_on = ledger
    rep.environment = _environment(ledger)
    if not failed and not unknown and "rests_on" in doc and doc["rests_on"] != ledger:
        rep.obligations.append(("rests_on", "ledger", "fails", f"the certificate says it rests on {doc['rests_on']}, but it rests on {ledger}"))
        failed = True
    missing = [f for f in CONCLUSIONS[rep.conclusion] if not _has(ctx.facts, f)]
    if failed:
        bad = next(o for o in rep.obligations if o[2] == "fails")
        rep.verdict, rep.summary = Verdict.REJECTED, f"obligation {bad[0]} fails: {bad[3]}"
    elif unknown:
        bad = next(o for o in rep.obligations if o[2] == "unknown")
        rep.verdict, rep.summary = Verdict.UNKNOWN, f"obligation {bad[0]} undecided: {bad[3]}"
    elif missing:
        rep.verdict, rep.summary = Verdict.REJECTED, f"the obligations do not establish {rep.conclusion}: missing {', '.join(missing)}"
    else:
        rep.verdict, rep.summary = Verdict.CERTIFIED, f"{rep.conclusion} at risk {ctx.risk}"
    return rep


def _context(doc, version: int, conclusion: str, smt_timeout_ms: int):
    """(context, exact claimed loss), or (box context, None) for a box conclusion, whose loss is an
    enclosure [lo, hi] (version 2) checked by its obligations."""
    prob = P.problem(P.get(doc, "problem", "", dict))
    boxed = conclusion in krawczyk.CONCLUSIONS
    if isinstance(P.get(doc, "loss", ""), list) != boxed or boxed and version < 2:
        raise P.FormatError("loss", doc["loss"], "box conclusions need a version 2 certificate with a loss enclosure "
                                                 "[lo, hi]; every other conclusion an exact loss")
    if boxed:
        return krawczyk.BoxContext.read(doc, prob, smt_timeout_ms), None
    point = P.point(P.get(doc, "point", ""), prob, "point")
    better = P.point(doc["better_point"], prob, "better_point") if "better_point" in doc else None
    better_loss = P.rational(doc["better_loss"], "better_loss") if "better_loss" in doc else None
    ctx = (SmoothContext if isinstance(prob, SmoothProblem) else Context)(prob, point, better, better_loss, smt_timeout_ms)
    return ctx, P.rational(P.get(doc, "loss", ""), "loss")


def _environment(ledger: list) -> list:
    """Versions of the oracles the verdict used (reported, not part of the certificate)."""
    import flint
    env = [f"python-flint {flint.__version__}"]
    if any("z3" in item for item in ledger):
        import z3
        env.append(f"z3 {z3.get_version_string()}")
    if any("sympy" in item for item in ledger):
        import sympy
        env.append(f"sympy {sympy.__version__}")
    return env


def check_file(path: str, smt_timeout_ms: int = 60000) -> Report:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, UnicodeDecodeError) as exc:
        return Report(Verdict.INVALID, path, summary=f"{path}: cannot read: {exc.__class__.__name__}: {exc}")
    except json.JSONDecodeError as exc:
        return Report(Verdict.INVALID, path, summary=f"{path}: not valid JSON: {exc}")
    rep = check_document(doc, path, smt_timeout_ms)
    if rep.verdict is Verdict.INVALID and not rep.summary.startswith(path):
        rep.summary = f"{path}: {rep.summary}"
    return rep
