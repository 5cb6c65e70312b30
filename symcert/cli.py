"""Command-line interface: ``symcert list | certify | check | audit | export | explain | report``."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from symcert import __version__, cli_kernel
from symcert import census_cli

DESCRIPTION = """symcert: machine-checked certificates for spurious local minima of neural-network training losses.
The generator (certify) is untrusted; the small checker (check, audit) re-derives every obligation from the problem."""


def _exit_table() -> str:
    from symcert.checker.verdict import EXIT_CODE_TABLE  # a leaf module: --help loads no checker
    return EXIT_CODE_TABLE


def _err(msg: str) -> None:
    from symcert.display import shorten
    print(f"symcert: error: {shorten(msg)}", file=sys.stderr)


def _progress(args, msg: str) -> None:
    _progress_at(args, msg, 1)


def _progress_at(args, msg: str, need: int) -> None:
    """A line on stderr at verbosity ``need`` (0 quiet, 1 normal, 2 -v), huge numbers shortened."""
    from symcert import progress
    from symcert.display import shorten
    progress.note(args, shorten(msg), need)


def _details(args, rep) -> None:
    """-v: every obligation as the checker re-derived it."""
    for oid, kind, st, detail in rep.obligations:
        _progress_at(args, f"    [{st}] {oid} ({kind}): {detail}", 2)


# ---- list ---------------------------------------------------------------------------------

def cmd_list(args) -> int:
    from symcert.claims import CLAIMS
    rows = []
    for cid, c in CLAIMS.items():
        rows.append({"id": cid, "paper": c.paper, "summary": c.summary,
                     "instances": [i.name for i in c.instances()], "options": c.options,
                     "accepts_data": c.certify_data is not None})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from symcert import progress
    if progress.level(args) == progress.QUIET:
        print("\n".join(r["id"] for r in rows))
        return 0
    for r in rows:
        print(f"{r['id']}\n    {r['summary']}\n    paper: {r['paper']}")
        print(f"    instances ({len(r['instances'])}): {', '.join(r['instances'])}")
        if r["accepts_data"]:
            print(f"    certify {r['id']} --data FILE " + " ".join(f"[{o}]" for o in r["options"]))
            for o, h in r["options"].items():
                print(f"        {o:<14} {h}")
        if progress.level(args) == progress.VERBOSE:
            for inst in CLAIMS[r["id"]].instances():
                print(f"    - {inst.name}: {inst.description}")
    return 0


# ---- certify ------------------------------------------------------------------------------

def _claim_options(args) -> dict:
    from flint import fmpq

    from symcert.errors import InputError
    from symcert.exact.rationals import RationalSyntaxError, parse_rational
    from symcert.inputs.activations import parse_activation
    opts = {"activation": parse_activation(args.activation or "relu"), "hidden": args.hidden, "smt": args.smt,
            "smt_timeout": args.smt_timeout, "activation_given": args.activation is not None}
    if args.hidden < 1:
        raise InputError("--hidden", None, args.hidden, "must be a positive integer")
    try:
        opts["alpha"] = parse_rational(args.alpha) if args.alpha is not None else fmpq(1)
        opts["alpha_given"] = args.alpha is not None
    except RationalSyntaxError as exc:
        raise InputError("--alpha", None, args.alpha, str(exc)) from None
    if args.data:
        opts["instance"] = f"user data {os.path.basename(args.data)}"
    if getattr(args, "loss", None):
        from symcert.inputs.losses import parse_loss
        opts["loss"] = parse_loss(args.loss)
    for name in ("point", "depth", "continuum"):  # passed on only when given (0 is given)
        value = getattr(args, name, None)
        if value is not None and value is not False:
            opts[name] = value
    return opts


def _write_and_check(doc: dict, path: str | None, args, reads: tuple = ()) -> int:
    from symcert import certificate, progress, supervise
    from symcert.checker.api import check_document
    blob, doc = certificate.canonical_bytes(doc), None  # checked, then written: the same bytes, serialised once; the document is dropped
    if len(blob) > 1 << 24:  # a large certificate: what building it freed goes back to the system before the check
        supervise.release_memory()
    rep = check_document(json.loads(blob), path or "<stdout>", args.smt_timeout * 1000,  # reads: data texts the checker read already
                         progress.obligation_hook(args, path or "certificate"), reads)
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    certificate.write_bytes(blob, path)
    return rep.verdict, rep


def _certify_spec(args, path: str) -> int:
    """Local-optimality test of a user's point (docs/spec-format.md): CERTIFIED local minimum (exit 0),
    REFUTED with a descent curve (exit 4), or UNKNOWN with the limit hit (exit 3, no certificate)."""
    from symcert.checker.api import Verdict
    from symcert.errors import ConstructionFailed
    from symcert.provers.krawczyk import smooth_spec_file
    from symcert.spec import certify_spec
    if smooth_spec_file(path):
        from symcert.cli_box import certify_smooth_spec
        return certify_smooth_spec(args, path, _write_and_check, lambda msg: _progress(args, msg))
    t0 = time.perf_counter()
    try:
        doc, dec = certify_spec(path, args.smt_timeout)
    except ConstructionFailed as exc:
        _progress(args, f"{path}: UNKNOWN: {exc} ({time.perf_counter() - t0:.2f} s)")
        return Verdict.UNKNOWN.exit_code
    verdict, rep = _write_and_check(doc, args.output, args)
    s = dec.stats
    cells = f"{s.get('kinks', 0)} kinked pre-activations, {s.get('cells', 0)} cells ({s.get('pruned', 0)} patterns pruned)"
    if verdict is Verdict.CERTIFIED and doc["claim"]["conclusion"] == "not_local_minimum":
        verdict, what = Verdict.REFUTED, "not a local minimum: descent curve " + rep.obligations[0][3]
    elif verdict is Verdict.CERTIFIED:
        what = f"local minimum within radius {dec.radius}"
    else:
        what = rep.summary
    _progress(args, f"{path}: {verdict.name}: {what}; {cells}; {time.perf_counter() - t0:.2f} s"
              + (f" -> {args.output}" if args.output else ""))
    return verdict.exit_code


def _answer(claim_id: str, verdict, rep):
    """The answer to a certification request: a checked refutation of the claim reads REFUTED
    (exit 4); every other verdict is the checker's own."""
    from symcert.checker.api import Verdict
    from symcert.claims.expected import refutes
    if verdict is Verdict.CERTIFIED and refutes(claim_id, rep.conclusion):
        return Verdict.REFUTED, f"REFUTED ({rep.conclusion}; the refutation is certified)"
    return verdict, verdict.name


