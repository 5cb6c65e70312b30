"""Exact real numbers: a small, strict grammar for certificate parameters.

Certificates name real parameters such as ``log(2)`` or ``(1 + e)/6``. This
module parses such text into an immutable AST (:class:`Real`) and provides
exact rational folding, rigorous ball enclosures (python-flint ``arb``), exact
sympy translation and rigorous sign decisions. It never uses ``eval``,
``sympify`` or floating point.

Grammar (spaces, tabs, CR and LF are allowed between tokens)::

    expr    := term (('+' | '-') term)*
    term    := factor (('*' | '/') factor)*
    factor  := '-' factor | '+' factor | power
    power   := atom ('^' signed_integer)?
    atom    := NUMBER | 'e' | 'pi' | FUNC '(' expr ')' | '(' expr ')'
    FUNC    := 'exp' | 'log' | 'sqrt'
    NUMBER  := digits ('.' digits)? (('e' | 'E') ('+' | '-')? digits)?
    signed_integer := ('+' | '-')? digits

* ``+ - * /`` are left-associative. ``^`` takes an integer exponent with
  ``|n| <= 1000`` and cannot be chained (``2^3^2`` is rejected).
* ``^`` binds *tighter* than unary minus (the usual reading): ``-2^2`` is
  ``-(2^2) = -4``; write ``(-2)^2`` for the other reading. A sign inside
  the exponent belongs to the exponent: ``2^-3`` is ``1/8``.
* ``e`` is Euler's number, ``log`` the natural logarithm, ``sqrt`` the
  non-negative square root.
* NUMBER is read exactly as a rational (``0.1`` is 1/10), with ASCII digits
  only and a literal exponent ``|k| <= 1000``. Rejected: ``.5``, ``1.``,
  ``2e`` and ``2exp(1)`` (an ``e`` right after a number must start an
  exponent; write ``2*e``), ``e2`` (unknown identifier), ``**`` (use ``^``).
* Limits: at most 20000 characters; nesting (parentheses, calls, signs) at
  most 200; AST depth (which also counts the terms of a sum) at most 200;
  folded rationals at most 100000 bits in numerator and denominator.
* Every violation raises :class:`ExactRealError`, quoting the offending text
  and its 0-based character position.

Semantics. An operation whose operands are all numeric literals is folded
into one literal (``1/2 + 1/4`` is the node ``3/4``); nothing else is
simplified, so ``==`` on nodes is structural, not numeric (use
:func:`compare`). Errors decidable by exact rational arithmetic (``1/0``,
``0^-1``, ``log(0)``, ``sqrt(-1)``, ``e/(sqrt(4) - 2)``) are raised when the
node is built; other domain conditions (``log(e - 3)``) are checked
rigorously when evaluating.

API: ``parse_real(text) -> Real``; on a node ``x``: ``x.to_string()``,
``x.is_rational()``, ``x.as_fraction()``, ``x.to_arb(prec=128)``,
``x.to_sympy()``; builders ``rational``, ``exp_of``, ``log_of``, ``sqrt_of``,
``E``, ``PI`` and the operators ``+ - * /``, unary ``-`` and ``** int`` (ints
and Fractions are accepted as operands, floats are refused);
``decide_sign(x, max_prec=4096)`` and ``compare(a, b, max_prec=4096)``.

The AST, folding, printing and evaluation live in :mod:`symcert.exact.real_nodes` (re-exported
here); this module holds the grammar's tokenizer and recursive-descent parser.
"""
from __future__ import annotations

import operator
from fractions import Fraction
from typing import NamedTuple

from symcert.exact.real_nodes import (  # noqa: F401  (re-exported: the public API of exact reals)
    CONSTANTS, E, FUNCTIONS, MAX_BITS, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, PI, BinOp, Const, ExactRealError, Func, Neg,
    Pow, Rat, Real, UndecidedError, _binop, _clip, compare, decide_sign, exp_of, log_of, rational, sqrt_of,
)


# --- parser -------------------------------------------------------------------

class _Token(NamedTuple):
    kind: str  # "num", "name", "op" or "end"
    text: str
    pos: int
    value: Fraction | None = None  # for "num"


def _error(text: str, pos: int, msg: str) -> ExactRealError:
    near = repr(_clip(text[pos:], 20)) if pos < len(text) else "end of input"
    return ExactRealError(f"{msg} at position {pos} ({near}) in {_clip(text)!r}")


