"""The README's Python client example, run as written against a live server."""

import contextlib
import io
import re
from pathlib import Path

import pytest
from django.db import connections

from exchanges.demo.api_keys import seed_demo_api_keys
from tests.api.conftest import submitted

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text()
    block = re.search(
        r"<!-- api-client-example -->\n```python\n(.*?)```\n<!-- /api-client-example -->",
        text,
        re.DOTALL,
    )
    return block.group(1)


@pytest.mark.django_db(transaction=True)
def test_readme_client_example_runs_against_a_live_server(world, live_server, monkeypatch):
    # The server's request threads close their connections at the end of each request, so
    # PostgreSQL can drop the test database afterwards.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    seed_demo_api_keys(organisations={c: world[c].organisation for c in ("US", "JP", "KR")})
    question = world["cohort"].form.steps.get().questions.get()
    extra = [submitted(world["cohort"], "JP", question)[0] for _ in range(2)]
    # Pages of two, so the example follows the cursor.
    code = (
        readme_example()
        .replace("http://127.0.0.1:8000", live_server.url)
        .replace("page_size=100", "page_size=2")
    )
    output = io.StringIO()

    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 -- the README's own example

    expected = [world["JP"].application, *extra]
    assert output.getvalue().splitlines() == [
        f"{application.pk} {application.applicant.email} 1" for application in expected
    ]
