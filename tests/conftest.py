"""Shared test options and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_NOW = "2021-10-04T18:00:00Z"
"""The moment the example site is built as of (see the Makefile's EXAMPLE_NOW)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files (expected sites, error messages) from the current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to refresh golden files instead of comparing them."""
    return bool(request.config.getoption("--update-golden"))
