"""4diac XML to the client's JSON: a pipeline drawn in the 4diac IDE as an application.

``fbrt pipeline import App.sys`` reads a system file's application whose function blocks are
operations (their types are the .fbt files :mod:`.fbt_export` writes) and prints the pipeline
config it describes; ``fbrt pipeline run App.sys`` runs it directly. The mapping:

=========================================  ==================================================
4diac                                      pipeline config
=========================================  ==================================================
the application (its name)                 ``dag_name`` (unless ``fbrt::dag_name`` is set)
an FB, in document order                   a task; its name is the task id
the FB's type                              ``operation``: the ``fbrt::operation`` attribute of
                                           the type's .fbt file next to the system (or in a
                                           folder given), else the operation whose name
                                           matches with ``.`` written ``_``
an FB parameter ``url = 'https://...'``    ``independent_params.url`` (IEC literal: strings
                                           quoted, ``TRUE``, ``42``, ``2.5``; a JSON object or
                                           list as a quoted string for object/list params)
a parameter ``'Hello ${user.name}'``       ``dependent_params``: a template
a parameter that is exactly ``${ref}``     ``dependent_params``: that reference
a data connection ``a.result -> b.value``  ``dependent_params.value = "a"`` (``"a.PIN"`` when
                                           the operation has several outputs)
an event connection ``a.CNF -> b.REQ``     ``b`` depends on ``a``
FB attribute ``fbrt::when`` and friends    the task field of that name (``when``,
                                           ``for_each``, ``trigger_rule``, ``pool``,
                                           ``max_parallel``, ``on_item_failure``, retries...)
system/application attribute ``fbrt::X``   the pipeline field ``X`` (``max_retries``,
                                           ``parameters`` as JSON, ``pools``, ``result``...)
=========================================  ==================================================

Several event connections into one ``REQ`` are all dependencies (a join), where 4diac would run
the FB once per event: a pipeline task runs once, after all of them. A data connection needs an
event path too (the value must exist before the task starts); one without is reported.

Every problem names the file, the line and the FB (``App.sys:14: FB 'format', parameter
indent: ...``); the pipeline validator's findings are mapped back to the FB's line the same way.
The XML is read with :mod:`fbruntime.fourdiac.xmlread` (no DTD, no entities, no network).
"""

from __future__ import annotations

import json
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.xmlread import line_of, parse_file
from fbruntime.iec import IecError
from fbruntime.iec.literals import parse_literal

from .config import parse_config
from .fbt_export import OPERATION_ATTRIBUTE, type_name
from .graph import reaches
from .operation import OperationRegistry
from .operations import ParamType
from .plan import Pipeline
from .problems import PipelineError, Problem
from .validation import validate_pipeline

__all__ = ["ImportedPipeline", "import_system", "load_system_pipeline"]

PREFIX = "fbrt::"
TASK_FIELDS = {
    "when": str,
    "trigger_rule": str,
    "for_each": str,
    "pool": str,
    "on_item_failure": str,
    "max_parallel": int,
    "max_retries": int,
    "retry_delay": float,
    "backoff": float,
    "max_delay": float,
    "jitter": float,
    "timeout": float,
    "no_retry_on": list,
}
PIPELINE_FIELDS = {
    "dag_name": str,
    "max_retries": int,
    "retry_delay": float,
    "backoff": float,
    "max_delay": float,
    "jitter": float,
    "timeout": float,
    "no_retry_on": list,
    "max_parallel": int,
    "parameters": dict,
    "pools": dict,
    "result": str,
}
_REFERENCE_ONLY = re.compile(r"\$\{\s*([^{}]+?)\s*\}")
_STRING_PREFIX = re.compile(r"(?:W?STRING#)", re.IGNORECASE)
_ESCAPES = {"$": "$", "'": "'", '"': '"', "L": "\n", "N": "\n", "P": "\f", "R": "\r", "T": "\t"}


@dataclass
class ImportedPipeline:
    """The config read from a system file, and where each task came from."""

    file: str
    application: str
    config: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # task id -> line of its FB

    def where(self, task: str | None) -> str:
        line = self.lines.get(task or "", 0)
        head = f"{self.file}:{line}" if line else self.file
        return f"{head}: FB {task!r}" if task else head

    def locate(self, error: PipelineError) -> PipelineError:
        """The validator's problems, each said at its FB's line."""
        problems = []
        for problem in error.problems:
            field_text = f", {problem.field}" if problem.field else ""
            if problem.task is None:
                message = f"{self.file}: {problem.field or 'pipeline'}: {problem.message}"
            else:
                message = f"{self.where(problem.task)}{field_text}: {problem.message}"
            problems.append(Problem(None, None, message))
        return PipelineError(problems, source=self.file, dag=error.dag)

    def json(self) -> str:
        return json.dumps(self.config, indent=2, ensure_ascii=False) + "\n"


