"""Where benchmark scripts may write: never over a file tracked by git unless --update-docs is
given (the figures in docs/ and bench/results/ change only on purpose)."""
from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_tracked(path: str) -> bool:
    full = os.path.abspath(path)
    if os.path.commonpath([full, ROOT]) != ROOT:
        return False
    try:
        p = subprocess.run(["git", "-C", ROOT, "ls-files", "--error-unmatch", "--", os.path.relpath(full, ROOT)],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return os.path.exists(full)  # no git: any existing file of the repository counts as tracked
    return p.returncode == 0


def guard(path: str | None, update_docs: bool) -> None:
    """Exit (code 2, one line) before a run that would overwrite a tracked file without --update-docs."""
    if path and is_tracked(path) and not update_docs:
        print(f"{sys.argv[0]}: error: {path} is tracked by git; pass --update-docs to overwrite it, "
              "or write somewhere else", file=sys.stderr)
        sys.exit(2)


def replace_section(path: str, marks: tuple, text: str) -> None:
    """Write ``text`` between the two marker lines ``marks`` of the doc at ``path``; exits with a
    one-line error naming the file when a marker is missing."""
    with open(path) as fh:
        doc = fh.read()
    if marks[0] not in doc or marks[1] not in doc:
        raise SystemExit(f"{sys.argv[0]}: error: {path} has no {marks[0]} ... {marks[1]} section")
    head, rest = doc.split(marks[0], 1)
    with open(path, "w") as fh:
        fh.write(f"{head}{marks[0]}\n{text}\n{marks[1]}{rest.split(marks[1], 1)[1]}")
