"""Reading a certificate's problem statement into exact objects (trusted).

Everything here validates as it reads: a malformed field raises :class:`FormatError` naming
the JSON path of the field and the offending value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flint import fmpq, fmpq_mat

from symcert.exact import packed
from symcert.exact.rationals import RationalSyntaxError, parse_plain_scaled, parse_rational

from symcert.exact.limits import (MAX_DATA_ENTRIES, MAX_LAYERS, MAX_PL_PARAMETERS, MAX_SAMPLES, MAX_SMOOTH_EVALUATIONS,
                                  MAX_SMOOTH_PARAMETERS, MAX_WIDTH)


class FormatError(ValueError):
    """A certificate field is missing or malformed."""

    def __init__(self, field: str, value: object, reason: str):
        self.field, self.value, self.reason = field, value, reason
        text = repr(value)
        if len(text) > 80:
            text = text[:77] + "..."
        super().__init__(f"field {field}: value {text}: {reason}")


SHOW_DIGITS = 60  # longest numerator or denominator printed in full in a message


def show(v) -> str:
    """Bounded text of a value for a message: a rational whose numerator or denominator has more
    than SHOW_DIGITS digits is shown by its leading digits, its size and a decimal estimate."""
    if isinstance(v, fmpq):
        p, q = v.p, v.q
        np_, nq = len(str(abs(p))), len(str(q))
        if max(np_, nq) <= SHOW_DIGITS:
            return str(v)
        k = 16 - (np_ - nq)  # scale so that the integer quotient has about 16 digits
        num, den = abs(p) * 10 ** max(k, 0), q * 10 ** max(-k, 0)
        lead = str(num // den)
        e = len(lead) - 1 - k
        sign = "-" if p < 0 else ""
        return f"{sign}{lead[0]}.{lead[1:7]}e{e:+d} (exact: a rational of {np_}/{nq} digits)"
    from symcert.exact.limits import show as bounded
    return bounded(v)


def get(obj: dict, key: str, path: str, kind=None):
    if not isinstance(obj, dict):
        raise FormatError(path, obj, "expected a JSON object")
    if key not in obj:
        raise FormatError(f"{path}.{key}" if path else key, None, "missing")
    value = obj[key]
    if kind is not None and not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        names = " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else getattr(kind, "__name__", kind)
        raise FormatError(f"{path}.{key}" if path else key, value, f"expected {names}")
    return value


def rational(value, path: str) -> fmpq:
    try:
        return parse_rational(value)
    except RationalSyntaxError as exc:
        raise FormatError(path, value, str(exc)) from None


def enclosure(value, path: str) -> tuple:
    """A rigorous enclosure [lo, hi] of exact rationals (version 2: population and box certificates)."""
    if not isinstance(value, list) or len(value) != 2:
        raise FormatError(path, value, "expected a rigorous enclosure [lo, hi] of two exact rationals")
    lo, hi = rational(value[0], f"{path}[0]"), rational(value[1], f"{path}[1]")
    if not lo <= hi:
        raise FormatError(path, value, "lo must not exceed hi")
    return lo, hi


def vector(value, n: int, path: str) -> list[fmpq]:
    if not isinstance(value, list) or len(value) != n:
        raise FormatError(path, value, f"expected a list of {n} numbers")
    return [rational(v, f"{path}[{i}]") for i, v in enumerate(value)]


@dataclass(frozen=True)
class Read:
    """A matrix read by :func:`read_matrix` (only there): ``T`` is the transpose of the ``rows`` x
    ``cols`` matrix of ``value`` (the orientation a problem holds its data in: one column per
    sample), ``row_abs`` its row sums as :func:`matrix_abs` gives them. ``text`` is the key of
    ``value`` (:func:`_text`): its JSON text, shorter than the texts as Python strings (which
    keeping them alive would cost), or a packed value itself."""

    text: str | dict
    T: fmpq_mat
    row_abs: tuple | None = None  # (R, den[, N^T]): R[i] = den * sum_j |M[i, j]|, M = N / den (packed), or None


def _text(value) -> str | dict | None:
    """The JSON text of a value (equal texts are equal values: json.loads inverts it); None for a
    value that is not JSON, which then matches no Read and is read (and refused) as usual. A
    packed value (a dict of strings) is its own key: its few long strings are compared as they are."""
    if packed.is_packed(value):
        return value if all(type(k) is str and type(v) in (str, list) for k, v in value.items()) else None
    try:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None


def read_matrix(value, rows: int, cols: int, path: str) -> Read:
    """Read a matrix once, so that a problem statement holding the same texts reuses it (``reads``
    of :func:`problem`; e.g. ``certify --data`` reads a CSV file's cells, which become the
    certificate's data, and checks the certificate's bytes without reading them again)."""
    return Read(_text(value), *_turned(value, rows, cols, path))


def require_packed_version(doc, version: int) -> None:
    """Packed data (a JSON object instead of rows of numbers) is format version 3: refused in a
    certificate ``doc`` of an earlier ``version``."""
    data = doc.get("problem", {}).get("data") if isinstance(doc.get("problem"), dict) else None
    for name in ("inputs", "targets"):
        if isinstance(data, dict) and packed.is_packed(data.get(name)) and version < 3:
            raise FormatError(f"problem.data.{name}", "{...}", f"packed data needs a version 3 certificate (this one says version {version})")


def _turned(value, rows: int, cols: int, path: str) -> tuple[fmpq_mat, tuple | None]:
    """(M^T, A) for the problem's data matrix M of ``value``: A as :func:`matrix_abs` gives it for
    rows of numbers, and for packed data (version 3, :mod:`symcert.exact.packed`) A = (R, den, N^T)
    with R the row sums of |N| and M = N / den, den the least common denominator. Packed data is
    turned as integers first, so the rational matrix is formed once, in the orientation kept."""
    if packed.is_packed(value):
        try:
            N, den, R = packed.parse(value, rows, cols)
        except packed.PackedSyntaxError as exc:
            raise FormatError(path, value, f"packed matrix of {rows} x {cols}: {exc}") from None
        NT = N.transpose()
        del N
        return (fmpq_mat(NT) / den if den != 1 else fmpq_mat(NT)), (R, den, NT)
    M, row_abs = matrix_abs(value, rows, cols, path)
    return M.transpose(), row_abs


def _columns(value, rows: int, cols: int, path: str, reads: tuple) -> tuple[fmpq_mat, tuple | None]:
    """(M^T, row sums) for ``matrix_abs(value, rows, cols, path)``, or the T (and the row sums)
    of a Read of an equal value: :func:`matrix_abs` is a function of the value and the shape only
    (the shapes are compared too). The Read's matrix is shared, not copied: the checker never
    writes into a problem's data."""
    text = _text(value) if reads else None
    for r in reads:
        if type(r) is Read and (r.T.ncols(), r.T.nrows()) == (rows, cols) and text is not None and r.text == text:
            return r.T, r.row_abs
    return _turned(value, rows, cols, path)


