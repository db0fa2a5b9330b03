"""The pure parts of `make load` and `make chaos` (benchmarks/load.py, benchmarks/chaos.py):
the report, the checks' logic. No servers: the scripts themselves run them."""

from collections import Counter

from benchmarks import chaos, load
from benchmarks._service import nhs_numbers
from benchmarks.run import _modules
from perinatal.kernel.nhs_numbers import is_valid_nhs_number


def test_the_report_puts_each_level_beside_its_healthz_and_counts_errors():
    healthz = load.summarise(endpoint=load.BASELINE, clients=10, latencies=[0.001] * 400, errors=0, seconds=2.0)
    submit = load.summarise(
        endpoint="POST /api/v1/notifications",
        clients=10,
        latencies=[0.1] * 100,
        errors=2,
        seconds=2.0,
        failures={"HTTP 503": 2},
    )
    heavy = load.summarise(endpoint=load.BASELINE, clients=100, latencies=[0.01] * 10, errors=0, seconds=1.0)
    text = load.format_report([submit, heavy, healthz])
    lines = text.splitlines()
    assert lines[1].split()[:2] == ["10", "GET"]  # the level's baseline first
    assert "POST /api/v1/notifications" in lines[2] and "25%" in lines[2]  # 50 req/s of 200
    assert lines[3].split()[0] == "100"
    assert "HTTP 503 × 2" in text
    assert load.total_errors([submit, heavy, healthz]) == 2
    assert submit.throughput == 50.0 and healthz.p99 == 0.001


def test_load_and_chaos_are_not_make_bench_modules():
    """`make bench` runs every module with a `run`: these start their own servers for minutes."""
    from benchmarks import _service

    assert {"load", "chaos"} <= set(_modules([]))
    assert not any(hasattr(module, "run") for module in (load, chaos, _service))


def test_the_families_have_valid_distinct_nhs_numbers():
    numbers = nhs_numbers()
    drawn = [next(numbers) for _ in range(50)]
    assert len(set(drawn)) == 50 and all(is_valid_nhs_number(n) for n in drawn)


def test_an_accepted_submission_must_be_stored_exactly_once():
    answers = {"a": [201], "b": [503, 200], "c": [503], "d": [202]}
    good = chaos.check_accepted_stored_once(answers=answers, stored=Counter({"a": 1, "b": 1, "d": 1}))
    assert good.passed and "3 accepted" in good.detail
    lost = chaos.check_accepted_stored_once(answers=answers, stored=Counter({"a": 1, "d": 1}))
    assert not lost.passed and "'b'" in lost.detail
    # c was never accepted: stored or not, both are fine.
    assert chaos.check_accepted_stored_once(answers=answers, stored=Counter({"a": 1, "b": 1, "c": 1, "d": 1})).passed


def test_a_key_stored_twice_or_a_stranger_is_a_duplicate():
    answers = {"a": [201], "b": [201]}
    assert chaos.check_no_duplicate_notifications(answers=answers, stored=Counter({"a": 1, "b": 1})).passed
    assert not chaos.check_no_duplicate_notifications(answers=answers, stored=Counter({"a": 2, "b": 1})).passed
    assert not chaos.check_no_duplicate_notifications(answers=answers, stored=Counter({"a": 1, "x": 1})).passed


def test_deliveries_must_all_be_sent_and_received_one_to_one():
    assert chaos.check_deliveries(deliveries=10, unsent=0, received=10, matched=10).passed
    assert not chaos.check_deliveries(deliveries=10, unsent=1, received=9, matched=9).passed
    assert not chaos.check_deliveries(deliveries=10, unsent=0, received=11, matched=10).passed
    assert not chaos.check_deliveries(deliveries=0, unsent=0, received=0, matched=0).passed  # nothing ran


def test_an_import_is_loaded_whole_or_ended_and_no_rows_are_half_stored():
    expected = {"big.csv": 100, "small.csv": 5}
    ended = [("big.csv", "failed", 0), ("small.csv", "loaded", 5)]
    assert chaos.check_uploads(uploads=ended, expected_rows=expected, births_added=5).passed
    half = chaos.check_uploads(uploads=ended, expected_rows=expected, births_added=55)
    assert not half.passed and "55 births stored for 5 rows loaded" in half.detail
    stuck = chaos.check_uploads(uploads=[("big.csv", "validating", 0)], expected_rows=expected, births_added=0)
    assert not stuck.passed and "still validating" in stuck.detail
    short = chaos.check_uploads(uploads=[("big.csv", "loaded", 90)], expected_rows=expected, births_added=90)
    assert not short.passed


def test_leftover_files_and_stuck_tasks_fail_and_the_exit_status_says_so():
    assert chaos.check_no_leftover_files([]).passed
    assert not chaos.check_no_leftover_files(["abc.csv"]).passed
    assert not chaos.check_no_stuck_tasks(running=1, waiting=0).passed
    text, status = chaos.report([chaos.check_no_leftover_files([]), chaos.check_no_stuck_tasks(running=0, waiting=0)])
    assert status == 0 and text.count("PASS") == 2
    text, status = chaos.report([chaos.check_no_leftover_files(["x"])])
    assert status == 1 and text.startswith("FAIL")
