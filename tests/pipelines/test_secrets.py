"""Secrets: where they are looked up, and how they are cut out of what is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fbruntime.pipelines.secrets import (
    REDACTED,
    Redactor,
    SecretStore,
    is_secret_param,
    redact_params,
    secret_name,
)


def test_a_secret_comes_from_the_file_then_the_prefixed_environment(tmp_path: Path) -> None:
    file = tmp_path / "secrets.json"
    file.write_text(json.dumps({"bot": "from-file", "both": "file-wins"}))
    env = {"FBRT_SECRET_BOTH": "env", "FBRT_SECRET_ONLY_ENV": "env-only", "HOME": "/root"}
    store = SecretStore(file, env)
    assert store.get("bot") == "from-file"
    assert store.get("both") == "file-wins"
    assert store.get("only_env") == "env-only"
    assert store.get("HOME") is None  # any other variable is out of a config's reach
    assert store.where("x") == f"add it to {file} or set FBRT_SECRET_X"
    file.write_text("# NAME=value lines work too\nbot = rotated\n")
    assert store.get("bot") == "rotated"  # read again when it changes
    assert store.values() == {"rotated", "env-only"}  # "env": too short to search for


def test_a_broken_secrets_file_says_where(tmp_path: Path) -> None:
    file = tmp_path / "secrets.env"
    file.write_text("ok=1\nnot a line\n")
    with pytest.raises(ValueError, match=r"secrets.env, line 2: expected NAME=value"):
        SecretStore(file, {}).get("ok")


def test_references_and_secret_params_are_recognised() -> None:
    assert secret_name({"$secret": "bot"}) == "bot"
    assert secret_name({"$secret": "bot", "other": 1}) is None
    assert secret_name("$secret") is None
    assert [
        n for n in ("token", "api_key", "PASSWORD", "url", "chat_id") if is_secret_param(n)
    ] == [
        "token",
        "api_key",
        "PASSWORD",
    ]
    assert is_secret_param("pin", declared=("pin",))
    assert redact_params({"token": "x", "ref": {"$secret": "a"}, "url": "u"}, ("ref",)) == {
        "token": REDACTED,
        "ref": {"$secret": "a"},
        "url": "u",
    }


def test_the_redactor_cuts_every_known_value_out_of_text_and_json() -> None:
    redactor = Redactor(["123456:ABC-DEF", "abc", "hunter22"])
    assert redactor.text("GET /bot123456:ABC-DEF/send with hunter22") == "GET /bot***/send with ***"
    assert (
        redactor.text("abc stays: too short to search for") == "abc stays: too short to search for"
    )
    assert redactor.value({"k": ["hunter22", 1, {"hunter22": None}]}) == {
        "k": ["***", 1, {"***": None}]
    }
    assert not Redactor([]) and Redactor([]).text("x") == "x"