def _scan(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def _digits_to_int(s: str) -> int:
    """int(s) for ASCII digits, also beyond CPython's int/str digit limit."""
    n = 0
    for i in range(0, len(s), 1000):
        n = n * 10 ** len(s[i:i + 1000]) + int(s[i:i + 1000])
    return n


_DIGITS = "0123456789"
_NAME_CHARS = "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + _DIGITS


def _number(text: str, i: int) -> tuple[Fraction, int]:
    """Exact value of the NUMBER starting at ``text[i]`` (a digit), and its end."""
    j = _scan(text, i, _DIGITS)
    digits, scale, exponent = text[i:j], 0, 0
    if j < len(text) and text[j] == ".":
        k = _scan(text, j + 1, _DIGITS)
        if k == j + 1:
            raise _error(text, j, "digits required after '.'")
        digits, scale, j = digits + text[j + 1:k], k - j - 1, k
    if j < len(text) and text[j] in "eE":
        sign = text[j + 1:j + 2] if text[j + 1:j + 2] in ("+", "-") else ""
        k = _scan(text, j + 1 + len(sign), _DIGITS)
        magnitude = text[j + 1 + len(sign):k].lstrip("0") or "0"
        if k == j + 1 + len(sign):
            raise _error(text, j, "digits required after 'e' in a number (for 2 times e, write 2*e)")
        if len(magnitude) > 4 or int(magnitude) > MAX_EXPONENT:
            raise _error(text, j, f"literal exponent exceeds {MAX_EXPONENT}")
        exponent, j = int(sign + magnitude), k
    return Fraction(_digits_to_int(digits), 10**scale) * Fraction(10) ** exponent, j


def _tokenize(text: str) -> list[_Token]:
    tokens, i = [], 0
    while i < len(text):
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif text.startswith("**", i):
            raise _error(text, i, "'**' is not allowed (use '^')")
        elif c in "+-*/^()":
            tokens.append(_Token("op", c, i))
            i += 1
        elif c in _DIGITS:
            value, end = _number(text, i)
            tokens.append(_Token("num", text[i:end], i, value))
            i = end
        elif c in _NAME_CHARS:
            end = _scan(text, i, _NAME_CHARS)
            tokens.append(_Token("name", text[i:end], i))
            i = end
        else:
            hint = " (a number must start with a digit)" if c == "." else ""
            raise _error(text, i, f"unexpected character {c!r}{hint}")
    return tokens + [_Token("end", "", len(text))]


class _Parser:
    """Recursive descent over the grammar in the module docstring, using two
    stack frames per nesting level (expr and factor)."""

    def __init__(self, text: str) -> None:
        self.text, self.tokens, self.i, self.nesting = text, _tokenize(text), 0, 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def at_op(self, ops: str) -> bool:
        return self.peek().kind == "op" and self.peek().text in ops

    def fail(self, tok: _Token, expected: str) -> ExactRealError:
        found = "end of input" if tok.kind == "end" else repr(tok.text)
        return _error(self.text, tok.pos, f"expected {expected}, found {found}")

    def build(self, tok: _Token, make, *args) -> Real:
        """``make(*args)``, reporting construction errors at ``tok``."""
        try:
            return make(*args)
        except ExactRealError as exc:
            raise _error(self.text, tok.pos, str(exc)) from None

    def enter(self, tok: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise _error(self.text, tok.pos, f"nesting deeper than {MAX_DEPTH}")

    def expr(self) -> Real:
        """expr and term: left-associative sums of products, in one loop."""
        total, plus, product = None, None, self.factor()
        while True:
            if self.at_op("*/"):
                tok = self.take()
                product = self.build(tok, _binop, tok.text, product, self.factor())
                continue
            total = product if plus is None else self.build(plus, _binop, plus.text, total, product)
            if not self.at_op("+-"):
                return total
            plus, product = self.take(), self.factor()

    def factor(self) -> Real:
        """factor, power and atom: sign* atom ('^' signed_integer)?, the signs applied last"""
        signs = []
        while self.at_op("+-"):
            signs.append(self.take())
            self.enter(signs[-1])
        tok = self.take()
        if tok.kind == "num":
            node = self.build(tok, Rat, tok.value)
        elif tok.kind == "name" and tok.text in CONSTANTS:
            node = Const(tok.text)
        elif tok.kind == "name" and tok.text not in FUNCTIONS:
            raise _error(self.text, tok.pos, f"unknown identifier {tok.text!r}")
        elif tok.kind == "name" or tok.text == "(":  # FUNC '(' expr ')' or '(' expr ')'
            opening = self.take() if tok.kind == "name" else tok
            if opening.text != "(":
                raise self.fail(opening, f"'(' after {tok.text!r}")
            self.enter(opening)
            node = self.expr()
            if not self.at_op(")"):
                raise self.fail(self.peek(), f"')' closing the '(' at position {opening.pos}")
            self.take()
            self.nesting -= 1
            if tok.kind == "name":
                node = self.build(tok, Func, tok.text, node)
        else:
            raise self.fail(tok, "a number, 'e', 'pi', a function or '('")
        if self.at_op("^"):
            caret = self.take()
            sign = self.take().text if self.at_op("+-") else ""
            num = self.take()
            if num.kind != "num" or not num.text.isdigit() or len(num.text.lstrip("0")) > 4:
                raise self.fail(num, f"an integer exponent with |n| <= {MAX_EXPONENT}")
            node = self.build(caret, operator.pow, node, int(sign + num.text))
        for sign in reversed(signs):
            node = self.build(sign, operator.neg, node) if sign.text == "-" else node
        self.nesting -= len(signs)
        return node


def parse_real(text: str) -> Real:
    """Parse ``text`` (grammar in the module docstring) into a :class:`Real`."""
    if not isinstance(text, str):
        raise TypeError(f"parse_real needs a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _error(text, MAX_LENGTH, f"input longer than {MAX_LENGTH} characters ({len(text)})")
    if not text.strip(" \t\r\n"):
        raise _error(text, 0, "empty input")
    parser = _Parser(text)
    node = parser.expr()
    if parser.peek().kind != "end":
        raise parser.fail(parser.peek(), "an operator or end of input")
    return node
