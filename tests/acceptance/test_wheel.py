"""The package installs like one: the wheel holds every module and the templates, and the
`agenda2030` it installs builds the demo edition in a folder outside the checkout.

The wheel goes into a fresh virtual environment that sees neither the checkout nor this
project's editable install. So as not to install every dependency again (slow, and it needs
the network), the fresh environment borrows them from the project's environment through a
folder of links to the files of the wheel's declared dependencies, and theirs, only.
"""

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
DISTRIBUTION = "agenda2030-rapport"
YEAR = 2025
CODE = ("flows", "schemas")
# Not sources of the wheel; copying them to the build folder would only cost time.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "outputs", "build", "*.egg-info", "__pycache__", "*.pyc", ".*_cache"
)


@dataclass
class Installed:
    venv: Path
    site_packages: Path
    wheel: Path
    version: str

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "agenda2030"


def checkout_files(folder: str, pattern: str) -> set[str]:
    """The files of ``folder`` in the checkout matching ``pattern``, as paths from the top."""
    return {
        p.relative_to(REPO).as_posix()
        for p in (REPO / folder).rglob(pattern)
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without Prefect settings, Python paths or an active virtualenv.

    PYTHONDONTWRITEBYTECODE: pip compiled the wheel's modules when it installed them, as a
    normal install does, so Python has no reason to write byte-code during a build. Turning
    its byte-code cache off lets the before/after comparison of the fresh environment be exact,
    __pycache__ included: any file that appears or changes there is one the program wrote.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PREFECT_") and k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    env |= {"PYTHONDONTWRITEBYTECODE": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return env | extra


def tree(folder: Path) -> dict[str, tuple]:
    """Every file, link and folder below ``folder``: its content's hash, size and mtime."""
    result = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        if path.is_symlink():
            content = "link:" + os.readlink(path)
        elif path.is_file():
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            content = "dir"
        result[path.relative_to(folder).as_posix()] = (content, stat.st_size, stat.st_mtime_ns)
    return result


def declared_dependencies(requires: list[str]) -> dict[str, importlib.metadata.Distribution]:
    """The installed distributions that ``requires`` (the wheel's Requires-Dist) needs, and what
    they need in turn, markers and extras evaluated. A missing one fails here, by name."""
    found: dict[str, importlib.metadata.Distribution] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(Requirement(r), frozenset[str]()) for r in requires]
    while todo:
        requirement, extras = todo.pop()
        if requirement.marker and not any(
            requirement.marker.evaluate({"extra": extra}) for extra in extras | {""}
        ):
            continue
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        dist = importlib.metadata.distribution(requirement.name)
        found[key[0]] = dist
        wanted = frozenset(requirement.extras)
        todo += [(Requirement(r), wanted) for r in dist.requires or ()]
    return found


