"""The trusted checker: re-derives every obligation of a certificate from its problem statement.

It imports nothing from the generator side (inputs, provers, claims, transform,
certificate, spec, explain, cli); only the standard library, python-flint, z3 (for SMT obligations) and
:mod:`symcert.exact`.
"""
from symcert.checker.check import Report, check_document, check_file
from symcert.checker.verdict import EXIT_CODE_TABLE, Verdict

__all__ = ["Report", "Verdict", "EXIT_CODE_TABLE", "check_document", "check_file"]
