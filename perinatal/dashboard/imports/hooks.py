"""Hooks run after a dataset is loaded, e.g. the outcome signals (MOSS) after births.

Another app registers a callable in its AppConfig.ready():

    from perinatal.dashboard.imports.hooks import register_after_import
    register_after_import(dataset="births", hook=run_moss_after_births)

A hook receives the loaded `Upload` once the load has committed (never for a refused
file). A hook that fails is logged and does not undo the load, which is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from perinatal.dashboard.datasets.schema import DATASET_NAMES

logger = logging.getLogger(__name__)

AfterImportHook = Callable[["object"], None]
_HOOKS: dict[str, list[AfterImportHook]] = {name: [] for name in DATASET_NAMES}


def register_after_import(*, dataset: str, hook: AfterImportHook) -> None:
    """Run `hook(upload)` after every successful load of `dataset` (registering twice is a no-op)."""
    if dataset not in _HOOKS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASET_NAMES)}")
    if hook not in _HOOKS[dataset]:
        _HOOKS[dataset].append(hook)


def unregister_after_import(*, dataset: str, hook: AfterImportHook) -> None:
    if hook in _HOOKS.get(dataset, []):
        _HOOKS[dataset].remove(hook)


def hooks_for(dataset: str) -> tuple[AfterImportHook, ...]:
    return tuple(_HOOKS.get(dataset, ()))


def run_after_import(upload) -> None:
    for hook in hooks_for(upload.dataset):
        try:
            hook(upload)
        except Exception:  # a hook must never turn a stored load into a failure
            logger.exception("after-import hook %s failed for upload %s", getattr(hook, "__name__", hook), upload.pk)
