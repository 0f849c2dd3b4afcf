"""The shape rules of the code that a reader cannot see from one module: checked over the whole source tree.

- Team statuses are written only through :class:`mapping.inputs.vocabulary.TeamStatus`: a bare status
  string elsewhere is a second definition that a rename would miss.
- No project module is loaded by a string (``importlib.import_module``, ``__import__``): such an import is a
  dependency no static tool sees.
- Every exception class lives in :mod:`mapping.errors`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from mapping.inputs.vocabulary import TeamStatus

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([REPO / "app.py", REPO / "server.py",
                  *(p for d in ("mapping", "boundaries", "webapp") for p in (REPO / d).rglob("*.py"))])
VOCABULARY = REPO / "mapping" / "inputs" / "vocabulary.py"
# Column names that happen to spell a status: the count of operating teams per year (not a status word).
COLUMN_NAMES = {("mapping/inputs/teams.py", "operating"), ("mapping/analysis/growth.py", "operating")}


def _strings(tree: ast.AST):
    """Every string constant that is not a docstring."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_no_status_word_is_written_outside_its_vocabulary():
    statuses = {s.value for s in TeamStatus}
    found = []
    for path in SOURCES:
        if path == VOCABULARY:
            continue
        rel = path.relative_to(REPO).as_posix()
        for node in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if node.value in statuses and (rel, node.value) not in COLUMN_NAMES:
                found.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert not found, "use mapping.inputs.vocabulary.TeamStatus instead of:\n" + "\n".join(found)


def test_no_module_is_imported_by_a_string():
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "import_module":
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "__import__":
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not found, found


def test_every_exception_class_is_in_the_errors_module():
    found = []
    for path in SOURCES:
        if path == REPO / "mapping" / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and (b.id.endswith(("Error", "Warning")) or b.id == "Exception")
                    for b in node.bases):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert not found, "define exceptions in mapping/errors.py:\n" + "\n".join(found)
