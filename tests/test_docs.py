"""The docs state facts about the code; keep them true."""
import glob
import os
import re

from conftest import ROOT


def test_trust_model_states_the_size_of_the_trusted_base():
    files = sorted(glob.glob(os.path.join(ROOT, "symcert", "checker", "*.py"))) + sorted(
        f for f in glob.glob(os.path.join(ROOT, "symcert", "exact", "*.py")) if not f.endswith("__init__.py"))
    total = sum(sum(1 for _ in open(f, encoding="utf-8")) for f in files)
    text = open(os.path.join(ROOT, "docs", "trust-model.md"), encoding="utf-8").read()
    m = re.search(r"\| \*\*total\*\* \| \*\*(\d+)\*\* \|", text)
    assert m, "docs/trust-model.md has no total row"
    assert int(m.group(1)) == total, f"docs/trust-model.md says {m.group(1)} lines, the trusted base has {total}"
    for f in files:
        assert os.path.relpath(f, ROOT) in text, f"{f} missing from docs/trust-model.md"


def test_readme_starts_with_the_two_commands():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    blocks = [line.strip() for line in text.splitlines() if line.startswith("    ")]
    assert blocks[0].startswith("python3 -m venv .venv && .venv/bin/pip install") and "certify --all" in blocks[0] and "audit proofs" in blocks[0]
    assert blocks[1].startswith("python3 -m venv .venv && .venv/bin/pip install") and "pytest" in blocks[1]
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read()
    assert blocks[1] in ci


def test_every_docs_link_resolves():
    for md in glob.glob(os.path.join(ROOT, "**", "*.md"), recursive=True):
        if ".venv" in md or ".pytest_cache" in md:
            continue
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", open(md, encoding="utf-8").read()):
            if "://" in target:
                continue
            assert os.path.exists(os.path.join(os.path.dirname(md), target)), f"{md}: broken link {target}"


def test_trust_model_states_every_resource_limit():
    from symcert.exact import limits
    text = open(os.path.join(ROOT, "docs", "trust-model.md"), encoding="utf-8").read()
    for name in dir(limits):
        if name.startswith("MAX_"):
            value = getattr(limits, name)
            assert re.search(rf"\| `{name}` \| {value:,} \|", text), f"docs/trust-model.md does not state {name} = {value:,}"
    from symcert.supervise import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT
    assert f"--time-limit S` (default {DEFAULT_TIME_LIMIT:g} s)" in text and f"--memory-limit MB` (default {DEFAULT_MEMORY_LIMIT} MB)" in text
