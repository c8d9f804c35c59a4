"""bot/startup.py: a handler's imports, without the cyclic collector's passes, then frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.startup import init_phase


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # this process goes on collecting its own objects
    if enabled:
        gc.enable()


def test_the_collector_is_off_inside_and_on_after_and_what_was_made_is_frozen() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with init_phase():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)


def test_the_collector_is_on_again_after_an_error() -> None:
    with pytest.raises(RuntimeError), init_phase():
        raise RuntimeError("an import failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with init_phase():
        pass
    assert not gc.isenabled()
