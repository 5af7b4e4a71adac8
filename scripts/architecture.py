"""Where each domain of ``exchanges/`` lives, derived from the tree. Standard library only.

    python scripts/architecture.py                               # print the domain table
    python scripts/architecture.py --check docs/architecture.md  # exit 1 on any drift
    python scripts/architecture.py --write docs/architecture.md  # rewrite the table in place

The naming rule: a module belongs to domain D when its name is D or starts with ``D_``
(``views/reviews_staff.py``, ``services/surveys_exports.py``) in ``exchanges/models/``,
``services/``, ``selectors/``, ``forms/``, ``views/`` and ``urls/``; its templates are
``templates/D/`` and ``templates/staff/D/``; its tests are ``tests/**/test_D*.py`` (again D or
``D_…``) and ``tests/factories/D.py``. What the rule cannot see is in ``EXTRAS`` (a domain's
modules under another name) and ``SHARED`` (modules that belong to every domain): this file is
the one place to read and to change when a module is added.

``--check`` fails when the table between ``<!-- domain-table:start -->`` and
``<!-- domain-table:end -->`` differs from the tree (it prints the diff), when a module of those
six layers belongs to no domain and is not shared, when an entry below names nothing, and when
the document names a path (`` `exchanges/rules.py` ``), a module or a name in a module
(`` `exchanges.dispatch.dispatch_on_commit` ``) or links a file that does not exist.
"""

import argparse
import ast
import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DOMAINS = (
    "programs",
    "applications",
    "nominations",
    "questions",
    "reviews",
    "selection",
    "offers",
    "matching",
    "placement",
    "predeparture",
    "itinerary",
    "attendance",
    "surveys",
    "alumni",
    "outcomes",
    "mail",
    "campaigns",
    "activity",
    "privacy",
    "dashboard",
    "apikeys",
    "webhooks",
)

PY_LAYERS = ("models", "services", "selectors", "forms", "views", "urls")
LAYERS = (*PY_LAYERS, "templates", "tests")
LAYER_BASES = {
    **{layer: f"exchanges/{layer}/" for layer in PY_LAYERS},
    "templates": "templates/",
    "tests": "tests/",
}

# A domain's files that the naming rule does not find (paths from the repository root; a
# trailing slash is a folder). The layer is the folder the path starts with.
EXTRAS = {
    "applications": (
        "exchanges/services/eligibility.py",  # the cohort's eligibility rules
        "exchanges/services/exports.py",  # CSV and XLSX exports of application lists
    ),
    "offers": (
        "exchanges/services/waitlists.py",  # seats, quotas, offer deadlines, waiting lists
    ),
    "matching": (
        "tests/matching/",  # tests of the pure-Python solvers in exchanges/matching/
    ),
    "mail": (
        "exchanges/services/notify.py",  # application and matching events -> the outbox
        "exchanges/services/reminders.py",  # scheduled email workflows (beat)
        "templates/emails/",  # system email templates of every domain
        "tests/exchanges/services/test_reminder_workflows.py",
        "tests/exchanges/services/test_reminders.py",
    ),
    "dashboard": ("templates/staff/dashboard.html",),
}

# Modules of the six layers that belong to no single domain, and why.
SHARED = {
    "exchanges/views/core.py": "the home page, the health check, favicon and error pages",
    "exchanges/views/pagination.py": "the one paginate() every list page uses",
    "exchanges/views/charts.py": "server-drawn SVG charts (pygal) for pages that chart numbers",
}

START = "<!-- domain-table:start -->"
END = "<!-- domain-table:end -->"
ROOT_PACKAGES = ("exchanges", "accounts", "api", "config", "tests")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
PATH_LIKE = re.compile(r"[\w.\-/]+")
ROOT_FILE = re.compile(r"[\w.\-]+\.(?:py|md|toml|ya?ml|txt|cfg|ini|json)")
DOTTED = re.compile(r"[a-z_][\w]*(?:\.[A-Za-z_]\w*)+")


def owner(name: str) -> str | None:
    """The domain a module, template folder or test named ``name`` belongs to by the rule."""
    for domain in DOMAINS:
        if name == domain or name.startswith(domain + "_"):
            return domain
    return None


def rel(path: Path) -> str:
    text = path.relative_to(ROOT).as_posix()
    return text + "/" if path.is_dir() else text


def layer_of(path: str) -> str:
    for layer, base in LAYER_BASES.items():
        if path.startswith(base):
            return layer
    raise ValueError(path)


def layer_modules() -> list[Path]:
    modules = []
    for layer in PY_LAYERS:
        folder = ROOT / "exchanges" / layer
        modules += [p for p in folder.rglob("*.py") if p.name != "__init__.py"]
    return sorted(modules)


def by_rule() -> dict[str, str]:
    """Every file or folder the naming rule places, with its domain."""
    placed = {}
    for module in layer_modules():
        domain = owner(module.stem)
        if domain:
            placed[rel(module)] = domain
    for base in ("templates", "templates/staff"):
        folder = ROOT / base
        for sub in sorted(folder.iterdir()) if folder.is_dir() else ():
            if sub.is_dir() and owner(sub.name) == sub.name:
                placed[rel(sub)] = sub.name
    for test in sorted((ROOT / "tests").rglob("test_*.py")):
        domain = owner(test.stem.removeprefix("test_"))
        if domain:
            placed[rel(test)] = domain
    for factory in sorted((ROOT / "tests" / "factories").glob("*.py")):
        if factory.stem in DOMAINS:
            placed[rel(factory)] = factory.stem
    return placed


