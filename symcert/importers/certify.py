"""``symcert certify --model FILE --data FILE``: is the point my optimiser stopped at a (spurious)
local minimum? (untrusted driver; docs/own-network.md)

The float point is read exactly (every binary float as its dyadic value). One hidden layer with a
piecewise-linear activation: the point is snapped to an exact critical point of its activation
cell (symcert.importers.snap) and certified with ``interior_cell`` + ``lifted_normal_equations`` +
``float_distance`` (conclusion ``local_minimum_near_float``, or ``spurious_local_minimum_near_float``
with a better point); points on a breakpoint or with a zero output weight go to the kink test
(yun2018.test), whose refutations read REFUTED. Deeper piecewise-linear networks with a positively
homogeneous activation (ReLU, leaky ReLU) take the box route on the point's cell with a gauge for
the rescaling symmetry (symcert.provers.gauge_box); others answer UNKNOWN. Smooth activations go to the rigorous route
``symcert.provers.krawczyk`` when it is installed.
"""
from __future__ import annotations

import json
import os
import time

from flint import fmpq

from symcert import certificate
from symcert.checker.api import LIFTED_LEMMA as LEMMA
from symcert.checker.api import RATIONAL
from symcert.checker.verdict import Verdict
from symcert.errors import ConstructionFailed, InputError
from symcert.exact.rationals import format_rational as fr
from symcert.importers import read_data, read_model, snap as S

CLAIM_ID = "own.model"
MODEL_DISTANCE = fmpq(1)  # smooth networks: farthest critical point reported, reached downhill from the float point
SMOOTH = ("sigmoid", "tanh", "softplus", "arctan", "selu", "elu")
STATEMENT = ("An exact point within sup-distance d of the float point the optimiser returned is a local minimum "
             "(or a saddle, or not a local minimum) of the exact training risk; d and the point are stated.")


def activation_of(model, text: str | None, source: str = "--activation") -> dict:
    """The activation: from the file (ONNX, spec) or --activation (default relu), never both differing."""
    act = None
    if text is not None:
        name, _, arg = text.strip().partition(":")
        if name.lower() in SMOOTH:
            act = {"kind": "smooth", "name": name.lower()}
            if name.lower() == "elu":
                act["alpha"] = arg or "1"
            elif arg:
                raise InputError(source, "activation", text, f"{name} takes no parameter")
        else:
            from symcert.inputs.activations import parse_activation
            act = parse_activation(text, source)
    if model.activation is not None:
        if act is not None and _key(act) != _key(model.activation):
            raise InputError(source, "activation", text, f"the model file says {model.activation.get('name')}")
        return model.activation
    return act if act is not None else _relu()


def _key(act: dict) -> tuple:
    return tuple(sorted((k, json.dumps(v)) for k, v in act.items() if k != "name")) if act.get("kind") == "piecewise_linear" else (act.get("name"), act.get("alpha"))


def _relu():
    from symcert.inputs.activations import relu
    return relu()


def _problem(model, data, act, loss) -> dict:
    widths = model.widths
    if data.dx != widths[0]:
        raise InputError("--data", "inputs", data.dx, f"the network takes {widths[0]} inputs (W1 has {widths[0]} columns)")
    if data.dy != widths[-1]:
        raise InputError("--data", "targets", data.dy, f"the network has {widths[-1]} outputs")
    return {"network": {"widths": widths, "activation": act}, "loss": loss, "data": data.to_json()}


def _loss(model, text):
    from symcert.inputs.losses import parse_loss, require_exact
    if text is not None:
        return require_exact(parse_loss(text), "--loss", "importing a trained network")
    if model.spec is not None:
        return model.spec["problem"]["loss"]
    return {"kind": "squared"}


def _claim(name: str, conclusion: str, construction: dict) -> dict:
    return {"id": CLAIM_ID, "paper": "symcert: exact snap of a trained network's float point", "theorem": "snapped critical point",
            "statement": STATEMENT, "instance": name, "construction": construction, "conclusion": conclusion}


def _float_ob(fpoint: dict, point: dict) -> dict:
    return {"id": "float_distance", "kind": "float_distance", "float_point": certificate.point_json(fpoint),
            "distance": fr(S.sup_distance(point, fpoint)), "rests_on": [RATIONAL]}


