"""Architecture tests: one write path per model (ADR 0017), and ``core`` knows no domain app.

A domain model is written (``save``, ``delete``, ``update``, ``create``, ``get_or_create``,
``update_or_create``, ``bulk_create``, ``bulk_update``) only in the ``services`` module or package of the
app that owns it. The checker reads the source (AST), so it sees what a test run would not reach:

* ``Model.objects…write(…)`` / ``Model._default_manager…write(…)`` where ``Model`` is a domain model: only in
  ``jiaoyun/<its app>/services(.py|/)``;
* a queryset write whose model the source does not name (``qs.filter(…).update(…)``, ``….objects…``) and
  ``x.save()`` / ``x.delete()`` on an instance: only in a ``services`` module.

``super().save()`` (a model's own ``save``) is not a second write path. Migrations and tests are not read.
The core app (users, the audit log, sessions) is the platform's infrastructure, not a domain app.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[3]  # the repository root
PACKAGE = ROOT / "jiaoyun"
DOMAIN_APPS = (
    "areas",
    "schools",
    "people",
    "dropout",
    "teachers",
    "safety",
    "indicators",
    "learning",
    "exchange",
    "facilities",
    "finance",
    "standards",
    "forecast",
    "supervision",
    "bulletins",
    "notices",
    "warning",
    "quality",
)
WRITES = {"save", "delete", "update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
INSTANCE_WRITES = {"save", "delete"}
QUERYSET_STEPS = {"objects", "_default_manager", "filter", "exclude", "all", "select_for_update", "select_related"}

# Where a write outside the owning app's services is accepted (a pattern on the module's path) — each one
# with its reason. Keep it short.
ALLOWED = {
    # The demo generator's bulk load: it fills an empty database with a whole county in set-based inserts
    # (ADR 0017); it runs only from the demo command, never on a page, an API call or a task.
    r"jiaoyun/demo/": "demo generator bulk load",
    r"jiaoyun/\w+/demo(\.py|/)": "demo generator bulk load (each app's part)",
}


def domain_models() -> dict[str, str]:
    """Model class name → the app (``areas``, …) that owns it, for every domain app."""
    owners: dict[str, str] = {}
    for model in apps.get_models():
        parts = model.__module__.split(".")
        if parts[0] == "jiaoyun" and parts[1] in DOMAIN_APPS:
            # Two apps may each own a model of the same name (``Evidence``): the name then stands for either.
            known = owners.get(model.__name__)
            owners[model.__name__] = parts[1] if not known or known == parts[1] else f"{known}|{parts[1]}"
    return owners


def _chain(node: ast.expr) -> tuple[str | None, list[str]]:
    """The base name of a receiver (``Student`` in ``Student.objects.filter(…)``) and the attributes on the way."""
    steps: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            steps.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    return (node.id if isinstance(node, ast.Name) else None), steps[::-1]


def _services_of(path: str) -> str | None:
    """``areas`` for ``jiaoyun/areas/services.py`` or ``jiaoyun/areas/services/x.py``; None elsewhere."""
    match = re.match(r"jiaoyun/(\w+)/services(\.py|/)", path)
    return match.group(1) if match else None


def write_offences(source: str, path: str, models: dict[str, str]) -> list[str]:
    """The writes in ``source`` (the module at ``path``, relative to the repository) outside the right services."""
    services_app = _services_of(path)
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
            continue  # a model's own save()/delete() calling Django's
        base, steps = _chain(receiver)
        through_queryset = bool(QUERYSET_STEPS & set(steps))
        owner = models.get(base or "")
        text = f"{path}:{node.lineno}: {ast.unparse(node.func)}"
        if owner and (through_queryset or isinstance(receiver, ast.Name)):
            if services_app not in owner.split("|"):
                found.append(f"{text} writes {base} (app {owner}) outside {owner}/services")
        elif (through_queryset or node.func.attr in INSTANCE_WRITES) and services_app is None:
            found.append(f"{text} writes outside a services module")
    return found


def _allowed(path: str) -> bool:
    return any(re.match(pattern, path) for pattern in ALLOWED)


def _modules() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if "/migrations/" not in p.as_posix() and "/tests/" not in p.as_posix() and "/core/" not in p.as_posix()
    ]


@pytest.mark.django_db(databases=[])
def test_domain_models_are_written_only_by_their_services() -> None:
    models = domain_models()
    assert {"Area", "School", "Student", "HukouRecord"} <= set(models)
    offences = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if not _allowed(rel):
            offences += write_offences(path.read_text(encoding="utf-8"), rel, models)
    assert not offences, "writes outside the owning app's services (ADR 0017):\n" + "\n".join(offences)


def test_every_allowlist_entry_still_names_a_module() -> None:
    paths = [p.relative_to(ROOT).as_posix() for p in _modules()]
    for pattern in ALLOWED:
        assert any(re.match(pattern, path) for path in paths), f"{pattern} matches no module: remove it from ALLOWED"


MODELS = {"Student": "people", "School": "schools", "Area": "areas"}


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("jiaoyun/people/views/students.py", "def v(request, s):\n    s.name = 'x'\n    s.save()\n"),
        ("jiaoyun/people/views/students.py", "Student.objects.filter(pk=1).update(name='x')\n"),
        ("jiaoyun/schools/admin.py", "School.objects.create(code='1')\n"),
        ("jiaoyun/people/api.py", "qs = selectors.x()\nqs.filter(a=1).delete()\n"),
        ("jiaoyun/people/services/students.py", "Area.objects.bulk_create([])\n"),  # another app's model
        ("jiaoyun/exchange/kinds/areas.py", "Area.objects.bulk_update([], ['name'])\n"),
    ],
)
def test_the_checker_finds_a_write_outside_the_services(path: str, source: str) -> None:
    assert write_offences(source, path, MODELS)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("jiaoyun/people/services/students.py", "def f(s):\n    s.save()\n    Student.objects.create()\n"),
        ("jiaoyun/areas/services.py", "Area.objects.filter(pk=1).update(name='x')\n"),
        ("jiaoyun/people/models/students.py", "class S:\n    def save(self):\n        super().save()\n"),
        ("jiaoyun/people/views/students.py", "context = {}\ncontext.update(a=1)\n"),
    ],
)
def test_the_checker_lets_the_services_write(path: str, source: str) -> None:
    assert write_offences(source, path, MODELS) == []


# -- core knows no domain app ----------------------------------------------------------------------

DOMAIN_IMPORT = re.compile(rf"^jiaoyun\.({'|'.join((*DOMAIN_APPS, 'demo', 'reports'))})(\.|$)")
CORE_IMPORTS_ALLOWED: set[str] = set()  # none: settings name the modules core calls (UPLOAD_PURGERS, …)


def domain_imports(source: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return [n for n in names if (pattern or DOMAIN_IMPORT).match(n)]


def test_core_imports_no_domain_app() -> None:
    """Every module of jiaoyun/core (its tests excepted: they build domain data to test the mixins)."""
    found = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or rel in CORE_IMPORTS_ALLOWED:
            continue
        found += [f"{rel}: {name}" for name in domain_imports(path.read_text(encoding="utf-8"))]
    assert not found, "core imports a domain app:\n" + "\n".join(found)


# The page helpers every app's views use, and the document writers: they know no domain app either. (The
# web app's own pages, the home page and the navigation, read the modules they show.)
LIBRARY_MODULES = ("web/htmx.py", "web/paging.py", "web/lists.py", "web/forms.py", "web/redirects.py",
                   "web/charts.py", "web/templatetags", "reports")  # fmt: skip


APP_IMPORT = re.compile(rf"^jiaoyun\.({'|'.join((*DOMAIN_APPS, 'demo'))})(\.|$)")


def test_page_helpers_and_document_writers_import_no_domain_app() -> None:
    found = []
    for entry in LIBRARY_MODULES:
        target = PACKAGE / entry
        paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        assert paths and all(p.exists() for p in paths), entry
        for path in paths:
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel:
                continue
            found += [f"{rel}: {name}" for name in domain_imports(path.read_text(encoding="utf-8"), APP_IMPORT)]
    assert not found, "a page helper or document writer imports a domain app:\n" + "\n".join(found)


def test_the_import_checker_sees_imports_inside_functions() -> None:
    source = "def f():\n    from jiaoyun.areas.models import Area\n    import jiaoyun.people.models\n"
    assert domain_imports(source) == ["jiaoyun.areas.models", "jiaoyun.people.models"]
    assert domain_imports("from jiaoyun.core.scope import area_q\n") == []
