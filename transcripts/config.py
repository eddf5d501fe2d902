"""Settings in one place: flag > environment variable > config file > default.

Every setting remembers where its value came from, so `transcripts config` can tell a user why the tool
does what it does. The config file is TOML (`config.toml` in the data dir, or `TRANSCRIPTS_CONFIG`).
platformdirs gives the platform's user data dir, so a laptop install needs no setup at all.
"""

from __future__ import annotations

import os
import re
import secrets
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
    # the web app (`transcripts serve`); the two secrets are never printed by `transcripts config`
    "public_url": ("TRANSCRIPTS_PUBLIC_URL", "public_url", None),
    "secure_cookies": ("TRANSCRIPTS_SECURE_COOKIES", "secure_cookies", None),
    "secret_key": ("TRANSCRIPTS_SECRET_KEY", "secret_key", None),
    "editor_token": ("TRANSCRIPTS_EDITOR_TOKEN", "editor_token", None),
    # origins whose pages may show the reader in an iframe (/t/{id}/embed, /a/{id}/embed); none by default
    "frame_ancestors": ("TRANSCRIPTS_FRAME_ANCESTORS", "frame_ancestors", None),
    # Newsroom mode: the media root every machine mounts, and how the job queue tells a live worker from a
    # dead one (seconds between heartbeats; silence after which its job is given to another worker).
    "media": ("TRANSCRIPTS_MEDIA", "media", None),
    "heartbeat": ("TRANSCRIPTS_HEARTBEAT", "heartbeat", "10"),
    "stalled_after": ("TRANSCRIPTS_STALLED_AFTER", "stalled_after", "60"),
}
_SECRETS = ("secret_key", "editor_token")
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?")  # a plain origin, nothing a policy could read more into


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

    # Newsroom mode: the media root and the queue's timings.
    @property
    def media_dir(self) -> Path:
        """The media root: content-addressed copies of ingested media, so transcripts outlive the original
        files. `TRANSCRIPTS_MEDIA` points every machine of a newsroom at one shared directory."""
        media = self.get("media")
        return Path(media).expanduser() if media else self.home / "media"

    @property
    def heartbeat(self) -> float:
        return self._seconds("heartbeat")

    @property
    def stalled_after(self) -> float:
        """A worker silent this long is dead: its job goes back to the queue (must exceed the heartbeat)."""
        return self._seconds("stalled_after")

    def _seconds(self, name: str) -> float:
        value = self.get(name)
        try:
            seconds = float(value or "")
        except ValueError:
            seconds = 0.0
        if seconds <= 0:
            raise ConfigError(f"{name}: {value!r} is not a number of seconds ({self.values[name].source})")
        return seconds

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def vocab_file(self) -> Path:
        """Names that recur across interviews, one per line (or comma separated), given to every ingest."""
        return self.home / "vocab.txt"

    # --- the web app (`transcripts serve`) ---

    @property
    def public_url(self) -> str | None:
        """The site's address as readers reach it (`https://news.example/transcripts`), for links that leave
        the page (a copied quote, oEmbed); None: the address each request came to."""
        url = self.get("public_url")
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"public URL {url!r}: must start with http:// or https://")
        return url.rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS: as set, else on exactly when the public URL is https."""
        value = self.get("secure_cookies")
        if value is None:
            return (self.public_url or "").startswith("https://")
        if value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if value.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"secure_cookies {value!r}: use true or false")

    @property
    def editor_token(self) -> str | None:
        """What an editor types to sign in (and scripts send as `Authorization: Bearer`); None: no editors."""
        return self.get("editor_token") or None

    @property
    def frame_ancestors(self) -> tuple[str, ...]:
        """Origins (`https://news.example`) whose pages may frame the embeddable reader, separated by commas or
        spaces; empty: no page may (CSP `frame-ancestors 'none'`). Only plain origins are accepted, so no
        value can widen the policy with a wildcard or another directive."""
        value = self.get("frame_ancestors") or ""
        origins = []
        for origin in value.replace(",", " ").split():
            origin = origin.rstrip("/")
            if not ORIGIN.fullmatch(origin):
                raise ConfigError(f"frame_ancestors {origin!r}: give origins such as https://news.example "
                                  f"({self.values['frame_ancestors'].source})")
            origins.append(origin)
        return tuple(dict.fromkeys(origins))

    @property
    def secret_key_file(self) -> Path:
        return self.home / "secret_key"

    def secret_key(self) -> str:
        """The key that signs sessions: as set, else generated once into the data dir, readable by its owner
        only. Web processes on different machines share sessions only when TRANSCRIPTS_SECRET_KEY is set."""
        value = self.get("secret_key")
        if value:
            return value
        path = self.secret_key_file
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            raise ConfigError(f"{path}: empty secret key file (delete it to make a new one)") from None
        except OSError as error:
            raise ConfigError(f"{path}: cannot create the secret key file ({error})") from error
        key = secrets.token_urlsafe(48)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
        return key

    @property
    def renditions_dir(self) -> Path:
        """Audio a browser can play, made once from recordings it cannot (wma, avi, amr, mkv)."""
        return self.home / "renditions"

    # --- end of the web app's settings ---

    def describe(self) -> dict[str, dict[str, Any]]:
        """Every setting with its value and source, for `transcripts config`."""
        out: dict[str, dict[str, Any]] = {
            "home": {"value": str(self.home), "source": self._home_source()},
            "config_file": {"value": str(self.config_file), "source": "exists" if self.config_file.exists()
                            else "absent"},
        }
        for name, setting in self.values.items():
            shown = "(set)" if name in _SECRETS and setting.value else setting.value
            out[name] = {"value": shown, "source": setting.source}
        out["db"]["value"] = self.db_url
        out["model"]["value"] = self.model
        out["compute_type"]["value"] = self.compute_type
        media = out.pop("media")
        out["media_dir"] = {"value": str(self.media_dir), "source": "home" if media["value"] is None
                            else media["source"]}
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
        elif file_values.get(file_key) not in (None, ""):  # `false` in TOML is a value too
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
