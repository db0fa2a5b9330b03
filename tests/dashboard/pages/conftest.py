"""Each page test starts with an empty page cache (cache.rows_for), so that no test reads
rows another test computed."""

import pytest

from perinatal.dashboard.selectors.row_cache import page_cache


@pytest.fixture(autouse=True)
def empty_page_cache():
    page_cache().clear()
    yield
    page_cache().clear()
