"""Mobile numbers: UK and international, normalised to E.164 ("+447700900123") for storing.

A number typed the UK way ("07700 900123") is read as a UK number; anything else needs its
country code ("+33 6 12 34 56 78" or "0033 6 ..."). The `phonenumbers` library knows every
country's numbering plan, so we never guess lengths ourselves.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

DEFAULT_REGION = "GB"
PHONE_MAX = 40  # longer than any real number written with spaces


def digits_of(text: str) -> str:
    """Only the ASCII digits in `text`: "+44 7700-900123" -> "447700900123"."""
    return re.sub(r"[^0-9]", "", text)


def normalise_phone(text: str) -> str | None:
    """The number in E.164 form, or None when `text` is not a valid phone number."""
    raw = text.strip()
    if not raw or len(raw) > PHONE_MAX or not re.fullmatch(r"[0-9+()\-./ ]+", raw):
        return None
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    import phonenumbers  # here, not at the top: it costs the kiosk's start 10 ms

    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or _uk_mobile_shape(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _uk_mobile_shape(number: phonenumbers.PhoneNumber) -> bool:
    # The library rejects the Ofcom drama range (07700 900xxx) and lags newly opened ranges;
    # any 07 + 9 digits is a UK mobile shape, which is all a studio can check at the desk
    national = str(number.national_number)
    return number.country_code == 44 and re.fullmatch(r"7\d{9}", national) is not None


def phone_problem(text: str) -> str:
    """What is wrong with a typed mobile number, in the client's words; "" when it is fine."""
    if not text.strip():
        return "Please enter your mobile number."
    if normalise_phone(text) is None:
        return (
            "That does not look like a phone number. "
            "Try 07700 900123, or +33 6 12 34 56 78 with the country code."
        )
    return ""


@lru_cache(maxsize=16_384)  # the same numbers again on each Insights list: 1 ms each to work out
def phone_for_excel(e164: str) -> str:
    """A stored number as a UK owner reads it in a spreadsheet: "07700 900123" for a UK number
    (the space keeps Excel from reading it as a number and dropping the 0), "+33 6 12 34 56 78"
    for any other. normalise_phone reads both back to the same E.164."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    style = phonenumbers.PhoneNumberFormat
    national = number.country_code == 44
    shown = phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)
    # only a form that reads back as the same number: the round trip must not lose it
    return shown if normalise_phone(shown) == e164 else e164
