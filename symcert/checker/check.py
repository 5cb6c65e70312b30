"""Checking a whole certificate (trusted entry point).

``check_document(doc)`` re-derives every obligation from the certificate's problem statement
and decides whether the certificate's conclusion follows. It trusts no number the generator
wrote that it can recompute: losses are recomputed, the SMT query is rebuilt, and a claimed
value that disagrees with the recomputation is itself a failure.

Order of work (each step runs only if the previous ones left the verdict open):

1. read: format, version, claim, problem, points, obligations (a malformed field: INVALID);
2. applicability (:mod:`symcert.checker.registry`): the problem's class must evaluate its
   stated loss, and every obligation kind must apply to that class and loss (else REJECTED,
   before any check runs);
3. the digest of the problem and the claimed loss at the point;
4. the obligations, in order; each holding check may only establish the facts its row declares;
5. the ledger the certificate declares, the stated hypotheses (:mod:`symcert.checker.hypotheses`),
   and the facts the conclusion needs.

An unexpected exception anywhere is ERROR, which is never a statement about the certificate.

``on_obligation``, if given, is called as ``on_obligation(done, total, id, kind)`` before each
obligation runs and once more with ``done == total`` after the last: a hook through which the
command line shows which obligation runs. The checker draws nothing itself and imports no UI; a
hook that raises is an internal failure (ERROR), never a verdict.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from symcert.checker import hypotheses as H
from symcert.checker import problem as P
from symcert.checker import reading
from symcert.checker import registry as R
from symcert.checker.obligations import Context, Outcome, Status
from symcert.checker.verdict import Verdict
from symcert.exact.jsontext import JSONLimitError, load_file
from symcert.exact.limits import LimitReached

FORMAT = "symcert-certificate"
VERSION = 3
VERSIONS = (1, 2, 3)  # 2 adds the population class, whose loss is a rigorous enclosure [lo, hi]; 3 packed data (exact/packed.py)


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
    hypotheses: list = field(default_factory=list)  # (id, status, detail)
    risk: str = ""
    ledgers: list = field(default_factory=list)  # what each checked obligation rests on, in order

    def to_json(self) -> dict:
        return {
            "source": self.source, "verdict": self.verdict.name, "claim": self.claim,
            "conclusion": self.conclusion, "summary": self.summary, "risk": self.risk,
            "obligations": [dict(zip(("id", "kind", "status", "detail"), o)) for o in self.obligations],
            "hypotheses": [dict(zip(("id", "status", "detail"), h)) for h in self.hypotheses],
            "rests_on": self.rests_on, "environment": self.environment,
        }

    def fail(self, oid: str, kind: str, detail: str) -> None:
        self.obligations.append((oid, kind, "fails", detail))


def _has(facts: set, name: str) -> bool:
    return any(f == name or (isinstance(f, tuple) and f[0] == name) for f in facts)


def check_document(doc, source: str = "", smt_timeout_ms: int = 60000, on_obligation=None, reads: tuple = ()) -> Report:
    """Check a decoded certificate; ``reads`` (problem.read_matrix) are matrices already read from
    texts that the problem's data may repeat, reused only where the texts are equal."""
    rep = Report(Verdict.INVALID, source)
    try:
        return _check(doc, rep, smt_timeout_ms, on_obligation or _silent, reads)
    except P.FormatError as exc:
        rep.verdict, rep.summary = Verdict.INVALID, str(exc)
    except LimitReached as exc:  # a bound of symcert.exact.limits, reached while deciding
        rep.verdict, rep.summary = Verdict.UNKNOWN, f"limit reached: {exc}"
    except RecursionError:
        rep.verdict, rep.summary = Verdict.UNKNOWN, "limit reached: Python recursion depth (input nested too deeply)"
    except MemoryError:
        rep.verdict, rep.summary = Verdict.UNKNOWN, "limit reached: memory (the process ran out of memory)"
    except Exception as exc:  # containment: an internal failure is never a verdict on the certificate
        rep.verdict, rep.summary = Verdict.ERROR, f"internal error {exc.__class__.__name__} (not a verdict on the certificate; --debug shows the traceback)"
        rep.error = exc
    return rep


