"""The trusted checker imports nothing from the generator side."""
import ast
import glob
import os


def trusted(root):
    return sorted(glob.glob(os.path.join(root, "symcert", "checker", "*.py")) + glob.glob(os.path.join(root, "symcert", "exact", "*.py")))
ALLOWED_SYMCERT = ("symcert.checker", "symcert.exact")
ALLOWED_THIRD_PARTY = {"flint", "z3", "sympy", "mpmath"}


def imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield "symcert.checker" if "checker" in path else "symcert.exact"
            elif node.module:
                yield node.module


def test_checker_imports_only_trusted_modules(root):
    TRUSTED = trusted(root)
    assert TRUSTED
    import sys
    stdlib = set(sys.stdlib_module_names)
    for path in TRUSTED:
        for name in imports(path):
            top = name.split(".")[0]
            if top == "symcert":
                assert name == "symcert" or name.startswith(ALLOWED_SYMCERT), f"{os.path.relpath(path, root)} imports {name}"
            else:
                assert top in stdlib or top in ALLOWED_THIRD_PARTY or top == "__future__", f"{os.path.relpath(path, root)} imports {name}"


def _generator_modules(root):
    out = []
    for path in sorted(glob.glob(os.path.join(root, "symcert", "**", "*.py"), recursive=True)):
        rel = os.path.relpath(path, root)
        if not rel.startswith((os.path.join("symcert", "checker"), os.path.join("symcert", "exact"))):
            out.append(path)
    return out


def _checker_imports(path):
    """(line, what) for every import of the checker in a module, at any depth of the module."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "symcert.checker" or a.name.startswith("symcert.checker."):
                    yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "symcert.checker":
                yield from ((node.lineno, f"symcert.checker.{a.name}") for a in node.names)
            elif node.module.startswith("symcert.checker."):
                yield node.lineno, node.module
            elif node.module == "symcert" and any(a.name == "checker" for a in node.names):
                yield node.lineno, "symcert.checker"


PUBLIC = ("symcert.checker.api", "symcert.checker.verdict")


def test_generator_imports_the_checker_only_through_its_public_surface(root):
    modules = _generator_modules(root)
    assert any(p.endswith(os.path.join("claims", "constructions.py")) for p in modules)
    seen = 0
    for path in modules:
        for line, name in _checker_imports(path):
            seen += 1
            # the verdict table is a leaf module with no imports: the command line reads it without
            # loading the checker (start-up time); everything else goes through the api
            assert name in PUBLIC, f"{os.path.relpath(path, root)}:{line} imports {name}; use symcert.checker.api"
    assert seen > 20


def test_the_public_surface_exports_what_it_lists():
    from symcert.checker import api
    for name in api.__all__:
        assert hasattr(api, name), name


def test_the_surface_check_detects_an_internal_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from symcert.checker.obligations import Context\n    from symcert.checker import kernel\n")
    assert list(_checker_imports(str(bad))) == [(2, "symcert.checker.obligations"), (3, "symcert.checker.kernel")]
