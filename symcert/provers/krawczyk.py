"""Rigorous boxes around float critical points of smooth networks (untrusted generator).

``certify_smooth_point(spec, better=None)`` refines the given point by Newton's method over arb
balls, tries a few box radii and precisions until the Krawczyk test of the trusted checker
(:mod:`symcert.checker.krawczyk`) proves one critical point in the box, then classifies it:
positive definite Hessian on the box (strict local minimum, CERTIFIED), a certified direction of
negative curvature (saddle, REFUTED), or UNKNOWN with the reason. For a minimum, a better point
(given, or found by a few seeded gradient-descent restarts in numpy) whose risk is certainly
below the minimum's risk enclosure makes it a spurious local minimum. The certificate is
version 2 (loss enclosures; docs/certificate-format.md) and is re-checked by the caller.
"""
from __future__ import annotations

import json
import math
import os

import numpy as np
from flint import arb, arb_mat, fmpq, fmpz

from symcert import __version__, certificate, progress
from symcert.checker.api import FormatError, SmoothProblem
from symcert.checker.api import balls as B
from symcert.checker.api import krawczyk as K
from symcert.checker.api import parse_problem
from symcert.checker.verdict import Verdict
from symcert.errors import InputError
from symcert.exact.rationals import RationalSyntaxError, format_rational, parse_rational
from symcert.provers import refine as R

SMOOTH = ("sigmoid", "tanh", "softplus", "arctan", "gelu", "elu", "selu", "quadratic", "exponential")
PRECISIONS = (128, 256, 512)
RADII = (20, 32, 48, 64, 96)  # box radii 2^-k tried, largest first
MAX_DISTANCE = fmpq(1, 1024)  # farthest critical point reported, sup norm from the given point
STATEMENT = ("exactly one critical point of the training risk lies in the box of radius r around the centre; it is a "
             "strict local minimum (or a saddle), and its risk lies in the loss enclosure")


# ---- reading ----------------------------------------------------------------------------------

def _activation(value, src):
    if isinstance(value, dict) and value.get("kind") == "smooth":
        return value
    if isinstance(value, str):
        name, _, arg = value.partition(":")
        if name in SMOOTH and (not arg or name == "elu"):
            out = {"kind": "smooth", "name": name}
            if name == "elu":
                out["alpha"] = arg or "1"
            return out
    raise InputError(src, "network.activation", value, f"expected a smooth activation ({', '.join(SMOOTH)}; elu:ALPHA)")


def is_smooth(value) -> bool:
    try:
        _activation(value, None)
        return True
    except InputError:
        return False


def _number(v, src, field):
    """Exact value of a point entry: text or integer exactly, a float as its exact binary value."""
    if isinstance(v, float):
        if not math.isfinite(v):
            raise InputError(src, field, v, "not a finite number")
        return fmpq(*v.as_integer_ratio())
    try:
        return parse_rational(v)
    except RationalSyntaxError as exc:
        raise InputError(src, field, v, str(exc)) from None


def _flat(point, prob, src, field) -> list:
    if not isinstance(point, dict):
        raise InputError(src, field, point, "expected an object W1, b1, ..., WL, bL")
    names = prob.param_names()
    for extra in sorted(set(point) - set(names)):
        raise InputError(src, f"{field}.{extra}", point[extra], f"unknown parameter (expected {', '.join(names)})")
    out = []
    for name in names:
        r, c = prob.param_shape(name)
        v = point.get(name)
        rows = [v] if name[0] == "b" else v
        want = (1, r) if name[0] == "b" else (r, c)
        if not isinstance(rows, list) or len(rows) != want[0] or any(not isinstance(x, list) or len(x) != want[1] for x in rows):
            raise InputError(src, f"{field}.{name}", v, f"expected shape {r} x {c}")
        out += [_number(x, src, f"{field}.{name}") for row in rows for x in row]
    return out


