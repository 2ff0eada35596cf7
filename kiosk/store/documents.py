"""Members, packs, visits and screenings as JSON documents, and back.

Reading is strict: a document of the wrong shape raises BadDocument, which the store turns into
DamagedFile naming the file, rather than guessing at a member's packs or a visit's date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from kiosk.core.members import Answer, Member, Pack, PackKind, Screening, Visit, VisitFlag


class BadDocument(ValueError):
    pass


_KINDS = {str(k): k for k in PackKind}
_FLAGS = {str(f): f for f in VisitFlag}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(doc: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = doc.get(key, default)
    if not isinstance(value, str):
        raise BadDocument(f"{key} is not text")
    return value


def _int(doc: Mapping[str, Any], key: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadDocument(f"{key} is not a whole number")
    return value


def _parse_day(value: Any, key: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as e:
        raise BadDocument(f"{key} is not a date") from e


def _parse_time(value: Any, key: str) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError) as e:
        raise BadDocument(f"{key} is not a date and time") from e
    if when.tzinfo is None:
        raise BadDocument(f"{key} has no time zone")
    return when


def _kind(value: Any) -> PackKind | None:
    if value is None:
        return None
    try:
        return PackKind(value)
    except ValueError as e:
        raise BadDocument(f"unknown pack kind {value!r}") from e


def pack_doc(pack: Pack, charged: int = 0) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": pack.id,
        "kind": str(pack.kind),
        "sessions_bought": pack.sessions_bought,
        "sessions_left": pack.sessions_left,
        "expires": _day(pack.expires),
        "bought": _day(pack.bought),
    }
    if charged:
        # how many recorded check-ins sessions_left already counts: see Store.record_check_in
        doc["charged"] = charged
    return doc


def pack_of(doc: Mapping[str, Any]) -> tuple[Pack, int]:
    doc = _record(doc)
    kind = _kind(doc.get("kind"))
    if kind is None:
        raise BadDocument("pack has no kind")
    pack = Pack(
        _text(doc, "id"),
        kind,
        _int(doc, "sessions_bought"),
        _int(doc, "sessions_left"),
        _parse_day(doc.get("expires"), "expires"),
        _parse_day(doc.get("bought"), "bought"),
    )
    charged = _int(doc, "charged") if "charged" in doc else 0
    return pack, charged


def member_doc(member: Member, charged: Mapping[str, int]) -> dict[str, Any]:
    return {
        "code": member.code,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "phone": member.phone,
        "email": member.email,
        "packs": [pack_doc(p, charged.get(p.id, 0)) for p in member.packs],
        "see_trainer": member.see_trainer,
        "see_trainer_note": member.see_trainer_note,
        "joined": _day(member.joined),
        "terms_version": member.terms_version,
        "terms_agreed_at": _time(member.terms_agreed_at),
    }


def _record(doc: Any) -> Mapping[str, Any]:
    if not isinstance(doc, Mapping):
        raise BadDocument("not a record")
    return doc


def member_of(doc: Mapping[str, Any]) -> tuple[Member, dict[str, int]]:
    """The member, and for each pack, how many recorded check-ins its sessions_left counts."""
    if type(doc) is dict:
        try:
            found = _member_quickly(doc)
        except (TypeError, ValueError, KeyError):
            found = None
        if found is not None:
            return found
    return _member_checked(doc)


def _day_or_none(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


_MEMBER_KEYS = frozenset(member_doc(Member("", "", "", ""), {}))
_PACK_KEYS = frozenset(pack_doc(Pack("", PackKind.EMS, 0, 0)))
_PACK_KEYS_CHARGED = _PACK_KEYS | {"charged"}


def _built_plainly(cls: type, names: frozenset[str]) -> bool:
    """True when constructing `cls` only sets these fields, so setting them on a bare instance
    makes the same object (a frozen dataclass's __init__ sets each one through
    object.__setattr__: a third of the time reading 5,000 members takes)."""
    return (
        dataclasses.is_dataclass(cls)
        and {f.name for f in dataclasses.fields(cls)} == names
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
    )


_PLAIN = _built_plainly(Member, _MEMBER_KEYS) and _built_plainly(Pack, _PACK_KEYS)
_bare = object.__new__


def _member_quickly(doc: dict[str, Any]) -> tuple[Member, dict[str, int]] | None:
    """member_of for a document exactly as member_doc writes it (opening reads thousands);
    None (or TypeError, ValueError) for anything else, which _member_checked then explains."""
    if doc.keys() != _MEMBER_KEYS:
        return None
    code, first, last, phone = doc["code"], doc["first_name"], doc["last_name"], doc["phone"]
    email, note, terms = doc["email"], doc["see_trainer_note"], doc["terms_version"]
    see_trainer, agreed, joined = doc["see_trainer"], doc["terms_agreed_at"], doc["joined"]
    if not (
        type(code) is str
        and type(first) is str
        and type(last) is str
        and type(phone) is str
        and type(email) is str
        and type(note) is str
        and type(terms) is str
        and type(see_trainer) is bool
    ):
        return None
    if agreed is not None:
        agreed = datetime.fromisoformat(agreed)
        if agreed.tzinfo is None:
            return None
    if joined is not None:
        joined = date.fromisoformat(joined)
    packs_raw = doc["packs"]
    if type(packs_raw) is not list:
        return None
    packs: list[Pack] = []
    charged: dict[str, int] = {}
    for raw in packs_raw:
        if type(raw) is not dict:
            return None
        keys = raw.keys()
        paid = 0 if keys == _PACK_KEYS else raw["charged"] if keys == _PACK_KEYS_CHARGED else None
        pack_id, kind = raw["id"], _KINDS.get(raw["kind"])
        bought, left = raw["sessions_bought"], raw["sessions_left"]
        if type(pack_id) is not str or kind is None or type(paid) is not int:
            return None
        if type(bought) is not int or type(left) is not int:
            return None
        expires, day = _day_or_none(raw["expires"]), _day_or_none(raw["bought"])
        if _PLAIN:
            pack = _bare(Pack)
            held = pack.__dict__
            held["id"], held["kind"], held["sessions_bought"] = pack_id, kind, bought
            held["sessions_left"], held["expires"], held["bought"] = left, expires, day
        else:
            pack = Pack(pack_id, kind, bought, left, expires, day)
        packs.append(pack)
        if paid:
            charged[pack_id] = paid
    if not _PLAIN:
        member = Member(
            code, first, last, phone, email, tuple(packs), see_trainer, note, joined, terms, agreed
        )
        return member, charged
    member = _bare(Member)
    held = member.__dict__
    held["code"], held["first_name"], held["last_name"], held["phone"] = code, first, last, phone
    held["email"], held["packs"], held["see_trainer"] = email, tuple(packs), see_trainer
    held["see_trainer_note"], held["joined"], held["terms_version"] = note, joined, terms
    held["terms_agreed_at"] = agreed
    return member, charged


def _member_checked(doc: Mapping[str, Any]) -> tuple[Member, dict[str, int]]:
    doc = _record(doc)
    packs_raw = doc.get("packs", [])
    if not isinstance(packs_raw, list) or not all(isinstance(p, dict) for p in packs_raw):
        raise BadDocument("packs is not a list of packs")
    packs = []
    charged: dict[str, int] = {}
    for raw in packs_raw:
        pack, paid = pack_of(raw)
        packs.append(pack)
        if paid:
            charged[pack.id] = paid
    see_trainer = doc.get("see_trainer", False)
    if not isinstance(see_trainer, bool):
        raise BadDocument("see_trainer is not true/false")
    member = Member(
        code=_text(doc, "code"),
        first_name=_text(doc, "first_name"),
        last_name=_text(doc, "last_name"),
        phone=_text(doc, "phone"),
        email=_text(doc, "email", ""),
        packs=tuple(packs),
        see_trainer=see_trainer,
        see_trainer_note=_text(doc, "see_trainer_note", ""),
        joined=_parse_day(doc.get("joined"), "joined"),
        terms_version=_text(doc, "terms_version", ""),
        terms_agreed_at=_parse_time(doc.get("terms_agreed_at"), "terms_agreed_at"),
    )
    return member, charged


def visit_doc(visit: Visit, charge: int = 0) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": visit.id,
        "member_code": visit.member_code,
        "at": visit.at.isoformat(),
        "kind": str(visit.kind) if visit.kind is not None else None,
        "pack_id": visit.pack_id,
        "flags": sorted(str(f) for f in visit.flags),
        "note": visit.note,
    }
    if charge:
        doc["charge"] = charge  # the pack's nth recorded check-in: see Store.record_check_in
    return doc


def visit_of(doc: Mapping[str, Any]) -> Visit:
    if type(doc) is dict:
        try:
            found = _visit_quickly(doc)
        except (TypeError, ValueError, KeyError):
            found = None
        if found is not None:
            return found
    return _visit_checked(doc)


def _visit_quickly(doc: dict[str, Any]) -> Visit | None:
    """visit_of for a visit as the kiosk writes it; None (or an error) for anything else."""
    get = doc.get
    vid, code, note, kind_raw = get("id"), get("member_code"), get("note", ""), get("kind")
    pack_id, flags_raw = get("pack_id"), get("flags", [])
    if type(vid) is not str or type(code) is not str or type(note) is not str:
        return None
    if type(flags_raw) is not list or (pack_id is not None and type(pack_id) is not str):
        return None
    kind = None if kind_raw is None else _KINDS.get(kind_raw)
    flags = frozenset(_FLAGS[f] for f in flags_raw)
    at = datetime.fromisoformat(get("at"))  # type: ignore[arg-type]
    if at.tzinfo is None or (kind is None and kind_raw is not None):
        return None
    return Visit(vid, code, at, kind, pack_id, flags, note)


def _visit_checked(doc: Mapping[str, Any]) -> Visit:
    doc = _record(doc)
    at = _parse_time(doc.get("at"), "at")
    if at is None:
        raise BadDocument("visit has no time")
    flags_raw = doc.get("flags", [])
    if not isinstance(flags_raw, list):
        raise BadDocument("flags is not a list")
    try:
        flags = frozenset(VisitFlag(f) for f in flags_raw)
    except ValueError as e:
        raise BadDocument(f"unknown visit flag in {flags_raw!r}") from e
    pack_id = doc.get("pack_id")
    if pack_id is not None and not isinstance(pack_id, str):
        raise BadDocument("pack_id is not text")
    return Visit(
        _text(doc, "id"),
        _text(doc, "member_code"),
        at,
        _kind(doc.get("kind")),
        pack_id,
        flags,
        _text(doc, "note", ""),
    )


def screening_doc(screening: Screening) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "member_code": screening.member_code,
        "taken": screening.taken.isoformat(),
        "consent_at": screening.consent_at.isoformat(),
        "answers": {k: bool(v) for k, v in screening.answers.items()},
        "other": screening.other,
    }
    if screening.asked:  # each question's words as the client saw them
        doc["asked"] = [answer_doc(a) for a in screening.asked]
        doc["version"] = screening.version
    return doc


def answer_doc(answer: Answer) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": answer.id,
        "text": answer.text,
        "yes": answer.yes,
        "blocks": answer.blocks,
    }
    if answer.detail:
        doc["detail"] = answer.detail
    return doc


def answer_of(doc: Any) -> Answer:
    doc = _record(doc)
    yes, blocks = doc.get("yes"), doc.get("blocks", False)
    if not isinstance(yes, bool) or not isinstance(blocks, bool):
        raise BadDocument("an answer's yes or blocks is not true/false")
    return Answer(_text(doc, "id"), _text(doc, "text"), yes, blocks, _text(doc, "detail", ""))


def screening_of(doc: Mapping[str, Any]) -> Screening:
    """A screening; one kept before the questions' words were stored (no "asked") reads too."""
    doc = _record(doc)
    answers = doc.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, bool) for v in answers.values()):
        raise BadDocument("answers is not a table of yes/no")
    taken = _parse_day(doc.get("taken"), "taken")
    consent = _parse_time(doc.get("consent_at"), "consent_at")
    if taken is None or consent is None:
        raise BadDocument("screening has no date or consent")
    asked_raw = doc.get("asked", [])
    if not isinstance(asked_raw, list):
        raise BadDocument("asked is not a list of answers")
    asked = tuple(answer_of(a) for a in asked_raw)
    return Screening(
        _text(doc, "member_code"),
        taken,
        consent,
        dict(answers),
        _text(doc, "other", ""),
        asked,
        _text(doc, "version", ""),
    )
