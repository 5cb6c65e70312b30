"""``symcert report CERT [--format md|html] [-o DIR]``: a report of a certificate with plots.

The report gives the verdict (the trusted checker is run first), the claim, its hypotheses, the
problem and data, the point and the better point as matrices with decimals beside the exact
fractions, every obligation as re-derived, and the ledger. The plots (matplotlib, in the
``plot`` extra; PNG and SVG) show the risk along the segment from the point to the better point,
along the descent curve or the valley path, and on a 2-D slice around the point; every plotted
sample is listed with its exact value (or a rigorous arb enclosure for smooth activations) in a
CSV file beside the figure. Figures are deterministic: the SVG hash salt is fixed and no date or
software version is written into the files.
"""
from __future__ import annotations

import csv
import html
import json
import os

from flint import fmpq

from symcert.display import cell, data_rows, matrix_lines, param_order, shape, shorten
from symcert.errors import InputError

SEGMENT_SAMPLES = 41
CURVE_SAMPLES = 41
SLICE_SAMPLES = 13
MAX_EVALUATION_COST = 2_000_000  # samples * samples-per-risk * parameters: fewer samples above this


# ---- blocks: one document model, rendered as Markdown or HTML -------------------------------

def _md(blocks) -> str:
    out = []
    for kind, *rest in blocks:
        if kind == "h":
            out.append("#" * rest[0] + " " + rest[1])
        elif kind == "p":
            out.append(rest[0])
        elif kind == "pre":
            out.append("\n".join("    " + line for line in rest[0]))
        elif kind == "table":
            head, rows = rest
            out.append("\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                                 + ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]))
        elif kind == "img":
            src, caption, links = rest
            out.append(f"![{caption}]({src})\n\n{caption} Exact samples: "
                       + ", ".join(f"[{x}]({x})" for x in links) + ".")
    return "\n\n".join(out) + "\n"


def _html(blocks, title: str) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">", f"<title>{e(title)}</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{border:1px solid #ccc;padding:2px 6px}"
           "table{border-collapse:collapse}pre{background:#f6f6f6;padding:6px}</style></head><body>"]
    for kind, *rest in blocks:
        if kind == "h":
            out.append(f"<h{rest[0]}>{e(rest[1])}</h{rest[0]}>")
        elif kind == "p":
            out.append(f"<p>{e(rest[0])}</p>")
        elif kind == "pre":
            out.append("<pre>" + e("\n".join(rest[0])) + "</pre>")
        elif kind == "table":
            head, rows = rest
            out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"
                       + "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
        elif kind == "img":
            src, caption, links = rest
            refs = ", ".join(f"<a href=\"{e(x)}\">{e(x)}</a>" for x in links)
            out.append(f"<figure><img src=\"{e(src)}\" alt=\"{e(caption)}\"><figcaption>{e(caption)} Exact samples: {refs}."
                       "</figcaption></figure>")
    return "\n".join(out + ["</body></html>"]) + "\n"


# ---- the text of the report -----------------------------------------------------------------

def _params_block(params: dict) -> list:
    lines = []
    for name in param_order(params):
        body = matrix_lines(params[name], max_rows=40, max_cols=12)
        label = f"{name} ({shape(params[name])}) = "
        lines += [label + body[0]] + [" " * len(label) + b for b in body[1:]]
    return lines


