"""kiosk/core stays pure Python: it never imports Textual, the UI or the store."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "kiosk" / "core"
FORBIDDEN = ("textual", "rich", "kiosk.ui", "kiosk.store", "tinydb")


def imports_of(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_never_imports_ui_or_storage() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert files, "kiosk/core has no modules?"
    bad = [
        f"{f.relative_to(CORE.parent.parent)} imports {name}"
        for f in files
        for name in imports_of(f)
        if any(name == b or name.startswith(b + ".") for b in FORBIDDEN)
    ]
    assert bad == []


def test_the_check_itself_catches_a_textual_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport rich.text\n")
    assert imports_of(bad) == ["textual.app", "rich.text"]
