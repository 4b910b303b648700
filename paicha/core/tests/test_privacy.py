from hypothesis import given
from hypothesis import strategies as st

from paicha.core.privacy import mask_identity


def test_ids_and_phones_keep_what_tells_people_apart():
    assert mask_identity("43010219850309001X") == "430102********001X"
    assert mask_identity("13800138000") == "138****8000"
    assert mask_identity("0731-88881234") == "073******1234"
    assert mask_identity("88881234") == "88****34"
    assert mask_identity("1234") == "1**4" and mask_identity("wx1") == "***"
    assert mask_identity("") == ""


@given(st.text(min_size=1, max_size=40))
def test_a_masked_value_hides_at_least_a_third_of_it(value):
    masked = mask_identity(value)
    assert len(masked) == len(value)
    hidden = sum(1 for a, b in zip(value, masked, strict=True) if b == "*" and a != "*")
    assert (hidden + value.count("*")) * 3 >= len(value)