def _text_blocks(doc: dict, rep, path: str) -> list:
    claim = doc.get("claim", {}) if isinstance(doc.get("claim"), dict) else {}
    blocks = [("h", 1, f"symcert report: {os.path.basename(path)}"),
              ("p", f"Verdict: {rep.verdict.name} - {shorten(rep.summary)}"),
              ("h", 2, "Claim"),
              ("table", ["field", "value"], [[k, str(claim.get(k, ""))] for k in ("id", "paper", "theorem", "instance", "conclusion")]),
              ("p", str(claim.get("statement", "")))]
    hyps = [h for h in claim.get("hypotheses", []) if isinstance(h, dict)] if isinstance(claim.get("hypotheses"), list) else []
    if hyps:
        blocks += [("h", 2, "Hypotheses (as found by the generator; the verdict does not rest on them)"),
                   ("table", ["id", "statement", "evidence"], [[h.get("id"), h.get("statement"), shorten(str(h.get("evidence")))] for h in hyps])]
    prob = doc.get("problem", {})
    net = prob.get("network", {})
    act = net.get("activation", {})
    blocks += [("h", 2, "Problem"),
               ("p", f"Widths {net.get('widths')}, activation {act.get('name', act.get('kind'))}, loss {prob.get('loss', {}).get('kind')}."),
               ("table", ["sample", "inputs", "targets"],
                [[k + 1, ", ".join(cell(v) for v in x), ", ".join(cell(v) for v in y)]
                 for k, (x, y) in enumerate(data_rows(prob.get("data"), 50)[1])])]
    for key, title in (("point", "Point"), ("better_point", "Better point")):
        if isinstance(doc.get(key), dict):
            blocks += [("h", 2, title), ("pre", _params_block(doc[key]))]
    blocks.append(("p", f"Risk at the point: {cell(doc.get('loss'))}"
                   + (f"; at the better point: {cell(doc.get('better_loss'))}." if "better_loss" in doc else ".")))
    blocks += [("h", 2, "Obligations (as re-derived by the checker)"),
               ("table", ["id", "kind", "status", "detail"], [[o, k, s, shorten(d)] for o, k, s, d in rep.obligations]),
               ("h", 2, "Ledger: what the verdict rests on"),
               ("table", ["entry"], [[r] for r in rep.rests_on] or [["(nothing: the verdict is not CERTIFIED)"]])]
    if rep.environment:
        blocks.append(("p", "Oracles used: " + ", ".join(rep.environment) + "."))
    return blocks


# ---- plots ----------------------------------------------------------------------------------

def _matplotlib():
    from symcert.plots import pyplot
    return pyplot()


def _save(plt, fig, out_dir: str, stem: str) -> list:
    from symcert.plots import save
    files = [save(fig, os.path.join(out_dir, f"{stem}.{ext}")) for ext in ("svg", "png")]
    plt.close(fig)
    return files