def tree() -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """Each domain's files per layer, and what is wrong with the tree or the mappings."""
    problems = []
    placed = by_rule()
    for domain, paths in EXTRAS.items():
        if domain not in DOMAINS:
            problems.append(f"EXTRAS names {domain!r}, which is not in DOMAINS")
            continue
        for path in paths:
            if not (ROOT / path).exists():
                problems.append(f"EXTRAS[{domain!r}] names {path}, which does not exist")
            elif path in placed and placed[path] != domain:
                problems.append(f"{path} is in EXTRAS[{domain!r}] but named for {placed[path]}")
            else:
                placed[path] = domain
    for path in SHARED:
        if not (ROOT / path).exists():
            problems.append(f"SHARED names {path}, which does not exist")
        elif path in placed:
            problems.append(f"{path} is in SHARED but belongs to {placed[path]}")
    for module in layer_modules():
        path = rel(module)
        if path not in placed and path not in SHARED:
            problems.append(
                f"{path} belongs to no domain: name it <domain>.py or <domain>_<what>.py, "
                "or add it to EXTRAS or SHARED in scripts/architecture.py"
            )
    table: dict[str, dict[str, list[str]]] = {d: {layer: [] for layer in LAYERS} for d in DOMAINS}
    for path, domain in placed.items():
        layer = layer_of(path)
        table[domain][layer].append(path.removeprefix(LAYER_BASES[layer]))
    for domain in DOMAINS:
        if not any(table[domain].values()):
            problems.append(f"domain {domain!r} has no file in any layer: drop it from DOMAINS")
    return table, problems


def markdown(table: dict[str, dict[str, list[str]]]) -> str:
    lines = [
        "| domain | " + " | ".join(LAYERS) + " |",
        "|---" * (len(LAYERS) + 1) + "|",
    ]
    for domain, layers in table.items():
        # A domain's own template folder before its staff folder.
        cells = [
            ", ".join(sorted(layers[layer], key=lambda p: (p.startswith("staff/"), p))) or "—"
            for layer in LAYERS
        ]
        lines.append(f"| **{domain}** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def split(text: str, name: str) -> tuple[str, str, str]:
    """The document before, inside and after the markers."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise SystemExit(f"{name}: needs one {START} line followed by one {END} line")
    head, rest = text.split(START)
    inside, tail = rest.split(END)
    return head, inside, tail


def defined_names(module: Path) -> set[str]:
    names = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def dotted_problem(span: str) -> str | None:
    """``exchanges.services.mail`` or ``exchanges.services.mail.mail_queue`` must exist. A name
    whose first two parts are no module (an action type such as ``exchanges.application.
    accepted``, a task name) is not a reference to code and is left alone."""
    parts = span.removesuffix("()").split(".")
    for size in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:size])
        if base.with_suffix(".py").is_file():
            module = base.with_suffix(".py")
        elif base.is_dir():
            module = base / "__init__.py"
        else:
            continue
        rest = parts[size:]
        if not rest or (module.is_file() and rest[0] in defined_names(module)):
            return None
        return f"`{span}`: {'.'.join(parts[:size])} defines no {rest[0]}"
    return None


def reference_problems(text: str, doc: Path) -> list[str]:
    """Paths, modules and links the document names (outside the table and code blocks)."""
    head, _inside, tail = split(text, str(doc))
    prose = []
    fenced = False
    for line in (head + tail).splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            prose.append(line)
    prose_text = "\n".join(prose)
    problems = []
    for span in dict.fromkeys(CODE_SPAN.findall(prose_text)):
        if span.split(".")[0] in ROOT_PACKAGES and DOTTED.fullmatch(span.removesuffix("()")):
            if problem := dotted_problem(span):
                problems.append(problem)
        elif (
            PATH_LIKE.fullmatch(span)
            and not span.startswith(("/", "../"))
            and ("/" in span or ROOT_FILE.fullmatch(span))
            and not (ROOT / span).exists()
        ):
            problems.append(f"`{span}` does not exist")
    for target in dict.fromkeys(LINK.findall(prose_text)):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        if not (doc.parent / target.split("#")[0]).exists():
            problems.append(f"link ({target}) does not exist")
    return problems


def check(doc: Path, expected: str, problems: list[str]) -> int:
    text = doc.read_text(encoding="utf-8")
    _head, inside, _tail = split(text, str(doc))
    problems = problems + reference_problems(text, doc)
    found = inside.strip("\n").splitlines()
    wanted = expected.splitlines()
    if found != wanted:
        problems.append(f"the domain table in {doc} differs from the tree (- document, + tree):")
        diff = difflib.unified_diff(found, wanted, "document", "tree", lineterm="", n=0)
        problems += list(diff)[2:]  # without the ---/+++ header
        problems.append(f"to update it: python scripts/architecture.py --write {doc}")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"{doc} matches the tree.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", type=Path, metavar="DOC", help="fail when DOC is out of date")
    mode.add_argument("--write", type=Path, metavar="DOC", help="rewrite the table in DOC")
    args = parser.parse_args(argv)
    table, problems = tree()
    expected = markdown(table)
    if args.check:
        return check(args.check, expected, problems)
    if problems:
        print("\n".join(problems), file=sys.stderr)
    if args.write:
        head, _inside, tail = split(args.write.read_text(encoding="utf-8"), str(args.write))
        args.write.write_text(f"{head}{START}\n{expected}\n{END}{tail}", encoding="utf-8")
        return 1 if problems else 0
    print(expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