def read(spec: dict, src: str = "spec", base: str = ".") -> tuple:
    """(problem JSON, SmoothProblem, flat point) from a spec dict: either {problem, point} or the
    spec-file form {network, loss, data, point} (docs/spec-format.md)."""
    if not isinstance(spec, dict):
        raise InputError(src, None, None, "expected a JSON object")
    if "problem" in spec:
        pj = spec["problem"]
    else:
        from symcert.inputs.data import dataset_from_json, read_dataset
        net = spec.get("network")
        if not isinstance(net, dict) or "widths" not in net or "activation" not in net:
            raise InputError(src, "network", net, "expected {\"widths\": [...], \"activation\": ...}")
        data = spec.get("data")
        data = read_dataset(os.path.join(base, data)) if isinstance(data, str) else dataset_from_json(data, src)
        from symcert.inputs.losses import parse_loss, require_exact
        loss = spec.get("loss", "squared")
        if not isinstance(loss, str):
            raise InputError(src, "loss", loss, "expected a loss name")
        pj = {"network": {"widths": net["widths"], "activation": _activation(net["activation"], src)},
              "loss": require_exact(parse_loss(loss, src), src, "the smooth box route"), "data": data.to_json()}
    try:
        prob = parse_problem(pj, "problem")
    except FormatError as exc:
        raise InputError(src, exc.field, exc.value, exc.reason) from None
    if not isinstance(prob, SmoothProblem):
        raise InputError(src, "network.activation", pj["network"]["activation"], "not a smooth activation")
    return pj, prob, _flat(spec.get("point"), prob, src, "point")


# ---- numbers ----------------------------------------------------------------------------------

def exact(x: arb) -> fmpq:
    """The exact midpoint of a ball."""
    man, exp = x.mid().man_exp()
    return fmpq(man * fmpz(2) ** int(exp)) if exp >= 0 else fmpq(man, fmpz(2) ** int(-exp))


def dyadic(q: fmpq, bits: int, up: bool | None = None) -> fmpq:
    """q rounded to a multiple of 2^-bits (nearest, or up/down)."""
    t = q * fmpq(fmpz(2) ** bits)
    n = t.floor() if up is False else t.ceil() if up else (t + fmpq(1, 2)).floor()
    return fmpq(n, fmpz(2) ** bits)


def bounds(x: arb, bits: int) -> list:
    """[lo, hi] exact dyadics enclosing the ball."""
    return [format_rational(dyadic(exact(x.lower()), bits, up=False)), format_rational(dyadic(exact(x.upper()), bits, up=True))]


def point_json(prob, flat: list) -> dict:
    out, i = {}, 0
    for name in prob.param_names():
        r, c = prob.param_shape(name)
        vals = [format_rational(v) for v in flat[i:i + r * c]]
        i += r * c
        out[name] = vals if name[0] == "b" else [vals[k * c:(k + 1) * c] for k in range(r)]
    return out


# ---- Newton refinement and the box search -------------------------------------------------------

def refine(net, c: list, prec: int, max_steps: int = 40) -> tuple:
    """Chord-Newton iterations at ``prec`` bits (Hessian refreshed every 5 steps): (centre, steps, last step size)."""
    bits, n = prec - 16, len(c)
    size = None
    with K.precision(prec):
        for step in range(max_steps):
            th = [arb(x) for x in c]
            if step % 5 == 0:
                Y = R.hessian(net, th).mid().inv().mid()
            d = Y * arb_mat(n, 1, R.gradient(net, th)).mid()
            size = max(abs(float(d[i, 0].mid())) for i in range(n))
            c = [dyadic(x - exact(d[i, 0]), bits) for i, x in enumerate(c)]
            if size < 2.0 ** (16 - prec) or not math.isfinite(size) or size > 1e6:
                break
    return c, step + 1, size


def _newton(net, c, prec):
    """(centre, steps, last step size, None) or (c, 0, None, reason) when a Hessian met is singular."""
    try:
        return (*refine(net, c, prec), None)
    except (ZeroDivisionError, ValueError) as exc:
        return c, 0, None, f"singular Hessian ({exc})" if str(exc) else "singular Hessian"
    except B.Crossing as exc:
        return c, 0, None, str(exc)


