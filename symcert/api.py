"""The Python API (docs/api.md): check, certify and certify_point without temporary files.

None of these functions raises because of a verdict: an unreadable certificate is a report with
verdict INVALID, a theorem that does not apply is a result with verdict NOT_APPLICABLE, and so
on. They raise TypeError (or ValueError) only for a programming error, such as an argument of
the wrong type or an unknown option, with a message quoting the argument.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field

from symcert.checker.api import Verdict

REFUTATIONS = ("not_local_minimum", "saddle_point")
CERTIFY_OPTIONS = {"instance", "hidden", "activation", "alpha", "loss", "depth", "point", "smt", "smt_timeout",
                   "x_columns", "y_column"}


def _quote(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass
class CheckReport:
    """What the checker found. ``risk`` is the exact risk at the point (an fmpq) when the
    certificate could be read, else None; ``rests_on`` is the ledger of the obligations used."""
    verdict: Verdict
    conclusion: str | None
    risk: object
    rests_on: list
    claim: str | None = None
    summary: str = ""
    obligations: list = field(default_factory=list)
    source: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.CERTIFIED

    def __str__(self) -> str:
        from symcert.display import shorten
        return f"{self.verdict.name}: {shorten(self.summary)}"


@dataclass
class CertifyResult:
    """The answer to a certification request: ``certificate`` is the checked certificate (a dict,
    canonical JSON values) or None when nothing was certified; ``message`` says why."""
    verdict: Verdict
    certificate: dict | None
    message: str
    report: CheckReport | None = None

    def __str__(self) -> str:
        from symcert.display import shorten
        return f"{self.verdict.name}: {shorten(self.message)}"


def check(certificate, smt_timeout: int = 60) -> CheckReport:
    """Check a certificate given as a path (str or os.PathLike) or as a parsed dict."""
    from symcert.checker.api import check_document, check_file
    _timeout(smt_timeout, "check")
    t0 = time.perf_counter()
    if isinstance(certificate, (str, os.PathLike)):
        path = os.fspath(certificate)
        rep = _contained(lambda: check_file(path, smt_timeout * 1000), path)
        doc = _read(path)
    elif isinstance(certificate, dict):
        doc = certificate
        try:
            doc = json.loads(json.dumps(certificate))  # the checker reads JSON values, never Python objects
        except (TypeError, ValueError, RecursionError) as exc:
            return CheckReport(Verdict.INVALID, None, None, [], summary=f"<dict>: not JSON data: {exc}", source="<dict>")
        rep = _contained(lambda: check_document(doc, "<dict>", smt_timeout * 1000), "<dict>")
    else:
        raise TypeError(f"symcert.check: expected a path or a dict, not {type(certificate).__name__}: {_quote(certificate)}")
    return _report(rep, doc, time.perf_counter() - t0)


def _contained(run, source: str):
    """The checker's report, or an ERROR report if the checker itself failed unexpectedly."""
    from symcert.checker.api import Report
    try:
        return run()
    except RecursionError as exc:
        return Report(Verdict.INVALID, source, summary=f"{source}: nested too deeply: {exc}")
    except Exception as exc:
        return Report(Verdict.ERROR, source, summary=f"internal error while checking: {exc.__class__.__name__}: {exc}")


def _timeout(value, where: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"symcert.{where}: smt_timeout must be a positive number of seconds, not {_quote(value)}")


