import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")
sys.path.insert(0, ROOT)


def pytest_addoption(parser):
    parser.addoption("--overwrite", action="store_true", default=False,
                     help="regenerate the golden transcripts under tests/golden/ instead of comparing with them")