def classify(net, c: list, r: fmpq, prec: int):
    """None if the Krawczyk test fails at radius r; else (enclosure, pivot or None, H, r2): the
    LDL^T runs on the box of radius r2 = the smallest power of 2 >= the radius rho of K(B) - c
    (it holds the critical point, and its Hessian enclosure is narrower)."""
    with K.precision(prec):
        try:
            H = R.hessian(net, [arb(x) + arb(r) * arb(0, 1) for x in c])
        except B.Crossing:
            return None
        th = [arb(x) for x in c]
        g = R.gradient(net, th)
        Kc, u = K._krawczyk(H, g, r)
        if Kc is None or not all(k < arb(r) and k > -arb(r) for k in Kc):
            return None
        enc = K.risk_at_zero(R.risk(net, th), g, H, u)
        rho = K.reach(Kc, r)
        r2 = r
        while r2 / 2 >= rho and r2 > fmpq(1, fmpz(2) ** (prec - 8)):
            r2 /= 2
        if r2 < r:
            try:
                H = R.hessian(net, [arb(x) + arb(r2) * arb(0, 1) for x in c])
            except B.Crossing:
                return None
        return enc, K.positive_definite(H), H, r2


def negative_direction(H, prec: int):
    """A dyadic direction v with v^T H v certainly < 0 over the balls, or None."""
    n = H.nrows()
    if n <= 40:  # mpmath (pure Python, the same answer on every machine) for the sizes stored in proofs/
        import mpmath
        with mpmath.workprec(53):
            w, V = mpmath.eigsy(mpmath.matrix([[float((H[i, j] + H[j, i]).mid()) / 2 for j in range(n)] for i in range(n)]))
            k = min(range(n), key=lambda i: w[i])
            if not w[k] < 0:
                return None
            v = np.array([float(V[i, k]) for i in range(n)])
    else:
        M = np.array([[float(H[i, j].mid()) for j in range(n)] for i in range(n)])
        w, V = np.linalg.eigh((M + M.T) / 2)
        if not w[0] < 0:
            return None
        v = V[:, 0]
    v = v / np.max(np.abs(v))
    vq = [dyadic(fmpq(*float(x).as_integer_ratio()), 40) for x in v]
    with K.precision(prec):
        Vm = arb_mat(n, 1, [arb(x) for x in vq])
        q = (Vm.transpose() * (H * Vm))[0, 0]
    return vq if q < 0 else None


# ---- numpy restarts (untrusted search for a better point) ----------------------------------------

_ERF = np.vectorize(math.erf)


def np_activation(act: dict):
    """(h, h') on numpy arrays for the problem's activation object."""
    name = act["name"]
    sig = lambda z: 1 / (1 + np.exp(-z))
    if name in ("elu", "selu"):
        a = float(parse_rational(act["alpha"])) if name == "elu" else float(B.SELU_ALPHA)
        s = 1.0 if name == "elu" else float(B.SELU_SCALE)
        return (lambda z: s * np.where(z > 0, z, a * np.expm1(np.minimum(z, 0))),
                lambda z: s * np.where(z > 0, 1.0, a * np.exp(np.minimum(z, 0))))
    table = {
        "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
        "sigmoid": (sig, lambda z: sig(z) * (1 - sig(z))),
        "softplus": (lambda z: np.logaddexp(0, z), sig),
        "arctan": (np.arctan, lambda z: 1 / (1 + z * z)),
        "gelu": (lambda z: z * (1 + _ERF(z / math.sqrt(2))) / 2,
                 lambda z: (1 + _ERF(z / math.sqrt(2))) / 2 + z * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)),
        "quadratic": (lambda z: z * z, lambda z: 2 * z),
        "exponential": (np.exp, np.exp),
    }
    return table[name]


def np_risk_grad(widths, h, X, Y, theta, outputs: bool = False):
    """Risk 1/2 ||f - Y||^2 and its gradient (flat, coordinate order) in float64 (with ``outputs``:
    the network's outputs f only)."""
    Ws, off = [], 0
    for l in range(1, len(widths)):
        d0, d1 = widths[l - 1], widths[l]
        Ws.append((theta[off:off + d1 * d0].reshape(d1, d0), theta[off + d1 * d0:off + d1 * d0 + d1]))
        off += d1 * (d0 + 1)
    acts, zs, A = [X], [], X
    for l, (W, b) in enumerate(Ws):
        Z = W @ A + b[:, None]
        zs.append(Z)
        A = Z if l == len(Ws) - 1 else h[0](Z)
        acts.append(A)
    if outputs:
        return A
    D = A - Y
    grads = []
    for l in range(len(Ws) - 1, -1, -1):
        grads = [(D @ acts[l].T).ravel(), D.sum(axis=1)] + grads
        if l:
            D = (Ws[l][0].T @ D) * h[1](zs[l - 1])
    return 0.5 * float(np.sum((A - Y) ** 2)), np.concatenate(grads)


