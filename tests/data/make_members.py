"""Writes a CSV of made-up members for trying `kiosk members import` at studio scale.

    python tests/data/make_members.py 5000 > /tmp/members.csv

Names are drawn from common UK first and last names (some with accents); phones are in the
Ofcom drama range (07700 900000-900999) and beyond it with the same 07700 prefix, so no real
person's number is used. The same seed gives the same file.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta

FIRST = [
    "Sarah",
    "Zoë",
    "James",
    "Olivia",
    "Amelia",
    "Jack",
    "Harry",
    "Isla",
    "Ava",
    "Noah",
    "Leo",
    "Mia",
    "Grace",
    "Ella",
    "Freya",
    "Lily",
    "Oscar",
    "Arthur",
    "Henry",
    "Sophie",
    "Emily",
    "Chloé",
    "Ruby",
    "Jessica",
    "Thomas",
    "William",
    "George",
    "Charlie",
    "Alfie",
    "Jacob",
    "Theo",
    "Archie",
    "Joshua",
    "Ethan",
    "Mohammed",
    "Aisha",
    "Priya",
    "Seán",
    "Björn",
    "Niamh",
    "Siobhán",
    "Dylan",
    "Rhys",
    "Megan",
    "Erin",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "Kent",
    "Adams",
    "O'Neil",
    "Müller",
    "Nørgaard",
    "Hughes",
    "Edwards",
    "Turner",
    "Hill",
    "Moore",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Baker",
    "Harris",
]
KINDS = ("EMS", "EMS", "EMS", "PT", "Pilates")


def rows(count: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    today = date(2026, 11, 23)
    out = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"07700 {900000 + i:06d}"
        email = f"{first.lower()}.{last.lower()}{i}@example.com" if rng.random() < 0.7 else ""
        email = email.encode("ascii", "ignore").decode().replace("'", "")
        kind = rng.choice(KINDS)
        bought = rng.choice((5, 10, 20))
        left = rng.randint(0, bought)
        expires = (today + timedelta(days=rng.randint(-30, 365))).isoformat()
        out.append([first, last, phone, email, "", kind, str(left), expires])
    return out


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        [
            "first_name",
            "last_name",
            "phone",
            "email",
            "member_code",
            "pack_kind",
            "pack_sessions",
            "pack_expires",
        ]
    )
    writer.writerows(rows(count))


if __name__ == "__main__":
    main()