def cmd_certify(args) -> int:
    from symcert import claims as registry
    from symcert.errors import InputError
    from symcert.inputs.data import read_dataset
    known = registry.find(args.claim) if args.claim and not args.all else None  # only that claim's module: a quick start
    if args.jobs and (getattr(args, "model", None) or args.data or args.spec or not (args.all or known)
                      or census_cli.searching(args)):
        raise InputError(None, "--jobs", args.jobs, "builds named instances at once (CLAIM or --all); one request runs alone")
    if getattr(args, "model", None):
        from symcert.importers.certify import run
        return run(args)
    if args.better or args.layout != "out-in":
        raise InputError(None, "--better" if args.better else "--layout", args.better or args.layout, "only used with --model")
    for opt in ("x_columns", "y_column"):
        if getattr(args, opt) is not None and not args.data:
            raise InputError(None, "--" + opt.replace("_", "-"), getattr(args, opt), "chooses columns of a --data CSV file; give --data")
    if args.smt != "auto" and not args.data:
        raise InputError(None, "--smt", args.smt, "chooses the z3 cross-check of a certificate built from --data "
                         "(spec files and named instances have their own)")
    if args.spec or (args.claim and not known and args.claim.endswith(".json") and os.path.isfile(args.claim)):
        return _certify_spec(args, args.spec or args.claim)
    if args.all:
        claims = list(registry.CLAIMS.values())
    else:
        if not args.claim:
            raise InputError(None, "CLAIM", None, "name a claim (see `symcert list`) or use --all")
        if not known:
            raise InputError(None, "CLAIM", args.claim, f"unknown claim (known: {', '.join(registry.CLAIMS)})")
        claims = [known]
    if census_cli.searching(args):  # certify safran2018 --k K ...
        return census_cli.certify_search(args, lambda msg: _progress(args, msg))
    if args.data:
        claim = claims[0]
        if claim.certify_data is None:
            raise InputError(None, "--data", args.data, f"{claim.id} does not take user data")
        if args.smt != "auto" and not any(o.startswith("--smt") for o in claim.options):
            raise InputError(None, "--smt", args.smt, f"{claim.id} has no z3 cross-check to choose (see `symcert list`)")
        if getattr(args, "continuum", False) and "--continuum" not in claim.options:
            raise InputError(None, "--continuum", None, f"{claim.id} does not take --continuum (yun2019.thm1 does)")
        data = read_dataset(args.data, args.x_columns, args.y_column, claim.data_rows)
        t0 = time.perf_counter()
        from symcert import progress
        progress.stage(args, f"{claim.id} on {args.data}: {data.m} samples, building the certificate ...")
        built, reads, data = [claim.certify_data(data, _claim_options(args))], data.reads, None  # rows and document freed before the check
        progress.stage(args, f"{claim.id} on {args.data}: built in {time.perf_counter() - t0:.2f} s; checking it ...")
        verdict, rep = _write_and_check(built.pop(), args.output, args, reads)
        answer, headline = _answer(claim.id, verdict, rep)
        _progress(args, f"{claim.id} on {args.data}: {headline} ({rep.summary}) in {time.perf_counter() - t0:.2f} s"
                  + (f" -> {args.output}" if args.output else ""))
        _details(args, rep)
        return answer.exit_code
    return _certify_instances(claims, args)