def restarts(prob, act: dict, count: int, seed: int, steps: int = 3000) -> list:
    """Seeded gradient-descent restarts: the float points they reach, best risk first."""
    h = np_activation(act)
    X = np.array([[float(prob.X[i, s]) for s in range(prob.m)] for i in range(prob.widths[0])])
    Y = np.array([[float(prob.Y[i, s]) for s in range(prob.m)] for i in range(prob.widths[-1])])
    rng, found = np.random.default_rng(seed), []
    for _ in range(count):
        theta = np.concatenate([rng.normal(0, 1 / math.sqrt(prob.widths[l - 1]), prob.widths[l] * (prob.widths[l - 1] + 1))
                                for l in range(1, len(prob.widths))])
        lr = 0.5 / prob.m
        with np.errstate(all="ignore"):
            for _ in range(steps):
                risk, g = np_risk_grad(prob.widths, h, X, Y, theta)
                if not math.isfinite(risk):
                    break
                theta = theta - lr * g
        if math.isfinite(risk):
            found.append((risk, theta))
    return sorted(found, key=lambda t: t[0])


# ---- the certificate ----------------------------------------------------------------------------

def _document(pj, prob, c, name, conclusion, loss, obligations, construction, better=None) -> dict:
    doc = {"format": certificate.FORMAT, "version": 2, "generator": f"symcert {__version__}",
           "claim": {"id": "krawczyk.box", "paper": "Krawczyk 1969; Moore 1977; Rump 1983 (interval Newton)",
                     "theorem": "Krawczyk test, interval LDL^T", "statement": STATEMENT, "instance": name,
                     "construction": construction, "conclusion": conclusion},
           "problem": pj, "problem_sha256": certificate.digest(pj), "point": point_json(prob, c), "loss": loss,
           "obligations": obligations}
    if better:
        doc["better_point"], doc["better_loss"] = point_json(prob, better[0]), better[1]
    total = []
    for ob in obligations:
        total += [x for x in ob["rests_on"] if x not in total]
    doc["rests_on"] = total
    return doc