class _Reader:
    def __init__(
        self,
        path: Path,
        registry: OperationRegistry,
        type_folders: Sequence[Path],
    ) -> None:
        self.path = path
        self.file = str(path)
        self.registry = registry
        self.type_folders = [path.parent, *type_folders]
        self.problems: list[Problem] = []
        self._fbt_cache: dict[str, str | None] | None = None

    def problem(self, element: etree._Element | None, fb: str | None, message: str) -> None:
        line = line_of(element) if element is not None else 0
        where = f"{self.file}:{line}" if line else self.file
        if fb is not None:
            where += f": FB {fb!r}"
        self.problems.append(Problem(None, None, f"{where}: {message}"))

    # -- types -> operations ---------------------------------------------------------------

    def _fbt_operations(self) -> dict[str, str | None]:
        """Type name (lower case) -> the operation its .fbt names, from the type folders."""
        if self._fbt_cache is not None:
            return self._fbt_cache
        found: dict[str, str | None] = {}
        for folder in self.type_folders:
            if not folder.is_dir():
                continue
            for fbt in sorted(folder.rglob("*")):
                if fbt.suffix.lower() != ".fbt" or not fbt.is_file():
                    continue
                try:
                    root = parse_file(fbt)
                except FourdiacError as error:
                    self.problems.append(Problem(None, None, str(error)))
                    continue
                name = root.get("Name") or fbt.stem
                operation = None
                for attribute in root.findall("Attribute"):
                    if attribute.get("Name") == OPERATION_ATTRIBUTE:
                        operation = _unquote(attribute.get("Value") or "")
                found.setdefault(name.lower(), operation)
        self._fbt_cache = found
        return found

    def operation_of(self, fb: etree._Element, name: str) -> str | None:
        kind = fb.get("Type") or ""
        short = kind.rsplit("::", 1)[-1]
        declared = self._fbt_operations().get(short.lower())
        if declared:
            if declared not in self.registry:
                self.problem(
                    fb,
                    name,
                    f"type {kind!r} names operation {declared!r}, which is not in the library",
                )
                return None
            return declared
        by_type = {type_name(op).lower(): op for op in self.registry}
        operation = by_type.get(short.lower())
        if operation is None:
            self.problem(
                fb,
                name,
                f"type {kind!r} is not an operation (write its .fbt with 'fbrt pipeline fbt', "
                "or give the folder with --types)",
            )
        return operation

    # -- values ----------------------------------------------------------------------------

    def value(
        self, fb: etree._Element, name: str, pin: str, text: str, kind: ParamType | None
    ) -> tuple[str, object]:
        """``("independent", value)`` or ``("dependent", reference text)``."""
        stripped = text.strip()
        whole = _REFERENCE_ONLY.fullmatch(stripped)
        if whole is not None:
            return "dependent", whole.group(1)
        kinds = kind.kinds if kind is not None else frozenset({"any"})
        quoted = _quoted(stripped)
        if quoted is not None:
            if "${" in quoted:
                return "dependent", quoted
            if kinds & {"dict", "list", "any"} and quoted.strip()[:1] in ("{", "["):
                try:
                    return "independent", json.loads(quoted)
                except ValueError as error:
                    if "str" not in kinds and "any" not in kinds:
                        raise ValueError(f"not valid JSON: {error}") from None
            return "independent", quoted
        if kinds == {"str"}:
            return "independent", stripped  # old 4diac files leave strings unquoted
        if stripped[:1] in ("{", "[") or stripped == "null":
            try:
                return "independent", json.loads(stripped)
            except ValueError:
                pass
        try:
            _, literal = parse_literal(stripped)
        except IecError as error:
            raise ValueError(str(error)) from None
        return "independent", literal


def _quoted(text: str) -> str | None:
    """The content of a 4diac string literal (``'..'``, ``".."``, ``STRING#'..'``), else None."""
    body = _STRING_PREFIX.sub("", text, count=1) if _STRING_PREFIX.match(text) else text
    if len(body) < 2 or body[0] not in "'\"" or body[-1] != body[0]:
        return None
    inner = body[1:-1]
    out: list[str] = []
    index = 0
    while index < len(inner):
        char = inner[index]
        if char == "$" and index + 1 < len(inner):
            following = inner[index + 1]
            if following.upper() in _ESCAPES:
                out.append(_ESCAPES[following.upper()])
                index += 2
                continue
            hex_digits = inner[index + 1 : index + 3]
            if re.fullmatch(r"[0-9A-Fa-f]{2}", hex_digits):
                out.append(chr(int(hex_digits, 16)))
                index += 3
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _unquote(text: str) -> str:
    quoted = _quoted(text.strip())
    return quoted if quoted is not None else text.strip()


