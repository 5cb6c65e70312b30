"""``symcert census``: train many seeded starts, certify each endpoint, count the outcomes.

Model specs (``--model-spec``):

* ``safran2018:k=K[,n=N]``: the population risk of :mod:`symcert.checker.population` (no data;
  ``--data`` is refused). Each endpoint is certified: spurious local minimum, global minimum,
  saddle, or undecided with the reason. Endpoints equal up to a permutation of the student's
  neurons (rows equal to 1e-6 after sorting) are certified once; every start of that orbit
  records the same certificate.
* ``mlp:D-H-1:ACT`` (ACT relu, or a smooth activation: tanh, sigmoid, softplus, arctan, gelu,
  elu, selu): the empirical risk 1/2 sum of squared residuals of a one-hidden-layer network on
  ``--data``, trained and certified as :mod:`symcert.census_mlp` says (a Krawczyk box for smooth
  activations, the exact snap route for relu). Every start is trained before any is certified;
  orbits are then certified in order of final risk, so that a spurious minimum has the census's
  best certified endpoint as its better point.

Engines: ``--jobs 1`` runs in this process, ``--jobs J`` a local process pool, ``--scheduler
ADDRESS`` a Dask distributed cluster (``symcert[dask]``). Results stream back as they finish and
are appended (one JSON line per start, flushed) to the results file, whose first line names the
spec; a census that is stopped resumes from it, recording each start exactly once. Tasks are
plain module-level functions of plain data, so every engine runs the same computation; numpy
runs with one BLAS thread per task.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import time

from symcert.errors import InputError, SymcertError

FORMAT = "symcert-census"
MAX_STARTS = 100000
CLASSES = ("global minimum", "spurious local minimum", "local minimum", "saddle", "not a local minimum", "undecided")
BLAS_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


class SchedulerUnreachable(SymcertError):
    """The Dask scheduler could not be reached within the timeout (UNKNOWN: a needed tool is missing)."""

    exit_code = 3


def one_blas_thread() -> None:
    """One BLAS thread in this process, so a seed gives the same endpoint anywhere: the variables
    for a numpy not imported yet, and threadpoolctl's limit for one already loaded (a Dask worker or
    a forked pool worker has numpy in memory, where the variables no longer act)."""
    for var in BLAS_VARS:
        os.environ[var] = "1"
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=1)


# ---- specs ----------------------------------------------------------------------------------------

def parse_spec(text: str, data: str | None) -> dict:
    m = re.fullmatch(r"safran2018:k=(\d+)(?:,n=(\d+))?", text)
    if m:
        k = int(m.group(1))
        n = int(m.group(2)) if m.group(2) else k
        if k < 2:
            raise InputError(None, "--model-spec", text, "k must be at least 2 (one neuron has no spurious minimum)")
        if not k <= n <= 40:
            raise InputError(None, "--model-spec", text, "need k <= n <= 40 (orthonormal teacher e_1..e_k)")
        if data:
            raise InputError(None, "--data", data, "safran2018 is the population risk: it takes no data")
        return {"kind": "population", "k": k, "n": n, "text": text}
    from symcert.census_mlp import ACTIVATIONS
    m = re.fullmatch(r"mlp:(\d+)-(\d+)-1:(" + "|".join(ACTIVATIONS) + ")", text)
    if m:
        if not data:
            raise InputError(None, "--data", None, f"{text} is an empirical risk: name a data file")
        d, h = int(m.group(1)), int(m.group(2))
        if not (1 <= d <= 1000 and 1 <= h <= 1000):
            raise InputError(None, "--model-spec", text, "widths from 1 to 1000")
        return {"kind": "mlp", "d": d, "h": h, "act": m.group(3), "text": text}
    raise InputError(None, "--model-spec", text, f"expected safran2018:k=K[,n=N] or mlp:D-H-1:{'|'.join(ACTIVATIONS)}")


def load_data(spec: dict, path: str):
    """(X, Y, exact dataset JSON): X and Y as float lists, for an mlp spec (symcert.inputs.data)."""
    from symcert.inputs.data import read_dataset
    ds = read_dataset(path)
    X = [[int(x.p) / int(x.q) for x in row] for row in ds.inputs]
    Y = [[int(y.p) / int(y.q) for y in row] for row in ds.targets]
    if len(X[0]) != spec["d"] or len(Y[0]) != 1:
        raise InputError(path, None, None, f"{spec['text']} needs {spec['d']} inputs and 1 target per row")
    return X, Y, ds.to_json()


# ---- tasks (module level: picklable for every engine) --------------------------------------------

def task_train(spec: dict, seed: int, optimizer: str, iters: int, data) -> dict:
    one_blas_thread()
    if spec["kind"] == "population":
        from symcert.claims.safran2018 import run
        return run.train(spec["k"], spec["n"], seed, optimizer, iters)
    return train_mlp(spec, seed, optimizer, iters, data)


def task_certify(spec: dict, result: dict, out_dir: str, optimizer: str) -> dict:
    one_blas_thread()
    from symcert.claims.safran2018 import run
    return run.certify(spec["k"], spec["n"], result, out_dir, optimizer)


def train_mlp(spec: dict, seed: int, optimizer: str, iters: int, data) -> dict:
    from symcert.census_mlp import train
    return train(spec, seed, iters, data)


def task_certify_mlp(spec: dict, result: dict, data_json: dict, out_dir: str, better_cert: str | None) -> dict:
    one_blas_thread()
    from symcert.census_mlp import certify
    return certify(spec, result, data_json, out_dir, better_cert)


# ---- engines ----------------------------------------------------------------------------------------

class Inline:
    """--jobs 1: every task runs here, one at a time, when the census waits. Tasks submitted while
    results are handled (the certificate of an endpoint just trained) run before the remaining
    starts, so each start is recorded as soon as it is done, in seed order."""

    def __init__(self):
        self.queue, self.waited = [], False

    def submit(self, fn, *args):
        from concurrent.futures import Future
        f = Future()
        if self.waited:
            self.queue.insert(0, (f, fn, args))
        else:
            self.queue.append((f, fn, args))
        return f

    def wait(self, pending):
        self.waited = True
        f, fn, args = self.queue.pop(0)
        try:
            f.set_result(fn(*args))
        except Exception as exc:  # recorded per start by the caller
            f.set_exception(exc)
        return {f}

    def close(self):
        pass


class Pool:
    """--jobs J: a local process pool (each worker with one BLAS thread)."""

    def __init__(self, jobs: int):
        from concurrent.futures import ProcessPoolExecutor
        self.ex = ProcessPoolExecutor(jobs, initializer=one_blas_thread)

    def submit(self, fn, *args):
        return self.ex.submit(fn, *args)

    def wait(self, pending):
        from concurrent.futures import FIRST_COMPLETED, wait
        return wait(pending, return_when=FIRST_COMPLETED).done

    def close(self):
        self.ex.shutdown(cancel_futures=True)


class DaskEngine:
    """--scheduler ADDRESS: a Dask distributed cluster; a scheduler not reached within
    ``timeout`` seconds is SchedulerUnreachable."""

    def __init__(self, address: str, timeout: float = 5.0):
        try:
            from distributed import Client
        except ImportError:
            raise SchedulerUnreachable("--scheduler needs Dask: pip install 'symcert[dask]'") from None
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(f"--scheduler {address}: cannot reach the Dask scheduler within {timeout} s "
                                       f"({exc.__class__.__name__})") from None

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def wait(self, pending):
        """The finished futures, waiting (polling every 20 ms) until there is one."""
        while True:
            done = {f for f in pending if f.done()}
            if done:
                return done
            time.sleep(0.02)

    def close(self):
        self.client.close()


def engine(jobs: int, scheduler: str | None):
    if scheduler:
        return DaskEngine(scheduler)
    return Inline() if jobs == 1 else Pool(jobs)


# ---- results file -----------------------------------------------------------------------------------

def header(spec: dict, optimizer: str, iters: int) -> dict:
    return {"format": FORMAT, "model_spec": spec["text"], "optimizer": optimizer, "iters": iters}


def read_results(path: str, head: dict) -> dict:
    """seed -> record of an existing results file (empty if absent). A partial last line (a
    census stopped while writing it) is dropped from the file; any other damage is InputError."""
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, None, f"cannot read the results file: {exc}") from None
    lines = text.split("\n")
    partial = lines.pop()  # text after the last newline: "" unless a write was cut short
    records = {}
    for no, line in enumerate(lines, start=1):
        rec = _record(path, no, line)
        if no == 1:
            if rec != head:
                raise InputError(path, "line 1", line[:80], f"written for another census (expected {json.dumps(head)})")
            continue
        if rec["seed"] in records:
            raise InputError(path, f"line {no}", rec["seed"], "seed recorded twice")
        records[rec["seed"]] = rec
    if partial:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text[: len(text) - len(partial)])
    return records


def _record(path, no, line) -> dict:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(path, f"line {no}", line[:80], "not a JSON line (corrupt results file)") from None
    if no == 1:
        return rec
    if not (isinstance(rec, dict) and isinstance(rec.get("seed"), int) and isinstance(rec.get("verdict"), str)
            and rec.get("conclusion") in CLASSES):
        raise InputError(path, f"line {no}", line[:80], "not a census record (seed, verdict, conclusion)")
    return rec


def orbit_id(key) -> str | None:
    return None if key is None else hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]


def census_class(cert: dict) -> str:
    from symcert.census_mlp import CLASS
    from symcert.claims.safran2018.run import CONCLUSION_CLASS
    return {**CONCLUSION_CLASS, **CLASS}.get(cert.get("conclusion"), "undecided")


# ---- the run ------------------------------------------------------------------------------------------

class Census:
    """One census: the streaming loop, the results file, the per-orbit certificates."""

    def __init__(self, spec, seeds, optimizer, iters, data, out, cert_dir, progress, detail=lambda msg: None):
        self.spec, self.seeds, self.optimizer, self.iters, self.data = spec, seeds, optimizer, iters, data
        self.out, self.cert_dir, self.progress, self.detail = out, cert_dir, progress, detail
        self.records = read_results(out, header(spec, optimizer, iters))
        self.known = {r["orbit"]: r for r in self.records.values() if r.get("orbit") and r["conclusion"] != "undecided"}
        self.waiting = {}  # orbit -> train results waiting for its certificate
        self.trained, self.order, self.best = {}, None, self._best()  # mlp: orbit -> results; certify order; best cert

    def _write(self, rec: dict) -> None:
        new = not os.path.exists(self.out) or os.path.getsize(self.out) == 0
        with open(self.out, "a", encoding="utf-8") as fh:
            if new:
                fh.write(json.dumps(header(self.spec, self.optimizer, self.iters), sort_keys=True) + "\n")
            fh.write(json.dumps(rec, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.records[rec["seed"]] = rec
        self.progress(f"seed {rec['seed']}: {rec['verdict']}: {rec['conclusion']} (risk {rec['risk']})"
                      + (f" -> {rec['certificate']}" if rec.get("certificate") else "") + (f"; {rec['reason']}" if rec["verdict"] != "CERTIFIED" else ""))
        self.detail(f"    {rec['steps']} steps; orbit {rec['orbit']}; {rec['reason']}")

    def _record(self, res: dict, cert: dict, orbit) -> dict:
        risk = res.get("risk")
        rec = {"seed": res["seed"], "risk": risk if risk is not None and math.isfinite(risk) else None,
               "verdict": cert["verdict"], "conclusion": census_class(cert) if cert["verdict"] == "CERTIFIED" else "undecided",
               "certificate": cert.get("certificate"), "reason": cert.get("reason", ""), "orbit": orbit,
               "steps": res.get("steps")}
        if cert.get("enclosure"):
            rec["risk_enclosure"] = cert["enclosure"]
        return rec

    def run(self, eng) -> dict:
        pending = {}
        for seed in self.seeds:
            if seed not in self.records:
                pending[eng.submit(task_train, self.spec, seed, self.optimizer, self.iters, self.data)] = ("train", seed)
        while pending:
            done = eng.wait(pending)
            for fut in [f for f in pending if f in done]:  # in submission order
                kind, key = pending.pop(fut)
                try:
                    res = fut.result()
                except Exception as exc:  # one failed task is that start's ERROR; the census goes on
                    self._failed(kind, key, exc)
                    continue
                if kind == "train":
                    self._trained(eng, pending, res)
                else:
                    self._certified(key, res)
            if self.spec["kind"] == "mlp" and not any(kind == "train" for kind, _ in pending.values()):
                self._certify_next(eng, pending)
        return self.records

    def _failed(self, kind, key, exc):
        cert = {"verdict": "ERROR", "reason": f"internal error {exc.__class__.__name__}: {str(exc)[:200]}"}
        for res in ([{"seed": key}] if kind == "train" else self.waiting.pop(key, [])):
            self._write(self._record(res, cert, None))

    def _best(self):
        """The certificate of the lowest certified minimum among the recorded starts (resuming), or None."""
        from symcert.census_mlp import MINIMUM
        from symcert.exact.rationals import parse_rational
        mins = [r for r in self.records.values() if r["conclusion"] in MINIMUM and r.get("risk_enclosure")]
        return min(mins, key=lambda r: parse_rational(r["risk_enclosure"][1]))["certificate"] if mins else None

    def _certify_next(self, eng, pending):
        """mlp, once every start is trained: orbits by final risk, the lowest first, alone until
        one is a certified minimum (the best endpoint); then all the others, with it as better point."""
        if self.order is None:
            self.order = sorted(self.trained, key=lambda o: min(r["risk"] for r in self.trained[o]))
        while self.order and not (self.best is None and pending):
            orbit = self.order.pop(0)
            self.waiting[orbit] = self.trained.pop(orbit)
            pending[eng.submit(task_certify_mlp, self.spec, self.waiting[orbit][0], self.data[2], self.cert_dir,
                               self.best)] = ("cert", orbit)

    def _trained(self, eng, pending, res):
        orbit = orbit_id(res.get("key"))
        if orbit is None:
            return self._write(self._record(res, {"verdict": "UNKNOWN", "reason": res.get("error") or "no endpoint"}, None))
        if orbit in self.known:
            k = self.known[orbit]
            rec = self._record(res, {"verdict": k["verdict"], "certificate": k["certificate"], "reason": k["reason"],
                                     "enclosure": k.get("risk_enclosure")}, orbit)
            return self._write(dict(rec, conclusion=k["conclusion"]))
        if self.spec["kind"] == "mlp":
            return self.trained.setdefault(orbit, []).append(res)
        if orbit not in self.waiting:
            self.waiting[orbit] = []
            pending[eng.submit(task_certify, self.spec, res, self.cert_dir, self.optimizer)] = ("cert", orbit)
        self.waiting[orbit].append(res)

    def _certified(self, orbit, cert):
        for res in self.waiting.pop(orbit, []):
            rec = self._record(res, cert, orbit)
            self._write(rec)
            if rec["conclusion"] != "undecided":
                self.known[orbit] = rec
        if self.spec["kind"] == "mlp" and self.best is None and census_class(cert) in ("local minimum", "spurious local minimum"):
            self.best = cert["certificate"]


def summary(records: dict, seeds) -> str:
    rows = [records[s] for s in seeds if s in records]
    lines = [f"{'conclusion':<24} {'starts':>6} {'distinct':>8} {'risk min':>12} {'risk max':>12}"]
    for c in CLASSES:
        sel = [r for r in rows if r["conclusion"] == c]
        if not sel and c in ("local minimum", "not a local minimum"):
            continue  # classes of the empirical risks only: shown when they occur
        risks = [r["risk"] for r in sel if r["risk"] is not None]
        distinct = len({r["orbit"] or r["seed"] for r in sel})
        lo = f"{min(risks):12.6g}" if risks else f"{'-':>12}"
        hi = f"{max(risks):12.6g}" if risks else f"{'-':>12}"
        lines.append(f"{c:<24} {len(sel):>6} {distinct:>8} {lo} {hi}")
    lines.append(f"{'total':<24} {len(rows):>6}")
    return "\n".join(lines)


def histogram(records: dict, seeds, path: str) -> str:
    """A PNG histogram of the final risks by conclusion; returns a line saying where (or why not)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "no histogram: matplotlib is not installed (pip install 'symcert[plot]')"
    rows = [records[s] for s in seeds if s in records and records[s]["risk"] is not None]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    data = [[max(r["risk"], 1e-16) for r in rows if r["conclusion"] == c] for c in CLASSES]
    finite = [x for d in data for x in d]
    if finite:
        lo, hi = math.log10(min(finite)), math.log10(max(finite))
        bins = [10 ** (lo + (hi - lo + 1e-9) * i / 30) for i in range(31)]
        ax.hist([d for d in data], bins=bins, stacked=True, label=list(CLASSES))
        ax.set_xscale("log")
        ax.legend(fontsize=8)
    ax.set_xlabel("final risk (float; values below 1e-16 drawn at 1e-16)")
    ax.set_ylabel("starts")
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return f"histogram: {path}"


