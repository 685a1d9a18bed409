"""The compiled cast extraction (bot/native.py): used only while it matches the sources,
and then giving exactly the casts the pure-Python modules give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bot.core.characters
from bench.cast_snapshot import compare, snapshot
from bot.native import BUILD, MANIFEST, PURE_ENV, compiled_path, digest, ext_suffix
from bot.native_build import sources_of

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "pkg.sub"


def _fake_build(tmp_path: Path) -> tuple[Path, Path]:
    """A package pkg.sub with one module, and a 'compiled' twin of it with its manifest."""
    source = tmp_path / "src" / "pkg" / "sub"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text("", encoding="utf-8")
    (source / "words.py").write_text("WORDS = 1\n", encoding="utf-8")
    build = tmp_path / "build"
    compiled = build / "pkg" / "sub"
    compiled.mkdir(parents=True)
    for name in ("words", "_native__mypyc"):
        (compiled / f"{name}{ext_suffix()}").write_bytes(b"")
    manifest = {
        "ext_suffix": ext_suffix(),
        "modules": ["_native__mypyc", "words"],
        "sources": {"pkg/sub/words.py": digest(source / "words.py")},
    }
    (compiled / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return source, build


def test_a_build_that_matches_its_sources_is_used(tmp_path: Path) -> None:
    source, build = _fake_build(tmp_path)
    found = compiled_path(PACKAGE, str(source / "__init__.py"), build)
    assert found == [str(build / "pkg" / "sub")]


def test_an_edited_source_makes_the_build_stale(tmp_path: Path) -> None:
    source, build = _fake_build(tmp_path)
    (source / "words.py").write_text("WORDS = 2\n", encoding="utf-8")
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []


def test_a_deleted_source_makes_the_build_stale(tmp_path: Path) -> None:
    source, build = _fake_build(tmp_path)
    (source / "words.py").unlink()
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []


def test_a_missing_compiled_module_means_none_is_used(tmp_path: Path) -> None:
    source, build = _fake_build(tmp_path)
    (build / "pkg" / "sub" / f"words{ext_suffix()}").unlink()
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []


def test_another_python_or_no_manifest_means_pure_python(tmp_path: Path) -> None:
    source, build = _fake_build(tmp_path)
    manifest_file = build / "pkg" / "sub" / MANIFEST
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest_file.write_text(json.dumps({**manifest, "ext_suffix": ".other.so"}), "utf-8")
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []
    manifest_file.write_text("{not json", encoding="utf-8")
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []
    manifest_file.unlink()
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []


def test_the_environment_can_ask_for_pure_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, build = _fake_build(tmp_path)
    monkeypatch.setenv(PURE_ENV, "1")
    assert compiled_path(PACKAGE, str(source / "__init__.py"), build) == []


def test_the_build_depends_on_the_project_modules_the_package_imports() -> None:
    modules, sources = sources_of("bot.core.characters")
    assert "bot/core/characters/scan.py" in sources
    assert "bot/core/lexicon.py" in sources  # the word lists the compiled code reads
    assert "bot/core/characters/__init__.py" not in {str(m.relative_to(ROOT)) for m in modules}


def test_compiled_casts_are_the_pure_python_casts() -> None:
    """Seeds, hard cases, real stories and generated stories, field by field."""
    compiled = str(BUILD / "bot" / "core" / "characters")
    if compiled not in bot.core.characters.__path__:
        pytest.skip("no up-to-date compiled build (python -m bot.native_build)")
    script = "import json, sys; from bench.cast_snapshot import snapshot; "
    script += "json.dump(snapshot(10), sys.stdout, ensure_ascii=False)"
    pure = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, PURE_ENV: "1"},
    )
    expected = json.loads(pure.stdout)
    # Round-tripped through JSON as the pure side was: tuples become lists on both.
    found = json.loads(json.dumps(snapshot(10), ensure_ascii=False))
    assert compare(expected, found) == []
    assert len(found) > 40
