"""The chip ID card (CCCD) QR parser."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from django.utils import translation

from truyvet.checkins.idcard import IdCardError, looks_like_id_card, parse_id_card


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


SEVEN = "024195000001|121212121|Nguyễn Thị Ánh Dương|04031995|Nữ|Thôn Đông, Xã Quang Châu, Việt Yên, Bắc Giang|15082021"
SIX = "001089012345|Trần Văn Đức|31121989|Nam|Số 5 Ngõ 12 Phố Huế, Hai Bà Trưng, Hà Nội|01072021"


def test_seven_fields():
    card = parse_id_card(SEVEN)
    assert card.number == "024195000001" and card.old_number == "121212121"
    assert card.full_name == "Nguyễn Thị Ánh Dương"
    assert card.birth_date == date(1995, 3, 4) and card.sex == "F"
    assert card.address.startswith("Thôn Đông") and card.issue_date == date(2021, 8, 15)


def test_six_fields_and_decomposed_unicode():
    card = parse_id_card(unicodedata.normalize("NFD", SIX) + "\r\n")
    assert card.number == "001089012345" and card.old_number == ""
    assert card.full_name == "Trần Văn Đức" and card.sex == "M"
    assert card.birth_date == date(1989, 12, 31)


def test_empty_old_number_in_seven_fields():
    card = parse_id_card("024195000001||Lê Thị Cúc|04031995|Nữ|Bắc Giang|01012022")
    assert card.old_number == ""


@pytest.mark.parametrize("text,words", [
    ("hello", "6 or 7 fields"),
    ("", "6 or 7 fields"),
    ("1|2|3|4|5|6|7|8", "6 or 7 fields"),
    ("12345|x|Tên|04031995|Nam|addr|01012021", "12-digit"),
    ("999195000001||Tên|04031995|Nam|addr|01012021", "12-digit"),
    ("024195000001||Tên|31021995|Nam|addr|01012021", "real date"),
    ("024195000001||Tên|1995-03-04|Nam|addr|01012021", "ddmmyyyy"),
    ("024195000001||Tên|04031995|Khác|addr|01012021", "Nam or Nữ"),
    ("024195000001|12|Tên|04031995|Nam|addr|01012021", "old ID"),
    ("024195000001||123|04031995|Nam|addr|01012021", "name"),
])
def test_garbage_gives_a_clear_message(text, words):
    with pytest.raises(IdCardError) as e:
        parse_id_card(text)
    assert words in str(e.value)


def test_looks_like():
    assert looks_like_id_card(SEVEN) and looks_like_id_card(SIX)
    assert not looks_like_id_card("TV1.K1.AAAA.BBBB")
