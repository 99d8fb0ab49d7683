"""`pip install .` gives a statusgen that works outside the repository, templates included."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_NOW, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("statusgen-*.whl"))


def test_wheel_ships_templates_theme_and_entry_points(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    source = REPO / "statusgen" / "templates"
    shipped = {path.relative_to(source).as_posix() for path in source.rglob("*") if path.is_file()}
    assert shipped and {f"statusgen/templates/{name}" for name in shipped} <= names
    assert {"statusgen/theme/__init__.py", "statusgen/theme/mkdocs_theme.yml", "statusgen/py.typed"} <= names
    assert {"statusgen/authoring/ci_templates/github.yml", "statusgen/authoring/ci_templates/gitlab.yml"} <= names  # init --ci
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    for line in ("statusgen = statusgen.cli:main", "statusgen = statusgen.plugin:StatusgenPlugin", "statusgen = statusgen.theme"):
        assert line in text


@pytest.mark.slow
def test_installed_outside_the_repository_builds_the_example(wheel: Path, tmp_path: Path) -> None:
    # A fresh venv that sees the test venv's packages (so nothing is downloaded) but not the
    # repository: the statusgen it runs is the wheel's, templates included.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site_packages = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip()
    (Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True).stdout.strip()) / "deps.pth").write_text(site_packages + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(REPO / "content", work / "content")
    completed = subprocess.run([str(venv / "bin" / "statusgen"), "build", "-q", "--now", EXAMPLE_NOW],
                               cwd=work, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    located = subprocess.run([str(python), "-c", "import statusgen.templating as t; print(t.templates_dir())"],
                             cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    assert str(venv) in located, located
    assert (work / "site" / "index.html").is_file() and len(list((work / "site" / "assets").glob("statusgen.*.css"))) == 1