def _better(path: str | None, prob, layout: str):
    """The --better point (exact), or None."""
    if path is None:
        return None
    from symcert.checker.api import FormatError, parse_point
    if path.lower().endswith(".json"):
        from symcert.inputs.data import load_json
        doc = load_json(path, parse_float=str)
        if isinstance(doc, dict) and "W1" in doc:
            try:
                return parse_point(doc, prob, "better")
            except FormatError as exc:
                raise InputError(path, exc.field, exc.value, exc.reason) from None
    model = read_model(path, layout)
    if model.widths != list(prob.widths):
        raise InputError(path, "widths", model.widths, f"the --better network must have widths {list(prob.widths)}")
    return model.point()


def _cell_doc(prob, pj, fpoint, sn, name, better, layout_note) -> tuple[dict, str]:
    """The certificate for a point snapped inside its cell, and a description."""
    from symcert.checker.api import kernel
    from symcert.importers.better import search
    pt = sn.point
    r = sn.radius
    if r is None:
        raise ConstructionFailed("no box radius 2^-k (k <= 400) keeps the snapped point's pre-activations inside their pieces")
    lifted = {"id": "lifted", "kind": "lifted_normal_equations", "radius": fr(r), "rests_on": [RATIONAL, LEMMA]}
    if sn.multipliers is not None:
        lifted["multipliers"] = certificate.mat_json(sn.multipliers)
    obs = [{"id": "cell", "kind": "interior_cell", "radius": fr(r)}, lifted, _float_ob(fpoint, pt)]
    risk = sn.risk if sn.risk is not None else S.risk(prob, pt)
    construction = {"distance": fr(S.sup_distance(pt, fpoint)), "float_risk": fr(S.risk(prob, fpoint)),
                    "near_kinks": str(len(sn.near)), "radius": fr(r)}
    how = "given by --better"
    if better is None:
        better, _, tried = search(prob, fpoint, risk)  # candidates built on the float point: small dyadics, not the snap's big rationals
        construction["better_search"] = f"{tried} candidates"
        how = f"found by the search ({tried} candidates)"
    if better is not None and kernel.risk(prob, better) < risk:
        obs.append({"id": "strictly_lower", "kind": "strictly_lower"})
        claim = _claim(name, "spurious_local_minimum_near_float", construction)
        doc = certificate.document(claim, pj, pt, risk, obs, better, kernel.risk(prob, better))
        return doc, f"spurious local minimum (a point of risk {float(kernel.risk(prob, better)):.6g} < {float(risk):.6g}, {how})"
    note = "" if better is None else f"; the --better point's risk {float(kernel.risk(prob, better)):.6g} is not below it"
    doc = certificate.document(_claim(name, "local_minimum_near_float", construction), pj, pt, risk, obs)
    return doc, f"local minimum (no lower point found{'' if 'better_search' not in construction else ' among ' + construction['better_search']}){note}"


def _kink_doc(prob, pj, fpoint, sn, name, smt_timeout) -> tuple[dict, str]:
    """Send the exact point to the kink test; wrap its answer with the float distance."""
    from symcert.checker.api import kernel
    from symcert.claims.constructions import certify_point
    from symcert.claims.yun2018.test import claim_json
    doc, dec = certify_point(pj, certificate.point_json(sn.point), claim_json(name, {}), timeout_ms=1000 * smt_timeout)
    obs = [ob for ob in doc["obligations"]]
    concl = doc["claim"]["conclusion"]
    pre = kernel.forward(prob, sn.point)[0]
    if concl == "not_local_minimum" and not kernel.kinks(prob, pre) and all(
            all(v == 0 for v in g.entries()) for g in kernel.gradient(prob, sn.point).values()):
        L = prob.depth
        direction = {k: [["0"] * v.ncols() for _ in range(v.nrows())] if k[0] == "W" else ["0"] * v.nrows()
                     for k, v in sn.point.items()}
        direction[f"b{L}"] = ["1"] + ["0"] * (prob.widths[-1] - 1)
        obs += [{"id": "critical", "kind": "gradient_zero"}, {"id": "ascent", "kind": "ascent_curve", "direction": direction}]
        concl = "saddle_point"
    obs.append(_float_ob(fpoint, sn.point))
    claim = _claim(name, concl + "_near_float", dict(doc["claim"]["construction"], reason=sn.reason,
                                                      distance=fr(S.sup_distance(sn.point, fpoint))))
    better = {}
    if "better_point" in doc:
        better = {"better_point": doc["better_point"], "better_loss": doc["better_loss"]}
    out = certificate.document(claim, pj, sn.point, kernel.risk(prob, sn.point), obs)
    out.update(better)
    return out, {"local_minimum": "local minimum (kink test)", "saddle_point": "saddle point",
                                             "not_local_minimum": "not a local minimum (descent curve)"}[concl]


