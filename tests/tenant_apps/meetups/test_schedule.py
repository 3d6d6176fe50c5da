"""The speed meetings' schedule as a pure function: first choices first, nobody twice in a
round, a pro never holds more rendezvous than rounds."""

from __future__ import annotations

import random
from collections import Counter

from tenant_apps.meetups.schedule import plan_rounds


def test_first_choices_are_served_before_second_ones():
    # Three people all want pro A first; A has two rounds: the third gets A nowhere, but
    # everyone's second choice (B) still fits.
    wishes = [("p1", ["A", "B"]), ("p2", ["A", "B"]), ("p3", ["A", "B"])]
    plan = plan_rounds(rounds=2, wishes=wishes)
    with_a = {person for pro, person, _ in plan.placed if pro == "A"}
    assert with_a == {"p1", "p2"}  # in the order of registration
    assert plan.unplaced == [("p3", "A"), ("p3", "B")]  # B's two rounds went to p1 and p2
    assert Counter(pro for pro, _, _ in plan.placed)["A"] == 2


def test_a_later_first_choice_beats_an_earlier_second_choice():
    wishes = [("early", ["A", "B"]), ("late", ["B"])]
    plan = plan_rounds(rounds=1, wishes=wishes)
    assert ("B", "late", 1) in plan.placed
    assert ("early", "B") in plan.unplaced


def test_random_plans_never_double_book():
    rng = random.Random(7)
    pros = [f"pro{i}" for i in range(8)]
    wishes = [(f"p{i}", rng.sample(pros, rng.randint(0, 4))) for i in range(60)]
    plan = plan_rounds(rounds=6, wishes=wishes)
    assert len({(pro, n) for pro, _, n in plan.placed}) == len(plan.placed)
    assert len({(person, n) for _, person, n in plan.placed}) == len(plan.placed)
    assert all(1 <= n <= 6 for _, _, n in plan.placed)
    asked = sum(len(w) for _, w in wishes)
    assert len(plan.placed) + len(plan.unplaced) == asked
    assert max(Counter(pro for pro, _, _ in plan.placed).values()) <= 6


def test_a_wish_fits_whenever_both_sides_have_a_free_round():
    # Everyone wants A then B, three rounds: A's rounds fill 1, 2, 3 in that order; the last
    # person's B must move someone's B to another round, never dropping it.
    wishes = [(f"p{i}", ["A", "B"]) for i in range(3)]
    plan = plan_rounds(rounds=3, wishes=wishes)
    assert plan.unplaced == [] and len(plan.placed) == 6


def test_random_plans_place_every_wish_below_capacity():
    rng = random.Random(11)
    for _ in range(50):
        pros = [f"pro{i}" for i in range(6)]
        wishes = [(f"p{i}", rng.sample(pros, rng.randint(1, 3))) for i in range(rng.randint(1, 30))]
        plan = plan_rounds(rounds=5, wishes=wishes)
        load = Counter(pro for _, ws in wishes for pro in ws)
        # Unplaced only for a pro asked more than 5 times, never otherwise.
        assert all(load[pro] > 5 for _, pro in plan.unplaced)
        assert len({(pro, n) for pro, _, n in plan.placed}) == len(plan.placed)
        assert len({(person, n) for _, person, n in plan.placed}) == len(plan.placed)
        placed_pairs = {(person, pro) for pro, person, _ in plan.placed}
        assert len(placed_pairs) == len(plan.placed)
