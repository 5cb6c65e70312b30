"""docs/adding-a-paper.md: its example paper folder, written out as the page shows it, registers
with one registry line and yields a certificate the checker certifies."""
import re
import sys

import pytest

import symcert.claims
from symcert.checker import Verdict, check_document


def _page(root):
    return (root / "docs" / "adding-a-paper.md").read_text(encoding="utf-8")


def _files(text):
    """The page's python blocks whose first line names a file under symcert/claims/."""
    out = {}
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        first = block.splitlines()[0]
        m = re.fullmatch(r"# symcert/claims/(\w+/\w+\.py)", first)
        if m:
            out[m.group(1)] = block
    return out


def _registry_line(text):
    lines = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if not b.startswith("# symcert/")]
    assert len(lines) == 1, "the page shows exactly one registry line"
    m = re.fullmatch(r'\s*"(\w+)",\s*#.*\n', lines[0])
    assert m, f"not a PAPERS line: {lines[0]!r}"
    return m.group(1)


@pytest.fixture
def example_paper(tmp_path, monkeypatch, root):
    text = _page(root)
    files = _files(text)
    assert set(files) == {"example2024/__init__.py", "example2024/thm.py"}
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body, encoding="utf-8")
    monkeypatch.setattr(symcert.claims, "__path__", [*symcert.claims.__path__, str(tmp_path)])
    yield _registry_line(text)
    for name in [n for n in sys.modules if n.startswith("symcert.claims.example2024")]:
        del sys.modules[name]


def test_the_example_paper_registers_and_certifies(example_paper):
    claims = symcert.claims.registry((*symcert.claims.PAPERS, example_paper))
    assert list(claims)[:len(symcert.claims.CLAIMS)] == list(symcert.claims.CLAIMS)
    claim = claims["example2024.thm"]
    (inst,) = claim.instances()
    rep = check_document(inst.build(), "example2024/worked.json")
    assert rep.verdict is Verdict.CERTIFIED, rep.summary


def test_a_claim_id_registered_twice_is_refused(example_paper):
    with pytest.raises(ValueError, match="example2024.thm is defined twice"):
        symcert.claims.registry((example_paper, example_paper))


def test_the_registry_has_one_line_per_paper(root):
    src = (root / "symcert" / "claims" / "__init__.py").read_text(encoding="utf-8")
    block = src[src.index("PAPERS = ("):src.index("\n)\n")]
    names = re.findall(r'^\s+"(\w+)",', block, re.M)
    assert tuple(names) == symcert.claims.PAPERS
    for name in names:
        assert (root / "symcert" / "claims" / name / "__init__.py").is_file()
