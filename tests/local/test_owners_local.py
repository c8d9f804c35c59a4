"""The local mode (no token: the in-memory Slack) with owner tags: mentions by id work, an
address finds nobody (the local workspace has no users unless given), nothing breaks."""

from __future__ import annotations

import json
from typing import Any

from bot.gateway import LocalGateway
from bot.runtime import build_runtime
from bot.settings import Settings
from tests.delivery.test_delivery_scenarios import job_event

CHANNEL = "C0LOCAL"


def life(job: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    events = [
        job_event("InProgress", "Training", 5, Tags=tags),
        job_event("Failed", "Failed", 30, FailureReason="AlgorithmError: boom", Tags=tags),
    ]
    return [json.loads(json.dumps(e).replace("bert-finetune-7", job)) for e in events]


def test_local_mode_mentions_owners_by_id_and_looks_addresses_up_in_memory() -> None:
    runtime = build_runtime(Settings(store="sqlite://:memory:", default_channel=CHANNEL))
    slack = runtime.slack
    assert isinstance(slack, LocalGateway)
    slack.users_by_email["ada@example.com"] = "U0ADA"
    for job, tags in (
        ("by-id", {"slack-owner": "S0MLTEAM"}),
        ("by-address", {"owner": "Ada@Example.com"}),
        ("nobody", {"owner": "bob@example.com"}),
    ):
        for event in life(job, tags):
            runtime.deliverer.deliver_raw(event)

    def replies(job: str) -> list[str]:
        [parent] = [p for p in slack.channels[CHANNEL] if f"/{job}" in json.dumps(p.message)]
        return [json.dumps(r.message) for r in parent.replies]

    [by_id] = replies("by-id")
    assert "<!subteam^S0MLTEAM>" in by_id
    [by_address] = replies("by-address")
    assert "<@U0ADA>" in by_address
    [nobody] = replies("nobody")
    assert "bust_in_silhouette" not in nobody and "AlgorithmError: boom" in nobody
    assert slack.calls.count("users.lookupByEmail") == 2
    runtime.store.close()
