"""An independent test oracle: the risk and its gradient as sympy expressions, used only by tests
to cross-check the exact kernel (tests/oracle/test_symbolic_vs_kernel.py, tests/test_mutations.py)."""
