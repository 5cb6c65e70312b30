"""symcert: machine-checked certificates for claims about neural-network loss landscapes.

The Python API (docs/api.md)::

    import symcert
    report = symcert.check("proofs/yun2019/thm1-case1-relu.json")
    result = symcert.certify("yun2019.thm1", data=([[0], [1], [2]], [0, 1, 0]))
    result = symcert.certify_point({"network": ..., "data": ..., "point": ...})

``import symcert`` stays light: the names below are imported on first use.
"""
__version__ = "0.1.0"

__all__ = ["__version__", "check", "certify", "certify_point", "Dataset", "Verdict", "CheckReport", "CertifyResult"]

_LAZY = {
    "check": ("symcert.api", "check"),
    "certify": ("symcert.api", "certify"),
    "certify_point": ("symcert.api", "certify_point"),
    "CheckReport": ("symcert.api", "CheckReport"),
    "CertifyResult": ("symcert.api", "CertifyResult"),
    "Dataset": ("symcert.inputs.data", "Dataset"),
    "Verdict": ("symcert.checker.api", "Verdict"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symcert' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
