"""The README's Python examples run as written (with a real recording saved as `talk.m4a`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import convert

README = Path(__file__).resolve().parent.parent / "README.md"


def python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_python_examples_ingest_and_search(home: Path, data_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    examples = python_examples()
    assert len(examples) == 2
    assert all("transcripts." in example for example in examples)
    monkeypatch.chdir(tmp_path)
    convert(data_dir / "fw_jfk.flac", tmp_path / "talk.m4a")
    namespace: dict[str, object] = {}
    for example in examples:
        exec(compile(example, str(README), "exec"), namespace)  # noqa: S102 (the README is ours)
    results = namespace["results"]
    assert [r.status for r in results] == ["ingested"]  # type: ignore[attr-defined]
    assert isinstance(namespace["hits"], list)
