"""Compiled twins of pure-Python packages, used only while they match the source.

`python -m bot.native_build` compiles a package's modules with mypyc into
build/native/ (never next to the sources: an extension module there would be imported
instead of the .py even after the .py changed) and writes a manifest with the SHA-256 of
every source it was compiled from, the modules they import from this project included.
A package opts in from its __init__.py:

    __path__[:0] = compiled_path(__name__, __file__)

which puts the compiled directory first on the package's search path only when the
manifest matches the sources byte for byte and every compiled module is there. Anything
else (no build, an edited file, another Python, CONTEUR_PURE_PYTHON=1) leaves the
package pure Python: the same code, slower, never a stale mix.
"""

from __future__ import annotations

import hashlib
import json
import os
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "native"
MANIFEST = "manifest.json"
# Set to 1 to run the pure-Python modules even where a fresh build exists (profiling).
PURE_ENV = "CONTEUR_PURE_PYTHON"


def ext_suffix() -> str:
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return suffix if isinstance(suffix, str) else ".so"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_path(package: str) -> Path:
    return BUILD / package.replace(".", "/") / MANIFEST


def compiled_path(package: str, init_file: str, build: Path = BUILD) -> list[str]:
    """[the compiled directory of `package`] when it is fresh, else []."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return []
    directory = build / package.replace(".", "/")
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    # The project's root: as many levels above the package's directory as it has dots.
    root = Path(init_file).resolve().parents[package.count(".") + 1]
    if not isinstance(manifest, dict) or not _fresh(manifest, root, directory):
        return []
    return [str(directory)]


def _fresh(manifest: dict[str, object], root: Path, directory: Path) -> bool:
    suffix = ext_suffix()
    sources, modules = manifest.get("sources"), manifest.get("modules")
    if manifest.get("ext_suffix") != suffix or not isinstance(sources, dict):
        return False
    if not isinstance(modules, list) or not modules:
        return False
    for relative, expected in sources.items():
        try:
            if digest(root / relative) != expected:
                return False  # edited since the build: the compiled code would be stale
        except OSError:
            return False
    # One missing module would be imported as Python beside its compiled twin inside the
    # shared library: two copies of its classes. All of them, or none.
    return all((directory / f"{name}{suffix}").is_file() for name in modules)
