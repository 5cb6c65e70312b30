"""Property-based fuzzing of the checker: certificates of proofs/ mutated structurally and
numerically never give ERROR or an exception, each case runs in a supervised child with a time
bound, and a mutation the checker must see (the problem, under its digest; the claimed loss; the
format, version, conclusion or an obligation's kind) is never CERTIFIED. (A number inside an
obligation may change without making it false: a descent direction scaled by 2 still descends.)"""
import copy
import json
import os

from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")
from symcert.supervise import run_one

BASES = ["he2020/kink-valley-end-relu.json", "yun2019/thm2-relu.json", "ding2022/thm-saddle-refuted.json",
         "he2020/thm2-worked-local-min-relu.json", "petzka2021/split-relu-yun-lambda-3.json"]
DOCS = {b: json.load(open(os.path.join(PROOFS, b), encoding="utf-8")) for b in BASES}
# Fields the checker does not read (free text, the generator's notes, optional declarations).
INERT = {"generator", "construction", "hypotheses", "instance", "paper", "statement", "theorem", "id", "rests_on"}
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                   st.sampled_from(["", "x", "1/0", "0", "-1", "1e999999", "exp(exp(exp(100)))", "1" * 5000, "log(-1)"]),
                   st.just([]), st.just({}), st.just([[["0"]]]))


def paths(obj, prefix=()):
    """Every path (tuple of keys) to a node of the document."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += paths(v, prefix + (i,))
    return out


def check_in_child(doc) -> dict:
    def job(_):
        from symcert.checker import check_document
        rep = check_document(doc)
        return {"verdict": rep.verdict.name, "summary": rep.summary}
    out = run_one(job, None, time_limit=60, memory_limit=4096)
    assert out["ok"], out  # a child that raised or died is ERROR: never allowed
    return out["result"]


@st.composite
def mutation(draw):
    base = draw(st.sampled_from(BASES))
    doc = copy.deepcopy(DOCS[base])
    ps = [p for p in paths(doc) if p]
    path = draw(st.sampled_from(ps))
    holder = doc
    for k in path[:-1]:
        holder = holder[k]
    how = draw(st.sampled_from(["delete", "replace", "number"]))
    old = holder[path[-1]]
    if how == "delete" and isinstance(holder, dict):
        del holder[path[-1]]
    elif how == "number" and isinstance(old, str):
        holder[path[-1]] = draw(st.sampled_from(["0", "1", "-1", "1/3", "7/2", "100000"]))
    else:
        holder[path[-1]] = draw(VALUES)
    changed = holder.get(path[-1], None) if isinstance(holder, dict) else holder[path[-1]]
    noop = (how != "delete" and changed == old) or bool(set(path) & INERT) or path in (("problem_sha256",), ("better_loss",))
    return base, path, how, doc, noop


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mutation())
def test_mutated_certificates_never_crash_and_are_not_certified(case):
    base, path, how, doc, noop = case
    res = check_in_child(doc)
    assert res["verdict"] in ("CERTIFIED", "REJECTED", "INVALID", "UNKNOWN"), (base, path, how, res)
    assert "\n" not in res["summary"]
    must_see = path[0] in ("problem", "loss", "format", "version") or path[:2] == ("claim", "conclusion") or path[-1] == "kind"
    if must_see and not noop:  # numbers inside obligations may change without making them false
        assert res["verdict"] != "CERTIFIED", (base, path, how, res)
