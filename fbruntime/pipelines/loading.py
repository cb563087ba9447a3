"""Reading a pipeline config from JSON text or a file, with errors that point into the file.

A JSON syntax error names the file, line and column; a key written twice in one object (which
``json`` would silently resolve to the last one) is reported too. Everything after decoding is
:func:`~fbruntime.pipelines.config.parse_config` and
:func:`~fbruntime.pipelines.validation.validate_pipeline`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from .config import PipelineConfig, parse_config
from .limits import decode_json
from .operations import OperationSpec
from .plan import Pipeline
from .problems import PipelineError, Problem
from .validation import validate_pipeline

__all__ = ["load_pipeline", "parse_config_json", "pipeline_from_json", "read_config"]


def _decode(text: str | bytes, source: str | None) -> object:
    where = f"{source}, " if source else ""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PipelineError(
                [Problem(None, None, f"{where}byte {error.start}: the file is not UTF-8 text")],
                source=source,
            ) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    repeated: list[str] = []

    def no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value in pairs:
            if key in result:
                repeated.append(key)
            result[key] = value
        return result

    try:
        data = decode_json(text, source=source, object_pairs_hook=no_repeats)
    except json.JSONDecodeError as error:
        raise PipelineError(
            [
                Problem(
                    None,
                    None,
                    f"{where}line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}",
                )
            ],
            source=source,
        ) from None
    if repeated:
        raise PipelineError(
            [
                Problem(
                    None, None, f"{where}key {key!r} appears twice in one object; keep only one"
                )
                for key in dict.fromkeys(repeated)
            ],
            source=source,
        )
    return data


def parse_config_json(text: str | bytes, *, source: str | None = None) -> PipelineConfig:
    """The config in ``text``; ``source`` names it in errors (an upload's file name)."""
    return parse_config(_decode(text, source), source=source)


def read_config(path: str | os.PathLike[str]) -> PipelineConfig:
    """The config in a JSON file; unreadable files are a :class:`PipelineError` too."""
    name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise PipelineError(
            [Problem(None, None, f"cannot read {name}: {reason}")], source=name
        ) from None
    return parse_config_json(raw, source=name)


def pipeline_from_json(
    text: str | bytes,
    operations: Mapping[str, OperationSpec] | None = None,
    *,
    source: str | None = None,
) -> Pipeline:
    """Decode, shape-check and validate in one step, e.g. for an uploaded config."""
    return validate_pipeline(parse_config_json(text, source=source), operations, source=source)


def load_pipeline(
    path: str | os.PathLike[str], operations: Mapping[str, OperationSpec] | None = None
) -> Pipeline:
    """Read and validate a pipeline file."""
    name = os.fspath(path)
    return validate_pipeline(read_config(path), operations, source=name)
