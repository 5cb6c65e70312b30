"""``certify --spec`` for a smooth network's float point (docs/own-network-smooth.md): a box holding
exactly one critical point, a strict local minimum (exit 0) or a saddle (REFUTED, exit 4), or
UNKNOWN (exit 3) with the reason. Kept apart from cli.py; every import is made on use."""
from __future__ import annotations

import time


def certify_smooth_spec(args, path: str, write_and_check, progress) -> int:
    """``write_and_check(doc, output, args)`` writes and checks a certificate, as cli.py does."""
    from symcert.checker.verdict import Verdict
    from symcert.claims.expected import REFUTING
    from symcert.provers.krawczyk import certify_spec_file
    t0 = time.perf_counter()
    verdict, doc, msg = certify_spec_file(path)
    if doc is not None:
        checked, rep = write_and_check(doc, args.output, args)
        if checked is not Verdict.CERTIFIED:
            verdict, msg = checked, f"the certificate does not check: {rep.summary}"
        elif rep.conclusion in REFUTING:
            verdict = Verdict.REFUTED
    progress(f"{path}: {verdict.name}: {msg}; {time.perf_counter() - t0:.2f} s"
             + (f" -> {args.output}" if args.output and doc is not None else ""))
    return verdict.exit_code
