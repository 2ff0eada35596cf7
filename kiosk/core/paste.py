"""Bracketed paste that cannot swallow the keys typed after a lone start marker.

Terminals send ESC[200~ before pasted text and ESC[201~ after it. A lone start (a scanner's
stray bytes, a fast typist's Esc [ 2 0 0 ~) would make an input parser hold every later key until
an end that may never come. PasteFilter sits in front of the parser: it takes the markers out,
hands a complete paste over as one piece, and once a paste has stayed open for a second hands what
came after its start over as typed keys. Pure: the caller passes the time in.
"""

from __future__ import annotations

from dataclasses import dataclass

START = "\x1b[200~"
END = "\x1b[201~"
TIMEOUT_SECONDS = 1.0  # a real paste arrives whole in milliseconds
# Textual's own rule (ESCDELAY, 100 ms): bytes further apart than this are not one sequence
SEQUENCE_SECONDS = 0.1


@dataclass(frozen=True)
class Piece:
    text: str
    pasted: bool  # a whole bracketed paste; otherwise typed keys for the parser


def _part_of(text: str, marker: str) -> int:
    """How many characters at the end of `text` could be the start of `marker`."""
    for size in range(min(len(text), len(marker) - 1), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class PasteFilter:
    def __init__(
        self, timeout: float = TIMEOUT_SECONDS, sequence: float = SEQUENCE_SECONDS
    ) -> None:
        self.timeout = timeout
        self.sequence = sequence
        self.pasted: str | None = None  # text of the open paste, None when none is open
        self.opened = 0.0
        self.held = ""  # the last characters in, which may be the start of a marker
        self.held_at = 0.0

    @property
    def waiting(self) -> bool:
        """True while something is held back that `tick` will let go of."""
        return bool(self.held) or self.pasted is not None

    def feed(self, text: str, now: float) -> list[Piece]:
        pieces: list[Piece] = []
        data, self.held = self.held + text, ""
        while data:
            marker = START if self.pasted is None else END
            at = data.find(marker)
            if at < 0:
                keep = _part_of(data, marker)
                self._take(data[: len(data) - keep], pieces)
                self.held, self.held_at = data[len(data) - keep :], now
                break
            self._take(data[:at], pieces)
            data = data[at + len(marker) :]
            if self.pasted is None:
                self.pasted, self.opened = "", now
            else:
                pieces.append(Piece(self.pasted, pasted=True))
                self.pasted = None
        return [piece for piece in pieces if piece.text or piece.pasted]

    def tick(self, now: float) -> list[Piece]:
        """Let go of what has waited too long: a marker's first characters, an unended paste."""
        pieces: list[Piece] = []
        if self.held and now - self.held_at >= self.sequence:
            self._take(self.held, pieces)
            self.held = ""
        if self.pasted is not None and now - self.opened >= self.timeout:
            typed, self.pasted = self.pasted + self.held, None
            self.held = ""
            # a start inside must not open a paste in the parser it now goes to
            pieces.append(Piece(typed.replace(START, ""), pasted=False))
        return [piece for piece in pieces if piece.text]

    def _take(self, text: str, pieces: list[Piece]) -> None:
        if self.pasted is None:
            pieces.append(Piece(text, pasted=False))
        else:
            self.pasted += text
