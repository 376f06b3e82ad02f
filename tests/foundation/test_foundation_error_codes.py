"""One error-code convention: every code is `<room>.<reason>`, named after the room that raises it, and every
problem+json body is made by the one error handler (`web/errors.py`)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import jiaoguan
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.ids import REASONS, IdentifierError
from jiaoguan.kit.ids.result import reject
from jiaoguan.kit.states import StateMachine

SRC = Path(jiaoguan.__file__).parent
SHAPE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*\.[a-z][a-z0-9]*(_[a-z0-9]+)*")
# Generic errors may come from the kit (`kit.not_found`) anywhere; the web shell answers `web.*` itself.
GENERIC = {"kit"}


def _rooms_of(path: Path) -> set[str]:
    """The prefixes a file may use: its room, and for a part of the kit (kit/audit/…) also that part's name."""
    parts = path.relative_to(SRC).with_suffix("").parts
    room = parts[0] if len(parts) > 1 else "cli"
    allowed = {room}
    if room == "kit" and len(parts) > 2:
        allowed.add(parts[1])
    return allowed


def _modules() -> Iterator[str]:
    for info in pkgutil.walk_packages([str(SRC)], "jiaoguan."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            yield info.name


def _error_classes() -> list[type[JiaoguanError]]:
    for name in _modules():
        importlib.import_module(name)
    seen: list[type[JiaoguanError]] = []
    todo = [JiaoguanError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("jiaoguan.")]


def _literal_codes() -> Iterator[tuple[Path, int, str]]:
    """Every string given as `code=` to a call, as the code of `problem(...)`, or as a class's `code = "…"`
    when the class derives from an error."""
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                values += [kw.value for kw in node.keywords if kw.arg == "code"]
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name == "problem" and len(node.args) >= 3:
                    values.append(node.args[2])
            elif isinstance(node, ast.ClassDef) and any(
                    (b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")).endswith(
                        ("Error", "Found", "Forbidden", "Conflict", "Input", "Unauthenticated", "Requests",
                         "Failed", "Refused", "State"))
                    for b in node.bases):
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign | ast.AnnAssign):
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if any(isinstance(t, ast.Name) and t.id == "code" for t in targets) and stmt.value:
                            values.append(stmt.value)
            for value in values:
                for const in _strings(value):
                    yield path, const.lineno, const.value


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    """The plain string constants in an expression (an f-string's code is checked where it is made, at run time)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif not isinstance(node, ast.JoinedStr):
        for child in ast.iter_child_nodes(node):
            yield from _strings(child)


def test_every_error_class_has_a_room_dot_reason_code_named_after_its_room() -> None:
    classes = _error_classes()
    assert len(classes) > 40  # the walk found the product's errors, not just the base
    wrong = []
    for cls in classes:
        if "code" not in vars(cls):
            continue
        path = Path(importlib.import_module(cls.__module__).__file__ or "")
        room = cls.code.split(".")[0]
        if not SHAPE.fullmatch(cls.code) or room not in _rooms_of(path) | GENERIC:
            wrong.append(f"{cls.__module__}.{cls.__qualname__}: {cls.code!r}")
    assert wrong == []


def test_every_code_written_in_the_source_is_room_dot_reason_of_its_file() -> None:
    found = list(_literal_codes())
    assert len(found) > 80
    wrong = [f"{path.relative_to(SRC)}:{line}: {code!r}" for path, line, code in found
             if not SHAPE.fullmatch(code) or code.split(".")[0] not in _rooms_of(path) | GENERIC]
    assert wrong == []


def test_the_shell_answers_its_own_problems_as_web_codes() -> None:
    codes = {code for path, _, code in _literal_codes() if path == SRC / "web" / "errors.py"}
    assert codes >= {"web.validation_failed", "web.not_found", "web.method_not_allowed", "web.http_error",
                     "web.out_of_range", "web.internal_error"}


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_an_identifier_refusal_is_an_ids_code(reason: str) -> None:
    code = IdentifierError(reject(reason, "field")).code
    assert SHAPE.fullmatch(code) and code.startswith("ids.")


def test_every_state_machine_refuses_with_codes_of_its_own_room() -> None:
    for name in _modules():
        importlib.import_module(name)
    machines = [(module, value) for module, value in _module_values() if isinstance(value, StateMachine)]
    assert machines
    for module, machine in machines:
        assert machine.room in _rooms_of(Path(module.__file__ or "")), machine.name
        assert SHAPE.fullmatch(f"{machine.room}.transition_refused")


def _module_values() -> Iterator[tuple[object, object]]:
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("jiaoguan.") and ".migrations" not in name:
            for value in vars(module).values():
                yield module, value


def test_no_module_but_the_error_handler_writes_a_problem_body() -> None:
    writers = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
               if "application/problem+json" in p.read_text(encoding="utf-8") and "migrations" not in p.parts]
    assert writers == ["web/errors.py"]