def _certify_instances(claims, args) -> int:
    """Regenerate instances, ``--jobs`` at once (symcert.batch); exit 0 when each gives the answer listed
    for it (claims/expected.py), else the verdict of the first that does not (1: another verdict)."""
    from symcert import batch
    from symcert.checker.api import Verdict
    from symcert.claims.expected import expected
    from symcert.errors import InputError
    jobs = [(c, i) for c in claims for i in c.instances() if not args.instance or i.name == args.instance]
    if not jobs:
        raise InputError(None, "--instance", args.instance, "no such instance (see `symcert list`)")
    paths = [os.path.join(args.output or "proofs", c.id.split(".")[0], i.name + ".json") for c, i in jobs]
    wrong = []

    def show(n, rep):
        (claim, inst), (answer, headline) = jobs[n], _answer(jobs[n][0].id, rep.verdict, rep)
        _progress(args, f"[{n + 1}/{len(jobs)}] {claim.id} {inst.name}: {headline} in {rep.seconds:.2f} s -> {paths[n]}")
        if answer.name != expected(claim.id, inst.name):
            _progress(args, f"    expected {expected(claim.id, inst.name)}: {rep.summary}")
            wrong.append(rep.verdict if rep.verdict is not Verdict.CERTIFIED else Verdict.REJECTED)
        _details(args, rep)
    batch.run(jobs, paths, lambda n: _write_and_check(jobs[n][1].build(), paths[n], args)[1], args, show)
    if wrong:
        _progress(args, f"{len(wrong)} of {len(jobs)} instances did not give their listed answer")
    return (wrong[0] if wrong else Verdict.CERTIFIED).exit_code


# ---- check / audit / explain ----------------------------------------------------------------

def _summarise(reports, as_json: bool, table: bool, args=None) -> int:
    """Print the reports; the run's exit code is the first verdict present in the order
    ERROR > REJECTED > INVALID > UNKNOWN > CERTIFIED (checker/verdict.py)."""
    from symcert.audit import counts as count
    from symcert.checker.api import Verdict, combine
    run, counts = combine(r.verdict for r in reports), count(reports)
    if as_json:
        print(json.dumps({"reports": [r.to_json() for r in reports], "counts": counts, "verdict": run.name,
                          "all_certified": all(r.verdict is Verdict.CERTIFIED for r in reports)}, indent=2))
        return run.exit_code
    if table:
        width = max((len(r.source) for r in reports), default=4)
        print(f"{'certificate':<{width}}  {'verdict':<10}  {'claim':<16}  seconds  detail")
        for r in reports:
            print(f"{r.source:<{width}}  {r.verdict.name:<10}  {r.claim:<16}  {r.seconds:7.2f}  {r.summary}")
    else:
        from symcert import progress
        from symcert.audit import verdict_line
        from symcert.display import shorten
        lvl = progress.level(args)
        for r in reports:
            print(verdict_line(r))
            if lvl == progress.VERBOSE:
                for oid, kind, st, detail in r.obligations:
                    print(f"    [{st}] {oid} ({kind}): {shorten(detail)}")
            if r.verdict is Verdict.CERTIFIED and lvl != progress.QUIET:
                print(f"    rests on: {'; '.join(r.rests_on)}")
                unchecked = [h[0] for h in r.hypotheses if h[1] != "holds"]
                if unchecked:
                    print(f"    hypotheses stated, not checked: {', '.join(unchecked)}")
    if table or len(reports) > 1:
        print(f"{len(reports)} certificates: {', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}; verdict of the run: {run.name}")
    return run.exit_code


