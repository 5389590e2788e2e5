"""Shared fixtures: composed configs and small-world runs, cached per session."""

from __future__ import annotations

import functools

import pytest

from sim import compose_config, run


@functools.cache
def cached_run(*overrides: str):
    """A small-world run for these overrides, made once per test session."""
    return run(compose_config(["world=small", *overrides]))


@pytest.fixture(scope="session")
def baseline():
    return cached_run()


def small_config(*overrides: str):
    """A validated small-world config."""
    return compose_config(["world=small", *overrides])