def declared_dependencies_only(requires: list[str], folder: Path) -> Path:
    """A folder of links to what the project environment installed for the declared dependencies
    (only those: a module imported but not declared is then missing, as in a real install).

    `make setup` installs this project editable: a dist-info, a .pth file and the finder module
    it imports (``__editable__*``) that map ``flows`` and ``schemas`` to the checkout. The project
    is not among its own dependencies, so none of that is linked; nor is any .pth file (Python
    reads them only in site folders, not in a folder a .pth file adds).
    """
    site = Path(sysconfig.get_path("purelib"))
    entries: set[str] = set()
    for name, dist in declared_dependencies(requires).items():
        assert dist.files, f"{name} has no RECORD: cannot tell its files"
        for file in dist.files:
            top = PurePosixPath(str(file)).parts[0]
            if top != ".." and not top.endswith(".pth") and top != "__pycache__":
                entries.add(top)
    assert not {e for e in entries if e.startswith("__editable__") or e in CODE}
    folder.mkdir()
    for entry in sorted(entries):
        assert (site / entry).exists(), f"{entry} is not in {site}"
        (folder / entry).symlink_to(site / entry)
    return folder


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout, so that setuptools' build/ folder (which
    keeps modules deleted since the last build) and egg-info never mix with the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--wheel-dir", str(tmp / "dist"), str(source)]
    built = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (tmp / "dist").glob("agenda2030_rapport-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Installed:
    """The wheel installed (not editable) into a fresh venv with no pip of its own."""
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    asked = subprocess.run(
        [str(venv / "bin" / "python"), "-c", where], capture_output=True, text=True, check=True
    )
    site = Path(asked.stdout.strip())
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(archive.read(metadata).decode())
    deps = declared_dependencies_only(headers.get_all("Requires-Dist") or [], tmp / "dependencies")
    (site / "dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    # This environment's pip installs into the fresh one (pip --python), scripts and all.
    command = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
    command += ["--no-deps", "--no-index", str(wheel)]
    done = subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return Installed(venv, site, wheel, headers["Version"])


def test_wheel_holds_every_module_and_every_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = set().union(*(checkout_files(folder, "*.py") for folder in CODE))
    assert sources - names == set(), "modules missing from the wheel (pyproject.toml packages)"
    packages = {str(PurePosixPath(p).parent) for p in sources}
    inits = {f"{package}/__init__.py" for package in packages}
    assert inits - names == set(), "package folders without __init__.py in the wheel"
    # The top-level templates/ folder is installed as flows/templates/, every file of it.
    templates = {"flows/" + p for p in checkout_files("templates", "*")}
    assert "flows/templates/report.html" in templates
    assert templates - names == set(), "templates missing from the wheel"
    stray = {
        n for n in names if n.startswith(("flows/", "schemas/")) and n not in sources | templates
    }
    assert stray == set(), "files in the wheel that the checkout does not have (stale build?)"
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def run_python(installed: Installed, code: str, cwd: Path) -> str:
    done = subprocess.run(
        [str(installed.python), "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    code = """
import importlib.metadata, importlib.util, json, sys
import flows, schemas, flows.settings
print(json.dumps({
    "flows": flows.__file__,
    "schemas": schemas.__file__,
    "templates": str(flows.settings.TEMPLATES_DIR),
    "version": flows.settings.installed_version(),
    "distributions": [str(d._path) for d in importlib.metadata.distributions()
                      if d.metadata["Name"] == "agenda2030-rapport"],
    "finders": [repr(f) for f in sys.meta_path],
    "editable": [m for m in sys.modules if "editable" in m],
    "path": sys.path,
}))
"""
    found = json.loads(run_python(installed, code, cwd=tmp_path))
    site = installed.site_packages
    assert Path(found["flows"]).is_relative_to(site), found["flows"]
    assert Path(found["schemas"]).is_relative_to(site), found["schemas"]
    templates = Path(found["templates"])
    assert templates == site / "flows" / "templates"
    assert (templates / "report.html").is_file() and (templates / "css" / "report.css").is_file()
    assert found["version"] == installed.version
    assert found["distributions"] == [str(next(site.glob("agenda2030_rapport-*.dist-info")))]
    assert not any("editable" in f.lower() for f in found["finders"]), found["finders"]
    assert found["editable"] == []
    # sys.path[0] is the working folder (tmp_path) for `python -c`.
    checkout = {str(REPO), str(REPO / "flows"), str(REPO / "schemas"), ""}
    assert checkout.isdisjoint(found["path"][1:]), found["path"]


def test_installed_command_prints_its_version(installed, tmp_path):
    done = subprocess.run(
        [str(installed.command), "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"agenda2030 {installed.version}"


def test_installed_command_builds_the_demo_edition_outside_the_checkout(installed, tmp_path):
    work = tmp_path / "elsewhere"
    inputs, outputs = work / "inputs", work / "outputs"
    shutil.copytree(REPO / "inputs" / str(YEAR), inputs / str(YEAR))
    before = tree(installed.venv)
    command = [str(installed.command), "build", "--year", str(YEAR), "--settle", "0"]
    command += ["--inputs", str(inputs), "--outputs", str(outputs)]
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-home"))
    done = subprocess.run(command, capture_output=True, text=True, cwd=work, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    pdf = outputs / str(YEAR) / f"agenda2030-{YEAR}.pdf"
    assert pdf.is_file(), sorted(p.name for p in (outputs / str(YEAR)).iterdir())
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert tree(installed.venv) == before, "the build wrote into the installed environment"
