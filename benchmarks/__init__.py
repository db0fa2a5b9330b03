"""Benchmarks: `make bench` (python -m benchmarks.run) runs every module here that has `run()`."""
