"""One local Spark session for every Spark test module (starting one costs
seconds and about a gigabyte), stopped when the test run ends."""

import pytest


@pytest.fixture(scope="session")
def spark():
    from tests.spark_session import local_session

    session = local_session()
    yield session
    session.stop()
