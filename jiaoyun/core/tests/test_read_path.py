"""No second read path: personal data are read only in ``selectors`` (and written in ``services``).

The request-facing modules — views (``views.py``, ``views/*.py``, ``*_views.py``, ``xapi/views.py``), API modules
(``api.py``), admin modules (``admin.py``), forms (``forms.py``), template tags and background tasks (``tasks.py``) —
must not query a model that holds a child's or a teacher's personal data themselves: no ``Model.objects…``,
``Model._default_manager…``, ``get_object_or_404(Model, …)``, nor a query through a related manager that leads to
such a model (``student.events.filter(…)``). They call a selector, which takes the requesting user and filters through
``jiaoyun.core.scope``. Every admin registered for such a model must narrow its queryset (``get_queryset``), as
``core.admin_mixins.ScopedAdminMixin`` does.

The test parses the source (``ast``): it sees names, not types, so a queryset passed around under another name is not
caught; the models are matched by their class names as imported (aliases followed).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models

ROOT = Path(__file__).resolve().parents[2]  # the ``jiaoyun`` package

# Every model holding a child's or a teacher's (or other school staff's) personal data. ``model`` label → why.
PERSONAL_MODELS: dict[str, str] = {
    "people.Student": "a child's identity, family and poverty status",
    "people.EnrolmentEvent": "a child's 学籍 history",
    "people.Teacher": "a teacher's identity and career",
    "people.TeacherAssignment": "a teacher's postings",
    "dropout.DropoutCase": "a child out of school",
    "dropout.CaseEvent": "the timeline of a child's case",
    "dropout.CaseStep": "the steps of a child's case",
    "dropout.ReturnAttempt": "the visits to a child's family",
    "dropout.CaseDocument": "the legal notices to a child's guardians",
    "dropout.CaseAlert": "deadline alerts naming a child",
    "dropout.CaseResponsible": "who answers for which child",
    "dropout.MatchHit": "a child found by the cross-match",
    "dropout.HukouRecord": "the hukou roster (ID numbers of children)",
    "dropout.Absence": "a child's absences",
    "dropout.ResponsiblePerson": "named officials and teachers with phone numbers",
    "teachers.RotationMove": "a teacher's move",
    "teachers.Application": "a teacher's application in a hiring round",
    "teachers.Score": "a teacher's scores",
    "teachers.Appeal": "a teacher's appeal",
    "teachers.EthicsRecord": "a teacher's ethics record",
    "teachers.Sanction": "a teacher's sanction",
    "teachers.Pledge": "a teacher's pledge",
    "teachers.Appraisal": "a teacher's appraisal",
    "teachers.TitlePromotion": "a teacher's title promotion",
    "teachers.Honour": "a teacher's honours",
    "safety.Guard": "a guard's identity and certificate",
    "safety.CanteenStaff": "canteen staff and their health certificates",
    "learning.Statement": "a pupil's learning records",
    "learning.Document": "xAPI state documents about a pupil",
    "exchange.ImportRejection": "rejected rows (cell values may be ID numbers)",
}

# Modules that may read (selectors) and write (services) personal data.
ALLOWED_PARTS = {"selectors", "services"}
# Request-facing modules that must not.
SCANNED_NAMES = {"views.py", "api.py", "admin.py", "forms.py", "tasks.py"}
SCANNED_DIRS = {"views", "templatetags"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
QUERY_METHODS = {
    "all", "filter", "exclude", "get", "first", "last", "values", "values_list", "order_by", "count", "exists",
    "aggregate", "annotate", "select_related", "prefetch_related", "only", "defer", "iterator", "in_bulk", "latest",
    "earliest", "distinct", "union", "select_for_update", "get_or_create", "update_or_create", "create", "update",
    "delete", "bulk_create", "bulk_update",
}  # fmt: skip


@dataclass(frozen=True)
class Read:
    path: str  # relative to the repository root
    line: int
    what: str
    function: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.what}"


def scanned_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        parts = set(rel.parts)
        if "tests" in parts or "migrations" in parts or parts & ALLOWED_PARTS or rel.stem in ALLOWED_PARTS:
            continue
        if path.name in SCANNED_NAMES or path.name.endswith("_views.py") or parts & SCANNED_DIRS:
            files.append(path)
    return files


def _personal_classes() -> dict[str, str]:
    """Class name → model label, for the personal models."""
    return {apps.get_model(label).__name__: label for label in PERSONAL_MODELS}


def _personal_accessors() -> set[str]:
    """Related-manager names that lead from a model without personal data to one with (``school.students``,
    ``plan.moves``, ``canteen.staff``…): such a query is not bounded by a scoped parent. From a personal record
    to its own parts (``student.events``, ``record.sanctions``) the parent was read through a selector already.
    Names that also lead to other models elsewhere (``device.events``) are left out: the scan sees no types."""
    personal = {apps.get_model(label) for label in PERSONAL_MODELS}
    leads: dict[str, set[bool]] = {}
    for model in apps.get_models():
        for rel in model._meta.related_objects:
            if (rel.one_to_many or rel.many_to_many) and model not in personal:
                leads.setdefault(rel.get_accessor_name(), set()).add(rel.related_model in personal)
        for field in model._meta.many_to_many:
            if model not in personal:
                leads.setdefault(field.name, set()).add(field.related_model in personal)
    return {name for name, targets in leads.items() if targets == {True} and not name.endswith("+")}


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, classes: dict[str, str], accessors: set[str]):
        self.path, self.classes, self.accessors = path, classes, accessors
        self.aliases: dict[str, str] = {}  # local name → model class name
        self.stack: list[str] = ["<module>"]
        self.found: list[Read] = []

    def _add(self, node: ast.AST, what: str) -> None:
        self.found.append(Read(self.path, getattr(node, "lineno", 0), what, ".".join(self.stack[1:]) or "<module>"))

    def _model(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute) and node.attr in self.classes:
            return node.attr  # models.Student
        return None

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in self.classes:
                self.aliases[alias.asname or alias.name] = alias.name

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped  # type: ignore[assignment]

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in MANAGERS:
            model = self._model(node.value)
            if model is not None:
                self._add(node, f"{model}.{node.attr}")
        elif (
            node.attr in QUERY_METHODS
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in self.accessors
            and self._model(node.value.value) is None  # ``Student.events`` is the descriptor, not a query
        ):
            self._add(node, f".{node.value.attr}.{node.attr}()")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ("get_object_or_404", "get_list_or_404") and node.args:
            model = self._model(node.args[0])
            if model is not None:
                self._add(node, f"{name}({model})")
        self.generic_visit(node)


def reads_outside_selectors() -> list[Read]:
    classes, accessors = _personal_classes(), _personal_accessors()
    found: list[Read] = []
    for path in scanned_files():
        scanner = _Scanner(str(path.relative_to(ROOT.parent)), classes, accessors)
        scanner.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found += scanner.found
    return found


def test_the_personal_models_exist():
    for label in PERSONAL_MODELS:
        assert issubclass(apps.get_model(label), models.Model)


def test_the_scan_covers_the_request_facing_modules():
    names = {str(p.relative_to(ROOT)) for p in scanned_files()}
    for expected in ("dropout/views/cases.py", "dropout/api.py", "dropout/admin.py", "safety/device_views.py",
                     "people/views/students.py", "teachers/views/rotation.py", "learning/xapi/views.py",
                     "exchange/admin.py", "web/views.py", "safety/tasks.py"):  # fmt: skip
        assert expected in names
    assert not any("selectors" in n or "services" in n for n in names)


def test_the_scanner_finds_each_kind_of_read(tmp_path):
    source = (
        "from jiaoyun.people.models import Student as S, Teacher\n"
        "from jiaoyun.people import models\n"
        "def view(request, pk):\n"
        "    a = S.objects.filter(pk=pk)\n"
        "    b = models.Teacher._default_manager.all()\n"
        "    c = get_object_or_404(Teacher, pk=pk)\n"
        "    d = request.user.school.students.filter(name='x')\n"
        "    return Teacher.DoesNotExist\n"
    )
    scanner = _Scanner("x/views.py", _personal_classes(), _personal_accessors() | {"students"})
    scanner.visit(ast.parse(source))
    assert [r.what for r in scanner.found] == [
        "Student.objects",
        "Teacher._default_manager",
        "get_object_or_404(Teacher)",
        ".students.filter()",
    ]


def test_no_read_of_personal_data_outside_the_selectors():
    reads = reads_outside_selectors()
    assert not reads, "Personal data read outside a selector (move it into the app's selectors):\n" + "\n".join(
        map(str, reads)
    )


@pytest.mark.parametrize("label", sorted(PERSONAL_MODELS))
def test_every_admin_of_personal_data_narrows_its_queryset(label):
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return
    assert type(model_admin).get_queryset is not admin.ModelAdmin.get_queryset, (
        f"{type(model_admin).__name__} lists {label} unfiltered: use ScopedAdminMixin or a selector"
    )
