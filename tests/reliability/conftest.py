"""The delivery fixtures (a Deliverer over the Slack stand-in and a real store)."""

from tests.delivery.conftest import make_deliverer, store

__all__ = ["make_deliverer", "store"]
