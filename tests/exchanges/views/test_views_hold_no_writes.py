"""Every state change goes through a service: a view that writes rows or the activity log
itself fails here (house style: views parse, check permissions, call services and render)."""

import re
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[3] / "exchanges" / "views"
# Writes a view must leave to services. `form.save(commit=False)` builds an unsaved instance
# for a service and is allowed; a bare `.save()` or `.save(update_fields=...)` is not.
WRITES = {
    "activity log": re.compile(r"\bactivity_log_record\("),
    "save": re.compile(r"\.save\((?!commit=False\))"),
    "delete": re.compile(r"\.delete\(\)"),
    "create": re.compile(r"\.objects\.(create|bulk_create|get_or_create|update_or_create)\("),
    "update": re.compile(r"\.(filter|all|exclude)\([^)]*\)\.update\("),
}


def test_views_write_nothing_themselves():
    found = []
    for path in sorted(VIEWS.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for kind, pattern in WRITES.items():
                if pattern.search(line):
                    found.append(f"{path.name}:{number} ({kind}): {line.strip()}")

    assert found == []
