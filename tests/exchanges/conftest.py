"""Fixtures for the exchanges tests: a program with an open cohort."""

import pytest

from tests.factories.applications import LeadersCohortFactory


@pytest.fixture
def cohort(db):
    return LeadersCohortFactory()
