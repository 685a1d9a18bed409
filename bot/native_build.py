"""Compile the hot pure-Python packages with mypyc into build/native/ (see bot/native.py).

    python -m bot.native_build            # build, or say it is up to date
    python -m bot.native_build --check    # exit 1 when a build is missing or stale

Only cast extraction is compiled: it runs on every story added and is pure Python over
words and mentions, which mypyc makes about a third faster. Needs mypy (the test extra),
a C compiler and Python's headers; without them the build fails and the package stays
pure Python, which gives the same results.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

from bot.native import BUILD, MANIFEST, ROOT, compiled_path, digest, ext_suffix

PACKAGES = ("bot.core.characters",)


def _module_file(name: str) -> Path | None:
    base = ROOT / name.replace(".", "/")
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _project_imports(path: Path) -> set[Path]:
    """The project's own modules `path` imports: compiled code calls them by their types,
    so an edit there makes the build stale too."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for name in names:
            if name.split(".")[0] in ("bot", "cogs"):
                module = _module_file(name)
                if module is not None:
                    found.add(module)
    return found


def sources_of(package: str) -> tuple[list[Path], dict[str, str]]:
    """The modules to compile (all but __init__, which chooses between the two forms) and
    the digest of every file the build depends on, by path from the project root."""
    directory = ROOT / package.replace(".", "/")
    modules = sorted(p for p in directory.glob("*.py") if p.name != "__init__.py")
    depends = set(modules)
    for module in modules:
        depends |= _project_imports(module)
    return modules, {str(p.relative_to(ROOT)): digest(p) for p in sorted(depends)}


def build(package: str) -> Path:
    """Compile `package` and install it under build/native/, manifest last."""
    from mypyc.build import mypycify
    from setuptools import Distribution  # type: ignore[import-untyped]

    modules, sources = sources_of(package)
    group = f"{package}._native"
    target = BUILD / package.replace(".", "/")
    with tempfile.TemporaryDirectory(prefix="conteur-native-") as scratch:
        work = Path(scratch)
        relative = [str(p.relative_to(ROOT)) for p in modules]
        extensions = mypycify(
            [*relative, "--cache-dir", str(work / "mypy")],
            opt_level="3",
            group_name=group,
            target_dir=str(work / "c"),
        )
        distribution = Distribution({"name": "conteur-native", "ext_modules": extensions})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "temp")
        distribution.run_command("build_ext")
        built = work / "lib" / package.replace(".", "/")
        # Whoever imports meanwhile sees no manifest, so pure Python, never a half copy.
        (target / MANIFEST).unlink(missing_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(built, target)
    names = sorted(p.name.removesuffix(ext_suffix()) for p in target.glob(f"*{ext_suffix()}"))
    manifest = {"ext_suffix": ext_suffix(), "modules": names, "sources": sources}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return target


def fresh(package: str) -> bool:
    init = ROOT / package.replace(".", "/") / "__init__.py"
    return bool(compiled_path(package, str(init)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a build is stale")
    parser.add_argument("--verbose", action="store_true", help="show the compiler's output")
    arguments = parser.parse_args()
    stale = [package for package in PACKAGES if not fresh(package)]
    if arguments.check:
        for package in stale:
            print(f"{package}: no up-to-date compiled build (pure Python)")
        return 1 if stale else 0
    for package in stale:
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                build(package)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - any failure means pure Python
            if arguments.verbose:
                print(output.getvalue(), file=sys.stderr)
            # Not an error for `make`: the package still works, only slower.
            print(f"{package}: not compiled ({error!r}); it runs as pure Python")
            continue
        if arguments.verbose:
            print(output.getvalue())
        print(f"{package}: compiled into {BUILD.relative_to(ROOT)}")
    if not stale:
        print("compiled packages up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
