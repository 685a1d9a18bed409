"""Run a snippet of Python under several hash seeds: sets and dicts of strings iterate in
another order in each, so an output that depends on that order shows as two outputs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def outputs_by_hash_seed(script: str, hash_seeds: Iterable[str]) -> set[str]:
    """The distinct standard outputs of `python -c script`, one run per hash seed."""
    return {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        ).stdout
        for hash_seed in hash_seeds
    }
