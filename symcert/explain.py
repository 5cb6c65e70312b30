"""Human-readable report of a certificate and of its check (``symcert explain``).

Matrices are printed as matrices, parameters in network order (W1 b1 W2 b2 ...), every exact
value with its decimal beside it, huge values shortened; the data, the better point and the
descent direction (when the certificate has one) are shown.
"""
from __future__ import annotations

from symcert.display import data_rows, matrix_lines, param_order, shape, shorten, with_decimal

MAX_SAMPLES = 12


def _loss_text(loss) -> str:
    if not isinstance(loss, dict):
        return ""
    return f"{loss.get('kind')} (delta {loss.get('delta')})" if loss.get("kind") == "huber" else str(loss.get("kind"))


def _value(text) -> str:
    from symcert.display import cell
    return cell(text) if isinstance(text, (str, int)) and not isinstance(text, bool) else str(text)


def params_lines(params: dict, indent: str = "  ") -> list:
    """Each parameter as a shaped matrix (biases as columns), in the order W1 b1 W2 b2 ..."""
    lines = []
    for name in param_order(params):
        value = params[name]
        body = matrix_lines(value)
        label = f"{name} ({shape(value)}) = "
        lines.append(indent + label + body[0])
        lines += [indent + " " * len(label) + b for b in body[1:]]
    return lines


def data_lines(data: dict) -> list:
    """The data's first samples, rows of numbers or packed (version 3: shown as the values n / D)."""
    m, rows = data_rows(data, MAX_SAMPLES)
    if not m:
        return []
    lines = [f"data: {m} samples (inputs | targets)"]
    for xs, ys in rows:
        lines.append("  " + "  ".join(_value(v) for v in xs) + "  |  " + "  ".join(_value(v) for v in ys))
    if m > MAX_SAMPLES:
        lines.append(f"  ... ({m - MAX_SAMPLES} more)")
    return lines


def _dict(obj, key) -> dict:
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, dict) else {}


def _head(doc: dict) -> list:
    claim = _dict(doc, "claim")
    lines = [f"claim:       {claim.get('id')} ({claim.get('theorem', '')}) - {claim.get('instance', '')}",
             f"paper:       {claim.get('paper', '')}",
             f"statement:   {claim.get('statement', '')}",
             f"conclusion:  {claim.get('conclusion', '')}"]
    for h in claim.get("hypotheses", []) if isinstance(claim.get("hypotheses"), list) else []:
        if isinstance(h, dict):
            lines.append(f"  hypothesis {h.get('id')}: {h.get('statement')} [{shorten(str(h.get('evidence')))}]")
    net, prob = _dict(_dict(doc, "problem"), "network"), _dict(doc, "problem")
    act = _dict(net, "activation")
    if prob.get("class") == "population":
        teacher = prob.get("teacher") if isinstance(prob.get("teacher"), str) else "given vectors"
        return lines + ["problem:", f"  population risk, x ~ N(0, I_n): k {prob.get('k')} student neurons, n {prob.get('n')}, "
                        f"teacher {teacher}, loss {_loss_text(prob.get('loss'))}"]
    lines += ["problem:", f"  widths {net.get('widths')}, activation {act.get('name', act.get('kind'))}, "
              f"loss {_loss_text(prob.get('loss'))}"]
    return lines


def explain(path: str, rep, verbose: bool = False) -> str:
    lines = [f"certificate: {path}", f"verdict:     {rep.verdict.name} - {shorten(rep.summary)}"]
    from symcert.exact.jsontext import load_file
    try:
        doc = load_file(path)  # bounded: size, nesting, integer literals
    except (OSError, ValueError, RecursionError):
        return "\n".join(lines)
    if not isinstance(doc, dict):
        return "\n".join(lines)
    lines += _head(doc)
    lines += ["  " + x for x in data_lines(_dict(_dict(doc, "problem"), "data"))[:MAX_SAMPLES + 2 if verbose else 6]]
    for key in ("point", "better_point"):
        if _dict(doc, key):
            lines.append(f"{key}:")
            lines += params_lines(doc[key])
    lines.append(f"loss at point: {_value(doc.get('loss'))}"
                 + (f"; at better point: {_value(doc.get('better_loss'))}" if "better_loss" in doc else ""))
    for ob in doc.get("obligations", []) if isinstance(doc.get("obligations"), list) else []:
        if isinstance(ob, dict) and isinstance(ob.get("direction"), dict):
            lines.append(f"descent direction D ({ob.get('id')}: risk decreases along point + t D" +
                         (" + t^2 C" if isinstance(ob.get("second_order"), dict) else "") + " for small t > 0):")
            lines += params_lines(ob["direction"])
            if isinstance(ob.get("second_order"), dict):
                lines.append("second-order term C:")
                lines += params_lines(ob["second_order"])
    lines.append("obligations (as re-derived by the checker):")
    for oid, kind, status, detail in rep.obligations:
        lines.append(f"  [{status:^7}] {oid} ({kind}): {shorten(detail)}")
    if rep.rests_on:
        lines.append("rests on:")
        lines += [f"  - {r}" for r in rep.rests_on]
    return "\n".join(lines)