def _field_value(kind: type, text: str) -> object:
    text = _unquote(text)
    if kind is str:
        return text
    words = {int: "a whole number", float: "a number", list: "a JSON list", dict: "a JSON object"}
    try:
        value = json.loads(text)
    except ValueError:
        raise ValueError(f"expected {words.get(kind, kind.__name__)}, got {text!r}") from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"expected {words.get(kind, kind.__name__)}, got {text!r}")
    return value


def _attributes(
    reader: _Reader,
    element: etree._Element,
    fields: Mapping[str, type],
    fb: str | None,
    into: dict[str, Any],
) -> None:
    for attribute in element.findall("Attribute"):
        name = attribute.get("Name") or ""
        if not name.startswith(PREFIX):
            continue
        key = name[len(PREFIX) :]
        kind = fields.get(key)
        if kind is None:
            known = ", ".join(PREFIX + k for k in fields)
            reader.problem(attribute, fb, f"unknown attribute {name!r} (known: {known})")
            continue
        try:
            into[key] = _field_value(kind, attribute.get("Value") or "")
        except ValueError as error:
            reader.problem(attribute, fb, f"attribute {name!r}: {error}")


def _ends(
    reader: _Reader, connection: etree._Element, kind: str, fbs: Container[str]
) -> tuple[tuple[str, str], tuple[str, str], str] | None:
    """A connection's (FB, pin) ends and its text, or None once reported: both ends must be
    FBs of the application."""
    source = _split_pin(connection.get("Source") or "")
    target = _split_pin(connection.get("Destination") or "")
    text = f"{connection.get('Source')} -> {connection.get('Destination')}"
    if source is None or target is None or source[0] not in fbs or target[0] not in fbs:
        reader.problem(
            connection, None, f"{kind} connection {text}: both ends must be FBs of the application"
        )
        return None
    return source, target, text


def _split_pin(text: str) -> tuple[str, str] | None:
    fb, dot, pin = text.partition(".")
    return (fb, pin) if dot and fb and pin and "." not in pin else None


