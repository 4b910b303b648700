import datetime

import pytest

from paicha.codes import Gender, MemberType
from paicha.members.idcard import make_id_number

BIRTH = datetime.date(1990, 5, 17)


def valid_fields(**overrides) -> dict:
    """A complete, consistent record (full member) for the services and the form."""
    fields = {
        "name": "刘洋",
        "gender": Gender.MALE,
        "ethnicity": "01",
        "birth_date": BIRTH,
        "id_number": make_id_number("430102", BIRTH, 11, Gender.MALE),
        "join_date": datetime.date(2012, 6, 1),
        "full_date": datetime.date(2013, 6, 1),
        "member_type": MemberType.FULL,
        "mobile": "13800138000",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def fields():
    return valid_fields()


@pytest.fixture(autouse=True)
def _imports_inline(settings, tmp_path):
    # The web import runs in a thread in production; tests run it inline, in the test's
    # transaction, and keep the progress cache out of the data directory.
    settings.MEMBER_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = str(tmp_path / "files")
    from paicha.members import jobs

    jobs._cache = None
    yield
    jobs._cache = None
