"""A bracketed-paste start with no end stops holding keys after a second (issue 15, finding 9):
the filter in front of Textual's parser (kiosk/core/paste.py), with the time passed in, and the
real kiosk on a pseudo-terminal."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.paste import END, START, PasteFilter, Piece

from .terminal import Terminal, kiosk_argv


def keys(text: str) -> Piece:
    return Piece(text, pasted=False)


def test_typed_keys_go_straight_through() -> None:
    paste = PasteFilter()
    assert paste.feed("sarah", 0.0) == [keys("sarah")]
    assert paste.feed("\x1b[A", 0.0) == [keys("\x1b[A")]  # an arrow key is not held
    assert not paste.waiting


def test_a_whole_paste_is_one_piece_and_keys_around_it_stay_keys() -> None:
    paste = PasteFilter()
    assert paste.feed(f"ab{START}M1001\r{END}c", 0.0) == [
        keys("ab"),
        Piece("M1001\r", pasted=True),
        keys("c"),
    ]
    assert not paste.waiting


def test_a_paste_split_across_reads_still_arrives_whole() -> None:
    paste = PasteFilter()
    pieces = [
        piece
        for at, part in enumerate(["x\x1b[2", "00~hel", "lo\x1b[20", "1~y"])
        for piece in paste.feed(part, at * 0.01)
    ]
    assert pieces == [keys("x"), Piece("hello", pasted=True), keys("y")]


def test_a_start_without_an_end_hands_the_keys_over_after_a_second() -> None:
    paste = PasteFilter()
    assert paste.feed(START, 10.0) == []
    assert paste.feed("sam", 10.2) == []  # held: it may still be a paste
    assert paste.tick(10.9) == []
    assert paste.tick(11.0) == [keys("sam")]  # one second after the start: typed keys
    assert paste.feed("u", 11.1) == [keys("u")]  # and what comes next goes straight through
    assert not paste.waiting


def test_a_typist_cannot_keep_a_lone_start_open_by_typing_on() -> None:
    paste = PasteFilter()
    paste.feed(START, 0.0)
    for tenth in range(1, 10):
        assert paste.feed("a", tenth / 10) == []
    assert paste.tick(1.0) == [keys("a" * 9)]


def test_a_second_start_inside_never_reaches_the_parser() -> None:
    paste = PasteFilter()
    paste.feed(f"{START}ab{START}cd", 0.0)
    assert paste.tick(1.0) == [keys("abcd")]


def test_a_start_typed_one_key_at_a_time_is_still_a_start() -> None:
    paste = PasteFilter()
    for at, char in enumerate(START):  # a scanner or a fast typist: 10 ms apart
        assert paste.feed(char, at * 0.01) == []
    assert paste.tick(1.0) == [] and paste.waiting  # timed from when the start was whole
    assert paste.tick(1.05) == [] and not paste.waiting  # nothing was typed after it
    assert paste.feed("a", 1.1) == [keys("a")]


def test_a_lone_escape_goes_on_once_no_sequence_follows() -> None:
    paste = PasteFilter()
    assert paste.feed("\x1b", 5.0) == []  # may be the first byte of a paste start
    assert paste.tick(5.05) == []
    assert paste.tick(5.2) == [keys("\x1b")]  # Textual's own escape delay: it is the Esc key
    assert paste.feed("\x1b[2", 6.0) == []
    assert paste.feed("7u", 6.0) == [keys("\x1b[27u")]  # not a paste start: on it goes


def test_the_kiosk_takes_keys_again_a_second_after_a_lone_paste_start(
    data_dir: Path, kiosks: list[Terminal]
) -> None:
    kiosk = Terminal(kiosk_argv("--data", str(data_dir), "run"))
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    kiosk.type(START.encode() + b"zq")
    kiosk.type(b"x")  # typed on after the start: once the second is up, all three show
    kiosk.wait_for(b"zqx", timeout=60)


def test_a_whole_paste_reaches_the_look_up_as_one_paste(
    data_dir: Path, kiosks: list[Terminal]
) -> None:
    kiosk = Terminal(kiosk_argv("--data", str(data_dir), "run"))
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    kiosk.type(b"k")  # opens the look-up with "k" in it
    kiosk.wait_for(b"Scan your card")
    kiosk.type(START.encode() + b"wq" + END.encode())
    kiosk.wait_for(b"kwq")
