import pytest

from experts.taxonomy import sync_topics
from tests.faults.stack import Stack, missing_tools


@pytest.fixture
def stack(transactional_db, tmp_path):
    """The processes of the production shape on the test database (committed
    data: the worker and the web server are other processes)."""
    if reason := missing_tools():
        pytest.skip(reason)
    # Transactional tests flush every table afterwards, the taxonomy that the
    # data migration loaded included: put it back, as every installation has it.
    sync_topics()
    stack = Stack(tmp_path)
    yield stack
    stack.stop_all()
    # Shown by pytest when the test failed.
    print(stack.logs())