def _better(net, prob, pj, lo: fmpq, better, restart_count: int, seed: int, prec: int):
    """(flat better point, its loss enclosure, how found) with risk certainly < lo, or None."""
    cands = []
    if better is not None:
        cands.append((better, "given better point"))
    elif restart_count:
        for risk, theta in restarts(prob, pj["network"]["activation"], restart_count, seed):
            if risk < float(lo):
                cands.append(([dyadic(fmpq(*float(x).as_integer_ratio()), 60) for x in theta], "seeded restart"))
    with K.precision(prec):
        for flat, how in cands:
            try:
                rb = R.risk(net, [arb(x) for x in flat])
            except B.Crossing:
                continue
            if rb < arb(lo):
                return flat, bounds(rb, prec // 2), how
    return None


def certify_smooth_point(spec: dict, better: dict | None = None, *, restarts: int = 4, seed: int = 0,
                         max_distance: fmpq = MAX_DISTANCE, src: str = "spec", base: str = ".") -> tuple:
    """(Verdict, certificate dict or None, message) for the point of ``spec`` (see module doc).
    ``better`` is a point (W1, b1, ...) whose risk should be below the minimum's. A critical point
    farther than ``max_distance`` (sup norm) from the given point is not reported (UNKNOWN). Bad
    input raises InputError (INVALID)."""
    pj, prob, c0 = read(spec, src, base)
    if prob.loss != "squared":
        return Verdict.UNKNOWN, None, f"the {prob.loss} loss is not covered by the Krawczyk route (squared loss only)"
    net = B.Net(prob.widths, *B.activation(pj["network"]["activation"], "problem.network.activation"), prob.X, prob.Y)
    bflat = _flat(better, prob, src, "better_point") if better is not None else None
    limit = B.limits(net, PRECISIONS[0])
    if limit:
        return Verdict.UNKNOWN, None, f"limit reached: {limit}"
    found, why = locate(net, c0, max_distance)
    if found is None:
        return Verdict.UNKNOWN, None, why
    return _finish(net, prob, pj, *found, bflat, restarts, seed, spec.get("name", src))


def locate(net, c0: list, max_distance: fmpq) -> tuple:
    """((c, r, prec, classify's answer, distance, steps), None) for the first precision where a box
    is classified, or (None, the reason). ``net`` may be a gauge-reduced network (refine.Reduced)."""
    why, start, walked, lm_why = "Newton's method did not converge", c0, None, None
    for prec in PRECISIONS:
        c, steps, size, failed = _newton(net, start, prec)
        far = max((abs(a - b) for a, b in zip(c, c0)), default=fmpq(0)) > min(max_distance, MAX_DISTANCE)
        if walked is None and (failed or not size < 2.0 ** (40 - prec) or far):
            # Newton's method from the given point did not settle near it: walk downhill first
            start, walked, _, lm_why = R.levenberg_marquardt(net, c0)
            progress.detail(f"  Levenberg-Marquardt: {walked} steps" + (f"; {lm_why}" if lm_why else ""))
            c, steps, size, failed = _newton(net, start, prec)
        progress.detail(f"  Newton at {prec} bits: {steps} steps, last step {size if size is None else f'{size:.3g}'}")
        if failed:
            return None, f"Newton refinement failed at {prec} bits: {failed}"
        if size is None or not size < 2.0 ** (40 - prec):
            why = (f"Newton's method did not converge at {prec} bits (last step {size:.3g})"
                   + (f" after the downhill walk: {lm_why}" if lm_why else f"; where it started: {R.diagnose(net, start)}"))
            continue
        steps, start = steps + (walked or 0), c
        dist = max((abs(a - b) for a, b in zip(c, c0)), default=fmpq(0))
        if dist > max_distance:
            return None, (f"the given point is not near a critical point: Newton's method reached one at "
                          f"distance {float(dist):.3g} > {max_distance} (options.max_distance)")
        found = _boxes(net, c, prec)
        if found is None:
            why = f"the Krawczyk test fails for every radius tried up to {prec} bits ({R.diagnose(net, c)})"
            continue
        r, out = found
        if out[1] is not None and prec != PRECISIONS[-1] and negative_direction(out[2], prec) is None:
            why = "the Hessian is neither proved positive definite nor given a certified direction of negative curvature"
            continue
        return (c, r, prec, out, dist, steps), None
    return None, why


def _boxes(net, c, prec):
    """(r, classify's answer) for the first radius whose LDL^T (or negative direction) succeeds, else
    the last radius where the Krawczyk test held, else None. The Krawczyk test can hold where the
    LDL^T does not: smaller boxes give narrower H(B). One progress step per box."""
    found, bar = None, progress.counter(f"Krawczyk boxes at {prec} bits", "box")
    try:
        for k in (k for k in RADII if k <= prec - 32):
            r = fmpq(1, fmpz(2) ** k)
            out = classify(net, c, r, prec)
            bar.update()
            what = ("Krawczyk test fails" if out is None else "one critical point; Hessian positive definite" if out[1] is None
                    else f"one critical point; LDL^T pivot {out[1] + 1} not proved positive")
            progress.detail(f"  box 2^-{k} at {prec} bits: {what}")
            if out is not None:
                found = (r, out)
                if out[1] is None or negative_direction(out[2], prec) is not None:
                    break
    finally:
        bar.close()
    return found


def _finish(net, prob, pj, c, r, prec, out, dist, steps, bflat, restart_count, seed, name, expand=None):
    """The certificate and the answer for a classified box; ``expand`` maps a direction on the free
    coordinates of a gauge-reduced network to all coordinates."""
    enc, pivot, H, r2 = out
    lo_hi = bounds(enc, prec // 2)
    obs = [dict(id="critical", kind="krawczyk_box", radius=format_rational(r), precision=prec, rests_on=[B.ARB(prec), K.KRAWCZYK])]
    box = {"radius": format_rational(r2), "precision": prec}
    construction = {"newton_steps": steps, "distance_from_given_point": format_rational(dyadic(dist, 64, up=True)),
                    "given_point_in_box": bool(dist <= r)}
    where = (f"box of radius 2^-{r.q.bit_length() - 1} (precision {prec} bits) at distance {float(dist):.3g} from the given point, "
             f"within 2^-{r2.q.bit_length() - 1} of its centre")
    if pivot is None:
        obs.append(dict(id="definite", kind="hessian_definite_box", rests_on=[B.ARB(prec), K.LDL], **box))
        lower = _better(net, prob, pj, parse_rational(lo_hi[0]), bflat, restart_count, seed, prec) if (bflat or restart_count) else None
        if lower is None:
            doc = _document(pj, prob, c, name, "strict_local_minimum_in_box", lo_hi, obs, construction)
            note = "; the given better point is not certainly lower" if bflat else ""
            return Verdict.CERTIFIED, doc, f"strict local minimum in the {where}; risk in [{float(enc.lower()):.12g}, {float(enc.upper()):.12g}]{note}"
        obs.append(dict(id="lower", kind="box_strictly_lower", precision=prec, rests_on=[B.ARB(prec)]))
        construction["better_point"] = lower[2]
        doc = _document(pj, prob, c, name, "spurious_local_minimum_in_box", lo_hi, obs, construction, lower[:2])
        return Verdict.CERTIFIED, doc, (f"spurious strict local minimum in the {where}; risk >= {float(enc.lower()):.12g} > "
                                        f"{float(parse_rational(lower[1][1])):.12g} >= risk at the {lower[2]}")
    v = negative_direction(H, prec)
    v = expand(v) if v is not None and expand else v
    if v is None:
        return Verdict.UNKNOWN, None, (f"one critical point in the {where}, but the Hessian is neither proved positive definite "
                                       f"(pivot {pivot + 1}) nor has a certified direction of negative curvature")
    obs.append(dict(id="saddle", kind="negative_curvature_box", direction=point_json(prob, v), rests_on=[B.ARB(prec), K.CURVATURE], **box))
    doc = _document(pj, prob, c, name, "saddle_in_box", lo_hi, obs, construction)
    return Verdict.REFUTED, doc, f"saddle point in the {where} (certified direction of negative curvature)"


# ---- spec files -------------------------------------------------------------------------------

SPEC_KEYS = {"network", "loss", "data", "point", "options", "name", "better_point"}
SPEC_OPTIONS = {"restarts", "seed", "max_distance"}


def smooth_spec_file(path: str) -> bool:
    """Whether a spec file names a smooth activation (then certify --spec takes this route)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return is_smooth(json.load(fh)["network"]["activation"])
    except Exception:  # unreadable files are reported by the ordinary spec route
        return False


def certify_spec_file(path: str) -> tuple:
    """certify --spec for a smooth network: numbers in data are read exactly from their text, a
    point's JSON floats as their exact binary64 values."""
    from symcert.inputs.data import load_json
    text_doc = load_json(path, parse_float=str)
    doc = load_json(path)
    if not isinstance(doc, dict):
        raise InputError(path, None, None, "expected a JSON object")
    for key in sorted(set(doc) - SPEC_KEYS):
        raise InputError(path, key, doc[key], f"unknown field (known: {', '.join(sorted(SPEC_KEYS))})")
    opts = doc.get("options", {})
    if not isinstance(opts, dict):
        raise InputError(path, "options", opts, "expected an object")
    for key in sorted(opts):
        v = opts[key]
        if key not in SPEC_OPTIONS:
            raise InputError(path, f"options.{key}", v, f"unknown option for a smooth network (known: {', '.join(sorted(SPEC_OPTIONS))})")
        if key == "max_distance":
            try:
                opts[key] = parse_rational(v)
            except RationalSyntaxError as exc:
                raise InputError(path, f"options.{key}", v, str(exc)) from None
            if not opts[key] > 0:
                raise InputError(path, f"options.{key}", v, "must be positive")
        elif not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise InputError(path, f"options.{key}", v, "expected a non-negative integer")
    spec = dict(text_doc, point=doc.get("point"), name=str(doc.get("name", os.path.basename(path))))
    return certify_smooth_point(spec, doc.get("better_point"), restarts=opts.get("restarts", 4), seed=opts.get("seed", 0),
                                max_distance=opts.get("max_distance", MAX_DISTANCE), src=path, base=os.path.dirname(os.path.abspath(path)))
