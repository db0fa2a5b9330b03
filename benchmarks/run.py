"""`make bench`: run every benchmark module in this package and print its figures.

A benchmark is a module in `benchmarks/` with a function `run(*, report)`; `report(name,
seconds, detail)` records one figure. Modules run in name order; `python -m benchmarks.run
NAME…` runs only the named ones (e.g. `surveillance`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path


def _modules(selected: list[str]) -> list[str]:
    package = Path(__file__).parent
    names = sorted(info.name for info in pkgutil.iter_modules([str(package)]) if info.name not in {"run"})
    return [name for name in names if not selected or name in selected]


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perinatal.settings")
    import django

    django.setup()
    selected = list(sys.argv[1:] if argv is None else argv)
    figures: list[tuple[str, str, float, str]] = []
    for name in _modules(selected):
        module = importlib.import_module(f"benchmarks.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()

        def report(figure: str, seconds: float, detail: str = "", *, _module=name) -> None:
            figures.append((_module, figure, seconds, detail))
            print(f"  {figure}: {seconds:.3f} s{('  (' + detail + ')') if detail else ''}", flush=True)

        module.run(report=report)
        print(f"  ({name} took {time.perf_counter() - started:.1f} s in all)", flush=True)
    print("\nSummary")
    for module, figure, seconds, detail in figures:
        print(f"  {module:<14} {figure:<58} {seconds:9.3f} s  {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
