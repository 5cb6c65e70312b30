"""The command line of the kernel route (docs/kernel.md): ``export --coq``, and ``--kernel coq`` on
``check`` and ``audit``. Kept apart from cli.py; every import is made on use."""
from __future__ import annotations

import sys


def _err(msg: str) -> None:
    print(f"symcert: error: {msg}", file=sys.stderr)


def kernel_options(args) -> bool:
    """True for the kernel route; refuses options that the chosen route would ignore."""
    from symcert.errors import InputError
    if args.kernel and args.smt_timeout != 60:
        raise InputError(None, "--smt-timeout", args.smt_timeout, "does not apply with --kernel coq (z3 is not run)")
    if not args.kernel and args.kernel_timeout is not None:
        raise InputError(None, "--kernel-timeout", args.kernel_timeout, "applies only with --kernel coq")
    if args.kernel_timeout is not None and args.kernel_timeout <= 0:
        raise InputError(None, "--kernel-timeout", args.kernel_timeout, "must be a positive number of seconds")
    return bool(args.kernel)


def kernel_arguments(s) -> None:
    s.add_argument("--kernel", choices=("coq",), help="re-check with Coq's kernel instead (docs/kernel.md)")
    s.add_argument("--kernel-timeout", type=int, default=None, metavar="S", help="coqc time limit in seconds (default 600)")


def kernel_reports(paths, args):
    from symcert.kernel_coq.kernel import check_paths
    return check_paths(paths, args.kernel_timeout or 600)


def cmd_export(args) -> int:
    from symcert.kernel_coq.kernel import export_file
    from symcert.kernel_coq.export import Unsupported
    from symcert.checker.api import FormatError, Verdict
    try:
        print(export_file(args.file, args.output))
    except Unsupported as exc:
        _err(f"{args.file}: not kernel-checkable: {exc}")
        return Verdict.UNKNOWN.exit_code
    except FormatError as exc:
        _err(f"{args.file}: {exc}")
        return Verdict.INVALID.exit_code
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _err(f"{args.file}: cannot read: {exc}")
        return Verdict.INVALID.exit_code
    return Verdict.CERTIFIED.exit_code
