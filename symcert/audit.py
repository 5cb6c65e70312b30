"""Auditing a tree of certificates for continuous integration (``symcert audit``).

Which files are certificates: a JSON file whose ``format`` is ``symcert-certificate``. Other
well-formed JSON files are *skipped* (a count in the report, never a verdict). A broken
certificate never passes as skipped: a file that does not parse as JSON, a ``format`` that starts
with ``symcert`` but is not a certificate, or an object without ``format`` that carries the
fields of a certificate (two of claim, problem, problem_sha256, obligations) is INVALID. A file
named on the command line is always checked. Outputs: a text table, ``--json`` (schema
docs/schemas/audit-report.schema.json), ``--junit FILE`` and ``--format github``.
"""
from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field

from symcert.checker.api import Verdict, combine
from symcert.display import shorten

REPORT_FORMAT = "symcert-audit-report"
REPORT_VERSION = 1
CERTIFICATE_FORMAT = "symcert-certificate"
CERTIFICATE_FIELDS = ("claim", "problem", "problem_sha256", "obligations")
NOT_WALKED = (".git", ".hg", ".svn")  # version-control internals are never walked


@dataclass
class Selection:
    """The files an audit looks at: certificates to check, INVALID files found while
    classifying (file, reason), and skipped JSON files."""
    certificates: list = field(default_factory=list)
    invalid: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def _rel(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _matches(rel: str, patterns) -> bool:
    """A pattern matches the path relative to the audited directory, its file name, or one of its
    parent directories (so ``--exclude node_modules`` prunes that directory)."""
    parts = rel.split("/")
    candidates = {rel, parts[-1]} | {"/".join(parts[:k]) for k in range(1, len(parts))} | set(parts[:-1])
    return any(fnmatch.fnmatchcase(c, p) for p in patterns for c in candidates)


def classify(path: str) -> tuple[str, str]:
    """('certificate' | 'invalid' | 'skipped', reason) for one file found while walking."""
    from symcert.exact.jsontext import loads_bounded
    from symcert.exact.limits import MAX_FILE_BYTES
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return "invalid", f"{path}: larger than {MAX_FILE_BYTES} bytes; not read"
        with open(path, encoding="utf-8-sig") as fh:  # a byte-order mark does not make JSON unreadable
            doc = loads_bounded(fh.read(), parse_float=str, parse_int=str, parse_constant=str)  # bounded nesting
    except (OSError, UnicodeDecodeError) as exc:
        return "invalid", f"{path}: cannot read: {exc.__class__.__name__}: {exc}"
    except (ValueError, RecursionError) as exc:
        return "invalid", f"{path}: not valid JSON: {exc}"
    if not isinstance(doc, dict):
        return "skipped", "JSON but not an object"
    fmt = doc.get("format")
    if fmt == CERTIFICATE_FORMAT:
        return "certificate", ""
    if isinstance(fmt, str) and fmt.strip().lower().startswith("symcert"):
        return "invalid", f"{path}: field format: value {fmt[:60]!r}: a symcert format that is not {CERTIFICATE_FORMAT!r}"
    present = [k for k in CERTIFICATE_FIELDS if k in doc]
    if fmt is None and len(present) >= 2:
        return "invalid", f"{path}: field format: missing, but the file has the fields of a certificate ({', '.join(present)})"
    return "skipped", "not a symcert certificate"


def select(targets, include=(), exclude=()) -> Selection:
    """Walk the directories among ``targets`` (files named directly are always certificates)."""
    sel = Selection()
    include = list(include) or ["*.json"]
    seen: set = set()

    def fresh(path: str) -> bool:
        key = os.path.realpath(path)
        if key in seen:
            return False
        seen.add(key)
        return True

    for target in targets:
        if not os.path.isdir(target):
            if fresh(target):
                sel.certificates.append(target)
            continue
        for d, dirs, files in os.walk(target):
            dirs[:] = sorted(x for x in dirs if x not in NOT_WALKED and not _matches(_rel(os.path.join(d, x), target), exclude))
            for f in sorted(files):
                path = os.path.join(d, f)
                rel = _rel(path, target)
                if not _matches(rel, include) or _matches(rel, exclude) or not fresh(path):
                    continue
                kind, reason = classify(path)
                if kind == "certificate":
                    sel.certificates.append(path)
                elif kind == "invalid":
                    sel.invalid.append((path, reason))
                else:
                    sel.skipped.append(path)
    return sel


def verdict_line(rep) -> str:
    """The one line a check prints for a certificate (also the JUnit failure message)."""
    summary = rep.summary
    if rep.source and summary.startswith(rep.source + ": "):
        summary = summary[len(rep.source) + 2:]
    return f"{rep.source}: {rep.verdict.name}: {shorten(summary)}"


def check_supervised(paths: list, args, desc: str) -> list:
    """Check files, each in a child process under --time-limit / --memory-limit, ``--jobs`` at
    once (symcert/supervise.py); one at a time with a progress bar on a terminal when -j is 1,
    and per obligation (a bar under it when -j is 1; with -v a line as each starts)."""
    from symcert import progress
    from symcert.supervise import check_paths
    limits = (args.smt_timeout * 1000, args.time_limit, args.memory_limit)
    from symcert.batch import cores
    jobs = getattr(args, "jobs", 1) or cores()  # audit -j: default every core; check: one at a time
    if jobs == 1 and len(paths) > 1 and progress.bars_enabled(args):  # a bar of files, and under it one of obligations
        hook = lambda p: progress.obligation_hook(args, p, position=1)  # noqa: E731
        return [rep for p in progress.bar(args, paths, desc, "cert") for rep in check_paths([p], *limits, 1, hook)]
    if paths:
        progress.stage(args, f"checking {len(paths)} file(s), {jobs} at a time ...")
    files = progress.counter(desc, "cert", len(paths)) if len(paths) > 1 else None  # side by side: a bar of files
    try:
        return check_paths(paths, *limits, jobs, lambda p: progress.obligation_hook(args, p, bars=jobs == 1),
                           on_done=files and (lambda p: (files.update(1), files.set_postfix_str(os.path.basename(p)))))
    finally:
        if files:
            files.close()


def run(sel: Selection, args) -> list:
    """Check the selected certificates; INVALID files found while classifying become reports."""
    from symcert.checker.api import Report
    reports = [Report(Verdict.INVALID, path, summary=reason) for path, reason in sel.invalid]
    if getattr(args, "kernel", None):  # the Coq kernel route (docs/kernel.md)
        from symcert.kernel_coq.kernel import check_paths as kernel_paths
        reports += kernel_paths(sel.certificates, args.kernel_timeout or 600)
    else:
        reports += check_supervised(sel.certificates, args, "audit")
    reports.sort(key=lambda r: r.source)
    return reports


def counts(reports) -> dict:
    out: dict = {}
    for r in reports:
        out[r.verdict.name] = out.get(r.verdict.name, 0) + 1
    return out


def overall(reports) -> Verdict:
    return combine(r.verdict for r in reports)


def to_json(reports, skipped) -> dict:
    """The ``--json`` document (docs/schemas/audit-report.schema.json)."""
    v = overall(reports)
    items = []
    for r in reports:
        item = r.to_json()
        item["exit_code"] = r.verdict.exit_code
        item["seconds"] = round(r.seconds, 3)
        items.append(item)
    return {"report_format": REPORT_FORMAT, "report_version": REPORT_VERSION,
            "verdict": v.name, "exit_code": v.exit_code, "certificates": len(reports),
            "skipped": len(skipped), "skipped_files": list(skipped), "counts": counts(reports),
            "all_certified": all(r.verdict is Verdict.CERTIFIED for r in reports),
            "seconds": round(sum(r.seconds for r in reports), 3), "reports": items}


def table(reports, skipped, verbose: bool = False) -> str:
    width = max([len(r.source) for r in reports] + [11])
    lines = [f"{'certificate':<{width}}  {'verdict':<10}  {'claim':<16}  seconds  detail"]
    for r in reports:
        lines.append(f"{r.source:<{width}}  {r.verdict.name:<10}  {r.claim:<16}  {r.seconds:7.2f}  {shorten(r.summary)}")
        if verbose:
            lines += [f"{'':<{width}}    [{st}] {oid} ({kind}): {shorten(detail)}" for oid, kind, st, detail in r.obligations]
    lines.append(summary_line(reports, skipped))
    return "\n".join(lines)


def summary_line(reports, skipped) -> str:
    c = counts(reports)
    text = f"{len(reports)} certificates: " + (", ".join(f"{n} {k}" for k, n in sorted(c.items())) or "none")
    return text + f"; {len(skipped)} other JSON files skipped; verdict {overall(reports).name}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(reports, skipped) -> str:
    """GitHub Actions workflow commands: one ``::error`` per certificate that is not CERTIFIED."""
    lines = []
    for r in reports:
        if r.verdict is not Verdict.CERTIFIED:
            title = _escape_property(f"symcert {r.verdict.name}")
            lines.append(f"::error file={_escape_property(r.source)},title={title}::{_escape_data(verdict_line(r))}")
    lines.append(f"::notice title=symcert audit::{_escape_data(summary_line(reports, skipped))}")
    return "\n".join(lines)


def junit(reports, skipped) -> str:
    """JUnit XML: one testcase per certificate, with its time; a failure's message is the verdict
    line (an ERROR verdict is an <error>). Skipped JSON files are not testcases; their count is a
    property of the suite."""
    errors = sum(1 for r in reports if r.verdict is Verdict.ERROR)
    bad = sum(1 for r in reports if r.verdict is not Verdict.CERTIFIED) - errors
    total = sum(r.seconds for r in reports)
    counts_xml = f'tests="{len(reports)}" failures="{bad}" errors="{errors}"'
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="symcert audit" {counts_xml} time="{total:.3f}">',
           f'  <testsuite name="symcert audit" {counts_xml} skipped="0" time="{total:.3f}">',
           "    <properties>",
           f'      <property name="skipped_json_files" value="{len(skipped)}"/>',
           f'      <property name="verdict" value="{overall(reports).name}"/>',
           "    </properties>"]
    for r in reports:
        classname = _attr("symcert." + (r.claim or "unreadable"))
        head = f"    <testcase classname={classname} name={_attr(r.source)} file={_attr(r.source)} time=\"{r.seconds:.3f}\""
        if r.verdict is Verdict.CERTIFIED:
            out.append(head + "/>")
            continue
        body = "\n".join([verdict_line(r)] + [f"[{st}] {oid} ({kind}): {d}" for oid, kind, st, d in r.obligations])
        tag = "error" if r.verdict is Verdict.ERROR else "failure"  # ERROR: symcert failed, not the certificate
        out += [head + ">", f"      <{tag} message={_attr(verdict_line(r))} type={_attr(r.verdict.name)}>"
                + _xml_text(body) + f"</{tag}>", "    </testcase>"]
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def _xml_clean(text: str) -> str:
    """Characters XML 1.0 cannot carry become '?'."""
    return "".join(c if c in "\t\n" or 32 <= ord(c) < 0xD800 or 0xE000 <= ord(c) <= 0xFFFD else "?" for c in text)


