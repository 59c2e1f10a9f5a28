"""Every snapshot picture belongs to a test that still exists: a stale SVG fails the run.

syrupy fails a run that leaves a snapshot unused (a test renamed or deleted, its picture left
behind), but not under pytest-xdist, whose workers' reports it does not merge; and the suite runs
in parallel. So this test holds the pictures to the tests in either mode: each
`__snapshots__/<module>/<Class>.<test>[<id>].svg` must name a module here, a class in it and a
test method of that class (parametrized, when the name carries an id).
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

SNAPSHOTS = Path(__file__).parent / "__snapshots__"


def methods_by_class(source: str) -> dict[str, dict[str, bool]]:
    """class -> test method -> whether it is parametrized, read from a module's source."""
    classes = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {
                item.name: any("parametrize" in ast.unparse(decorator) for decorator in item.decorator_list)
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test")}
    return classes


def stale_snapshots(folder: Path) -> list[str]:
    """The snapshot files under `folder` whose test no longer exists beside it."""
    stale = [path.name for path in folder.iterdir() if path.is_file()]
    for module_folder in sorted(path for path in folder.iterdir() if path.is_dir()):
        source = folder.parent / f"{module_folder.name}.py"
        classes = methods_by_class(source.read_text(encoding="utf-8")) if source.exists() else {}
        for picture in sorted(module_folder.iterdir()):
            name, bracket, _ = picture.stem.partition("[")
            class_name, _, method = name.rpartition(".")
            parametrized = classes.get(class_name, {}).get(method)
            if parametrized is None or (bracket and not parametrized):
                stale.append(f"{module_folder.name}/{picture.name}")
    return stale


def test_every_snapshot_picture_belongs_to_a_test():
    assert SNAPSHOTS.is_dir() and any(SNAPSHOTS.glob("*/*.svg")), "control: there are pictures to check"
    assert stale_snapshots(SNAPSHOTS) == []


def test_negative_control_a_renamed_test_leaves_a_stale_picture_that_is_caught(tmp_path):
    folder = tmp_path / "__snapshots__"
    shutil.copytree(SNAPSHOTS / "test_admin_screens", folder / "test_admin_screens")
    source = (SNAPSHOTS.parent / "test_admin_screens.py").read_text(encoding="utf-8")
    (tmp_path / "test_admin_screens.py").write_text(source.replace("def test_codes(", "def test_codes_tab("))
    (folder / "test_admin_screens" / "TestUsersTab.test_users[narrow].svg").write_text("<svg/>")
    (folder / "test_gone.py.svg").write_text("<svg/>")
    shutil.copytree(SNAPSHOTS / "test_officer_screens", folder / "test_gone_screens")
    stale = stale_snapshots(folder)
    assert "test_admin_screens/TestCodesTab.test_codes.svg" in stale
    assert "test_admin_screens/TestUsersTab.test_users[narrow].svg" in stale
    assert "test_gone.py.svg" in stale
    assert len([name for name in stale if name.startswith("test_gone_screens/")]) == len(
        list((SNAPSHOTS / "test_officer_screens").iterdir()))
    assert "test_admin_screens/TestUsersTab.test_users.svg" not in stale
