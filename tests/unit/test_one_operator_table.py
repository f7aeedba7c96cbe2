"""There is one operator table: `supported_ops()` comes from the emitter registry, and no module of edgeq
keeps a second list of the operators the runtime runs (a literal naming a large share of them)."""
from __future__ import annotations

import ast
from pathlib import Path

import edgeq
from edgeq.codegen.ops import registered
from edgeq.ir.graph import ALIAS_OPS
from edgeq.ir.support import supported_ops

PACKAGE = Path(edgeq.__file__).parent
# Property lists (ops that may run in place, ops with weights) name a dozen operators at most; a copy of the
# support table would name most of them.
MOST = 0.4


def test_the_table_is_the_registry_plus_the_aliases():
    table = supported_ops()
    registry: dict[str, set[str]] = {}
    for opcode, dtype in registered():
        registry.setdefault(opcode, set()).add(dtype)
    assert set(table) == set(registry) | ALIAS_OPS
    assert all(table[op] >= registry.get(op, set()) for op in table)


def test_no_module_keeps_a_second_operator_list():
    ops = set(supported_ops())
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "data" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                items = node.keys if isinstance(node, ast.Dict) else node.elts
                names = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
                if len(names & ops) > MOST * len(ops):
                    copies.append(f"{path.relative_to(PACKAGE)}:{node.lineno} names {len(names & ops)} operators")
    assert not copies, copies


def test_alias_operators_are_defined_once():
    defined = [path for path in PACKAGE.rglob("*.py")
               if "data" not in path.relative_to(PACKAGE).parts and "ALIAS_OPS =" in path.read_text(encoding="utf-8")]
    assert [p.relative_to(PACKAGE).as_posix() for p in defined] == ["ir/graph.py"]
