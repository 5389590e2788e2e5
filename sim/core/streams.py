"""Independent random streams for every role and entity (common random numbers).

Every random draw in the model comes from a generator made here. A stream is
named by a role and an entity (``("firms.review", "startups")``, ``("entry", "openai")``)
and is the child of the run's seed with a spawn key derived from those names:

    SeedSequence(seed, spawn_key=(crc32(role), crc32(entity)))

This is what ``SeedSequence(seed).spawn`` does, with keys that depend on names
rather than on creation order. Two scenarios that differ in one lever therefore
see the same draws everywhere else, and their difference is the lever's effect,
not noise.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, role: str, entity: str = "") -> np.random.Generator:
    """A generator for ``role`` and ``entity`` under the run's ``seed``."""
    sequence = np.random.SeedSequence(int(seed), spawn_key=(_key(role), _key(entity)))
    return np.random.Generator(np.random.PCG64(sequence))


class Streams:
    """The run's named random streams, created on first use and then reused."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._cache: dict[tuple[str, str], np.random.Generator] = {}

    def __call__(self, role: str, entity: str = "") -> np.random.Generator:
        key = (role, entity)
        if key not in self._cache:
            self._cache[key] = stream(self.seed, role, entity)
        return self._cache[key]