def import_system(
    path: str | Path,
    operations: OperationRegistry,
    *,
    application: str | None = None,
    type_folders: Sequence[str | Path] = (),
) -> ImportedPipeline:
    """Read the pipeline an application of a 4diac system file describes (module docstring).

    :class:`PipelineError` lists every problem, each at its file, line and FB.
    """
    path = Path(path)
    reader = _Reader(path, operations, [Path(f) for f in type_folders])
    try:
        root = parse_file(path)
    except FourdiacError as error:
        raise PipelineError([Problem(None, None, str(error))], source=str(path)) from None
    if root.tag != "System":
        raise PipelineError(
            [Problem(None, None, f"{path}:{line_of(root)}: <{root.tag}> is not a 4diac system")],
            source=str(path),
        )
    apps = root.findall("Application")
    names = [app.get("Name") or "" for app in apps]
    if application is not None:
        chosen = [app for app in apps if app.get("Name") == application]
        if not chosen:
            message = f"no application {application!r} (it has: {', '.join(names) or 'none'})"
            raise PipelineError([Problem(None, None, f"{path}: {message}")], source=str(path))
    elif len(apps) != 1:
        message = (
            "has no application"
            if not apps
            else f"has {len(apps)} applications ({', '.join(names)}): choose one"
        )
        raise PipelineError([Problem(None, None, f"{path}: {message}")], source=str(path))
    else:
        chosen = apps
    app = chosen[0]
    app_name = app.get("Name") or ""
    imported = ImportedPipeline(str(path), app_name, {})
    config: dict[str, Any] = {"dag_name": app_name}
    _attributes(reader, root, PIPELINE_FIELDS, None, config)
    _attributes(reader, app, PIPELINE_FIELDS, None, config)
    network = app.find("SubAppNetwork")
    if network is None:
        network = app.find("FBNetwork")
    fbs: dict[str, etree._Element] = {}
    ops: dict[str, str] = {}
    tasks: dict[str, dict[str, Any]] = {}
    if network is not None:
        for sub in network.findall("SubApp"):
            reader.problem(
                sub,
                sub.get("Name"),
                "subapplications are not supported in a pipeline: place their FBs in the "
                "application itself",
            )
        for fb in network.findall("FB"):
            name = fb.get("Name") or ""
            if name in fbs:
                reader.problem(fb, name, f"a second FB named {name!r}")
                continue
            fbs[name] = fb
            imported.lines[name] = line_of(fb)
            operation = reader.operation_of(fb, name)
            task: dict[str, Any] = {"id": name, "operation": operation or fb.get("Type", "")}
            tasks[name] = task
            if operation is None:
                continue
            ops[name] = operation
            spec = operations[operation]
            for parameter in fb.findall("Parameter"):
                pin = parameter.get("Name") or ""
                param = spec.params.get(pin)
                if param is None and not spec.extra_params:
                    reader.problem(
                        parameter,
                        name,
                        f"parameter {pin!r}: operation {operation!r} has no such input "
                        f"(its inputs: {', '.join(spec.params) or 'none'})",
                    )
                    continue
                try:
                    where, value = reader.value(
                        fb, name, pin, parameter.get("Value") or "", param.type if param else None
                    )
                except ValueError as error:
                    reader.problem(parameter, name, f"parameter {pin!r}: {error}")
                    continue
                group = "independent_params" if where == "independent" else "dependent_params"
                task.setdefault(group, {})[pin] = value
            _attributes(reader, fb, TASK_FIELDS, name, task)
        dependencies: dict[str, list[str]] = {name: [] for name in tasks}
        events = network.find("EventConnections")
        for connection in events.findall("Connection") if events is not None else []:
            ends = _ends(reader, connection, "event", fbs)
            if ends is None:
                continue
            source, target, text = ends
            if source[1] != "CNF" or target[1] != "REQ":
                reader.problem(
                    connection,
                    target[0],
                    f"event connection {text}: connect CNF to REQ (a task starts on REQ and "
                    "says it finished with CNF)",
                )
                continue
            if source[0] not in dependencies[target[0]]:
                dependencies[target[0]].append(source[0])
        data = network.find("DataConnections")
        fed: dict[tuple[str, str], str] = {}
        for connection in data.findall("Connection") if data is not None else []:
            ends = _ends(reader, connection, "data", fbs)
            if ends is None:
                continue
            source, target, text = ends
            (src, out_pin), (dst, in_pin) = source, target
            if src not in ops or dst not in ops:
                continue  # the FB's type was already reported
            outputs = [p.name for p in operations.fbtype(ops[src]).interface.data_outputs]
            if out_pin not in outputs:
                reader.problem(
                    connection,
                    dst,
                    f"data connection {text}: {out_pin!r} is not an output of {src!r} "
                    f"(operation {ops[src]!r} gives: {', '.join(outputs) or 'nothing'})",
                )
                continue
            spec = operations[ops[dst]]
            if in_pin not in spec.params and not spec.extra_params:
                reader.problem(
                    connection,
                    dst,
                    f"data connection {text}: {in_pin!r} is not an input of operation "
                    f"{ops[dst]!r} (its inputs: {', '.join(spec.params) or 'none'})",
                )
                continue
            if (dst, in_pin) in fed:
                reader.problem(
                    connection,
                    dst,
                    f"data connection {text}: input {in_pin!r} is already fed by "
                    f"{fed[(dst, in_pin)]}",
                )
                continue
            fed[(dst, in_pin)] = str(connection.get("Source"))
            if not reaches(dependencies, dst, src):
                reader.problem(
                    connection,
                    dst,
                    f"data connection {text}: {dst!r} does not wait for {src!r}, so the value "
                    f"may not exist yet; connect {src}.CNF to {dst}.REQ (or to an FB before "
                    f"{dst})",
                )
                continue
            reference = src if len(outputs) == 1 else f"{src}.{out_pin}"
            params = tasks[dst]
            params.get("independent_params", {}).pop(in_pin, None)
            params.setdefault("dependent_params", {})[in_pin] = reference
        for name, deps in dependencies.items():
            if deps:
                tasks[name]["dependencies"] = deps
    order = ["id", "operation", "independent_params", "dependent_params", "dependencies"]
    order += list(TASK_FIELDS)
    config["tasks"] = [{k: task[k] for k in order if k in task} for task in tasks.values()]
    head = ["dag_name", *PIPELINE_FIELDS, "tasks"]
    imported.config = {k: config[k] for k in head if k in config}
    if reader.problems:
        raise PipelineError(reader.problems, source=str(path), dag=app_name)
    return imported


def load_system_pipeline(
    path: str | Path,
    operations: OperationRegistry,
    *,
    application: str | None = None,
    type_folders: Sequence[str | Path] = (),
) -> tuple[ImportedPipeline, Pipeline]:
    """Import and validate; the validator's problems come back at their FBs' lines."""
    imported = import_system(path, operations, application=application, type_folders=type_folders)
    try:
        pipeline = validate_pipeline(
            parse_config(imported.config, source=imported.file), operations, source=imported.file
        )
    except PipelineError as error:
        raise imported.locate(error) from None
    return imported, pipeline
