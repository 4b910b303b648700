import datetime

import pytest
from django.core.exceptions import ValidationError

from paicha.codes import Gender, MemberType
from paicha.members.idcard import make_id_number
from paicha.members.validators import (
    clean_id_number,
    normalize_mobile,
    rule_errors,
    validate_mobile,
)

BIRTH = datetime.date(1990, 5, 17)
ID_M = make_id_number("430102", BIRTH, 11, Gender.MALE)


def rules(**kw):
    base = dict(
        id_number=ID_M,
        birth_date=BIRTH,
        gender=Gender.MALE,
        join_date=datetime.date(2012, 6, 1),
        full_date=datetime.date(2013, 6, 1),
        member_type=MemberType.FULL,
    )
    base.update(kw)
    return rule_errors(**base)


def test_consistent_record_has_no_errors():
    assert rules() == {}


def test_birth_date_must_match_the_id_number():
    errors = rules(birth_date=datetime.date(1990, 5, 18))
    assert errors == {
        "birth_date": ["出生日期1990年5月18日与身份证号码中的出生日期1990年5月17日不一致"]
    }


def test_gender_must_match_the_17th_digit():
    assert "性别“女”与身份证号码第17位不一致" in rules(gender=Gender.FEMALE)["gender"][0]


@pytest.mark.parametrize(
    ("kw", "field", "text"),
    [
        ({"join_date": BIRTH}, "join_date", "应晚于出生日期"),
        ({"full_date": datetime.date(2012, 5, 31)}, "full_date", "不能早于入党日期"),
        ({"member_type": MemberType.PROBATIONARY}, "full_date", "预备党员尚未转正"),
        ({"full_date": None}, "full_date", "正式党员应填写转正日期"),
        ({"join_date": None}, "join_date", "也应填写入党日期"),
    ],
)
def test_dates_in_order_and_probation_rules(kw, field, text):
    errors = rules(**kw)
    assert text in " ".join(errors[field])


def test_probationary_without_full_date_is_fine():
    assert rules(member_type=MemberType.PROBATIONARY, full_date=None) == {}


def test_full_date_may_equal_join_date():
    assert rules(full_date=datetime.date(2012, 6, 1)) == {}


def test_id_number_is_normalized_not_rejected():
    fullwidth = ID_M.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    assert clean_id_number(fullwidth) == ID_M
    x_id = make_id_number("110105", datetime.date(1949, 12, 31), 0, Gender.FEMALE)
    with_x = "11010519491231002X"
    assert clean_id_number(with_x.lower()) == with_x
    # make_id_number builds numbers the validator accepts: region, birth date, female sequence.
    assert clean_id_number(x_id) == x_id
    assert x_id[:14] == "11010519491231" and int(x_id[16]) % 2 == 0


def test_bad_check_digit_is_an_error():
    with pytest.raises(ValidationError, match="校验位错误"):
        clean_id_number(ID_M[:17] + ("0" if ID_M[17] != "0" else "1"))


@pytest.mark.parametrize(
    "raw",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+8613800138000", "１３８００１３８０００"],
)
def test_mobile_normalized(raw):
    assert normalize_mobile(raw) == "13800138000"
    validate_mobile(normalize_mobile(raw))


@pytest.mark.parametrize("bad", ["1380013800", "23800138000", "138001380001", "0731-8888888"])
def test_mobile_rejected(bad):
    with pytest.raises(ValidationError, match="以1开头的11位数字"):
        validate_mobile(normalize_mobile(bad))
