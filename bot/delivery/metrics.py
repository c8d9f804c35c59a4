"""What delivery counts with: anything that has ``count`` (the events handler's Powertools
metrics, a test's recorder), or ``NO_METRICS`` where nothing counts."""

from __future__ import annotations

from typing import Protocol


class Counter(Protocol):
    def count(self, name: str, value: float = 1) -> None: ...


class _NoMetrics:
    def count(self, name: str, value: float = 1) -> None:
        return None


NO_METRICS: Counter = _NoMetrics()