def _attr(text: str) -> str:
    from xml.sax.saxutils import quoteattr  # only JUnit output needs it (it imports urllib and http.client)
    return quoteattr(_xml_clean(text))


def _xml_text(text: str) -> str:
    return _xml_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main(args) -> int:
    """``symcert audit TARGET...`` (cli.py wires the arguments)."""
    from symcert import progress
    from symcert.errors import InputError
    for t in args.targets:
        if not os.path.exists(t):
            raise InputError(t, None, None, "no such file or directory")
    sel = select(args.targets, args.include or (), args.exclude or ())
    if not sel.certificates and not sel.invalid:
        raise InputError(", ".join(args.targets), None, None,
                         f"no certificates (JSON files with format {CERTIFICATE_FORMAT!r}) here; {len(sel.skipped)} other JSON files skipped")
    reports = run(sel, args)
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print(json.dumps(to_json(reports, sel.skipped), indent=2))
    elif fmt == "github":
        print(table(reports, sel.skipped, progress.level(args) == progress.VERBOSE))
        print(github(reports, sel.skipped))
    elif progress.level(args) == progress.QUIET:
        print(summary_line(reports, sel.skipped))
    else:
        print(table(reports, sel.skipped, progress.level(args) == progress.VERBOSE))
    if getattr(args, "kernel", None) and fmt != "json":
        from symcert.kernel_coq.kernel import kernel_checked
        print(f"{kernel_checked(reports)} of {len(reports)} certificates kernel-checked (Coq)")
    if args.junit:
        _write(args.junit, junit(reports, sel.skipped))
    return overall(reports).exit_code


def _write(path: str, text: str) -> None:
    from symcert.errors import InputError
    try:
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(path, None, None, f"cannot write: {exc.strerror or exc}") from None
