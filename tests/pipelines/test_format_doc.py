"""FORMAT.md is the user's manual: its examples must stay valid and its messages real."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

import fbruntime.pipelines
from fbruntime.pipelines import (
    PipelineError,
    Reference,
    parse_config,
    parse_dependent,
    parse_reference,
    parse_template,
    pipeline_from_json,
    resolve,
    validate_pipeline,
)
from fbruntime.pipelines.secrets import secret_name

from .conftest import EXAMPLE_OPERATIONS, example_config

FORMAT = Path(fbruntime.pipelines.__file__).with_name("FORMAT.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    fenced = re.findall(r"^```(\w*)\n(.*?)^```$", FORMAT, flags=re.DOTALL | re.MULTILINE)
    return [body for lang, body in fenced if lang == language]


PIPELINES = [b for b in blocks("json") if '"dag_name"' in b]


@pytest.mark.parametrize("text", PIPELINES, ids=[json.loads(b)["dag_name"] for b in PIPELINES])
def test_every_pipeline_example_validates(text: str) -> None:
    from fbruntime.pipelines.nested import RunPipeline
    from fbruntime.pipelines.plugins import OperationSource

    from .conftest import shipped_operations

    operations = OperationSource(shipped_operations(), builtins=(RunPipeline,)).current()
    pipeline = pipeline_from_json(text, operations, source="FORMAT.md")
    assert pipeline.graph.order[0] in ("fetch", "say", "users", "cities")


def test_the_documented_examples_are_the_extras_shown() -> None:
    names = [json.loads(b)["dag_name"] for b in PIPELINES]
    assert names == [
        "weather_to_telegram",
        "nightly_report",
        "greeting",
        "heat_check",
        "greet_all",
        "all_city_reports",
    ]


def test_template_example_parses() -> None:
    (snippet,) = [b for b in blocks("json") if '"dag_name"' not in b and "${" in b]
    (value,) = json.loads(snippet).values()
    assert [str(r) for r in parse_template(value).references] == ["user.name", "inbox.count"]


def test_secret_example_is_a_secret_reference() -> None:
    (snippet,) = [b for b in blocks("json") if '"dag_name"' not in b and "$secret" in b]
    (value,) = json.loads(snippet).values()
    assert secret_name(value) == "weather_bot"


def test_reference_table_entries_parse() -> None:
    table = re.findall(r"^\| `(\"[^`]*\")` \|", FORMAT, flags=re.MULTILINE)
    parsed = [parse_dependent(json.loads(entry)) for entry in table]
    assert parsed == [
        Reference("fetch"),
        Reference("fetch", ("items",)),
        Reference("fetch", ("items", 0, "name")),
        Reference("fetch", ("items", -1)),
        Reference("fetch", ("headers", "content-type")),
    ]


def test_documented_messages_are_the_real_ones() -> None:
    (resolution, _formula, report) = blocks("")
    with pytest.raises(LookupError) as caught:
        resolve(
            parse_reference("fetch.items[5].name"),
            {"fetch": {"items": [{}, {}]}},
            task="send",
            param="text",
        )
    assert str(caught.value) == resolution.strip()

    broken = copy.deepcopy(example_config())
    broken["tasks"][0]["operation"] = "http.get"
    broken["tasks"][1]["dependencies"] = ["fetch", "ghost"]
    broken["tasks"][2]["independent_params"]["chat_id"] = None
    with pytest.raises(PipelineError) as error:
        validate_pipeline(parse_config(broken), EXAMPLE_OPERATIONS, source="weather.json")
    assert str(error.value) == report.strip()
