"""A member's details as they are kept, however they were typed or imported.

API:
    tidy_name(text) -> str     # "  Sarah   Jane " -> "Sarah Jane"
    tidy_email(text) -> str    # " Sarah@Example.COM " -> "sarah@example.com"
    tidy_code(text) -> str     # " ft-7k3q9m " -> "FT-7K3Q9M"
    with_details(member, first_name=, last_name=, phone=, email=) -> Member   # tidied

Staff mode and CSV import tidy what they are given here, so one person's details read the
same whichever way they came in. The checks on them are in kiosk/core/registration.py.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.members import Member


def tidy_name(text: str) -> str:
    return " ".join(text.split())


def tidy_email(text: str) -> str:
    return text.strip().lower()


def tidy_code(text: str) -> str:
    return text.strip().upper()


def with_details(
    member: Member, *, first_name: str, last_name: str, phone: str, email: str
) -> Member:
    """`member` with these details, tidied; `phone` already normalised (E.164)."""
    return replace(
        member,
        first_name=tidy_name(first_name),
        last_name=tidy_name(last_name),
        phone=phone,
        email=tidy_email(email),
    )