def _read(doc, rep: Report, reads: tuple = ()):
    """Step 1: every field read and validated; returns (problem, context arguments, obligations)."""
    if P.get(doc, "format", "", str) != FORMAT:
        raise P.FormatError("format", doc.get("format"), f"expected {FORMAT!r}")
    version = P.get(doc, "version", "", int)
    if version not in VERSIONS:
        raise P.FormatError("version", doc.get("version"), f"unsupported version (this checker reads {', '.join(map(str, VERSIONS))})")
    claim = P.get(doc, "claim", "", dict)
    rep.claim = P.get(claim, "id", "claim", str)
    rep.conclusion = P.get(claim, "conclusion", "claim", str)
    if rep.conclusion not in R.CONCLUSIONS:
        raise P.FormatError("claim.conclusion", rep.conclusion, f"unknown conclusion (known: {', '.join(R.CONCLUSIONS)})")
    hyps = H.read(claim.get("hypotheses"), "claim.hypotheses")
    P.require_packed_version(doc, version)
    prob = reading.problem(P.get(doc, "problem", "", dict), "problem", reads)
    if R.problem_class(prob) == R.POP:
        return prob, _read_population(doc, version, prob), None, _obligations(doc), hyps
    boxed = rep.conclusion in R.BOX_CONCLUSIONS
    enclosed = boxed or getattr(prob, "loss", None) in R.ARB_LOSSES
    if isinstance(P.get(doc, "loss", ""), list) != enclosed or enclosed and version < 2:
        raise P.FormatError("loss", doc["loss"], "box conclusions and the logistic, cross_entropy and pseudo_huber losses need a version 2 "
                                                 "certificate with a loss enclosure [lo, hi]; everything else an exact loss")
    if boxed:  # a smooth network's float point: the box route of checker/krawczyk.py reads its own point
        return prob, (_BOX, doc), None, _obligations(doc), hyps
    if prob.loss in R.ARB_LOSSES:  # a transcendental loss: an enclosure, read by checker/layer_box.py
        return prob, (_LAYER_BOX, doc), None, _obligations(doc), hyps
    point = reading.point(P.get(doc, "point", ""), prob, "point")
    better = reading.point(doc["better_point"], prob, "better_point") if "better_point" in doc else None
    better_loss = P.rational(doc["better_loss"], "better_loss") if "better_loss" in doc else None
    claimed = P.rational(P.get(doc, "loss", ""), "loss")
    return prob, (point, better, better_loss), claimed, _obligations(doc), hyps


def _obligations(doc) -> list:
    parsed = []
    for n, ob in enumerate(P.get(doc, "obligations", "", list)):
        path = f"obligations[{n}]"
        kind = P.get(ob, "kind", path, str)
        if kind not in R.KINDS:
            raise P.FormatError(f"{path}.kind", kind, f"unknown obligation kind (known: {', '.join(R.KINDS)})")
        parsed.append((path, str(ob.get("id", kind)), kind, ob))
    return parsed


def _read_population(doc, version: int, prob):
    """A population certificate: version 2, a centre and a loss enclosure [lo, hi]; no better point
    (the global minimum is the teacher's, named by population_above_global)."""
    if version < 2:
        raise P.FormatError("version", version, "a population problem needs a version 2 certificate (loss enclosure [lo, hi])")
    obs = P.get(doc, "obligations", "", list)
    if len(obs) > 16:  # each box obligation may cost a Hessian over a box: bounded before any work
        raise P.FormatError("obligations", len(obs), "a population certificate has at most 16 obligations")
    extra = [f for f in ("better_point", "better_loss") if f in doc]
    if extra:
        raise P.FormatError(extra[0], doc[extra[0]], "a population certificate has no better point")
    from symcert.checker.population import point
    return point(P.get(doc, "point", ""), prob, "point"), P.enclosure(P.get(doc, "loss", ""), "loss")


