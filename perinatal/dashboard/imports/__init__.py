"""The machinery of dataset imports (docs/rules/dashboard.md §1): register snapshot, streaming check
and staging, bulk loading, units into the register, after-import hooks. The entry point
is `perinatal.dashboard.services.import_dataset`."""

from .hooks import register_after_import, run_after_import, unregister_after_import
from .register_snapshot import RegisterSnapshot, read_register
from .staging import KEEP_ERRORS, PHASE_CHECKING, PHASE_LOADING, ImportProgress, StagedFile, stage_file

__all__ = [
    "ImportProgress",
    "KEEP_ERRORS",
    "PHASE_CHECKING",
    "PHASE_LOADING",
    "RegisterSnapshot",
    "StagedFile",
    "read_register",
    "register_after_import",
    "run_after_import",
    "stage_file",
    "unregister_after_import",
]
