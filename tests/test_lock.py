"""The locked dependency tree: requirements.lock pins every package that pyproject.toml asks for, at a version
its specifier allows, and (under `make check-lock`) .venv holds exactly the lock.

Offline: the lock and pyproject.toml are read with `packaging`, no resolver runs. `make lock` regenerates
the lock with pip-compile.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"

# The platform the lock was resolved for (what CI and the demo run): markers are evaluated against it.
LOCK_ENVIRONMENT = {"python_version": "3.11", "sys_platform": "linux", "platform_system": "Linux",
                    "platform_machine": "x86_64", "os_name": "posix", "extra": "dev"}


def read_pins(lines: list[str]) -> dict[NormalizedName, Requirement]:
    """The `name==version` lines of a pip requirements file (comments, options and blank lines passed over)."""
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def pinned_version(requirement: Requirement) -> Version | None:
    """The version of an exact `==` pin, or None for anything looser."""
    specifiers = list(requirement.specifier)
    if len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in specifiers[0].version:
        return Version(specifiers[0].version)
    return None


def project_requirements() -> list[str]:
    """The dependencies pyproject.toml names, dev extra included."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def lock_problems(requirements: list[str], pins: dict[NormalizedName, Requirement]) -> list[str]:
    """One line for each requirement the lock leaves out or pins at a version its specifier excludes."""
    problems = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate(LOCK_ENVIRONMENT):
            continue
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement.name}: not in {LOCK.name}")
        elif (version := pinned_version(pin)) is None:
            problems.append(f"{requirement.name}: {LOCK.name} has {pin}, not an exact pin")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}: {LOCK.name} pins {version}, outside {requirement.specifier}")
    return problems


def matches(pin: Requirement, installed: Requirement) -> bool:
    """Whether a `pip freeze` line satisfies a lock pin. `==2.13.0` admits a local label (torch's CPU build
    on disk is 2.13.0+cpu) and nothing else."""
    version = pinned_version(installed)
    return version is not None and pin.specifier.contains(version, prereleases=True)


@pytest.fixture(scope="module")
def pins() -> dict[NormalizedName, Requirement]:
    return read_pins(LOCK.read_text().splitlines())


def test_every_dependency_of_pyproject_is_locked_at_a_version_it_allows(
        pins: dict[NormalizedName, Requirement]) -> None:
    assert lock_problems(project_requirements(), pins) == []


def test_the_check_names_each_dependency_that_the_lock_misses_or_excludes(
        pins: dict[NormalizedName, Requirement]) -> None:
    made_up = ["faster-whisper>=1.2,<2", "numpy<2", "SQLAlchemy>=3.0", "not-a-real-package>=1",
               "pyobjc>=10; sys_platform == 'darwin'"]
    assert lock_problems(made_up, pins) == [
        f"numpy: requirements.lock pins {pinned_version(pins['numpy'])}, outside <2",
        f"SQLAlchemy: requirements.lock pins {pinned_version(pins['sqlalchemy'])}, outside >=3.0",
        "not-a-real-package: not in requirements.lock",
    ]


def test_the_check_refuses_a_lock_line_that_is_not_an_exact_pin() -> None:
    loose = read_pins(["numpy>=1.26", "click==8.*"])
    assert lock_problems(["numpy>=1.26", "click>=8.1"], loose) == [
        "numpy: requirements.lock has numpy>=1.26, not an exact pin",
        "click: requirements.lock has click==8.*, not an exact pin",
    ]


def test_every_package_in_the_lock_is_pinned_to_one_exact_version(
        pins: dict[NormalizedName, Requirement]) -> None:
    assert [str(pin) for pin in pins.values() if pinned_version(pin) is None] == []
    assert "transcripts" not in pins
    assert len(pins) > 100  # the whole tree, not only the direct dependencies


def test_torch_is_pinned_without_a_local_label_so_the_cpu_wheel_on_disk_satisfies_it(
        pins: dict[NormalizedName, Requirement]) -> None:
    assert str(pins["torch"]) == "torch==2.13.0"
    assert pins["torch"].specifier.contains("2.13.0+cpu")
    constraints = read_pins((ROOT / "constraints.txt").read_text().splitlines())
    assert str(constraints["torch"]) == "torch==2.13.0"
    assert not any(name.startswith("nvidia-") for name in pins)  # the CPU build, not CUDA


def test_the_dev_tools_that_make_lock_needs_are_locked(pins: dict[NormalizedName, Requirement]) -> None:
    assert {"pip-tools", "pip", "setuptools", "wheel"} <= pins.keys()


@pytest.mark.skipif(not os.environ.get("TRANSCRIPTS_CHECK_LOCK"),
                    reason="`make check-lock` compares .venv with the lock (TRANSCRIPTS_CHECK_LOCK=1)")
def test_the_installed_environment_is_exactly_the_lock(pins: dict[NormalizedName, Requirement]) -> None:
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    installed = read_pins(freeze.splitlines())
    differences = [f"{name}: installed {installed[name]}, locked {pins[name]}"
                   for name in sorted(pins.keys() & installed.keys())
                   if not matches(pins[name], installed[name])]
    differences += [f"{name}: locked, not installed" for name in sorted(pins.keys() - installed.keys())]
    differences += [f"{name}: installed, not locked" for name in sorted(installed.keys() - pins.keys())]
    assert differences == []
