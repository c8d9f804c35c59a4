"""A Lambda handler's init phase: what it imports lives as long as its container.

Importing the handler's stack (boto3, Bolt, pydantic, Powertools) allocates some 95,000
objects that the cyclic garbage collector tracks, and it collects over and over while they
pile up: a quarter of the Slack function's init on the development machine (``bench/
cold_start.py``: 350 ms → 260 ms), for about 750 objects of garbage. None of the rest is ever
garbage: the modules, their classes and functions live until the container is gone. So
:func:`init_phase` turns the collector off while they are imported, then freezes them
(``gc.freeze``: later collections, in requests, skip them) and turns it back on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def init_phase() -> Iterator[None]:
    """Import (and build) inside: no cyclic collection meanwhile; what exists after is frozen.

    The collector is on again after, also when the block raises, unless it was off before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
