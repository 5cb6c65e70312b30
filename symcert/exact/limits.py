"""Resource limits of the trusted checker, in one place (values stated in docs/trust-model.md).

Every input is measured against these bounds before work proportional to a larger size starts.
An input beyond a *syntactic* bound (text length, JSON nesting, digits of a number, network
shape) is INVALID, naming the field and the bound; a bound reached while deciding (cells,
monomials, expression size) is UNKNOWN, naming the bound. Nothing here depends on the machine;
time and memory budgets per certificate are set on the command line (symcert.supervise).
"""
from __future__ import annotations

# ---- files and JSON -------------------------------------------------------------------------
MAX_FILE_BYTES = 1 << 30  # a certificate or user JSON file (1 GiB)
MAX_JSON_DEPTH = 64  # nesting of JSON arrays and objects (certificates use at most 8)
MAX_JSON_INT_DIGITS = 4000  # a JSON integer literal (below Python's 4300-digit int/str limit); longer numbers go in strings

# ---- numbers --------------------------------------------------------------------------------
MAX_DIGITS = 100_000  # characters of one number written as text (parsed by FLINT, not by int())
MAX_EXPONENT = 1000  # |k| in a decimal exponent such as 1e-3, and |n| in x^n of an exact real
MAX_REAL_LENGTH = 20_000  # characters of one exact-real expression
MAX_REAL_DEPTH = 200  # nesting of an exact-real expression (and its AST depth)
MAX_REAL_BITS = 100_000  # bits of numerator and denominator of a folded rational in an exact real
MAX_PACKED_DIGITS = 4000  # characters of one integer of a packed matrix (certificate version 3; below Python's int/str limit)

# ---- networks, per problem class --------------------------------------------------------------
MAX_WIDTH = 100_000  # neurons of one layer (every class)
MAX_LAYERS = 64  # weight layers (every class)
MAX_SAMPLES = 1_000_000  # samples m (every class)
MAX_DATA_ENTRIES = 20_000_000  # m * (dx + dy) numbers of data (every class)
MAX_PL_PARAMETERS = 10_000_000  # weights and biases of a piecewise-linear or linear network
MAX_SMOOTH_PARAMETERS = 10_000  # weights and biases of a smooth network (exact symbolic values)
MAX_HESSIAN_ORDER = 2_000  # rows of an exact Hessian of a smooth network formed as a matrix
MAX_SMOOTH_EVALUATIONS = 200_000  # samples x hidden neurons of a smooth network (one symbolic value each)

# ---- symbolic work --------------------------------------------------------------------------
MAX_EXPR_NODES = 20_000  # nodes of a sympy expression handed to expand, simplify, str or arb
MAX_EXPANDED_TERMS = 5_000  # terms a sympy.expand may produce (estimated before it runs)
MAX_POLY_VARIABLES = 400  # variables of an exact multivariate polynomial (cell_multilinear; morse_bott's symbolic identity)
MAX_MONOMIALS = 200_000  # monomials of such a polynomial, bounded before it is multiplied out
MAX_RANK_ENTRIES = 4_000_000  # m * (parameters) of the exact design matrix whose rank cell_global_minima computes
MAX_CELLS = 1 << 20  # activation cells of cell_cover (counted before they are streamed)
MAX_SIMPLIFY_NODES = 400  # nodes of an expression handed to sympy.simplify (its run time is unbounded)
MAX_MAGNITUDE_BITS = 64  # |value| < 2^64 for smooth parameters and pre-activations before sympy sees them
MAX_LAMBDA_PIECES = 4096  # pieces of a lambda range, one Hessian enclosure each (split_negative_curvature_box)


# ---- messages -------------------------------------------------------------------------------
MAX_SHOWN = 80  # characters of an input value quoted in a message


def clip(text: str, n: int = MAX_SHOWN) -> str:
    """``text`` cut to ``n`` characters (with "..." and its full length when cut), for messages."""
    return text if len(text) <= n else f"{text[:n]}... ({len(text)} characters)"


def show(value, n: int = MAX_SHOWN) -> str:
    """Bounded text of a value for a message, computed without evaluating it: a sympy expression
    is printed in its stored order (sympy's default printer orders the terms of a sum by
    evaluating them numerically, which for exp(exp(exp(100))) does not end), and only if it has
    at most MAX_EXPR_NODES nodes; an integer beyond Python's int/str limit by its size."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return clip(str(value), n) if value.bit_length() < 13_000 else f"<an integer of {value.bit_length()} bits>"
    if type(value).__module__.startswith("sympy"):
        import sympy
        nodes = 0
        for _ in sympy.preorder_traversal(value):
            nodes += 1
            if nodes > MAX_EXPR_NODES:
                return f"<an expression of more than {MAX_EXPR_NODES} nodes>"
        try:
            return clip(sympy.sstr(value, order="none"), n)
        except ValueError:  # a rational beyond Python's int/str limit
            return "<an expression with a number beyond 4,300 digits>"
    return clip(str(value), n)


class LimitReached(Exception):
    """A resource bound of this module was reached while deciding: the verdict is UNKNOWN, and
    the message names the bound."""