def matrix(value, rows: int, cols: int, path: str) -> fmpq_mat:
    return matrix_abs(value, rows, cols, path)[0]


def matrix_abs(value, rows: int, cols: int, path: str) -> tuple[fmpq_mat, tuple | None]:
    """(M, A): the matrix written as rows of numbers, and A = (R, den) with R[i] = den * sum_j
    |M[i, j]| when its texts were all plain (:func:`~symcert.exact.rationals.parse_plain_scaled`),
    else None. (Packed text is a form of the problem's data only: :func:`_turned`.)"""
    if not isinstance(value, list) or len(value) != rows:
        raise FormatError(path, value, f"expected {rows} rows of {cols} numbers")
    if all(type(row) is list and len(row) == cols for row in value):  # plain texts in one pass; else entry by entry
        fast = parse_plain_scaled([v for row in value for v in row], rows, cols)
        if fast is not None:
            return fast
    flat = []
    for i, row in enumerate(value):
        flat.extend(vector(row, cols, f"{path}[{i}]"))
    return fmpq_mat(rows, cols, flat), None


@dataclass(frozen=True)
class PiecewiseLinear:
    """h(t) = slopes[k] t + intercepts[k] on the k-th open piece between sorted breakpoints."""

    breakpoints: tuple
    slopes: tuple
    intercepts: tuple

    def piece(self, t: fmpq) -> tuple[int, bool]:
        """(index of the piece containing t, whether t is exactly a breakpoint)."""
        k = 0
        for bp in self.breakpoints:
            if t < bp:
                return k, False
            if t == bp:
                return k, True
            k += 1
        return k, False

    def value(self, t: fmpq) -> fmpq:
        k, _ = self.piece(t)
        return self.slopes[k] * t + self.intercepts[k]

    def slope(self, t: fmpq) -> fmpq:
        k, kink = self.piece(t)
        if kink:
            raise ValueError("slope requested at a breakpoint")
        return self.slopes[k]

    def piece_bounds(self, k: int):
        """(lower, upper) of the open piece k; None for an infinite end."""
        lo = self.breakpoints[k - 1] if k > 0 else None
        hi = self.breakpoints[k] if k < len(self.breakpoints) else None
        return lo, hi


