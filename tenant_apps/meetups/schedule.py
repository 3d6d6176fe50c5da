"""Who meets whom, and when: the schedule of a speed meeting, as a pure function.

Wishes are served first choices first: everyone's first choice (in the order people
registered to the event), then everyone's second, and so on. A pro meets at most one young
person per round and a young person at most one pro, so a wish is placed whenever the pro and
the person each still have a free round — even when their free rounds differ: the rendezvous
already placed are then moved between two rounds along an alternating path (the classic
bipartite edge-colouring step, König's theorem), so nobody placed loses a meeting. A wish is
left unplaced only when the pro (or the person) already fills every round.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field


@dataclass
class Plan:
    # (pro, person, round number from 1)
    placed: list[tuple[Hashable, Hashable, int]] = field(default_factory=list)
    # (person, pro) wishes that found no round
    unplaced: list[tuple[Hashable, Hashable]] = field(default_factory=list)


class _Rounds:
    """Rendezvous by round on both sides: pro_at[(pro, n)] = person and the reverse."""

    def __init__(self, rounds: int) -> None:
        self.numbers = range(1, rounds + 1)
        self.pro_at: dict[tuple[Hashable, int], Hashable] = {}
        self.person_at: dict[tuple[Hashable, int], Hashable] = {}

    def free_for_pro(self, pro) -> list[int]:
        return [n for n in self.numbers if (pro, n) not in self.pro_at]

    def free_for_person(self, person) -> list[int]:
        return [n for n in self.numbers if (person, n) not in self.person_at]

    def put(self, pro, person, n: int) -> None:
        self.pro_at[(pro, n)] = person
        self.person_at[(person, n)] = pro

    def swap_path(self, pro, a: int, b: int) -> None:
        """Exchange rounds a and b on the path leaving `pro` by its round-a rendezvous."""
        path = []  # (pro, person, round) of each rendezvous on the path
        side, node, colour = "pro", pro, a
        while True:
            if side == "pro":
                other = self.pro_at.get((node, colour))
                if other is None:
                    break
                path.append((node, other, colour))
                side, node = "person", other
            else:
                other = self.person_at.get((node, colour))
                if other is None:
                    break
                path.append((other, node, colour))
                side, node = "pro", other
            colour = b if colour == a else a
        for p, person, n in path:
            del self.pro_at[(p, n)], self.person_at[(person, n)]
        for p, person, n in path:
            self.put(p, person, b if n == a else a)


def plan_rounds(*, rounds: int, wishes: Sequence[tuple[Hashable, Sequence[Hashable]]]) -> Plan:
    """`wishes`: (person, [pro by order of preference]) in order of priority."""
    grid = _Rounds(rounds)
    plan = Plan()
    depth = max((len(pros) for _, pros in wishes), default=0)
    for rank in range(depth):
        for person, pros in wishes:
            if rank >= len(pros):
                continue
            pro = pros[rank]
            free_pro, free_person = grid.free_for_pro(pro), grid.free_for_person(person)
            if not free_pro or not free_person:
                plan.unplaced.append((person, pro))
                continue
            common = sorted(set(free_pro) & set(free_person))
            if common:
                grid.put(pro, person, common[0])
                continue
            a, b = free_person[0], free_pro[0]  # a: busy for the pro; b: busy for the person
            grid.swap_path(pro, a, b)  # now a is free for the pro, and still for the person
            grid.put(pro, person, a)
    plan.placed = sorted(
        ((pro, person, n) for (pro, n), person in grid.pro_at.items()), key=lambda x: x[2]
    )
    return plan
