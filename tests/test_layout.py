"""The house reads one way: a module imports only from its own floor or the floors below it.

Floors, bottom first: ground (config, errors, timefmt, turns) → pipeline (the pure steps) → pure work on
documents (document, editorial, export) → store → the Python API (ingest, voices, search) → the faces
(cli, web, jobs). DESIGN.md draws the same picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "transcripts"

FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("transcripts", "transcripts.config", "transcripts.errors", "transcripts.timefmt",
                "transcripts.turns")),
    ("pipeline", ("transcripts.pipeline",)),
    ("documents", ("transcripts.document", "transcripts.editorial", "transcripts.export")),
    ("store", ("transcripts.store",)),
    ("api", ("transcripts.ingest", "transcripts.voices", "transcripts.search")),
    ("faces", ("transcripts.cli", "transcripts.web", "transcripts.jobs", "transcripts.__main__")),
]


def floor_of(module: str) -> int:
    """The floor of a module: the longest matching prefix wins (`transcripts` alone is the ground)."""
    best, best_length = -1, -1
    for index, (_, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    if best < 0:
        raise AssertionError(f"{module} is on no floor: add it to FLOORS")
    return best


def module_imports() -> dict[str, set[str]]:
    """Every module of the package and the `transcripts` modules it imports, anywhere in its body."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[name] = {m for m in imported if m == "transcripts" or m.startswith("transcripts.")}
    return found


def upward_imports(imports: dict[str, set[str]], known: set[str]) -> list[str]:
    """Each import that runs from a lower floor to a higher one, as 'importer -> imported'.

    `from transcripts.x import name` also yields `transcripts.x.name`; only names that are modules count.
    """
    wrong = []
    for importer, targets in imports.items():
        for target in sorted(targets):
            if target not in known:
                continue
            if floor_of(target) > floor_of(importer):
                wrong.append(f"{importer} ({FLOORS[floor_of(importer)][0]}) -> {target} "
                             f"({FLOORS[floor_of(target)][0]})")
    return wrong


def test_every_module_imports_only_its_own_floor_or_below() -> None:
    imports = module_imports()
    assert len(imports) > 40
    assert upward_imports(imports, set(imports)) == []


def test_the_check_fails_on_an_import_that_runs_up_the_house() -> None:
    made_up = {
        "transcripts.pipeline.asr": {"transcripts.store.db", "transcripts.errors"},
        "transcripts.store.db": {"transcripts.errors"},
        "transcripts.errors": set(),
        "transcripts.editorial.quotes": {"transcripts.search"},
        "transcripts.search": {"transcripts.store.db"},
    }
    assert upward_imports(made_up, set(made_up)) == [
        "transcripts.pipeline.asr (pipeline) -> transcripts.store.db (store)",
        "transcripts.editorial.quotes (documents) -> transcripts.search (api)",
    ]


def test_a_module_on_no_floor_is_reported() -> None:
    try:
        floor_of("elsewhere.module")
    except AssertionError as error:
        assert "on no floor" in str(error)
    else:
        raise AssertionError("a module outside the house was given a floor")
