"""The command line of the census and of ``certify safran2018 --k`` (docs/census.md). Kept apart
from cli.py; every import is made on use."""
from __future__ import annotations


def certify_arguments(s) -> None:
    """``certify safran2018 --k K [--n N] [--seed S] [--starts N]``."""
    s.add_argument("--k", type=int, help="safran2018: student width k >= 2; search seeded starts and certify each endpoint "
                   "(-o DIR, default safran2018-kK)")
    s.add_argument("--n", type=int, help="safran2018: input dimension (default k)")
    s.add_argument("--seed", type=int, help="safran2018: first seed (default 0)")
    s.add_argument("--starts", type=int, help="safran2018: number of seeded starts (default 20)")


def searching(args) -> bool:
    return any(getattr(args, name) is not None for name in ("k", "n", "starts", "seed"))


def certify_search(args, progress) -> int:
    from symcert.census import certify_search
    from symcert.errors import InputError
    if args.k is None:
        raise InputError(None, "--k", None, "--n, --seed and --starts need --k (safran2018)")
    starts = 20 if args.starts is None else args.starts  # --starts 0 is refused, not replaced by the default
    return certify_search(args.claim, args.k, args.n, args.seed or 0, starts, args.output, progress)


def add_parser(sub, fmt, epilog: str, progress, parents=()) -> None:
    """``symcert census``; ``progress(args, msg)`` prints a progress line; ``parents`` give -q and -v."""
    s = sub.add_parser("census", help="train many seeded starts, certify each endpoint, count the outcomes",
                       formatter_class=fmt, description="A certified census (docs/census.md).", epilog=epilog,
                       parents=list(parents))
    s.add_argument("--model-spec", required=True, metavar="SPEC", help="safran2018:k=K[,n=N] | mlp:D-H-1:ACT (ACT relu, tanh, sigmoid, softplus, arctan, gelu, elu, selu)")
    s.add_argument("--data", help="data file for an empirical risk (CSV or JSON); refused for safran2018")
    s.add_argument("--starts", type=int, default=100, help="number of seeded starts (default 100)")
    s.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    s.add_argument("--optimizer", choices=("gd", "lbfgs"), default="gd", help="gradient descent (default) or L-BFGS (safran2018)")
    s.add_argument("--iters", type=int, default=20000, help="iterations: at most (safran2018) or exactly (mlp); default 20000")
    s.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1: in this process)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://host:8786 (symcert[dask])")
    s.add_argument("--certificates", metavar="DIR", help="where certificates go (default RESULTS-certificates/)")
    s.add_argument("--histogram", metavar="PNG", help="histogram of risks by conclusion (default RESULTS.png)")
    s.add_argument("-o", "--output", required=True, metavar="RESULTS.jsonl", help="results, one JSON line per start (resumed)")

    def cmd_census(args) -> int:
        from symcert import progress as P
        from symcert.census import census
        return census(args.model_spec, args.data, args.starts, args.seed, args.optimizer, args.iters, args.jobs,
                      args.scheduler, args.output, args.certificates, args.histogram, lambda msg: progress(args, msg),
                      detail=lambda msg: P.note(args, msg, P.VERBOSE))
    s.set_defaults(func=cmd_census)
