"""The command line itself: help that teaches, settings with their sources, `python -m`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli, run_json


def test_help_lists_the_commands_and_an_example() -> None:
    result = run_cli("--help")
    for command in ("ingest", "list", "show", "topics", "export", "delete", "config", "search", "quote", "quotes",
                    "article"):
        assert f"  {command}" in result.stdout
    assert "transcripts ingest ~/junket/" in result.stdout


def test_config_reports_each_setting_and_where_it_came_from(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "config.toml").write_text('model = "tiny.en"\nlanguage = "en"\n')
    monkeypatch.setenv("TRANSCRIPTS_LANGUAGE", "fr")
    described = run_json("config", "--db", "sqlite:////tmp/elsewhere.db")
    assert described["home"] == {"value": str(home), "source": "env TRANSCRIPTS_HOME"}
    assert described["db"] == {"value": "sqlite:////tmp/elsewhere.db", "source": "flag"}
    assert described["model"] == {"value": "tiny.en", "source": f"config file {home / 'config.toml'}"}
    assert described["language"] == {"value": "fr", "source": "env TRANSCRIPTS_LANGUAGE"}
    assert described["compute_type"] == {"value": "int8", "source": "default"}


def test_default_store_is_sqlite_in_the_data_dir(home: Path) -> None:
    assert run_json("config")["db"]["value"] == f"sqlite:///{home / 'transcripts.db'}"
    assert run_json("list") == []
    assert (home / "transcripts.db").exists()


def test_a_broken_config_file_is_one_line(home: Path) -> None:
    (home / "config.toml").write_text("model = \n")
    result = run_cli("list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {home / 'config.toml'}: cannot read config file")


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "transcripts", "--help"], capture_output=True, text=True,
                            check=True)
    assert "Interview transcripts" in result.stdout


def test_vocabulary_file_and_flag_are_merged(home: Path) -> None:
    from transcripts.config import load_settings, read_vocabulary

    (home / "vocab.txt").write_text("# names that recur\nSean Baker\nChris Bergoch, Red Rocket\n")
    assert read_vocabulary(load_settings(), "Simon Rex, sean baker") == [
        "Sean Baker", "Chris Bergoch", "Red Rocket", "Simon Rex"]
