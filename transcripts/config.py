"""Settings in one place: flag > environment variable > config file > default.

Every setting remembers where its value came from, so `transcripts config` can tell a user why the tool
does what it does. The config file is TOML (`config.toml` in the data dir, or `TRANSCRIPTS_CONFIG`).
platformdirs gives the platform's user data dir, so a laptop install needs no setup at all.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from transcripts.errors import ConfigError

DEFAULT_MODEL = "base"

# setting name -> (environment variable, config-file key, default)
_SOURCES: dict[str, tuple[str, str, str | None]] = {
    "db": ("TRANSCRIPTS_DB", "db", None),
    "model": ("TRANSCRIPTS_MODEL", "model", DEFAULT_MODEL),
    "device": ("TRANSCRIPTS_DEVICE", "device", "cpu"),
    "compute_type": ("TRANSCRIPTS_COMPUTE_TYPE", "compute_type", None),
    "language": ("TRANSCRIPTS_LANGUAGE", "language", None),
}


@dataclass(frozen=True)
class Setting:
    """A resolved value and where it came from ("flag", "env TRANSCRIPTS_DB", "config file", "default")."""

    value: str | None
    source: str


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one run."""

    home: Path
    config_file: Path
    values: dict[str, Setting] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.values[name].value

    @property
    def db_url(self) -> str:
        url = self.get("db")
        return url if url else f"sqlite:///{self.home / 'transcripts.db'}"

    @property
    def model(self) -> str:
        return self.get("model") or DEFAULT_MODEL

    @property
    def device(self) -> str:
        """`cpu`, `cuda`, or for `auto` whichever is here (CTranslate2 counts the CUDA devices)."""
        device = self.get("device") or "cpu"
        if device == "auto":
            import ctranslate2

            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        return device

    @property
    def compute_type(self) -> str:
        """int8 on the CPU (fast, no accuracy loss measured); float16 on a GPU, where int8 gains little."""
        return self.get("compute_type") or ("int8" if self.device == "cpu" else "float16")

    @property
    def media_dir(self) -> Path:
        """Content-addressed copies of ingested media, so transcripts outlive the original files."""
        return self.home / "media"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def vocab_file(self) -> Path:
        """Names that recur across interviews, one per line (or comma separated), given to every ingest."""
        return self.home / "vocab.txt"

    def describe(self) -> dict[str, dict[str, Any]]:
        """Every setting with its value and source, for `transcripts config`."""
        out: dict[str, dict[str, Any]] = {
            "home": {"value": str(self.home), "source": self._home_source()},
            "config_file": {"value": str(self.config_file), "source": "exists" if self.config_file.exists()
                            else "absent"},
        }
        for name, setting in self.values.items():
            out[name] = {"value": setting.value, "source": setting.source}
        out["db"]["value"] = self.db_url
        out["model"]["value"] = self.model
        out["compute_type"]["value"] = self.compute_type
        out["media_dir"] = {"value": str(self.media_dir), "source": "home"}
        out["vocab_file"] = {"value": str(self.vocab_file),
                             "source": "exists" if self.vocab_file.exists() else "absent"}
        return out

    def _home_source(self) -> str:
        return "env TRANSCRIPTS_HOME" if os.environ.get("TRANSCRIPTS_HOME") else "default"


def data_home() -> Path:
    """The data dir: `TRANSCRIPTS_HOME`, else the platform's user data dir."""
    env = os.environ.get("TRANSCRIPTS_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("transcripts"))


def _read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file ({error})") from error


def load_settings(**flags: str | None) -> Settings:
    """Resolve every setting; `flags` are the command-line values (None where not given)."""
    home = data_home()
    config_file = Path(os.environ.get("TRANSCRIPTS_CONFIG") or home / "config.toml").expanduser()
    file_values = _read_config_file(config_file)
    values: dict[str, Setting] = {}
    for name, (env_var, file_key, default) in _SOURCES.items():
        if flags.get(name):
            values[name] = Setting(flags[name], "flag")
        elif os.environ.get(env_var):
            values[name] = Setting(os.environ[env_var], f"env {env_var}")
        elif file_values.get(file_key):
            values[name] = Setting(str(file_values[file_key]), f"config file {config_file}")
        else:
            values[name] = Setting(default, "default")
    return Settings(home=home, config_file=config_file, values=values)


def read_vocabulary(settings: Settings, extra: str | None = None) -> list[str]:
    """Names to spell right: the data dir's vocabulary file plus `--vocab`, de-duplicated, in order."""
    names: list[str] = []
    if settings.vocab_file.exists():
        for line in settings.vocab_file.read_text(encoding="utf-8").splitlines():
            if not line.strip().startswith("#"):
                names.extend(line.split(","))
    if extra:
        names.extend(extra.split(","))
    seen: dict[str, None] = {}
    for name in names:
        name = name.strip()
        if name and name.lower() not in {n.lower() for n in seen}:
            seen[name] = None
    return list(seen)