def _read(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None


def _report(rep, doc, seconds: float) -> CheckReport:
    return CheckReport(rep.verdict, rep.conclusion or None, _risk(rep, doc), list(rep.rests_on), rep.claim or None,
                       rep.summary, list(rep.obligations), rep.source, seconds)


def _risk(rep, doc):
    """The exact risk at the point: the certificate's loss once the checker found it equal to the
    recomputed risk; recomputed (piecewise-linear problems) when the claimed value is wrong."""
    if rep.verdict is Verdict.INVALID or not isinstance(doc, dict):
        return None
    from symcert.exact.rationals import RationalSyntaxError, parse_rational
    if not any(o[0] == "loss" and o[2] == "fails" for o in rep.obligations):
        try:
            return parse_rational(doc.get("loss"))
        except RationalSyntaxError:
            return None
    try:
        from symcert.checker.api import kernel, parse_point, parse_problem
        prob = parse_problem(doc["problem"])
        return kernel.risk(prob, parse_point(doc["point"], prob, "point"))
    except Exception:  # a smooth problem, or anything the piecewise-linear reader refuses
        return None


def certify(claim_id: str, data=None, **options) -> CertifyResult:
    """Certify ``claim_id`` on ``data`` (a Dataset, a CSV/JSON path, a dict {inputs, targets}, or a
    pair (X, Y) of lists or numpy arrays), or build one of its named instances
    (``instance="..."``, no data). Options as on the command line: hidden, activation, alpha, loss,
    depth, point (a path or a dict), smt ("auto", "always", "never"), smt_timeout (seconds)."""
    from symcert.claims import CLAIMS
    if not isinstance(claim_id, str):
        raise TypeError(f"symcert.certify: claim_id must be a str such as 'yun2019.thm1', not {type(claim_id).__name__}: {_quote(claim_id)}")
    unknown = sorted(set(options) - CERTIFY_OPTIONS)
    if unknown:
        raise TypeError(f"symcert.certify: unknown option {unknown[0]!r} (known: {', '.join(sorted(CERTIFY_OPTIONS))})")
    _option_types(options)
    if claim_id not in CLAIMS:
        return CertifyResult(Verdict.INVALID, None, f"unknown claim {claim_id!r} (known: {', '.join(CLAIMS)})")
    claim = CLAIMS[claim_id]
    if data is None:
        if "instance" not in options:
            raise TypeError("symcert.certify: give data=... or instance=... (see symcert list for the instances)")
        return _guard(lambda: _instance(claim, options["instance"], options.get("smt_timeout", 60)))
    if "instance" in options:
        raise TypeError("symcert.certify: data=... and instance=... exclude each other")
    columns = (options.get("x_columns"), options.get("y_column"))
    if columns != (None, None) and not isinstance(data, (str, os.PathLike)):
        raise TypeError("symcert.certify: x_columns and y_column choose columns of a CSV file; data must then be its path")
    dataset = _dataset(data, *columns)
    return _guard(lambda: _certify_data(claim, dataset, options))


def _option_types(options: dict) -> None:
    kinds = {"instance": str, "activation": str, "loss": str, "smt": str, "hidden": int, "depth": int, "smt_timeout": int,
             "x_columns": (str, list), "y_column": str}
    for key, kind in kinds.items():
        if key in options and options[key] is not None and (not isinstance(options[key], kind) or isinstance(options[key], bool)):
            raise TypeError(f"symcert.certify: {key} must be {getattr(kind, '__name__', 'str or list')}, not {type(options[key]).__name__}: {_quote(options[key])}")
    if options.get("smt", "auto") not in ("auto", "always", "never"):
        raise ValueError(f"symcert.certify: smt must be 'auto', 'always' or 'never', not {_quote(options['smt'])}")
    if "smt_timeout" in options:
        _timeout(options["smt_timeout"], "certify")
    point = options.get("point")
    if point is not None and not isinstance(point, (str, os.PathLike, dict)):
        raise TypeError(f"symcert.certify: point must be a path or a dict, not {type(point).__name__}: {_quote(point)}")


def _dataset(data, x_columns=None, y_column=None):
    from symcert.inputs.data import Dataset, read_dataset
    if isinstance(data, Dataset):
        return data
    if isinstance(data, (str, os.PathLike)):
        return lambda: read_dataset(os.fspath(data), x_columns, y_column)
    if isinstance(data, dict):
        if set(data) != {"inputs", "targets"}:
            raise ValueError(f"symcert.certify: a data dict has exactly the keys 'inputs' and 'targets', not {sorted(data)}")
        return Dataset.from_arrays(data["inputs"], data["targets"])
    if isinstance(data, tuple) and len(data) == 2:
        return Dataset.from_arrays(*data)
    raise TypeError(f"symcert.certify: data must be a Dataset, a path, a dict {{inputs, targets}} or a pair (X, Y), "
                    f"not {type(data).__name__}: {_quote(data)}")


def _guard(build) -> CertifyResult:
    """Run a certification; a SymcertError becomes the result of its verdict."""
    from symcert.errors import ConstructionFailed, HypothesisViolation, InputError, SymcertError
    try:
        return build()
    except HypothesisViolation as exc:
        return CertifyResult(Verdict.NOT_APPLICABLE, None, str(exc))
    except ConstructionFailed as exc:
        return CertifyResult(Verdict.UNKNOWN, None, str(exc))
    except InputError as exc:
        return CertifyResult(Verdict.INVALID, None, str(exc))
    except SymcertError as exc:
        return CertifyResult(Verdict(exc.exit_code) if exc.exit_code in range(7) else Verdict.ERROR, None, str(exc))
    except RecursionError as exc:
        return CertifyResult(Verdict.INVALID, None, f"input nested too deeply: {exc}")
    except Exception as exc:  # an unexpected failure inside symcert: ERROR, never a statement about the claim
        return CertifyResult(Verdict.ERROR, None, f"internal error: {exc.__class__.__name__}: {exc}")


def _instance(claim, name: str, smt_timeout: int) -> CertifyResult:
    found = [i for i in claim.instances() if i.name == name]
    if not found:
        return CertifyResult(Verdict.INVALID, None, f"{claim.id} has no instance {name!r} (see symcert list)")
    return _checked(found[0].build(), smt_timeout)


def _certify_data(claim, dataset, options: dict) -> CertifyResult:
    from symcert.errors import InputError
    if callable(dataset):
        dataset = dataset()
    if claim.certify_data is None:
        raise InputError(None, "data", None, f"{claim.id} does not take user data (use instance=...)")
    doc = claim.certify_data(dataset, _claim_options(options))
    return _checked(doc, options.get("smt_timeout", 60))


def _claim_options(options: dict) -> dict:
    from flint import fmpq

    from symcert.errors import InputError
    from symcert.inputs.activations import parse_activation
    from symcert.inputs.data import exact_value
    hidden = options.get("hidden", 2)
    if hidden < 1:
        raise InputError(None, "hidden", hidden, "must be a positive integer")
    opts = {"activation": parse_activation(options.get("activation", "relu")), "hidden": hidden,
            "smt": options.get("smt", "auto"), "instance": "user data (Python API)",
            "alpha": exact_value(options["alpha"], "<options>", "alpha") if options.get("alpha") is not None else fmpq(1)}
    if options.get("loss") is not None:
        from symcert.inputs.losses import parse_loss
        opts["loss"] = parse_loss(options["loss"])
    if options.get("depth") is not None:
        opts["depth"] = options["depth"]
    point = options.get("point")
    if point is not None:
        opts["point"] = _exact_json(point) if isinstance(point, dict) else os.fspath(point)
    return opts


def _exact_json(value):
    """A point given as a dict: every number as exact text (floats by their exact binary value)."""
    from symcert.exact.rationals import format_rational
    from symcert.inputs.data import exact_value
    if isinstance(value, dict):
        return {str(k): _exact_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [_exact_json(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return format_rational(exact_value(value, "<point>", "point"))


def _checked(doc: dict, smt_timeout: int) -> CertifyResult:
    from symcert import certificate as C
    from symcert.checker.api import check_document
    doc = json.loads(C.canonical_bytes(doc))
    rep = _report(check_document(doc, "<certificate>", smt_timeout * 1000), doc, 0.0)
    verdict = rep.verdict
    if verdict is Verdict.CERTIFIED and rep.conclusion in REFUTATIONS:
        return CertifyResult(Verdict.REFUTED, doc, f"{rep.conclusion}: the refutation is certified ({rep.summary})", rep)
    return CertifyResult(verdict, doc if verdict is Verdict.CERTIFIED else None, rep.summary, rep)


def certify_point(spec: dict, smt_timeout: int = 60) -> CertifyResult:
    """Is the spec's point a local minimum? ``spec`` is a spec document as a dict
    (docs/spec-format.md): CERTIFIED, REFUTED (with a descent curve) or UNKNOWN."""
    if not isinstance(spec, dict):
        raise TypeError(f"symcert.certify_point: expected a spec dict (docs/spec-format.md), not {type(spec).__name__}: {_quote(spec)}")
    _timeout(smt_timeout, "certify_point")
    return _guard(lambda: _certify_spec(spec, smt_timeout))


def _certify_spec(spec: dict, smt_timeout: int) -> CertifyResult:
    from symcert.spec import certify_parsed_spec, parse_spec
    doc = dict(spec)
    for key in ("data", "point"):
        if isinstance(doc.get(key), dict):
            doc[key] = {k: _exact_json(v) for k, v in doc[key].items()}
    parsed = parse_spec(doc, "<spec>", os.getcwd())
    cert, _ = certify_parsed_spec(parsed, smt_timeout)
    return _checked(cert, smt_timeout)