def activation(spec, path: str) -> PiecewiseLinear:
    kind = get(spec, "kind", path, str)
    if kind != "piecewise_linear":
        raise FormatError(f"{path}.kind", kind, "unknown activation kind (known: piecewise_linear)")
    bps = get(spec, "breakpoints", path, list)
    bps = [rational(b, f"{path}.breakpoints[{i}]") for i, b in enumerate(bps)]
    for i in range(1, len(bps)):
        if not bps[i - 1] < bps[i]:
            raise FormatError(f"{path}.breakpoints", spec["breakpoints"], "breakpoints must increase strictly")
    pieces = get(spec, "pieces", path, list)
    if len(pieces) != len(bps) + 1:
        raise FormatError(f"{path}.pieces", pieces, f"expected {len(bps) + 1} pieces [slope, intercept]")
    slopes, icepts = [], []
    for i, p in enumerate(pieces):
        a, c = vector(p, 2, f"{path}.pieces[{i}]")
        slopes.append(a)
        icepts.append(c)
    for i, t in enumerate(bps):
        if slopes[i] * t + icepts[i] != slopes[i + 1] * t + icepts[i + 1]:
            raise FormatError(f"{path}.pieces", pieces, f"not continuous at breakpoint {t}")
    return PiecewiseLinear(tuple(bps), tuple(slopes), tuple(icepts))


class NetworkShape:
    """Shape helpers shared by every problem kind (needs ``widths`` and ``X``)."""

    @property
    def depth(self) -> int:
        return len(self.widths) - 1

    @property
    def m(self) -> int:
        return self.X.ncols()

    def param_names(self) -> list[str]:
        return [f"{p}{l}" for l in range(1, self.depth + 1) for p in ("W", "b")]

    def param_shape(self, name: str) -> tuple[int, int]:
        l = int(name[1:])
        return (self.widths[l], self.widths[l - 1]) if name[0] == "W" else (self.widths[l], 1)


@dataclass(frozen=True)
class Problem(NetworkShape):
    widths: tuple  # (dx, d1, ..., dy)
    act: PiecewiseLinear
    loss: str
    X: fmpq_mat  # dx x m, one column per sample
    Y: fmpq_mat  # dy x m
    loss_delta: fmpq | None = None  # the Huber parameter (losses "huber" and "pseudo_huber" only)
    # (X, R, den[, N]) as read: den * (column sums of |X|) = R and, for packed data, X = N / den with
    # den the least common denominator, for this X object only (scaled.inputs)
    x_abs: tuple | None = field(default=None, compare=False, repr=False)


LOSSES = ("squared", "absolute", "huber", "hinge", "logistic", "cross_entropy", "pseudo_huber")  # formulas: symcert.checker.losses


def not_for(prob, kind: str, wanted: str = "piecewise_linear") -> str | None:
    """None if obligation ``kind`` (stated for the problem class ``wanted``) applies to ``prob``;
    else the one-line reason that it does not (the caller answers REJECTED with it)."""
    have = "piecewise_linear" if isinstance(prob, Problem) else "smooth"
    return None if have == wanted else f"obligation kind {kind} does not apply to problem class {have}"


def _size(widths: list, smooth: bool, path: str) -> None:
    """Network size per problem class (smooth values are exact symbolic numbers, hence the lower bound)."""
    params = sum(widths[l] * (widths[l - 1] + 1) for l in range(1, len(widths)))
    cap, name = (MAX_SMOOTH_PARAMETERS, "MAX_SMOOTH_PARAMETERS") if smooth else (MAX_PL_PARAMETERS, "MAX_PL_PARAMETERS")
    if params > cap:
        kind = "smooth" if smooth else "piecewise-linear"
        from symcert.exact.limits import LimitReached  # a bound reached is UNKNOWN, naming it
        raise LimitReached(f"{path} {widths}: {params} parameters exceed the limit of {cap} for a {kind} network ({name})")


@dataclass(frozen=True)
class SmoothParts:
    """What :func:`problem` read of a smooth problem, for :func:`symcert.checker.smooth.problem`."""

    spec: dict
    path: str
    widths: tuple
    loss: str
    X: fmpq_mat
    Y: fmpq_mat