def _check_paths(paths, args):
    from symcert.audit import check_supervised
    reports = check_supervised(paths, args, "check")  # each file in a child under --time-limit / --memory-limit
    if getattr(args, "debug", False):
        for rep in reports:
            if getattr(rep, "traceback", ""):
                print(f"{rep.source}:\n{rep.traceback}", file=sys.stderr, end="")
    return reports


def cmd_check(args) -> int:
    reports = cli_kernel.kernel_reports(args.files, args) if cli_kernel.kernel_options(args) else _check_paths(args.files, args)
    return _summarise(reports, args.json, table=False, args=args)


def cmd_audit(args) -> int:
    from symcert.audit import main as audit_main
    cli_kernel.kernel_options(args)  # refuses options the chosen route would ignore
    return audit_main(args)


def cmd_explain(args) -> int:
    from symcert import progress
    from symcert.checker.api import check_file
    from symcert.explain import explain
    rep = check_file(args.file, args.smt_timeout * 1000)
    if progress.level(args) == progress.QUIET:
        from symcert.audit import verdict_line
        print(verdict_line(rep))
    else:
        print(explain(args.file, rep, progress.level(args) == progress.VERBOSE))
    return rep.verdict.exit_code


def cmd_report(args) -> int:
    from symcert import progress
    from symcert.checker.api import check_file
    from symcert.report import write_report
    rep = check_file(args.file, args.smt_timeout * 1000)
    out_dir = args.output or os.path.splitext(os.path.basename(args.file))[0] + "-report"
    written = write_report(args.file, rep, out_dir, args.format, plots=not args.no_plots, samples=args.samples)
    _progress(args, f"{args.file}: {rep.verdict.name}: report -> {written}")
    for name in sorted(os.listdir(out_dir)):
        _progress_at(args, f"    {os.path.join(out_dir, name)}", progress.VERBOSE)
    return rep.verdict.exit_code


def _whole(lo: int, hi: int, what: str):
    """An argparse type: a whole number in [lo, hi], refused otherwise with the value quoted."""
    def parse(text: str) -> int:
        value = int(text) if text.strip().isdigit() else 0
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value
    return parse


_positive_seconds = _whole(1, 10**9, "a positive whole number of seconds")
_samples = _whole(9, 401, "a whole number from 9 to 401")


def _smt_timeout(s) -> None:
    s.add_argument("--smt-timeout", type=_positive_seconds, default=60, metavar="S",
                   help="z3 time limit per query in seconds, a positive integer (default 60)")


