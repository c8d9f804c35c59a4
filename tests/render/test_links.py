"""Links that open: one URL per kind, Studio only for its own account and region, every name
encoded, no host chosen by an event."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.events.identity import ResourceKind, ResourceRef
from bot.events.parse import parse_event
from bot.inspection import Inspection
from bot.render.inspection import render_inspection
from bot.render.links import PAGES, ResourceLinks, resource_links
from bot.render.renderer import Renderer
from bot.render.studio import StudioDomains, parse_studio_domains
from tests.conftest import load_sample

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
CONSOLE = f"https://{REGION}.console.aws.amazon.com/sagemaker/home?region={REGION}#/"
LANDING = CONSOLE + "studio-landing"
STUDIO = "https://studio-d-abc123.studio.us-east-1.sagemaker.aws/"
DOMAINS = parse_studio_domains(f"{REGION}=d-abc123", ACCOUNT)


def arn(resource: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:{resource}"


# Each kind as an event names it, and the one page it opens (no Studio domain configured).
REFS: dict[ResourceKind, tuple[ResourceRef, str | None]] = {
    ResourceKind.TRAINING: (
        ResourceRef(ResourceKind.TRAINING, "train-1", arn("training-job/train-1")),
        CONSOLE + "jobs/train-1",
    ),
    ResourceKind.TUNING: (
        ResourceRef(ResourceKind.TUNING, "hpo-1", arn("hyper-parameter-tuning-job/hpo-1")),
        CONSOLE + "hyper-tuning-jobs/hpo-1",
    ),
    ResourceKind.PROCESSING: (
        ResourceRef(ResourceKind.PROCESSING, "proc-1", arn("processing-job/proc-1")),
        CONSOLE + "processing-jobs/proc-1",
    ),
    ResourceKind.TRANSFORM: (
        ResourceRef(ResourceKind.TRANSFORM, "tr-1", arn("transform-job/tr-1")),
        CONSOLE + "transform-jobs/tr-1",
    ),
    ResourceKind.ENDPOINT: (
        ResourceRef(ResourceKind.ENDPOINT, "ep-1", arn("endpoint/ep-1")),
        CONSOLE + "endpoints/ep-1",
    ),
    ResourceKind.DEPLOYMENT: (
        ResourceRef(ResourceKind.DEPLOYMENT, "ep-1 → cfg-2", arn("endpoint/ep-1/deployment/cfg-2")),
        CONSOLE + "endpoints/ep-1",
    ),
    ResourceKind.ENDPOINT_CONFIG: (
        ResourceRef(ResourceKind.ENDPOINT_CONFIG, "cfg-2", arn("endpoint-config/cfg-2")),
        CONSOLE + "endpointConfig/cfg-2",
    ),
    ResourceKind.MODEL: (
        ResourceRef(ResourceKind.MODEL, "model-1", arn("model/model-1")),
        CONSOLE + "models/model-1",
    ),
    ResourceKind.MODEL_PACKAGE: (
        ResourceRef(ResourceKind.MODEL_PACKAGE, "churn/3", arn("model-package/churn/3")),
        LANDING,
    ),
    ResourceKind.PIPELINE: (
        ResourceRef(ResourceKind.PIPELINE, "p/x1", arn("pipeline/p/execution/x1")),
        LANDING,
    ),
    ResourceKind.STEP: (ResourceRef(ResourceKind.STEP, "Train", None), None),
    ResourceKind.FEATURE_GROUP: (
        ResourceRef(ResourceKind.FEATURE_GROUP, "fg-1", arn("feature-group/fg-1")),
        LANDING,
    ),
    ResourceKind.IMAGE: (
        ResourceRef(ResourceKind.IMAGE, "img-1", arn("image/img-1")),
        CONSOLE + "images/img-1",
    ),
    ResourceKind.IMAGE_VERSION: (
        ResourceRef(ResourceKind.IMAGE_VERSION, "img-1 v2", arn("image-version/img-1/2")),
        CONSOLE + "images/img-1",
    ),
    ResourceKind.MODEL_CARD: (
        ResourceRef(ResourceKind.MODEL_CARD, "card-1", arn("model-card/card-1")),
        CONSOLE + "model-cards/card-1",
    ),
    ResourceKind.NOTEBOOK: (
        ResourceRef(ResourceKind.NOTEBOOK, "nb-1", arn("notebook-instance/nb-1")),
        CONSOLE + "notebook-instances/nb-1",
    ),
    ResourceKind.LIFECYCLE_CONFIG: (
        ResourceRef(
            ResourceKind.LIFECYCLE_CONFIG, "lcc-1", arn("notebook-instance-lifecycle-config/lcc-1")
        ),
        CONSOLE + "notebook-lifecycle-config/lcc-1",
    ),
    ResourceKind.ALGORITHM: (
        ResourceRef(ResourceKind.ALGORITHM, "algo-1", arn("algorithm/algo-1")),
        CONSOLE + "algorithms/algo-1",
    ),
    ResourceKind.LABELING: (
        ResourceRef(ResourceKind.LABELING, "label-1", arn("labeling-job/label-1")),
        f"https://{REGION}.console.aws.amazon.com/sagemaker/groundtruth?region={REGION}"
        "#/labeling-jobs/details/label-1",
    ),
    ResourceKind.CLUSTER: (
        ResourceRef(ResourceKind.CLUSTER, "hp-1", arn("cluster/abcdef123456")),
        CONSOLE + "cluster-management/hp-1",
    ),
    ResourceKind.OTHER: (ResourceRef(ResourceKind.OTHER, "thing", arn("thing/x")), None),
}


def place(ref: ResourceRef, account: str = ACCOUNT, region: str = REGION) -> ResourceRef:
    return ResourceRef(ref.kind, ref.name, ref.arn, account, region, ref.label)


def test_the_table_has_every_kind() -> None:
    assert set(PAGES) == set(ResourceKind)
    assert set(REFS) == set(ResourceKind)


@pytest.mark.parametrize("kind", list(ResourceKind), ids=str)
def test_one_url_per_kind(kind: ResourceKind) -> None:
    ref, expected = REFS[kind]
    links = resource_links(place(ref))
    assert links.console == expected
    assert links.studio is False


@pytest.mark.parametrize("kind", list(ResourceKind), ids=str)
def test_a_domain_for_another_place_changes_nothing(kind: ResourceKind) -> None:
    ref, expected = REFS[kind]
    elsewhere = parse_studio_domains(f"{OTHER_ACCOUNT}:{REGION}=d-abc123,eu-west-1=d-x", ACCOUNT)
    assert resource_links(place(ref), studio=elsewhere).console == expected


STUDIO_PAGES = {
    ResourceKind.PIPELINE: STUDIO + "pipelines/view/p/executions/x1/graph",
    ResourceKind.MODEL_PACKAGE: STUDIO + "models/registered-models/churn/versions",
    ResourceKind.FEATURE_GROUP: STUDIO,
}


@pytest.mark.parametrize("kind", list(ResourceKind), ids=str)
def test_studio_opens_what_lives_there_and_only_that(kind: ResourceKind) -> None:
    ref, console = REFS[kind]
    links = resource_links(place(ref), studio=DOMAINS)
    assert links.console == STUDIO_PAGES.get(kind, console)
    assert links.studio is (kind in STUDIO_PAGES)


@pytest.mark.parametrize(
    ("account", "region"),
    [(OTHER_ACCOUNT, REGION), (ACCOUNT, "us-west-2"), (None, REGION)],
    ids=["other account", "other region", "account unknown"],
)
def test_studio_of_another_account_or_region_falls_back_to_the_console(
    account: str | None, region: str
) -> None:
    ref = ResourceRef(
        ResourceKind.PIPELINE, "p/x1", arn("pipeline/p/execution/x1", region, account or "")
    )
    links = resource_links(
        ResourceRef(ref.kind, ref.name, ref.arn, account, region), studio=DOMAINS
    )
    assert links.console == (
        f"https://{region}.console.aws.amazon.com/sagemaker/home?region={region}#/studio-landing"
    )
    assert not links.studio


def test_a_job_of_a_pipeline_links_its_run_in_studio() -> None:
    job = place(ResourceRef(ResourceKind.TRAINING, "pipelines-x1-Train-abc", None))
    execution = arn("pipeline/p/execution/x1")
    links = resource_links(job, pipeline_execution_arn=execution, studio=DOMAINS)
    assert links.console == CONSOLE + "jobs/pipelines-x1-Train-abc"
    assert links.pipeline == STUDIO + "pipelines/view/p/executions/x1/graph"
    # A run of another account is not opened with our domain.
    other = arn("pipeline/p/execution/x1", account=OTHER_ACCOUNT)
    assert resource_links(job, pipeline_execution_arn=other, studio=DOMAINS).pipeline == LANDING


def test_a_pipeline_without_a_run_opens_its_own_page() -> None:
    ref = place(ResourceRef(ResourceKind.PIPELINE, "p", arn("pipeline/p")))
    assert resource_links(ref, studio=DOMAINS).console == STUDIO + "pipelines/view/p"
    assert resource_links(ref).console == LANDING


def test_a_package_group_named_by_the_event_wins_over_the_arn() -> None:
    ref = place(ResourceRef(ResourceKind.MODEL_PACKAGE, "x", arn("model-package/x")))
    # An unversioned package's ARN names no group: the console's page, not a wrong group.
    assert resource_links(ref, studio=DOMAINS).console == LANDING
    links = resource_links(ref, model_package_group="churn", studio=DOMAINS)
    assert links.console == STUDIO + "models/registered-models/churn/versions"


def test_logs_of_the_new_kinds() -> None:
    notebook = resource_links(place(REFS[ResourceKind.NOTEBOOK][0]))
    assert notebook.logs == (
        f"https://{REGION}.console.aws.amazon.com/cloudwatch/home?region={REGION}"
        "#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FNotebookInstances"
        "/log-events$3FlogStreamNameFilter$3Dnb-1$252F"
    )
    cluster = resource_links(place(REFS[ResourceKind.CLUSTER][0]))
    assert cluster.logs == (
        f"https://{REGION}.console.aws.amazon.com/cloudwatch/home?region={REGION}"
        "#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FClusters$252Fhp-1"
        "$252Fabcdef123456"
    )


def test_a_labeling_task_and_a_hyperpod_node_open_their_parents_page() -> None:
    job = arn("labeling-job/label-1")
    task = place(ResourceRef(ResourceKind.LABELING, "label-1/task/t-9", f"{job}/task/t-9"))
    assert resource_links(task).console == REFS[ResourceKind.LABELING][1]
    cluster = arn("cluster/abcdef123456")
    node = place(ResourceRef(ResourceKind.CLUSTER, "hp-1/i-0abc", f"{cluster}/node/i-0abc"))
    links = resource_links(node)
    assert links.console == REFS[ResourceKind.CLUSTER][1]
    assert links.logs == resource_links(place(REFS[ResourceKind.CLUSTER][0])).logs


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("cn-north-1", "https://cn-north-1.console.amazonaws.cn"),
        ("us-gov-west-1", "https://us-gov-west-1.console.amazonaws-us-gov.com"),
        ("eu-central-2", "https://eu-central-2.console.aws.amazon.com"),
    ],
)
def test_every_partition_has_its_console(region: str, host: str) -> None:
    ref = ResourceRef(
        ResourceKind.NOTEBOOK, "nb-1", arn("notebook-instance/nb-1", region), ACCOUNT, region
    )
    expected = f"{host}/sagemaker/home?region={region}#/notebook-instances/nb-1"
    assert resource_links(ref, studio=DOMAINS).console == expected


def test_odd_names_are_encoded() -> None:
    name = "a b/c?d#e&f|g>h%i→ü"
    ref = place(ResourceRef(ResourceKind.ALGORITHM, name, None))
    assert resource_links(ref).console == (
        CONSOLE + "algorithms/a%20b%2Fc%3Fd%23e%26f%7Cg%3Eh%25i%E2%86%92%C3%BC"
    )
    run = arn("pipeline/my pipe/execution/x?y")
    links = resource_links(place(ResourceRef(ResourceKind.PIPELINE, "r", run)), studio=DOMAINS)
    assert links.console == STUDIO + "pipelines/view/my%20pipe/executions/x%3Fy/graph"


@pytest.mark.parametrize("region", ["evil.example/", "us-east-1.evil.example#", "", None])
def test_a_region_that_is_not_one_gets_no_link(region: str | None) -> None:
    ref = ResourceRef(ResourceKind.TRAINING, "t", None, ACCOUNT, region)
    assert resource_links(ref, studio=DOMAINS) == ResourceLinks()


@given(name=st.text(min_size=1, max_size=40))
def test_no_name_changes_the_host_or_leaves_the_path(name: str) -> None:
    for kind in (ResourceKind.TRAINING, ResourceKind.ALGORITHM, ResourceKind.MODEL_PACKAGE):
        links = resource_links(
            place(ResourceRef(kind, name, None)), model_package_group=name, studio=DOMAINS
        )
        assert links.console is not None
        parts = urlsplit(links.console)
        assert parts.netloc in (
            f"{REGION}.console.aws.amazon.com",
            "studio-d-abc123.studio.us-east-1.sagemaker.aws",
        )
        # The name is one encoded segment: nothing in it is read as a path, query or fragment.
        tail = links.console.rsplit("/", 2 if kind is ResourceKind.MODEL_PACKAGE else 1)[1]
        assert unquote(tail) == name
        assert not set(tail) & set(" /?#&|<>")


# --- through the renderer: the setting reaches every link of a card ---------------------------


def test_a_renderer_with_a_domain_links_a_run_to_studio() -> None:
    event = parse_event(load_sample("pipeline_execution_status_change"))
    shown = str(Renderer(studio=DOMAINS).render(event))
    assert f"<{STUDIO}pipelines/view/myPipeline-123/executions/p4jn9xou8a8s/graph|Studio>" in shown
    assert "console.aws.amazon.com/sagemaker" not in shown
    plain = str(Renderer().render(event))
    assert f"<{LANDING}|Console>" in plain and "studio.us-east-1" not in plain


def test_a_steps_card_links_its_pipeline_and_run_in_studio() -> None:
    # The view links the pipeline and the run through arn_info: the renderer's domains reach it.
    event = parse_event(load_sample("pipeline_step_status_change"))
    shown = str(Renderer(studio=DOMAINS).render(event))
    assert f"<{STUDIO}pipelines/view/myPipeline-123|myPipeline-123>" in shown
    assert f"{STUDIO}pipelines/view/myPipeline-123/executions/" in shown
    assert "studio-landing" not in shown


def test_a_domain_of_another_region_leaves_a_card_on_the_console() -> None:
    event = parse_event(load_sample("model_package_state_change"))  # us-east-2
    shown = str(Renderer(studio=DOMAINS).render(event))
    assert "https://us-east-2.console.aws.amazon.com/sagemaker/home?region=us-east-2" in shown
    assert "sagemaker.aws/" not in shown


def test_an_inspection_of_a_run_links_studio() -> None:
    ref = place(ResourceRef(ResourceKind.PIPELINE, "p/x1", arn("pipeline/p/execution/x1")))
    message = render_inspection(Renderer(studio=DOMAINS), Inspection(ref, "Failed"))
    assert f"<{STUDIO}pipelines/view/p/executions/x1/graph|Studio>" in str(message)
    assert STUDIO not in str(render_inspection(Renderer(), Inspection(ref, "Failed")))


def test_a_domain_made_by_hand_never_reaches_a_host() -> None:
    # The settings refuse such a domain; a StudioDomains built in code is checked again.
    forged = StudioDomains(((ACCOUNT, REGION, "d-x.evil.example/"),))
    ref, console = REFS[ResourceKind.PIPELINE]
    links = resource_links(place(ref), studio=forged)
    assert links.console == console and not links.studio