def problem(spec, path: str = "problem", reads: tuple = ()) -> Problem:
    net = get(spec, "network", path, dict)
    widths = get(net, "widths", f"{path}.network", list)
    if len(widths) < 2 or len(widths) > MAX_LAYERS + 1 or not all(
        isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= MAX_WIDTH for w in widths
    ):
        raise FormatError(f"{path}.network.widths", widths, f"expected a list of 2..{MAX_LAYERS + 1} integers in 1..{MAX_WIDTH} (limits MAX_LAYERS, MAX_WIDTH)")
    act_spec = get(net, "activation", f"{path}.network", dict)
    smooth = act_spec.get("kind") == "smooth"  # read by symcert.checker.smooth
    _size(widths, smooth, f"{path}.network.widths")
    act = None if smooth else activation(act_spec, f"{path}.network.activation")
    loss = get(get(spec, "loss", path, dict), "kind", f"{path}.loss", str)
    if loss not in LOSSES:
        raise FormatError(f"{path}.loss.kind", loss, f"unknown loss (known: {', '.join(LOSSES)})")
    extra = sorted(set(spec["loss"]) - ({"kind", "delta"} if loss in ("huber", "pseudo_huber") else {"kind"}))
    if extra:  # a field that would be ignored is refused (a stated parameter must be the one used)
        raise FormatError(f"{path}.loss.{extra[0]}", spec["loss"][extra[0]], f"not a field of the {loss} loss")
    data = get(spec, "data", path, dict)
    inputs = get(data, "inputs", f"{path}.data", (list, dict))
    targets = get(data, "targets", f"{path}.data", (list, dict))
    m = len(inputs) if not packed.is_packed(inputs) else len(get(inputs, "rows", f"{path}.data.inputs", list))
    if m > MAX_SAMPLES or m * (widths[0] + widths[-1]) > MAX_DATA_ENTRIES:
        raise FormatError(f"{path}.data.inputs", f"{m} samples", f"more data than the checker reads (limits MAX_SAMPLES {MAX_SAMPLES}, "
                          f"MAX_DATA_ENTRIES {MAX_DATA_ENTRIES})")
    if smooth and m * sum(widths[1:-1]) > MAX_SMOOTH_EVALUATIONS:
        raise FormatError(f"{path}.data.inputs", f"{m} samples", f"samples x hidden neurons exceeds MAX_SMOOTH_EVALUATIONS ({MAX_SMOOTH_EVALUATIONS})")
    mt = len(targets) if not packed.is_packed(targets) else len(get(targets, "rows", f"{path}.data.targets", list))
    if m == 0 or mt != m:
        raise FormatError(f"{path}.data.targets", mt, f"expected one target row per input row ({m})")
    X, x_abs = _columns(inputs, m, widths[0], f"{path}.data.inputs", reads)  # reads: matrices read before (read_matrix)
    Y = _columns(targets, m, widths[-1], f"{path}.data.targets", reads)[0]
    if smooth:  # read by symcert.checker.smooth (symcert.checker.reading dispatches)
        return SmoothParts(spec, path, tuple(widths), loss, X, Y)
    delta = None
    if loss in ("huber", "pseudo_huber"):
        delta = rational(get(spec["loss"], "delta", f"{path}.loss"), f"{path}.loss.delta")
        if not delta > 0:
            raise FormatError(f"{path}.loss.delta", spec["loss"]["delta"], f"the {'Huber' if loss == 'huber' else 'pseudo-Huber'} parameter must be positive")
    _labels(loss, Y, f"{path}.data.targets")
    return Problem(tuple(widths), act, loss, X, Y, delta, None if x_abs is None else (X, *x_abs))


def _labels(loss: str, Y: fmpq_mat, path: str) -> None:
    """Hinge and logistic targets are 1 or -1; cross-entropy targets one-hot columns, dy >= 2."""
    if loss in ("hinge", "logistic"):
        bad = [v for v in Y.entries() if v not in (1, -1)]
        if bad:
            raise FormatError(path, str(bad[0]), f"the {loss} loss needs every target to be 1 or -1")
    if loss == "cross_entropy":
        if Y.nrows() < 2:
            raise FormatError(path, f"dy = {Y.nrows()}", "the cross_entropy loss needs dy >= 2 outputs (softmax)")
        for j in range(Y.ncols()):
            col = [Y[i, j] for i in range(Y.nrows())]
            if sorted(col) != [0] * (len(col) - 1) + [1]:
                raise FormatError(f"{path}[{j}]", str([str(v) for v in col]), "the cross_entropy loss needs one-hot targets")


def param_values(spec, prob, path: str):
    """(name, rows, cols, JSON value) of every parameter of ``prob`` in the point ``spec``;
    a point that is not an object, misses a parameter or has an extra one is malformed."""
    if not isinstance(spec, dict):
        raise FormatError(path, spec, "expected an object of parameter matrices")
    names = prob.param_names()
    extra = sorted(set(spec) - set(names))
    if extra:
        raise FormatError(f"{path}.{extra[0]}", spec[extra[0]], f"unknown parameter (expected {', '.join(names)})")
    return [(name, *prob.param_shape(name), get(spec, name, path)) for name in names]


def point(spec, prob: Problem, path: str) -> dict:
    if not isinstance(prob, Problem):
        raise TypeError("a smooth problem's point is read by symcert.checker.reading.point")
    out = {}
    for name, r, c, value in param_values(spec, prob, path):
        if name[0] == "b":
            out[name] = fmpq_mat(r, 1, vector(value, r, f"{path}.{name}"))
        else:
            out[name] = matrix(value, r, c, f"{path}.{name}")
    return out
