"""Speaker turns: runs of consecutive items (words, segments, documents' segments) said by one voice.

One home for the grouping, at the bottom of the house, because the pipeline (topics, speaker profiles),
the exports and the editorial tools all read an interview turn by turn, each over its own type.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")
Key = TypeVar("Key")


@dataclass(frozen=True)
class Run(Generic[Item, Key]):
    """Consecutive items of one speaker; `first` is the index of the first item in the whole sequence."""

    speaker: Key
    first: int
    items: list[Item]

    @property
    def stop(self) -> int:
        """Index just past the last item, so `sequence[run.first:run.stop]` is the run."""
        return self.first + len(self.items)


def speaker_runs(items: Iterable[Item], speaker: Callable[[Item], Key]) -> list[Run[Item, Key]]:
    """Group `items` into runs of equal `speaker(item)`, in order; a change of speaker starts a new run."""
    runs: list[Run[Item, Key]] = []
    first = 0
    for key, group in itertools.groupby(items, key=speaker):
        members = list(group)
        runs.append(Run(key, first, members))
        first += len(members)
    return runs
