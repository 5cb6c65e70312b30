"""Command-line interface: ``symcert list | certify | check | audit | explain``."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from symcert import __version__

DESCRIPTION = """symcert: machine-checked certificates for spurious local minima of
neural-network training losses. The generator (certify) is untrusted; the small
checker (check, audit) re-derives every obligation from the problem statement."""


def _exit_table() -> str:
    from symcert.checker.verdict import EXIT_CODE_TABLE
    return EXIT_CODE_TABLE


def _err(msg: str) -> None:
    print(f"symcert: error: {msg}", file=sys.stderr)


def _progress(args, msg: str) -> None:
    if not getattr(args, "quiet", False):
        print(msg, file=sys.stderr, flush=True)


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
    for r in rows:
        print(f"{r['id']}\n    {r['summary']}\n    paper: {r['paper']}")
        print(f"    instances ({len(r['instances'])}): {', '.join(r['instances'])}")
        if r["accepts_data"]:
            print(f"    certify {r['id']} --data FILE " + " ".join(f"[{o}]" for o in r["options"]))
            for o, h in r["options"].items():
                print(f"        {o:<14} {h}")
    return 0


# ---- certify ------------------------------------------------------------------------------

def _claim_options(args) -> dict:
    from flint import fmpq

    from symcert.errors import InputError
    from symcert.exact.rationals import RationalSyntaxError, parse_rational
    from symcert.model.activations import parse_activation
    opts = {"activation": parse_activation(args.activation), "hidden": args.hidden, "smt": args.smt}
    if args.hidden < 1:
        raise InputError("--hidden", None, args.hidden, "must be a positive integer")
    try:
        opts["alpha"] = parse_rational(args.alpha) if args.alpha is not None else fmpq(1)
    except RationalSyntaxError as exc:
        raise InputError("--alpha", None, args.alpha, str(exc)) from None
    if args.data:
        opts["instance"] = f"user data {os.path.basename(args.data)}"
    if getattr(args, "point", None):
        opts["point"] = args.point
    if getattr(args, "loss", None):
        from symcert.model.losses import parse_loss
        opts["loss"] = parse_loss(args.loss)
    if getattr(args, "depth", None) is not None:
        opts["depth"] = args.depth
    return opts


def _write_and_check(doc: dict, path: str | None, args) -> int:
    from symcert import certificate
    from symcert.checker import check_document
    rep = check_document(json.loads(certificate.canonical_bytes(doc)), path or "<stdout>", args.smt_timeout * 1000)
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        certificate.write(doc, path)
    else:
        sys.stdout.write(certificate.canonical_bytes(doc).decode("ascii"))
    return rep.verdict, rep


def _certify_spec(args, path: str) -> int:
    """Local-optimality test of a user's point (docs/spec-format.md): CERTIFIED local minimum (exit 0),
    REFUTED with a descent curve (exit 4), or UNKNOWN with the limit hit (exit 3, no certificate)."""
    from symcert.checker.verdict import Verdict
    from symcert.errors import ConstructionFailed
    from symcert.provers.krawczyk import smooth_spec_file
    from symcert.spec import certify_spec
    if smooth_spec_file(path):
        return _certify_smooth_spec(args, path)
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


def _certify_smooth_spec(args, path: str) -> int:
    """A smooth network's float point (docs/own-network-smooth.md): a box holding exactly one critical
    point, a strict local minimum (exit 0) or a saddle (exit 4), or UNKNOWN (exit 3) with the reason."""
    from symcert.checker.verdict import Verdict
    from symcert.provers.krawczyk import certify_spec_file
    t0 = time.perf_counter()
    verdict, doc, msg = certify_spec_file(path)
    if doc is not None:
        checked, rep = _write_and_check(doc, args.output, args)
        if checked is not Verdict.CERTIFIED:
            verdict, msg = checked, f"the certificate does not check: {rep.summary}"
    _progress(args, f"{path}: {verdict.name}: {msg}; {time.perf_counter() - t0:.2f} s"
              + (f" -> {args.output}" if args.output and doc is not None else ""))
    return verdict.exit_code


REFUTATIONS = ("not_local_minimum", "saddle_point", "saddle_in_box")


def _answer(verdict, rep) -> str:
    """The answer to the certification request: a checked refutation reads REFUTED."""
    if verdict.name == "CERTIFIED" and rep.conclusion in REFUTATIONS:
        return f"REFUTED ({rep.conclusion}; the refutation is certified)"
    return verdict.name


def cmd_certify(args) -> int:
    from symcert.claims import CLAIMS
    from symcert.checker.verdict import Verdict
    from symcert.errors import InputError
    from symcert.model.data import read_dataset

    if args.spec or (args.claim and args.claim not in CLAIMS and args.claim.endswith(".json") and os.path.isfile(args.claim)):
        return _certify_spec(args, args.spec or args.claim)
    if args.all:
        claims = list(CLAIMS.values())
    else:
        if not args.claim:
            raise InputError(None, "CLAIM", None, "name a claim (see `symcert list`) or use --all")
        if args.claim not in CLAIMS:
            raise InputError(None, "CLAIM", args.claim, f"unknown claim (known: {', '.join(CLAIMS)})")
        claims = [CLAIMS[args.claim]]
    if args.data:
        claim = claims[0]
        if claim.certify_data is None:
            raise InputError(None, "--data", args.data, f"{claim.id} does not take user data")
        data = read_dataset(args.data)
        t0 = time.perf_counter()
        doc = claim.certify_data(data, _claim_options(args))
        verdict, rep = _write_and_check(doc, args.output, args)
        _progress(args, f"{claim.id} on {args.data}: {_answer(verdict, rep)} ({rep.summary}) in {time.perf_counter() - t0:.2f} s"
                  + (f" -> {args.output}" if args.output else ""))
        return verdict.exit_code
    out_dir = args.output or "proofs"
    jobs = [(c, i) for c in claims for i in c.instances() if not args.instance or i.name == args.instance]
    if not jobs:
        raise InputError(None, "--instance", args.instance, "no such instance (see `symcert list`)")
    worst = Verdict.CERTIFIED
    for n, (claim, inst) in enumerate(jobs, start=1):
        t0 = time.perf_counter()
        path = os.path.join(out_dir, claim.id.split(".")[0], inst.name + ".json")
        verdict, rep = _write_and_check(inst.build(), path, args)
        _progress(args, f"[{n}/{len(jobs)}] {claim.id} {inst.name}: {_answer(verdict, rep)} in {time.perf_counter() - t0:.2f} s -> {path}")
        if verdict is not Verdict.CERTIFIED:
            _progress(args, f"    {rep.summary}")
            worst = verdict if worst is Verdict.CERTIFIED else worst
    return worst.exit_code


# ---- check / audit / explain ----------------------------------------------------------------

def _summarise(reports, as_json: bool, table: bool) -> int:
    from symcert.checker.verdict import Verdict
    worst = max((r.verdict.value for r in reports), default=0, key=lambda v: (v != 0, v))
    if as_json:
        counts = {}
        for r in reports:
            counts[r.verdict.name] = counts.get(r.verdict.name, 0) + 1
        print(json.dumps({"reports": [r.to_json() for r in reports], "counts": counts,
                          "all_certified": all(r.verdict is Verdict.CERTIFIED for r in reports)}, indent=2))
    elif table:
        width = max((len(r.source) for r in reports), default=4)
        print(f"{'certificate':<{width}}  {'verdict':<10}  {'claim':<16}  seconds  detail")
        for r in reports:
            print(f"{r.source:<{width}}  {r.verdict.name:<10}  {r.claim:<16}  {r.seconds:7.2f}  {r.summary}")
        counts = {}
        for r in reports:
            counts[r.verdict.name] = counts.get(r.verdict.name, 0) + 1
        print(f"{len(reports)} certificates: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    else:
        for r in reports:
            print(f"{r.source}: {r.verdict.name}: {r.summary}")
            if r.verdict is Verdict.CERTIFIED:
                print(f"    rests on: {'; '.join(r.rests_on)}")
    return worst


def _check_paths(paths, args):
    from symcert.checker import check_file
    reports = []
    for p in paths:
        t0 = time.perf_counter()
        rep = check_file(p, args.smt_timeout * 1000)
        rep.seconds = time.perf_counter() - t0
        reports.append(rep)
    return reports


def cmd_check(args) -> int:
    return _summarise(_check_paths(args.files, args), args.json, table=False)


def cmd_audit(args) -> int:
    from symcert.errors import InputError
    if not os.path.isdir(args.directory):
        raise InputError(args.directory, None, None, "not a directory")
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.directory) for f in fs if f.endswith(".json"))
    if not paths:
        raise InputError(args.directory, None, None, "no certificates (*.json) below this directory")
    code = _summarise(_check_paths(paths, args), args.json, table=True)
    return code


def cmd_explain(args) -> int:
    from symcert.explain import explain
    from symcert.checker import check_file
    rep = check_file(args.file, args.smt_timeout * 1000)
    print(explain(args.file, rep))
    return rep.verdict.exit_code


# ---- entry point --------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog="symcert", description=DESCRIPTION, epilog=_exit_table(), formatter_class=fmt)
    p.add_argument("--version", action="version", version=f"symcert {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("list", help="list the claims symcert can certify", formatter_class=fmt)
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("certify", help="build certificates (and check them at once)", formatter_class=fmt,
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
    s.add_argument("--data", help="dataset: CSV with header x1,...,xd,y or JSON {inputs, targets}")
    s.add_argument("--hidden", type=int, default=2, help="hidden width d1 (default 2)")
    s.add_argument("--activation", default="relu", help="relu | leaky_relu:S | relu_like:SPLUS,SMINUS | abs | hard_tanh | relu6 | hard_sigmoid | "
                                                       "pl:SL;T1=V1,...;SR (default relu; see docs/activations.md)")
    s.add_argument("--alpha", help="scale of the local minimum, a positive rational (default 1)")
    s.add_argument("--loss", help="squared | absolute | huber:DELTA | hinge (default squared; claims that take it)")
    s.add_argument("--depth", type=int, help="number of weight layers (default 2; claims that take it)")
    s.add_argument("--point", metavar="FILE", help="a point to classify (JSON of W1, b1, ..., WL, bL), for claims that take one")
    s.add_argument("--smt", choices=("auto", "always", "never"), default="auto",
                   help="include the z3 cell check: auto = on small instances (default)")
    s.add_argument("--smt-timeout", type=int, default=60, metavar="S", help="z3 time limit in seconds (default 60)")
    s.add_argument("-o", "--output", help="certificate file (with --data; default stdout) or directory (default proofs)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    s.set_defaults(func=cmd_certify)

    for name, helptext in (("check", "check certificate files"), ("audit", "check every certificate below a directory")):
        s = sub.add_parser(name, help=helptext, formatter_class=fmt, epilog=_exit_table())
        if name == "check":
            s.add_argument("files", nargs="+", metavar="FILE")
            s.set_defaults(func=cmd_check)
        else:
            s.add_argument("directory", metavar="DIR")
            s.set_defaults(func=cmd_audit)
        s.add_argument("--json", action="store_true", help="machine-readable output")
        s.add_argument("--smt-timeout", type=int, default=60, metavar="S", help="z3 time limit in seconds (default 60)")

    s = sub.add_parser("explain", help="human-readable report of a certificate", formatter_class=fmt, epilog=_exit_table())
    s.add_argument("file", metavar="FILE")
    s.add_argument("--smt-timeout", type=int, default=60, metavar="S", help="z3 time limit in seconds (default 60)")
    s.set_defaults(func=cmd_explain)
    return p


def main(argv=None) -> int:
    from symcert.errors import SymcertError
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except SymcertError as exc:
        _err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
