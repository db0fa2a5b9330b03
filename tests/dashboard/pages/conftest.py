"""Each page test starts with an empty page cache (cache.rows_for), so that no test reads
rows another test computed. The cache is a database table: tests without the database have
nothing in it to clear."""

import pytest

from perinatal.dashboard.selectors.row_cache import page_cache


@pytest.fixture(autouse=True)
def empty_page_cache(request):
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        yield
        return
    page_cache().clear()
    yield
    page_cache().clear()