def _deep(prob, fpoint) -> str:
    """Snap the last layer exactly; the reason the rest is UNKNOWN."""
    from symcert.checker.api import kernel
    from symcert.provers.affine import least_squares
    _, acts, _ = kernel.forward(prob, fpoint)
    L = prob.depth
    fit = least_squares(acts[-1], prob.Y)
    pt = dict(fpoint, **{f"W{L}": fit.weights, f"b{L}": fit.bias})
    d = S.sup_distance(pt, fpoint)
    return (f"{L - 1} hidden layers: the last layer alone snaps exactly to its least-squares optimum (distance {float(d):.3g}, "
            f"risk {float(fit.loss):.6g})")


def _smooth(pj, fpoint, data, loss_text, better, restarts=4, name="model"):
    try:
        from symcert.provers.krawczyk import certify_smooth_point
    except ImportError:
        return Verdict.UNKNOWN, None, "the rigorous smooth route is not installed"
    spec = {"network": pj["network"], "loss": loss_text, "data": data.to_json(), "point": certificate.point_json(fpoint),
            "name": name}
    split = _near_duplicate(pj, spec, loss_text, name)
    if split is not None and split[1] is not None:
        return (Verdict.REFUTED if split[0] == "saddle" else Verdict.CERTIFIED), split[1], split[2]
    v, doc, msg = certify_smooth_point(spec, better, max_distance=MODEL_DISTANCE, restarts=restarts)
    return (v, doc, msg) if split is None or doc is not None else (v, doc, f"{msg}; the split route: {split[2]}")


def _near_duplicate(pj, spec, loss_text, name):
    """Two (nearly) duplicate neurons make the Hessian singular: the split route (provers/split_box.py)
    merges them and tests the line of splits; None when there is no such pair (or the loss is not squared)."""
    from symcert.provers import krawczyk as PK
    from symcert.provers.split_box import certify_near_duplicate
    if loss_text != "squared":
        return None
    problem, _, flat = PK.read(dict(spec, loss=loss_text))
    return certify_near_duplicate(problem, flat, name)


def _loss_text(loss: dict) -> str:
    return f"huber:{loss['delta']}" if loss["kind"] == "huber" else loss["kind"]


def _say(args, msg: str) -> None:
    import sys
    if not getattr(args, "quiet", False):
        print(msg, file=sys.stderr, flush=True)


def _finish(args, doc, label, what, t0) -> int:
    """Check the certificate, write it, print the answer; the exit code."""
    from symcert.checker.api import check_document
    rep = check_document(json.loads(certificate.canonical_bytes(doc)), args.output or "<stdout>", args.smt_timeout * 1000)
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        certificate.write(doc, args.output)
    else:
        import sys
        sys.stdout.write(certificate.canonical_bytes(doc).decode("ascii"))
    verdict = rep.verdict
    from symcert.claims.expected import REFUTING
    if verdict is Verdict.CERTIFIED and rep.conclusion in REFUTING:
        verdict = Verdict.REFUTED
    text = what if rep.verdict is Verdict.CERTIFIED else f"{what}, but the check says: {rep.summary}"
    _say(args, f"{label}: {verdict.name}: {text}; {time.perf_counter() - t0:.2f} s" + (f" -> {args.output}" if args.output else ""))
    return verdict.exit_code


def build(model_path, data_path, activation=None, loss=None, layout="out-in"):
    """(model, data, problem JSON, parsed problem, float point) from the files."""
    from symcert.checker.api import FormatError, parse_problem
    model = read_model(model_path, layout)
    if data_path is None:
        if model.spec is None:
            raise InputError(None, "--data", None, "name the training data (CSV, JSON or .npz with X and Y)")
        from symcert.inputs.data import dataset_from_json
        data = dataset_from_json(model.spec["problem"]["data"], model_path)
    else:
        data = read_data(data_path)
    act = activation_of(model, activation)
    pj = _problem(model, data, act, _loss(model, loss))
    if act.get("kind") == "smooth":
        return model, data, pj, None, model.point()
    try:
        prob = parse_problem(pj)
    except FormatError as exc:
        raise InputError(model_path, exc.field, exc.value, exc.reason) from None
    return model, data, pj, prob, model.point()


