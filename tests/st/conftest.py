"""Fixtures for the ST tests (helpers live in st_support)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from st_support import Instance, run_once


@pytest.fixture
def run_st() -> Callable[..., Instance]:
    return run_once
