"""The warm-up timer: where a client is in a programme, derived from the clock.

The timer keeps one number, the position in the programme's plan, as "``offset`` seconds at
monotonic time ``anchor``" (plus whether it is paused). Everything shown (step, phase, seconds
left, set and side, next up, total left, progress) is worked out from that position whenever it
is asked for, so a late or missed tick of the screen never adds drift: it only shows the right
state a little later.

Skip, back, done and the +/- 15 s change the lengths of the plan's segments (or move the
position), never the clock. A set that waits for "done" has no end until the client says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.core.clock import Clock
from kiosk.core.programmes import Phase, Programme, Segment, Side, Step

CUE_SECONDS = 3.0  # the last seconds of a phase get a cue (sound and flash)
FLASH_SECONDS = 0.5  # the cue flashes on for half of each second, off for the other half
_EPSILON = 1e-9


def _until_next_multiple(value: float, step: float) -> float:
    """How far ``value`` is from the next multiple of ``step`` above it (never 0)."""
    until = step - math.fmod(value, step) if value >= 0 else -math.fmod(value, step)
    return until if until > 0 else step


@dataclass(frozen=True)
class Moment:
    """Everything the player shows, at one instant."""

    phase: Phase
    segment: Segment | None  # None when done
    step: Step | None
    seconds_left: float | None  # in this phase; None while a set waits for "done"
    elapsed: float  # seconds into this phase
    next_up: Segment | None  # the next set of work, if any
    next_step: Step | None
    total_left: float  # sets that wait for "done" count at their expected length
    progress: float  # 0..1
    paused: bool
    index: int  # of the segment in the plan (the plan's length when done)

    @property
    def set_no(self) -> int:
        return self.segment.set_no if self.segment else 0

    @property
    def sets(self) -> int:
        return self.step.sets if self.step else 0

    @property
    def side(self) -> Side | None:
        return self.segment.side if self.segment else None

    @property
    def waiting_for_done(self) -> bool:
        return self.seconds_left is None

    @property
    def shown_seconds(self) -> int | None:
        """The whole seconds a countdown shows: 10 for the first second of a 10 s phase."""
        if self.seconds_left is None:
            return None
        return max(0, math.ceil(self.seconds_left - _EPSILON))

    @property
    def cue(self) -> bool:
        """In the last seconds of a phase that ends by itself."""
        left = self.seconds_left
        return left is not None and self.phase is not Phase.DONE and 0 < left <= CUE_SECONDS

    def until_change(self) -> float:
        """Seconds until something shown next changes: a whole second of the countdown (or of
        the count up while a set waits for "done"), a half second of the cue's flash, or a rep.

        A screen that looks again only then shows each change on time, and does no work between.
        """
        if self.phase is Phase.DONE or self.paused:
            return math.inf
        if self.seconds_left is None:
            return _until_next_multiple(self.elapsed, 1.0)
        # whole seconds, or half seconds while the cue flashes
        grid = FLASH_SECONDS if self.seconds_left <= CUE_SECONDS else 1.0
        until = _until_next_multiple(-self.seconds_left, grid)
        tempo = self.step.timing.tempo if self.step is not None else 0.0
        if self.rep is not None and tempo > 0:
            until = min(until, _until_next_multiple(self.elapsed, tempo))
        return until

    @property
    def rep(self) -> int | None:
        """The rep being counted (1-based), for a rep-based set that counts at its tempo."""
        if self.phase is not Phase.WORK or self.step is None or self.seconds_left is None:
            return None
        timing = self.step.timing
        if timing.reps is None or timing.until_done or timing.tempo <= 0:
            return None
        return min(timing.reps, int(self.elapsed // timing.tempo) + 1)


class WarmupTimer:
    def __init__(self, programme: Programme, clock: Clock) -> None:
        self.programme = programme
        self.clock = clock
        self.plan = programme.plan()
        self._base = [self._base_length(s) for s in self.plan]
        self._lengths = list(self._base)
        self._offset = 0.0
        self._anchor = clock.monotonic()
        self._paused = False
        self._paused_since = 0.0

    @staticmethod
    def _base_length(segment: Segment) -> float:
        return math.inf if segment.until_done else float(segment.seconds)

    # --- where we are ---------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    def paused_for(self) -> float:
        """Seconds since the timer was paused (0 while running)."""
        return self.clock.monotonic() - self._paused_since if self._paused else 0.0

    def position(self) -> float:
        """Seconds into the plan."""
        if self._paused:
            return self._offset
        return self._offset + (self.clock.monotonic() - self._anchor)

    def _starts(self) -> list[float]:
        starts, at = [], 0.0
        for length in self._lengths:
            starts.append(at)
            at += length
        return starts

    def _locate(self, position: float) -> tuple[int, float]:
        """The segment at ``position`` and its start; (len(plan), total) when finished."""
        at = 0.0
        for i, length in enumerate(self._lengths):
            if position < at + length:
                return i, at
            at += length
        return len(self.plan), at

    def _expected(self, i: int) -> float:
        length = self._lengths[i]
        return self.plan[i].seconds if math.isinf(length) else length

    def _next_work(self, after: int) -> int | None:
        return next(
            (j for j in range(after + 1, len(self.plan)) if self.plan[j].phase is Phase.WORK),
            None,
        )

    def _previous_work(self, before: int) -> int | None:
        return next(
            (j for j in range(before - 1, -1, -1) if self.plan[j].phase is Phase.WORK), None
        )

    def moment(self) -> Moment:
        position = self.position()
        i, start = self._locate(position)
        if i >= len(self.plan):
            return Moment(Phase.DONE, None, None, 0.0, 0.0, None, None, 0.0, 1.0, self._paused, i)
        segment = self.plan[i]
        elapsed = position - start
        length = self._lengths[i]
        left = None if math.isinf(length) else max(0.0, length - elapsed)
        this_left = left if left is not None else max(0.0, segment.seconds - elapsed)
        total_left = this_left + sum(self._expected(j) for j in range(i + 1, len(self.plan)))
        # progress counts what the plan had before here as done, even if it was skipped
        done_so_far = sum(s.seconds for s in self.plan[:i]) + min(elapsed, segment.seconds)
        progress = done_so_far / (done_so_far + total_left) if done_so_far + total_left else 0.0
        # during a pause, what is next is the work the pause leads into
        upcoming = self._next_work(i if segment.phase is Phase.WORK else i - 1)
        next_up = self.plan[upcoming] if upcoming is not None else None
        return Moment(
            segment.phase,
            segment,
            self.programme.steps[segment.step],
            left,
            elapsed,
            next_up,
            self.programme.steps[next_up.step] if next_up else None,
            total_left,
            min(1.0, max(0.0, progress)),
            self._paused,
            i,
        )

    @property
    def finished(self) -> bool:
        return self._locate(self.position())[0] >= len(self.plan)

    def ends_at(self) -> float | None:
        """Monotonic time the programme ends (or ended) if nobody touches it; None if unknown."""
        total = sum(self._lengths)
        if self._paused and self._offset < total:
            return None
        if math.isinf(total):
            return None
        return self._anchor + (total - self._offset)

    # --- what the client can do -----------------------------------------------------------

    def _move_to(self, position: float) -> None:
        self._offset = position
        self._anchor = self.clock.monotonic()

    def pause(self) -> None:
        if not self._paused:
            self._offset = self.position()
            self._paused = True
            self._paused_since = self.clock.monotonic()

    def resume(self) -> None:
        if self._paused:
            self._anchor = self.clock.monotonic()
            self._paused = False

    def toggle_pause(self) -> None:
        if self._paused:
            self.resume()
        else:
            self.pause()

    def _end_here(self, i: int, start: float, position: float, until: int) -> None:
        """Segment i ends now, and the segments after it up to ``until`` are left out."""
        self._lengths[i] = position - start
        for j in range(i + 1, until):
            self._lengths[j] = 0.0

    def skip(self) -> None:
        """On to the next set of work (leaving out any rest before it), or to the end."""
        position = self.position()
        i, start = self._locate(position)
        if i >= len(self.plan):
            return
        target = self._next_work(i)
        self._end_here(i, start, position, len(self.plan) if target is None else target)
        self._move_to(position)

    def done(self) -> None:
        """The client finished this set (or wants the pause over): move on now."""
        position = self.position()
        i, start = self._locate(position)
        if i >= len(self.plan):
            return
        if self.plan[i].phase is Phase.WORK:
            self._end_here(i, start, position, i + 1)
            self._move_to(position)
        else:
            self.skip()

    def _restart_at(self, target: int) -> None:
        for j in range(target, len(self.plan)):
            self._lengths[j] = self._base[j]
        self._move_to(self._starts()[target])

    def back(self) -> None:
        """Back to the start of the previous set of work (from a rest: the one just done)."""
        i, _ = self._locate(self.position())
        target = self._previous_work(i)
        if target is None:
            target = self._next_work(-1)
        if target is not None:
            self._restart_at(target)

    def restart_step(self) -> None:
        """Back to the first set of the current exercise (from a rest: of the one coming up)."""
        i, _ = self._locate(self.position())
        if i >= len(self.plan):
            return
        step = self.plan[i].step
        target = next(
            j for j, s in enumerate(self.plan) if s.step == step and s.phase is Phase.WORK
        )
        self._restart_at(target)

    def add(self, seconds: float) -> bool:
        """Lengthen (or with a negative number, shorten) this phase; False if it cannot."""
        position = self.position()
        i, start = self._locate(position)
        if i >= len(self.plan) or math.isinf(self._lengths[i]):
            return False
        if seconds >= 0:
            self._lengths[i] += seconds
        else:
            left = self._lengths[i] - (position - start)
            self._lengths[i] -= min(-seconds, left)
        self._move_to(position)
        return True
