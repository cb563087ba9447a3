from __future__ import annotations

import json
from pathlib import Path

import pytest

from fbruntime.pipelines import (
    PipelineError,
    load_pipeline,
    parse_config_json,
    pipeline_from_json,
    read_config,
)

from .conftest import EXAMPLE_OPERATIONS, example_config


def write(tmp_path: Path, text: str | bytes, name: str = "weather.json") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_pipeline_file_loads_and_validates(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(example_config(), indent=2))
    pipeline = load_pipeline(path, EXAMPLE_OPERATIONS)
    assert pipeline.dag_id == "weather_to_telegram"
    assert read_config(str(path)) == pipeline.config


def test_json_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, '{\n  "dag_name": "d",\n  "tasks": [\n    {"id": "a" "operation": "o"}\n  ]\n}\n'
    )
    with pytest.raises(PipelineError) as caught:
        read_config(path)
    assert str(caught.value) == (
        f"pipeline ({path}) has 1 problem:\n"
        f"  - {path}, line 4, column 16: invalid JSON: Expecting ',' delimiter"
    )
    assert caught.value.source == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1, column 1: invalid JSON: Expecting value"),
        (
            '{"dag_name": "d",}',
            "line 1, column 18: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("{\"dag_name\": 'd'}", "line 1, column 14: invalid JSON: Expecting value"),
        ('{"a": 1}\n{"b": 2}', "line 2, column 1: invalid JSON: Extra data"),
    ],
)
def test_json_syntax_error_table(text: str, message: str) -> None:
    with pytest.raises(PipelineError) as caught:
        parse_config_json(text)
    assert [str(p) for p in caught.value.problems] == [message]


def test_key_written_twice_is_reported_instead_of_last_one_winning() -> None:
    text = '{"dag_name": "d", "max_retries": 1, "max_retries": 5, "tasks": [{"id": "a", "operation": "o", "id": "b"}]}'
    with pytest.raises(PipelineError) as caught:
        parse_config_json(text, source="up.json")
    assert [str(p) for p in caught.value.problems] == [
        "up.json, key 'id' appears twice in one object; keep only one",
        "up.json, key 'max_retries' appears twice in one object; keep only one",
    ]


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"dag_name": "caf\xe9"}')
    with pytest.raises(PipelineError) as caught:
        read_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}, byte 17: the file is not UTF-8 text"
    ]


def test_byte_order_mark_from_windows_editors_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(example_config()).encode())
    assert read_config(path).dag_id == "weather_to_telegram"
    assert (
        parse_config_json("\ufeff" + json.dumps(example_config())).dag_id == "weather_to_telegram"
    )


def test_missing_file_is_a_pipeline_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(PipelineError) as caught:
        read_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"cannot read {path}: No such file or directory"
    ]


def test_shape_and_meaning_problems_name_the_source(tmp_path: Path) -> None:
    data = example_config()
    data["tasks"][2]["dependencies"] = ["fetch", "nobody"]
    path = write(tmp_path, json.dumps(data))
    with pytest.raises(PipelineError) as caught:
        load_pipeline(path, EXAMPLE_OPERATIONS)
    assert str(caught.value) == (
        f"pipeline 'weather_to_telegram' ({path}) has 2 problems:\n"
        "  - task 'send', dependencies[1]: unknown task 'nobody'\n"
        "  - task 'send', dependent_params.text: 'format' refers to task 'format', which is not "
        "upstream of 'send' (not among its dependencies, direct or indirect), so it may not "
        "have run yet; add 'format' to dependencies"
    )
    data["extra"] = 1
    with pytest.raises(PipelineError, match="extra: unknown field 'extra'"):
        pipeline_from_json(json.dumps(data).encode(), EXAMPLE_OPERATIONS, source="upload")
