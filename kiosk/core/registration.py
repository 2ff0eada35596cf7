"""Walk-in registration: checking what a new client typed, and giving them a member code.

API:
    problems = check_registration(form)            # {field: message}; {} when all is well
    field_problem(name, value) -> str              # one field, as they type ("" when fine)
    member = new_member(form, code, now, terms_version)   # after check_registration is {}
    new_member_code(taken) -> str                  # "FT-7K3Q9M", not in `taken`
    carried_from_look_up(typed) -> {field: value}  # the look-up's text, for the form
    FIELDS: first_name, last_name, phone, email (optional), agree (terms and privacy notice)

Messages are in the client's words and name the field. Names are kept as typed (trimmed, with
control characters refused); the phone is stored in E.164; email in lower case.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.lookup import PHONE_TYPING
from kiosk.core.members import Member
from kiosk.core.phone import normalise_phone, phone_problem

NAME_MAX = 50
EMAIL_MAX = 120
# no 0/O, 1/I/L, 5/S, 8/B: a code read aloud or copied from a card is never ambiguous
CODE_ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
CODE_PREFIX = "FT-"
CODE_LENGTH = 6
_CODES = len(CODE_ALPHABET) ** CODE_LENGTH

FIELDS = ("first_name", "last_name", "phone", "email", "agree")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# what our member codes look like typed by hand ("ft-acdefg" has no digit, yet is no name)
_CODE_TYPED = re.compile(rf"{CODE_PREFIX[:-1]}[- ]?[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", re.I)
_INITIAL = re.compile(r"\w\.?")


@dataclass(frozen=True)
class Form:
    """What the client typed on the registration screen."""

    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    agree: bool = False

    @classmethod
    def of(cls, values: Mapping[str, object]) -> Form:
        return cls(
            first_name=str(values.get("first_name", "")),
            last_name=str(values.get("last_name", "")),
            phone=str(values.get("phone", "")),
            email=str(values.get("email", "")),
            agree=values.get("agree") is True,
        )


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in text)


def name_problem(value: str, which: str) -> str:
    name = value.strip()
    if not name:
        return f"Please enter your {which} name."
    if len(name) > NAME_MAX:
        return f"Your {which} name is too long: at most {NAME_MAX} characters, please."
    if _has_control(name):
        return f"Your {which} name has a character we cannot store: please retype it."
    if not any(c.isalpha() for c in name):
        return f"Your {which} name needs at least one letter."
    return ""


def email_problem(value: str) -> str:
    email = value.strip()
    if not email:
        return ""  # optional
    if len(email) > EMAIL_MAX or _has_control(email) or not _EMAIL.match(email):
        return "That does not look like an email address (name@example.com), or leave it empty."
    return ""


def field_problem(name: str, value: object) -> str:
    """The message to show under one field, or "" when it is fine."""
    if name == "agree":
        return "" if value is True else "Please read and agree to the studio terms to register."
    text = value if isinstance(value, str) else ""
    if name == "first_name":
        return name_problem(text, "first")
    if name == "last_name":
        return name_problem(text, "last")
    if name == "phone":
        return phone_problem(text)
    if name == "email":
        return email_problem(text)
    raise ValueError(f"no such registration field: {name}")


def check_registration(form: Form) -> dict[str, str]:
    """Every field's problem, by field name, in form order; {} when the form can be saved."""
    values: dict[str, object] = {
        "first_name": form.first_name,
        "last_name": form.last_name,
        "phone": form.phone,
        "email": form.email,
        "agree": form.agree,
    }
    found = {name: field_problem(name, values[name]) for name in FIELDS}
    return {name: message for name, message in found.items() if message}


def new_member(form: Form, code: str, now: datetime, terms_version: str) -> Member:
    """The new member from a checked form. ValueError if the form still has a problem."""
    problems = check_registration(form)
    if problems:
        raise ValueError("; ".join(problems.values()))
    phone = normalise_phone(form.phone)
    assert phone is not None  # checked above
    return Member(
        code=code,
        first_name=" ".join(form.first_name.split()),
        last_name=" ".join(form.last_name.split()),
        phone=phone,
        email=form.email.strip().lower(),
        joined=now.date(),
        terms_version=terms_version,
        terms_agreed_at=now,
    )


def new_member_code(taken: Container[str]) -> str:
    """A fresh member code, e.g. "FT-7K3Q9M": 27^6 (387 million) codes, random, unambiguous."""
    while True:
        # one draw for all six characters: an import makes thousands of codes
        n = secrets.randbelow(_CODES)
        chars = []
        for _ in range(CODE_LENGTH):
            n, i = divmod(n, len(CODE_ALPHABET))
            chars.append(CODE_ALPHABET[i])
        code = CODE_PREFIX + "".join(chars)
        if code not in taken:
            return code


def carried_from_look_up(typed: str) -> dict[str, str]:
    """What a client typed at the look-up before registering, as registration fields.

    A name goes into the name fields: the first word is the first name, the rest the last name,
    unless the rest is only the initial the look-up asks for ("Ann K"), which is no surname. A
    whole phone number goes into the phone field; the last digits alone (what the look-up asks
    for) would only be a wrong number to mend, and a member code or a mix of letters and digits
    is no name: those carry nothing.
    """
    text = " ".join(typed.split())
    if not text or _has_control(text) or _CODE_TYPED.fullmatch(text):
        return {}
    if PHONE_TYPING.fullmatch(text):
        return {"phone": text} if normalise_phone(text) is not None else {}
    if any(c.isdigit() for c in text) or not any(c.isalpha() for c in text):
        return {}
    first, _, rest = text.partition(" ")
    carried = {"first_name": first[:NAME_MAX]}
    if rest and not _INITIAL.fullmatch(rest):
        carried["last_name"] = rest[:NAME_MAX]
    return carried
