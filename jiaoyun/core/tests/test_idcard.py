import datetime as dt

import pytest

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError

# Real-format numbers with correct GB 11643 check characters (computed by hand from the weights).
VALID = ["11010519491231002X", "440524198001010013", "530521201403010013"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert idcard.validate(number).value == number


def test_check_digit_by_hand():
    # 11010519491231002: Σ aᵢwᵢ = 167, 167 mod 11 = 2 → check char 'X'
    assert idcard.check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验码错误（末位应为X）"),
        ("11010519491231002", "应为18位，实际17位"),
        ("1101051949123100AX", "前17位应为数字"),
        ("110105194902300020", "不是有效日期"),
        ("", "不能为空"),
    ],
)
def test_invalid_numbers_are_refused_with_reason(number, reason):
    with pytest.raises(DomainError) as exc:
        idcard.validate(number)
    assert reason in str(exc.value)
    assert "身份证号" in str(exc.value)


def test_future_birth_date_is_refused():
    number = idcard.make("530521", dt.date(2099, 1, 1), 1)
    with pytest.raises(DomainError, match="不合理"):
        idcard.validate(number, today=dt.date(2026, 1, 1))


def test_lowercase_x_is_normalized():
    assert idcard.validate("11010519491231002x").value == "11010519491231002X"


def test_birth_date_and_sex_are_read_from_the_number():
    number = idcard.validate("530521201403010013")
    assert number.birth_date == dt.date(2014, 3, 1)
    assert number.sex == "M"


def test_mask_keeps_only_the_first_and_the_last_character():
    assert idcard.mask("11010519491231002X") == "1****************X"
    assert idcard.mask("G11010519491231002X") == "G*****************X"


def test_encryption_round_trips_and_is_not_plaintext(settings):
    token = idcard.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert idcard.decrypt(token) == "11010519491231002X"
    assert idcard.encrypt("11010519491231002X") != token  # random nonce


def test_match_hash_is_stable_and_keyed(settings):
    first = idcard.match_hash("11010519491231002X")
    assert first == idcard.match_hash("11010519491231002x")
    settings.DATA_KEY = "another-key"
    assert idcard.match_hash("11010519491231002X") != first


def test_check_character_of_a_shidian_number_by_hand():
    # 53052120150601035 × weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2:
    # 35+27+0+25+16+4+4+0+6+15+0+54+0+5+0+12+10 = 213; 213 mod 11 = 4 → "10X98765432"[4] = "8"
    assert idcard.check_char("53052120150601035") == "8"
    assert idcard.validate("530521201506010358").birth_date == dt.date(2015, 6, 1)
    with pytest.raises(DomainError, match="末位应为8"):
        idcard.validate("530521201506010350")


def test_february_29_only_in_leap_years():
    assert idcard.is_valid(idcard.make("530521", dt.date(2016, 2, 29), 1))
    first17 = "53052120150229001"
    with pytest.raises(DomainError, match="20150229不是有效日期"):
        idcard.validate(first17 + idcard.check_char(first17))