def build_parser() -> argparse.ArgumentParser:
    from symcert.supervise import add_limit_options, positive
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog="symcert", description=DESCRIPTION, epilog=_exit_table(), formatter_class=fmt)
    p.add_argument("--version", action="version", version=f"symcert {__version__}")
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error (ERROR, exit 6)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="no progress, only the answer")
    common.add_argument("-v", "--verbose", action="store_true", help="more detail (each obligation as re-derived)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("list", help="list the claims symcert can certify", formatter_class=fmt, parents=[common])
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("certify", help="build certificates (and check them at once)", formatter_class=fmt, parents=[common],
                       description="Build a certificate for CLAIM. Without --data, regenerate the claim's "
                                   "worked and seeded instances under DIR/<paper>/ (default DIR: proofs).",
                       epilog="examples:\n  symcert certify --all                       # regenerate proofs/\n"
                              "  symcert certify yun2019.thm1 --data d.csv --hidden 3 --activation leaky_relu:1/10 -o c.json\n"
                              "  symcert certify --spec point.json -o c.json   # local minimum? (docs/spec-format.md)\n\n"
                              + _exit_table())
    s.add_argument("claim", nargs="?", help="claim id (see `symcert list`), or a spec file (same as --spec)")
    s.add_argument("--spec", metavar="FILE", help="is this point a local minimum? a JSON spec of network, activation, loss, "
                   "data and point (docs/spec-format.md): CERTIFIED (exit 0), REFUTED with a descent curve (exit 4), UNKNOWN (exit 3)")
    s.add_argument("--all", action="store_true", help="every instance of every claim")
    s.add_argument("--instance", help="only this named instance")
    s.add_argument("--data", help="dataset: CSV (header x1,...,xd,y; delimiter , ; or TAB; UTF-8, BOM allowed) or JSON {inputs, targets}; with --model also .npz with arrays X, Y")
    s.add_argument("--x-columns", metavar="NAMES", help="input columns of the --data CSV, by header name, comma-separated "
                   "(default: x1,...,xd; with only --y-column: every other column)")
    s.add_argument("--y-column", metavar="NAME", help="target column(s) of the --data CSV (default: y, or y1,...,yk; "
                   "with only --x-columns: every other column)")
    s.add_argument("--hidden", type=int, default=2, help="hidden width d1 (default 2)")
    s.add_argument("--activation", help="relu | leaky_relu:S | relu_like:SPLUS,SMINUS | abs | hard_tanh | relu6 | hard_sigmoid | "
                                        "pl:SL;T1=V1,...;SR | sigmoid | tanh | arctan | softplus | elu[:A] | selu | silu | gelu | "
                                        "quadratic | exponential (default relu; ding2022.thm: sigmoid; see docs/activations.md)")
    s.add_argument("--alpha", help="scale of the local minimum, a positive rational (default 1)")
    s.add_argument("--continuum", action="store_true", help="yun2019.thm1: prove the minimum for every alpha > 0 at once")
    s.add_argument("--loss", help="squared | absolute | huber:DELTA | hinge | logistic | cross_entropy | pseudo_huber:DELTA "
                   "(default squared; claims that take it)")
    s.add_argument("--depth", type=int, help="number of weight layers (default 2; claims that take it)")
    s.add_argument("--model", metavar="FILE", help="a trained network (.npz, .safetensors, .onnx, JSON spec) with --data: is its float "
                   "point near an exact local minimum? (docs/own-network.md)")
    s.add_argument("--better", metavar="FILE", help="with --model: a network or point (same widths) of lower risk")
    s.add_argument("--layout", choices=("out-in", "in-out"), default="out-in", help="with --model: weights stored out x in "
                   "(PyTorch, default) or in x out (Keras, JAX)")
    s.add_argument("--point", metavar="FILE", help="a point to classify (JSON of W1, b1, ..., WL, bL), for claims that take one")
    s.add_argument("--smt", choices=("auto", "always", "never"), default="auto",
                   help="the z3 cross-check of the cell (claims that list --smt): auto = on small instances when z3 proves "
                   "it within 2 s (default); always = required within --smt-timeout, else UNKNOWN; never")
    _smt_timeout(s)
    census_cli.certify_arguments(s)
    s.add_argument("-o", "--output", help="certificate file (with --data; default stdout) or directory (default proofs)")
    add_limit_options(s, "the whole request (named instances: each instance)")
    s.add_argument("-j", "--jobs", type=positive(int), metavar="N", help="named instances and --all: build N at once (default: every core)")
    s.set_defaults(func=cmd_certify)

    census_cli.add_parser(sub, fmt, _exit_table(), lambda args, msg: _progress(args, msg), [common])

    s = sub.add_parser("check", help="check certificate files", formatter_class=fmt, epilog=_exit_table(), parents=[common])
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    _smt_timeout(s)
    add_limit_options(s, "each certificate")
    cli_kernel.kernel_arguments(s)
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("audit", help="check every certificate below directories (for CI)", formatter_class=fmt,
                       parents=[common], description="Check every certificate below each DIR (files whose JSON 'format' is "
                       "'symcert-certificate'; other JSON files are counted as skipped; unparsable JSON or another "
                       "symcert format is INVALID). A FILE named here is always checked. See docs/ci.md.",
                       epilog=_exit_table())
    s.add_argument("targets", nargs="+", metavar="DIR|FILE")
    s.add_argument("--include", action="append", metavar="GLOB", help="only files matching GLOB (path relative to DIR, "
                   "file name or parent directory; repeatable; default *.json)")
    s.add_argument("--exclude", action="append", metavar="GLOB", help="leave out files or directories matching GLOB (repeatable)")
    s.add_argument("--format", choices=("text", "json", "github"), default="text",
                   help="text table (default), json (docs/schemas/audit-report.schema.json), or GitHub Actions annotations")
    s.add_argument("--json", action="store_true", help="same as --format json")
    s.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report (one testcase per certificate)")
    _smt_timeout(s)
    add_limit_options(s, "each certificate")
    s.add_argument("-j", "--jobs", type=positive(int), metavar="N", help="check N certificates at once (default: every core)")
    cli_kernel.kernel_arguments(s)
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("export", help="write a certificate as a Coq file (docs/kernel.md)", formatter_class=fmt, epilog=_exit_table(),
                       parents=[common])
    s.add_argument("file", metavar="CERT")
    s.add_argument("--coq", action="store_true", required=True, help="export to Coq (the only target)")
    s.add_argument("-o", "--output", default=".", metavar="DIR", help="output directory (default: current)")
    s.set_defaults(func=cli_kernel.cmd_export)

    s = sub.add_parser("explain", help="human-readable report of a certificate", formatter_class=fmt, epilog=_exit_table(),
                       parents=[common])
    s.add_argument("file", metavar="FILE")
    _smt_timeout(s)
    s.set_defaults(func=cmd_explain)

    s = sub.add_parser("report", help="report with plots of the risk (Markdown or HTML)", formatter_class=fmt, parents=[common],
                       description="Check CERT, then write a report into DIR: claim, hypotheses, problem, the point and "
                       "the better point as matrices (decimals beside fractions), obligations, ledger, and plots (PNG and "
                       "SVG, needs matplotlib: pip install 'symcert[plot]') of the risk along the segment to the better "
                       "point, along the descent curve or valley, and on a 2-D slice, with every sample's exact value in a CSV file.",
                       epilog=_exit_table())
    s.add_argument("file", metavar="CERT")
    s.add_argument("--format", choices=("md", "html"), default="md", help="report format (default md)")
    s.add_argument("-o", "--output", metavar="DIR", help="output directory (default: CERT's name + '-report')")
    s.add_argument("--no-plots", action="store_true", help="text only (no matplotlib needed)")
    s.add_argument("--samples", type=_samples, default=41, metavar="N", help="samples along each curve, 9..401 (default 41; "
                   "fewer on large problems)")
    _smt_timeout(s)
    s.set_defaults(func=cmd_report)
    for s in sub.choices.values():
        s.add_argument("--debug", dest="sub_debug", action="store_true", help="show the traceback of an internal error (ERROR, exit 6)")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    args.debug = args.debug or getattr(args, "sub_debug", False)
    from symcert import progress
    progress.configure(args)
    if args.command == "certify" and (args.data or args.spec or (args.claim or "").endswith(".json")):
        # one request (--data, --spec) in a child under --time-limit / --memory-limit; instance runs: per instance
        from symcert.supervise import run_command
        return run_command(lambda: _run(args), args.time_limit, args.memory_limit)
    return _run(args)


def _run(args) -> int:
    from symcert.errors import SymcertError
    from symcert.exact.limits import LimitReached
    try:
        return args.func(args)
    except SymcertError as exc:
        _err(str(exc))
        return exc.exit_code
    except LimitReached as exc:  # a bound of symcert.exact.limits: UNKNOWN, naming it
        _err(f"UNKNOWN: limit reached: {exc}")
        return 3
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # containment: never a traceback, never a verdict on the input
        from symcert.checker.api import Verdict
        if args.debug:
            import traceback
            traceback.print_exc()
        _err(f"internal error {exc.__class__.__name__}: {str(exc)[:200]} (ERROR, exit {Verdict.ERROR.exit_code}: "
             "not a verdict on the input; --debug shows the traceback)")
        return Verdict.ERROR.exit_code


if __name__ == "__main__":
    sys.exit(main())
