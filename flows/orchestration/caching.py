"""The cache policy of the validate-department task, by content (keys: file_results.py).

The flow validates one department per task (Prefect's bookkeeping per task run costs more than
checking a file does). The department's key is its files' keys together, plus the task's
source, so an unchanged department is a Cached task run; inside a department that changed,
each file's result is kept apart (``FileResults``) and only the changed files are read.
"""

import hashlib
from collections.abc import Mapping
from typing import Any

from prefect.cache_policies import TASK_SOURCE, CachePolicy
from prefect.context import TaskRunContext
from prefect.utilities.annotations import quote

from flows.gather import DroppedFile
from flows.orchestration.file_results import submission_key
from schemas import Edition


def department_key(files: list[DroppedFile], edition: Edition, assets: Mapping[str, bytes]) -> str:
    """The content key of one department's files checked together (without the task's source)."""
    keys = sorted(submission_key(dropped, edition, assets) for dropped in files)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def _key_from_parameters(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    files, edition, assets = (
        _unquoted(parameters[name]) for name in ("files", "edition", "assets")
    )
    return department_key(files, edition, assets)


def _unquoted(value: Any) -> Any:
    """The parameter itself, whether or not the caller wrapped it in prefect's quote()."""
    return value.unquote() if isinstance(value, quote) else value


# The policy of the validate-department task: its files' content keys + the task's source.
DEPARTMENT_CACHE = CachePolicy.from_cache_key_fn(_key_from_parameters) + TASK_SOURCE
