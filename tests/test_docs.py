"""The docs state facts about the code; keep them true."""
import glob
import os
import re


def test_trust_model_states_the_size_of_the_trusted_base(root):
    """The table in docs/trust-model.md is what scripts/trusted_size.py measures now."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("trusted_size", os.path.join(root, "scripts", "trusted_size.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = open(os.path.join(root, "docs", "trust-model.md"), encoding="utf-8").read()
    block = text.split(mod.BEGIN, 1)[1].split(mod.END, 1)[0].strip()
    assert block == mod.table(), "docs/trust-model.md is stale: run python scripts/trusted_size.py --update-docs"


def test_verdict_table_in_docs_and_help(root):
    from symcert.checker.verdict import EXIT_CODE_TABLE, MARKDOWN_TABLE
    from symcert.cli import build_parser
    for doc in ("README.md", os.path.join("docs", "getting-started.md")):
        assert MARKDOWN_TABLE in open(os.path.join(root, doc), encoding="utf-8").read(), doc
    helptext = build_parser().format_help()
    assert EXIT_CODE_TABLE in helptext



def test_readme_starts_with_the_two_commands(root):
    text = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    blocks = [line.strip() for line in text.splitlines() if line.startswith("    ")]
    assert blocks[0].startswith("python3 -m venv .venv && .venv/bin/pip install") and "certify --all" in blocks[0] and "audit proofs" in blocks[0]
    assert blocks[1].startswith("python3 -m venv .venv && .venv/bin/pip install") and "pytest" in blocks[1]
    ci = open(os.path.join(root, ".ci", "run"), encoding="utf-8").read()
    assert blocks[1] in ci


def test_every_docs_link_resolves(root):
    for md in glob.glob(os.path.join(root, "**", "*.md"), recursive=True):
        if ".venv" in md or ".pytest_cache" in md:
            continue
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", open(md, encoding="utf-8").read()):
            if "://" in target:
                continue
            assert os.path.exists(os.path.join(os.path.dirname(md), target)), f"{md}: broken link {target}"
