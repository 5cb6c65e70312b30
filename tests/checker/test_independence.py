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
