"""Human-readable report of a certificate and of its check (``symcert explain``)."""
from __future__ import annotations

from symcert.exact.jsontext import load_file

MAX_SHOWN = 12


def _short(value) -> str:
    if isinstance(value, list):
        flat = [v for row in value for v in (row if isinstance(row, list) else [row])]
        text = ", ".join(flat[:MAX_SHOWN]) + (f", ... ({len(flat)} entries)" if len(flat) > MAX_SHOWN else "")
        return f"[{text}]"
    return str(value)


def _loss_text(loss) -> str:
    if not isinstance(loss, dict):
        return ""
    return f"{loss.get('kind')} (delta {loss.get('delta')})" if loss.get("kind") == "huber" else str(loss.get("kind"))


def explain(path: str, rep) -> str:
    lines = [f"certificate: {path}", f"verdict:     {rep.verdict.name} - {rep.summary}"]
    try:
        doc = load_file(path)  # bounded: size, nesting, integer literals
    except (OSError, ValueError):
        return "\n".join(lines)
    if not isinstance(doc, dict):
        return "\n".join(lines)
    claim = doc.get("claim", {}) if isinstance(doc.get("claim"), dict) else {}
    lines += [f"claim:       {claim.get('id')} ({claim.get('theorem', '')}) - {claim.get('instance', '')}",
              f"paper:       {claim.get('paper', '')}",
              f"statement:   {claim.get('statement', '')}",
              f"conclusion:  {claim.get('conclusion', '')}"]
    for h in claim.get("hypotheses", []) if isinstance(claim.get("hypotheses"), list) else []:
        if isinstance(h, dict):
            lines.append(f"  hypothesis {h.get('id')}: {h.get('statement')} [{h.get('evidence')}]")
    prob = doc.get("problem", {}) if isinstance(doc.get("problem"), dict) else {}
    net = prob.get("network", {}) if isinstance(prob.get("network"), dict) else {}
    act = net.get("activation", {}) if isinstance(net.get("activation"), dict) else {}
    data = prob.get("data", {}) if isinstance(prob.get("data"), dict) else {}
    if prob.get("class") == "population":
        lines += ["problem:", f"  population risk, x ~ N(0, I_n): k {prob.get('k')} student neurons, n {prob.get('n')}, "
                  f"teacher {prob.get('teacher') if isinstance(prob.get('teacher'), str) else 'given vectors'}, "
                  f"loss {_loss_text(prob.get('loss'))}"]
    else:
        lines += ["problem:",
                  f"  widths {net.get('widths')}, activation {act.get('name', act.get('kind'))}, loss {_loss_text(prob.get('loss'))}",
                  f"  {len(data.get('inputs', []))} samples"]
    for key in ("point", "better_point"):
        if isinstance(doc.get(key), dict):
            lines.append(f"{key}:")
            for name, value in sorted(doc[key].items()):
                lines.append(f"  {name} = {_short(value)}")
    lines.append(f"loss at point: {doc.get('loss')}" + (f"; at better point: {doc.get('better_loss')}" if "better_loss" in doc else ""))
    lines.append("obligations (as re-derived by the checker):")
    for oid, kind, status, detail in rep.obligations:
        lines.append(f"  [{status:^7}] {oid} ({kind}): {detail}")
    if rep.rests_on:
        lines.append("rests on:")
        lines += [f"  - {r}" for r in rep.rests_on]
    return "\n".join(lines)
