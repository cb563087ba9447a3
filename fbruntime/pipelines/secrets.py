"""Secrets: configs refer to them by name; values that slip in are redacted wherever they show.

A config never needs to hold a token. An independent param written as ``{"$secret": "NAME"}``
takes the secret's value when the task runs, looked up in

1. the secrets file named by the setting ``FBRT_SECRETS_FILE`` (a JSON object of strings, or
   ``NAME=value`` lines with ``#`` comments), re-read when it changes;
2. the environment variable ``FBRT_SECRET_<NAME>`` (the name upper-cased).

Only those two places: a config cannot read an arbitrary environment variable (the API token,
a database password) and send it somewhere.

A value given inline still works (it is kept in the stored config file, as uploaded), but it is
*redacted* (shown as ``***``) in every API answer, log line, page and ZIP:

* a param is secret when its operation lists it in ``secret_params`` or its name says so
  (``token``, ``password``, ``secret``, ``api_key``, ``private_key``, ``credential`` anywhere in
  it, any case): the config and run params shown by the API have its value replaced;
* every secret value a run knows (the secrets it may look up, the inline values of its secret
  params, the bot's token) is cut out of the errors, tracebacks, log lines and outputs it
  records, so an error message that quotes a URL with a token in it is stored without it.
  Values shorter than 4 characters are not searched for (they would blank out ordinary text).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "REDACTED",
    "SECRET_ENV_PREFIX",
    "SECRET_KEY",
    "Redactor",
    "SecretStore",
    "is_secret_param",
    "redact_params",
    "secret_name",
]

SECRET_KEY = "$secret"
SECRET_ENV_PREFIX = "FBRT_SECRET_"
REDACTED = "***"
MIN_SCRUBBED = 4
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_SECRET_PARAM = re.compile(r"token|passw|secret|api_?key|private_?key|credential", re.IGNORECASE)


def secret_name(value: object) -> str | None:
    """``NAME`` if ``value`` is a reference ``{"$secret": "NAME"}``, else None."""
    if type(value) is dict and len(value) == 1:
        name = value.get(SECRET_KEY)
        if isinstance(name, str):
            return name
    return None


def valid_secret_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def is_secret_param(name: str, declared: Iterable[str] = ()) -> bool:
    """Whether a param holds a secret: declared so by its operation, or named like one."""
    return name in declared or _SECRET_PARAM.search(name) is not None


def redact_params(params: Mapping[str, Any], secret: Iterable[str] = ()) -> dict[str, Any]:
    """``params`` with the values of secret params replaced (references stay: they are names)."""
    declared = frozenset(secret)
    return {
        name: REDACTED
        if is_secret_param(name, declared) and value is not None and secret_name(value) is None
        else value
        for name, value in params.items()
    }


class SecretStore:
    """Named secrets from the secrets file and ``FBRT_SECRET_*`` (see the module docstring)."""

    def __init__(
        self, file: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
    ) -> None:
        self.file = Path(file) if file else None
        self._environ = os.environ if environ is None else environ
        self._file_values: dict[str, str] = {}
        self._file_stamp: tuple[int, int] | None = None
        self.extra: set[str] = set()
        """Further values to redact that are not looked up by name (the bot's token)."""

    def _from_file(self) -> dict[str, str]:
        if self.file is None:
            return {}
        try:
            stat = self.file.stat()
        except OSError:
            self._file_values, self._file_stamp = {}, None
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._file_stamp:
            self._file_values = _read_secrets(self.file)
            self._file_stamp = stamp
        return self._file_values

    def get(self, name: str) -> str | None:
        """The secret's value, or None when neither the file nor the environment has it."""
        found = self._from_file().get(name)
        if found is not None:
            return found
        return self._environ.get(SECRET_ENV_PREFIX + name.upper())

    def where(self, name: str) -> str:
        """Where a user would put secret ``name`` (for error messages)."""
        places = f"set {SECRET_ENV_PREFIX}{name.upper()}"
        if self.file is not None:
            places = f"add it to {self.file} or " + places
        return places

    def values(self) -> set[str]:
        """Every secret value known (to redact them wherever they show)."""
        found = set(self._from_file().values())
        found.update(v for k, v in self._environ.items() if k.startswith(SECRET_ENV_PREFIX))
        found.update(self.extra)
        return {v for v in found if len(v) >= MIN_SCRUBBED}


def _read_secrets(path: Path) -> dict[str, str]:
    """The secrets file: a JSON object of strings, or ``NAME=value`` lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"secrets file {path}: cannot read it: {error}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(f"secrets file {path}: invalid JSON: {error}") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError(f"secrets file {path}: expected an object of strings")
        return {str(k): v for k, v in data.items()}
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals or not valid_secret_name(name.strip()):
            raise ValueError(f"secrets file {path}, line {number}: expected NAME=value")
        values[name.strip()] = value.strip()
    return values


class Redactor:
    """Cuts known secret values out of text and JSON values; falsy when it knows none."""

    __slots__ = ("_pattern",)

    def __init__(self, values: Iterable[str] = ()) -> None:
        kept = sorted({v for v in values if len(v) >= MIN_SCRUBBED}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, kept))) if kept else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        pattern = self._pattern
        return text if pattern is None else pattern.sub(REDACTED, text)

    def value(self, value: Any) -> Any:
        """A JSON value with the secrets cut out of every string in it (keys included)."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value
