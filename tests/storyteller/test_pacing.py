"""Edits of a streamed reply: at most one per 1.5 s on the injected clock."""

from bot.storyteller.pacing import Pacer
from tests.fake_model import StepClock


async def test_the_first_edit_is_due_then_one_per_interval():
    clock = StepClock()
    pacer = Pacer(clock, clock.sleep)
    assert pacer.due()
    pacer.mark()
    clock.advance(1.4)
    assert not pacer.due()
    clock.advance(0.1)
    assert pacer.due()


async def test_wait_sleeps_only_what_is_left_of_the_interval():
    clock = StepClock()
    pacer = Pacer(clock, clock.sleep)
    await pacer.wait()
    assert clock.slept == []
    pacer.mark()
    clock.advance(0.5)
    await pacer.wait()
    assert clock.slept == [1.0]