def _applicable(prob, parsed, rep: Report) -> bool:
    """Step 2: the class evaluates the stated loss, and every kind applies to class and loss."""
    cls = R.problem_class(prob)
    if prob.loss not in R.CLASSES[cls]:
        rep.fail("problem.loss", "problem_class", f"problem class {cls} is evaluated with the {', '.join(sorted(R.CLASSES[cls]))} "
                 f"loss only; the {prob.loss} loss is refused")
        return False
    for _path, oid, kind, _ob in parsed:
        why = R.refusal(kind, cls, prob.loss)
        if why:
            rep.fail(oid, kind, why)
            return False
    return True


def _digest_and_loss(doc, ctx, claimed, rep: Report) -> bool:
    """Step 3: the problem's digest and the claimed loss at the point."""
    ok = True
    if "problem_sha256" in doc:
        text = json.dumps(doc["problem"], sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
        if hashlib.sha256(text.encode("ascii")).hexdigest() != doc["problem_sha256"]:
            rep.fail("problem_sha256", "digest", "problem_sha256 does not match the problem statement")
            ok = False
    if ok and not getattr(ctx, "loss_is_enclosure", False) and ctx.risk != claimed:
        rep.fail("loss", "claimed_loss", f"claimed loss {P.show(claimed)} but the risk at the point is {P.show(ctx.risk)}")
        ok = False
    return ok


def _silent(done: int, total: int, oid: str, kind: str) -> None:
    """The default ``on_obligation`` hook: nothing."""


def _run(ctx, parsed, rep: Report, ledger: list, hook=_silent) -> tuple[bool, bool]:
    """Step 4: the obligations in order, ``hook`` told of each before it runs; returns (failed, unknown)."""
    failed = unknown = False
    for done, (path, oid, kind, ob) in enumerate(parsed):
        hook(done, len(parsed), oid, kind)
        if failed:  # the verdict is settled; do not spend solver time on the rest
            rep.obligations.append((oid, kind, "skipped", "not checked: an earlier obligation failed"))
            continue
        out: Outcome = R.CHECKS[kind](ctx, ob, path)
        declared = ob.get("rests_on")
        if out.status is Status.HOLDS and declared is not None and declared != out.rests_on:
            out = Outcome("fails", f"the certificate says this obligation rests on {declared}, but it rests on {out.rests_on}", out.rests_on)
        if out.status is Status.HOLDS and R.undeclared_facts(kind, out.facts):
            raise RuntimeError(f"check {kind} established facts outside its registry row: {R.undeclared_facts(kind, out.facts)}")
        rep.obligations.append((oid, kind, out.status.value, out.detail))
        rep.ledgers.append(list(out.rests_on))
        ledger.extend(item for item in out.rests_on if item not in ledger)
        if out.status is Status.HOLDS:
            ctx.facts.update(out.facts)
        failed, unknown = failed or out.status is Status.FAILS, unknown or out.status is Status.UNKNOWN
    hook(len(parsed), len(parsed), "", "")
    return failed, unknown


def _check(doc, rep: Report, smt_timeout_ms: int, hook=_silent, reads: tuple = ()) -> Report:
    prob, args, claimed, parsed, hyps = _read(doc, rep, reads)
    ctx = _make_context(prob, args, smt_timeout_ms)
    ledger: list = []
    failed, unknown = True, False
    if _applicable(prob, parsed, rep) and _digest_and_loss(doc, ctx, claimed, rep):
        rep.risk = P.show(ctx.risk)
        failed, unknown = _run(ctx, parsed, rep, ledger, hook)
    rep.rests_on = ledger
    rep.environment = _environment(ledger)
    if not failed and not unknown and "rests_on" in doc and doc["rests_on"] != ledger:
        rep.fail("rests_on", "ledger", f"the certificate says it rests on {doc['rests_on']}, but it rests on {ledger}")
        failed = True
    if not failed and not unknown:
        if hasattr(ctx, "drop_passes"):  # the hypotheses read the data, not the passes: memory back first
            ctx.drop_passes()
        rep.hypotheses = H.check_all(hyps, ctx, rep.obligations)
        failed = any(h[1] == "fails" for h in rep.hypotheses)
    return _decide(rep, ctx, failed, unknown)


def _context(prob):
    """The context class of the problem's class (the smooth one needs sympy: imported only then)."""
    if R.problem_class(prob) == R.SMOOTH:
        from symcert.checker.smooth_obligations import SmoothContext
        return SmoothContext
    return Context


_BOX = object()  # marks the context arguments of a box certificate
_LAYER_BOX = object()  # ... and of a certificate whose loss is logistic or cross-entropy


def _make_context(prob, args, smt_timeout_ms: int):
    """The context of a read certificate: a population problem's, or a box certificate's, holds its
    centre and its loss enclosure."""
    if args[0] is _BOX:
        from symcert.checker.krawczyk import BoxContext
        return BoxContext.read(args[1], prob, smt_timeout_ms)
    if args[0] is _LAYER_BOX:
        from symcert.checker.layer_box import LayerBoxContext
        return LayerBoxContext.read(args[1], prob, smt_timeout_ms)
    if R.problem_class(prob) == R.POP:
        from symcert.checker.population_obligations import PopulationContext
        return PopulationContext.make(prob, *args, smt_timeout_ms)
    return _context(prob)(prob, *args, smt_timeout_ms)


def _decide(rep: Report, ctx, failed: bool, unknown: bool) -> Report:
    """Step 5: the verdict."""
    missing = [f for f in R.CONCLUSIONS[rep.conclusion] if not _has(ctx.facts, f)]
    bad_hyp = next((h for h in rep.hypotheses if h[1] == "fails"), None)
    if bad_hyp:
        rep.verdict, rep.summary = Verdict.REJECTED, f"stated hypothesis {bad_hyp[0]} fails: {bad_hyp[2]}"
    elif failed:
        bad = next(o for o in rep.obligations if o[2] == "fails")
        rep.verdict, rep.summary = Verdict.REJECTED, f"obligation {bad[0]} fails: {bad[3]}"
    elif unknown:
        bad = next(o for o in rep.obligations if o[2] == "unknown")
        rep.verdict, rep.summary = Verdict.UNKNOWN, f"obligation {bad[0]} undecided: {bad[3]}"
    elif missing:
        rep.verdict, rep.summary = Verdict.REJECTED, f"the obligations do not establish {rep.conclusion}: missing {', '.join(missing)}"
    else:
        rep.verdict, rep.summary = Verdict.CERTIFIED, f"{rep.conclusion} at risk {rep.risk}"
    return rep


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


def check_file(path: str, smt_timeout_ms: int = 60000, on_obligation=None) -> Report:
    try:
        doc = load_file(path)
    except JSONLimitError as exc:
        return Report(Verdict.INVALID, path, summary=f"{path}: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        return Report(Verdict.INVALID, path, summary=f"{path}: cannot read: {exc.__class__.__name__}: {exc}")
    except json.JSONDecodeError as exc:
        return Report(Verdict.INVALID, path, summary=f"{path}: not valid JSON: {exc}")
    except RecursionError:
        return Report(Verdict.INVALID, path, summary=f"{path}: JSON nested too deeply")
    rep = check_document(doc, path, smt_timeout_ms, on_obligation)
    if rep.verdict is Verdict.INVALID and not rep.summary.startswith(path):
        rep.summary = f"{path}: {rep.summary}"
    return rep