def exit_code(records: dict, seeds) -> int:
    from symcert.checker.api import Verdict
    verdicts = {records[s]["verdict"] for s in seeds if s in records}
    if "ERROR" in verdicts:
        return Verdict.ERROR.exit_code
    if verdicts - {"CERTIFIED"} or len([s for s in seeds if s in records]) < len(seeds):
        return Verdict.UNKNOWN.exit_code
    return Verdict.CERTIFIED.exit_code


def census(model_spec, data, starts, seed, optimizer, iters, jobs, scheduler, out, cert_dir=None, histogram_path=None,
           progress=lambda msg: None, report=print, detail=lambda msg: None) -> int:
    """The whole command; returns the exit code (0 every start certified, 3 some start undecided,
    6 some task failed inside symcert). ``progress`` gets a line per start, ``detail`` (-v) one more."""
    spec = parse_spec(model_spec, data)
    if optimizer == "lbfgs" and spec["kind"] != "population":
        raise InputError(None, "--optimizer", "lbfgs", "L-BFGS is offered for safran2018 only; mlp specs train by gradient descent")
    if not 1 <= starts <= MAX_STARTS:
        raise InputError(None, "--starts", starts, f"expected 1 to {MAX_STARTS}")
    if not 0 <= seed <= 2**32 - MAX_STARTS:
        raise InputError(None, "--seed", seed, f"expected a whole number from 0 to {2**32 - MAX_STARTS}")
    if jobs < 1:
        raise InputError(None, "--jobs", jobs, "expected a positive integer")
    if not 1 <= iters <= 10**6:
        raise InputError(None, "--iters", iters, "expected 1 to 1000000")
    loaded = load_data(spec, data) if spec["kind"] == "mlp" else None
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)  # after every check: bad input creates nothing
    stem = out[:-6] if out.endswith(".jsonl") else out
    cert_dir = cert_dir or stem + "-certificates"
    seeds = list(range(seed, seed + starts))
    one_blas_thread()
    c = Census(spec, seeds, optimizer, iters, loaded, out, cert_dir, progress, detail)
    eng = engine(jobs, scheduler)
    t0 = time.perf_counter()
    try:
        records = c.run(eng)
    finally:
        eng.close()
    report(summary(records, seeds))
    report(histogram(records, seeds, histogram_path or stem + ".png"))
    report(f"{len(seeds)} starts in {time.perf_counter() - t0:.2f} s; results: {out}")
    return exit_code(records, seeds)


def certify_search(claim: str, k: int, n: int | None, seed: int, starts: int, output: str | None, progress, report=print) -> int:
    """``symcert certify safran2018 --k K [--n N] [--seed S] [--starts N] [-o DIR]``: a census of
    the population risk with gradient descent, results and certificates under DIR
    (default safran2018-kK)."""
    if claim != "safran2018":
        raise InputError(None, "--k", k, "--k, --n and --starts search starts of safran2018 only")
    if k < 2:
        raise InputError(None, "--k", k, "k must be at least 2 (one neuron has no spurious minimum)")
    out_dir = output or f"safran2018-k{k}"
    spec = f"safran2018:k={k}" + (f",n={n}" if n is not None else "")
    return census(spec, None, starts, seed, "gd", 20000, 1, None, os.path.join(out_dir, "results.jsonl"), out_dir,
                  None, progress, report)
