"""The Coq library, compiled once into a cache folder (works for a non-editable install).

The ``.v`` sources ship inside the package (``symcert/kernel_coq/coq``). ``library_dir()``
compiles them with ``coqc`` into ``$SYMCERT_COQ_CACHE`` (default
``$XDG_CACHE_HOME/symcert`` or ``~/.cache/symcert``), in a folder named after a digest of the
sources and the ``coqc`` version, so a changed source or a new Coq is compiled afresh.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile

SOURCES = ("Defs", "QSem", "Lists", "Affine", "Thm1", "Curves", "Subgrad", "Linear", "Convex1", "Deep", "Cover", "Paths", "Valley", "CellDefs", "Cell", "CellPath", "CellSound", "FloatDefs", "Near")  # in dependency order
SOURCE_DIR = os.path.join(os.path.dirname(__file__), "coq")
LOGICAL = "Symcert"
# the axioms of Coq's standard library of real numbers; nothing else may appear
STANDARD_AXIOMS = ("ClassicalDedekindReals.sig_forall_dec", "FunctionalExtensionality.functional_extensionality_dep",
                   "Classical_Prop.classic")


class CoqMissing(Exception):
    """coqc is not installed (or does not run)."""


def coqc() -> str:
    path = shutil.which("coqc")
    if path is None:
        raise CoqMissing("coqc not found on PATH (install Coq 8.16: apt-get install coq)")
    return path


@functools.lru_cache(maxsize=None)
def _version_of(path: str) -> str:
    return _run_version(path)


def coq_version() -> str:
    """e.g. '8.16.1' (asked once per coqc path)."""
    return _version_of(coqc())


def _run_version(path: str) -> str:
    try:
        out = subprocess.run([path, "--print-version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise CoqMissing(f"coqc does not run: {exc}") from None
    return out.stdout.split()[0] if out.returncode == 0 and out.stdout.split() else "unknown"


def _digest(version: str) -> str:
    h = hashlib.sha256(version.encode())
    for name in SOURCES:
        with open(os.path.join(SOURCE_DIR, name + ".v"), "rb") as fh:
            h.update(name.encode() + b"\0" + fh.read())
    return h.hexdigest()[:16]


def cache_root() -> str:
    root = os.environ.get("SYMCERT_COQ_CACHE")
    if root:
        return root
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "symcert")


def library_dir(timeout: float = 1800) -> str:
    """The folder holding the compiled library (compiled now if it is not there yet)."""
    version = coq_version()
    target = os.path.join(cache_root(), f"coq-{version}-{_digest(version)}")
    if os.path.isfile(os.path.join(target, SOURCES[-1] + ".vo")):
        return target
    os.makedirs(cache_root(), exist_ok=True)
    work = tempfile.mkdtemp(prefix="build-", dir=cache_root())
    try:
        for name in SOURCES:
            shutil.copy(os.path.join(SOURCE_DIR, name + ".v"), work)
        for name in SOURCES:
            res = subprocess.run([coqc(), "-Q", ".", LOGICAL, name + ".v"], cwd=work, capture_output=True,
                                 text=True, timeout=timeout)
            if res.returncode != 0:
                raise RuntimeError(f"compiling the Coq library failed at {name}.v: {res.stderr.strip()[:500]}")
        try:
            os.rename(work, target)
        except OSError:  # compiled meanwhile by another process
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target