def certify_files(args, model_path, data_path, name=None):
    """The certificate (or None) and the text of the answer, without writing anything:
    (verdict or None, document or None, what). A verdict is returned only when no certificate is."""
    model, data, pj, prob, fpoint = build(model_path, data_path, args.activation, args.loss, args.layout)
    for line in model.mapping + model.notes:
        _say(args, f"  {line}")
    name = name or os.path.basename(model_path)
    if prob is None:
        v, doc, msg = _smooth(pj, fpoint, data, _loss_text(pj["loss"]), None if not args.better else _better_smooth(args, model.widths),
                              getattr(args, "restarts", 4), name)
        return (v if doc is None else None), doc, msg
    better = _better(args.better, prob, args.layout)
    return certify_point(prob, pj, fpoint, name, better, args.smt_timeout, lambda msg: _say(args, msg))


def certify_point(prob, pj, fpoint, name, better=None, smt_timeout=60, say=lambda msg: None):
    """The snap route for the exact float point ``fpoint`` of the parsed piecewise-linear problem
    ``prob`` (JSON ``pj``): (verdict or None, document or None, what), as ``certify_files``.
    ``better`` (exact point or None) is the point a spurious minimum is compared with; without it
    the better-point search runs."""
    if prob.depth > 2:
        from symcert.provers.gauge_box import certify_gauged, flat
        v, doc, msg = certify_gauged(pj, prob, flat(certificate.point_json(fpoint), prob), name, MODEL_DISTANCE)
        return (v if doc is None else None), doc, (msg if doc is not None else f"{msg}. {_deep(prob, fpoint)}")
    sn = S.snap(prob, fpoint)
    say(f"  cell: {S.describe_near(sn.near)}")
    if sn.status == "unknown":
        return Verdict.UNKNOWN, None, sn.reason
    if sn.status == "kink":
        say(f"  {sn.reason}: deciding with the kink test (yun2018.test)")
        try:
            doc, what = _kink_doc(prob, pj, fpoint, sn, name, smt_timeout)
        except ConstructionFailed as exc:
            return Verdict.UNKNOWN, None, str(exc)
    else:
        doc, what = _cell_doc(prob, pj, fpoint, sn, name, better, None)
    d = S.sup_distance(sn.point, fpoint)
    return None, doc, f"{what} at an exact point within sup-distance {float(d):.3g} ({fr(d) if len(fr(d)) < 40 else 'exact value in the certificate'}) of the float point, risk {float(doc_risk(doc)):.6g}"


def _better_smooth(args, widths):
    """The --better point of a smooth network as a point object (W1, b1, ...): a JSON point, or a
    model file of the same widths (floats read as their exact values)."""
    if args.better.lower().endswith(".json"):
        from symcert.inputs.data import load_json
        doc = load_json(args.better, parse_float=str)
        if isinstance(doc, dict) and "W1" in doc:
            return doc
    model = read_model(args.better, args.layout)
    if model.widths != list(widths):
        raise InputError(args.better, "widths", model.widths, f"the --better network must have widths {list(widths)}")
    return certificate.point_json(model.point())


def doc_risk(doc) -> fmpq:
    from symcert.exact.rationals import parse_rational
    return parse_rational(doc["loss"])


def _refuse_others(args) -> None:
    """Options of the other certify modes have no meaning with --model: refuse them by name."""
    given = [("CLAIM", args.claim), ("--spec", args.spec), ("--all", args.all), ("--instance", args.instance),
             ("--alpha", args.alpha), ("--depth", args.depth), ("--point", args.point),
             ("--hidden", args.hidden if args.hidden != 2 else None), ("--smt", args.smt if args.smt != "auto" else None)]
    for opt, value in given:
        if value:
            raise InputError(None, opt, value, "not used with --model (see docs/own-network.md)")


def run(args) -> int:
    """The ``certify --model`` command."""
    t0 = time.perf_counter()
    label = args.model
    _refuse_others(args)
    try:
        verdict, doc, what = certify_files(args, args.model, args.data)
    except ConstructionFailed as exc:
        verdict, doc, what = Verdict.UNKNOWN, None, str(exc)
    if doc is None:
        _say(args, f"{label}: {verdict.name}: {what}; {time.perf_counter() - t0:.2f} s")
        return verdict.exit_code
    return _finish(args, doc, label, what, t0)
