"""The cache key of one submission's read-and-validate: what its result depends on, by content.

A file's path is never the key on its own: Prefect hashes a ``Path`` by its text, so a cache
keyed on it returns the old result after the file changes. The key here is made of the bytes'
sha256, the file's place in the edition (the name appears in every message, and the folder
decides the department), the edition config, the images the file may refer to, and the source
of the code that reads and validates. The task's own source is added by the policy.
"""

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from prefect.cache_policies import TASK_SOURCE, CachePolicy
from prefect.context import TaskRunContext
from prefect.utilities.annotations import quote

from flows.gather import DroppedFile
from schemas import Edition

# The readers, validation and models live in these packages; a change to any of their sources
# can change a result, so it changes every key. Coarse on purpose: a stale cache is worse than a
# cold one.
_CODE_PACKAGES = ("flows", "schemas")
# Libraries whose behaviour decides what a file reads as.
_LIBRARIES = (
    "pydantic",
    "pydantic-core",
    "markdown-it-py",
    "pyyaml",
    "python-docx",
    "openpyxl",
    "defusedxml",
    "pillow",
)


@cache
def code_fingerprint() -> str:
    """sha256 over the project's reading and validation code and the libraries' versions."""
    digest = hashlib.sha256()
    for package in _CODE_PACKAGES:
        root = Path(__import__(package).__file__).parent
        for source in sorted(root.rglob("*.py")):
            digest.update(source.relative_to(root.parent).as_posix().encode() + b"\0")
            digest.update(source.read_bytes() + b"\0")
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{library} absent\0".encode())
    return digest.hexdigest()


def edition_digest(edition: Edition) -> str:
    """sha256 of the edition config as validated: departments, goals, vision goals, dates."""
    return hashlib.sha256(edition.model_dump_json(by_alias=True).encode()).hexdigest()


def submission_key(dropped: DroppedFile, edition: Edition, assets: Mapping[str, bytes]) -> str:
    """The content key of one file's read-and-validate result (without the task's source)."""
    parts = {
        "sha256": hashlib.sha256(dropped.content).hexdigest(),
        "size": dropped.size,  # a file too large to read has no content, only its size
        "file": dropped.relative,
        "folder": dropped.folder,
        "edition": edition_digest(edition),
        "assets": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(assets.items())},
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _key_from_parameters(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    dropped, edition, assets = (
        _unquoted(parameters[name]) for name in ("dropped", "edition", "assets")
    )
    return submission_key(dropped, edition, assets)


def _unquoted(value: Any) -> Any:
    """The parameter itself, whether or not the caller wrapped it in prefect's quote()."""
    return value.unquote() if isinstance(value, quote) else value


# The policy of the read-and-validate task: content key + the task's source.
SUBMISSION_CACHE = CachePolicy.from_cache_key_fn(_key_from_parameters) + TASK_SOURCE


def assets_of_folder(assets: Mapping[str, bytes], folder: str) -> dict[str, bytes]:
    """The images a file in ``folder`` may refer to: only those in its own department folder
    (an image outside it is rejected, and Word images are named inside it)."""
    return {name: data for name, data in assets.items() if name.startswith(folder + "/")}