def _write_csv(out_dir: str, name: str, head: list, rows: list) -> str:
    with open(os.path.join(out_dir, name), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(head)
        w.writerows(rows)
    return name


def _line_plot(plt, out_dir, stem, xs, values, xlabel, title, marks=()):
    from symcert.plots import line_figure
    fig = line_figure([("", [(float(x), v.approx) for x, v in zip(xs, values)])], title, xlabel, "risk",
                      marks=[(float(x), label) for x, label in marks])
    files = _save(plt, fig, out_dir, stem)
    table = _write_csv(out_dir, f"{stem}.csv", [xlabel, "risk (exact, or arb enclosure)", "decimal"],
                       [[str(x), v.exact, repr(v.approx)] for x, v in zip(xs, values)])
    return files, table


def _samples_note(values) -> str:
    loose = sum(1 for v in values if v.exact.startswith("~"))
    rig = sum(1 for v in values if v.rigorous)
    if loose:
        return f"{loose} of {len(values)} samples are sympy approximations (not enclosures), the others exact or arb enclosures"
    return ("every sample is an arb ball enclosing the exact risk, or the exact rational risk (smooth activation)" if rig
            else "every sample is the exact rational risk")


def _segment(plt, L, doc, out_dir, stem, n):
    p, b = L.flat(doc["point"]), L.flat(doc["better_point"], "better_point")
    d = [y - x for x, y in zip(p, b)]
    ts = sorted({fmpq(-1, 4) + fmpq(3, 2) * fmpq(k, n - 1) for k in range(n)} | {fmpq(0), fmpq(1)})
    values = [L.risk(L.combine(p, [d], [t])) for t in ts]
    files, table = _line_plot(plt, out_dir, f"{stem}-segment", ts, values, "t",
                              "risk along point + t (better_point - point)", [(0, "point"), (1, "better point")])
    return files, table, f"The risk along the segment from the point (t = 0) to the better point (t = 1); {_samples_note(values)}."


def _curve(plt, L, ob, doc, out_dir, stem, n):
    p = L.flat(doc["point"])
    d = L.flat(ob["direction"], "direction")
    c = L.flat(ob["second_order"], "second_order") if isinstance(ob.get("second_order"), dict) else None
    size = max((abs(x) for x in L.rational_direction(d)), default=fmpq(1)) or fmpq(1)
    tau = fmpq(1, 2) / size
    if "witness_t" in ob:
        from symcert.exact.rationals import parse_rational
        tau = 2 * parse_rational(ob["witness_t"])
    ts = [-tau + 2 * tau * fmpq(k, n - 1) for k in range(n)]
    values = [L.risk(L.combine(p, [d] + ([c] if c else []), [t] + ([t * t] if c else []))) for t in ts]
    curve = "point + t D" + (" + t^2 C" if c else "")
    files, table = _line_plot(plt, out_dir, f"{stem}-descent", ts, values, "t", f"risk along the descent curve {curve}", [(0, "point")])
    return files, table, (f"The risk along the certified descent curve {curve} (obligation {ob.get('id')}): it decreases "
                          f"for small t > 0; {_samples_note(values)}.")


def _valley(plt, L, ob, out_dir, stem, n):
    from symcert.exact.rationals import parse_rational
    from symcert.sampling import path_vector
    at = parse_rational(ob.get("at", "0"))
    lo, hi = (parse_rational(v) if v is not None else None for v in ob.get("interval", [None, None]))
    lo = lo if lo is not None else at - 2
    hi = hi if hi is not None else at + 2
    span = hi - lo
    etas = [lo - span / 4 + span * fmpq(3, 2) * fmpq(k, n - 1) for k in range(n)]
    values = [L.risk(path_vector(ob["path"], L.names, L.shapes, e)) for e in etas]
    marks = [(at, "point")] + [(parse_rational(v), "end") for v in ob.get("ends_at", [])]
    files, table = _line_plot(plt, out_dir, f"{stem}-valley", etas, values, ob.get("parameter", "eta"),
                              "risk along the valley path", marks)
    return files, table, (f"The risk along the valley path of obligation {ob.get('id')} for {ob.get('parameter', 'eta')} in "
                          f"[{lo}, {hi}] and beyond its ends (constant on the valley); {_samples_note(values)}.")


def _slice(plt, L, doc, directions, out_dir, stem, n):
    from symcert.sampling import second_direction
    p = L.flat(doc["point"])
    d1 = L.rational_direction(directions[0][1])
    d2 = L.rational_direction(directions[1][1]) if len(directions) > 1 else second_direction(d1)
    grid = [fmpq(-5, 4) + fmpq(5, 2) * fmpq(k, n - 1) for k in range(n)]
    rows, Z, values = [], [], []
    for b in grid:
        zrow = []
        for a in grid:
            v = L.risk(L.combine(p, [d1, d2], [a, b]))
            values.append(v)
            zrow.append(v.approx)
            rows.append([str(a), str(b), v.exact, repr(v.approx)])
        Z.append(zrow)
    fig, ax = plt.subplots(figsize=(5, 4.2))
    xs = [float(g) for g in grid]
    flat = sorted(z for row in Z for z in row)
    levels = sorted({flat[round(k * (len(flat) - 1) / 14)] for k in range(15)})  # quantiles: detail near the minimum
    if len(levels) < 2:
        levels = [flat[0] - 1, flat[0] + 1]
    cs = ax.contourf(xs, xs, Z, levels=levels, cmap="viridis", extend="neither")
    fig.colorbar(cs, ax=ax, label="risk")
    ax.plot([0], [0], "w*", markersize=9)
    if directions[0][0] == "better point":
        ax.plot([1], [0], "r^", markersize=6)
    ax.set_xlabel(f"a ({directions[0][0]})")
    ax.set_ylabel(f"b ({directions[1][0] if len(directions) > 1 else 'fixed seeded direction'})")
    ax.set_title("risk on point + a D1 + b D2", fontsize=10)
    fig.tight_layout()
    files = _save(plt, fig, out_dir, f"{stem}-slice")
    table = _write_csv(out_dir, f"{stem}-slice.csv", ["a", "b", "risk (exact, or arb enclosure)", "decimal"], rows)
    second = directions[1][0] if len(directions) > 1 else "a fixed seeded rational direction orthogonal to D1, of the same size"
    return files, table, (f"The risk on the plane point + a D1 + b D2 (star: the point), D1 = {directions[0][0]}, "
                          f"D2 = {second}; {n} x {n} samples; {_samples_note(values)}.")


MAX_HESSIAN = 200  # parameters
MAX_CELLS_SHOWN = 256
PROOF_COLOURS = {"z3": "#1f77b4", "affine_exceptions": "#2ca02c"}


def _cell_map(plt, ob, out_dir, stem):
    """The cells meeting the point (obligation cell_cover): one row per cell, one column per kinked
    pre-activation (left or right piece), coloured by how the cell is proved."""
    cells = [c for c in ob.get("cells", []) if isinstance(c, dict) and isinstance(c.get("pattern"), str)][:MAX_CELLS_SHOWN]
    if not cells:
        raise ValueError("no cells listed")
    k = len(cells[0]["pattern"])
    fig, ax = plt.subplots(figsize=(min(max(5.5, 2 + 0.45 * k), 10), min(1.8 + 0.22 * len(cells), 12)))
    for r, c in enumerate(cells):
        colour = PROOF_COLOURS.get(c.get("proof"), "#999999")
        for j, ch in enumerate(c["pattern"]):
            ax.add_patch(plt.Rectangle((j, r), 0.95, 0.9, color=colour, alpha=0.85 if ch == "+" else 0.35))
            ax.text(j + 0.47, r + 0.45, ch, ha="center", va="center", fontsize=8)
        ax.text(k + 0.1, r + 0.45, c.get("proof", "?"), va="center", fontsize=7)
    ax.set_xlim(0, k + 3)
    ax.set_ylim(len(cells), 0)
    ax.set_xticks([j + 0.47 for j in range(k)], [str(j + 1) for j in range(k)])
    ax.set_yticks([])
    ax.set_xlabel("kinked pre-activation (- left piece, + right piece)")
    ax.set_title(f"the {len(ob.get('cells', []))} cells meeting the point, {len(ob.get('empty', []))} pruned (Farkas)", fontsize=10)
    fig.tight_layout()
    files = _save(plt, fig, out_dir, f"{stem}-cells")
    table = _write_csv(out_dir, f"{stem}-cells.csv", ["pattern", "proof"], [[c["pattern"], c.get("proof", "")] for c in cells])
    return files, table, (f"The cells meeting the point in the box of radius {ob.get('radius')} (obligation {ob.get('id')}), "
                          "each with the argument that bounds the risk on it (green: affine exceptions, solver-free; "
                          "blue: z3). The checker re-enumerates the cells; this list is the certificate's.")


def _spectrum(plt, doc, out_dir, stem):
    from symcert.sampling import hessian_spectrum
    spec = hessian_spectrum(doc)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ks = list(range(1, len(spec) + 1))
    ax.errorbar(ks, [v for v, _ in spec], yerr=[r for _, r in spec], fmt="o", markersize=3, capsize=2)
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_xlabel("index (ascending)")
    ax.set_ylabel("eigenvalue of the Hessian")
    ax.set_title("Hessian spectrum at the point", fontsize=10)
    fig.tight_layout()
    files = _save(plt, fig, out_dir, f"{stem}-hessian")
    table = _write_csv(out_dir, f"{stem}-hessian.csv", ["index", "eigenvalue (floating point)", "rigorous radius"],
                       [[k, repr(v), repr(r)] for k, (v, r) in zip(ks, spec)])
    neg = sum(1 for v, r in spec if v + r < 0)
    pos = sum(1 for v, r in spec if v - r > 0)
    return files, table, (f"The {len(spec)} eigenvalues of the exact Hessian at the point (entries exact, enclosed in arb "
                          f"balls). Each value is computed in floating point, and an eigenvalue of the exact Hessian lies within "
                          "its plotted radius (an arb bound on the eigen-residual); {neg} of these intervals lie below 0, "
                          f"{pos} above 0, {len(spec) - neg - pos} contain 0.")


def _plots(doc: dict, out_dir: str, stem: str, samples: int) -> list:
    """[(files, csv, caption)] for every plot this certificate supports."""
    from symcert.sampling import Landscape
    plt = _matplotlib()
    L = Landscape(doc)
    cost = len(L.flat(doc["point"])) * max(1, L.prob.m) * (4 if L.smooth else 1)
    n = max(9, min(samples, int((MAX_EVALUATION_COST / cost) ** 0.5))) | 1
    out, directions, notes = [], [], []

    def attempt(what, draw):
        try:
            out.append(draw())
        except Exception as exc:  # a plot that cannot be drawn is named; the report is still written
            notes.append(f"The {what} plot was not drawn: {exc.__class__.__name__}: {shorten(str(exc))}")

    if isinstance(doc.get("better_point"), dict):
        attempt("segment", lambda: _segment(plt, L, doc, out_dir, stem, n))
        p, b = L.flat(doc["point"]), L.flat(doc["better_point"], "better_point")
        directions.append(("better point", [y - x for x, y in zip(p, b)]))
    for ob in [o for o in doc.get("obligations", []) if isinstance(o, dict)]:
        if ob.get("kind") in ("descent_curve", "smooth_descent") and isinstance(ob.get("direction"), dict):
            attempt("descent curve", lambda: _curve(plt, L, ob, doc, out_dir, stem, n))
            directions.append(("descent direction D", L.flat(ob["direction"], "direction")))
        elif ob.get("kind") == "valley_path" and isinstance(ob.get("path"), dict):
            attempt("valley", lambda: _valley(plt, L, ob, out_dir, stem, n))
    if not directions:
        directions.append(("first coordinate axis", [fmpq(1)] + [fmpq(0)] * (len(L.flat(doc["point"])) - 1)))
    attempt("2-D slice", lambda: _slice(plt, L, doc, directions[:2], out_dir, stem, max(5, min(SLICE_SAMPLES, n // 3) | 1)))
    for ob in [o for o in doc.get("obligations", []) if isinstance(o, dict) and o.get("kind") == "cell_cover"]:
        attempt("cell map", lambda: _cell_map(plt, ob, out_dir, stem))
    widths = doc["problem"]["network"]["widths"]
    if L.smooth and len(widths) == 3 and widths[-1] == 1 and len(L.flat(doc["point"])) <= MAX_HESSIAN:
        attempt("Hessian spectrum", lambda: _spectrum(plt, doc, out_dir, stem))
    elif L.smooth:
        notes.append("No Hessian spectrum: it is drawn for one hidden layer, scalar output and at most "
                     f"{MAX_HESSIAN} parameters.")
    return out, notes


# ---- entry point ----------------------------------------------------------------------------

def write_report(path: str, rep, out_dir: str, fmt: str = "md", plots: bool = True, samples: int = SEGMENT_SAMPLES) -> str:
    """Write the report (and figures) into out_dir; return the report's file name."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError, RecursionError) as exc:
        raise InputError(path, None, None, f"cannot read: {exc}") from None
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise InputError(out_dir, None, None, f"cannot create the directory: {exc.strerror or exc}") from None
    stem = os.path.splitext(os.path.basename(path))[0]
    blocks = _text_blocks(doc, rep, path)
    if plots and rep.verdict.name != "INVALID":
        blocks.append(("h", 2, "Plots"))
        drawn, notes = _plots(doc, out_dir, stem, samples)
        for files, table, caption in drawn:
            blocks.append(("img", files[0], caption, [table] + files[1:]))
        blocks += [("p", note) for note in notes]
    name = f"{stem}.{fmt}"
    text = _md(blocks) if fmt == "md" else _html(blocks, f"symcert report: {stem}")
    with open(os.path.join(out_dir, name), "w", encoding="utf-8") as fh:
        fh.write(text)
    return os.path.join(out_dir, name)
