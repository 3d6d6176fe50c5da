"""The diagnostic's privacy rule, and the analytics side of a young person's data rights.

Rule (applied to every figure of the dashboard, the API and the CSV export):

1. Aggregates are stored as *atoms*: young people counted per neighbourhood, per period
   (calendar month or ISO week for events, the day's snapshot for profiles) and per value
   (an age band, a search, an aid…).
2. An atom about fewer than 10 young people is never published. Within each neighbourhood and
   period, if the hidden atoms of a table add up to 1 to 9 young people, the smallest published
   atom of that table is hidden too (complementary suppression), so the table's margin minus
   its published rows cannot single out a hidden one.
3. Every figure shown is a sum of published atoms; a figure that has only hidden atoms behind
   it is shown as "<10". The atom grid does not depend on the filters asked for, so combining
   two filters (city minus one neighbourhood, months A+B minus A) only ever subtracts sums of
   published atoms: a hidden atom never enters any number, and any difference is 0 or ≥ 10.
4. An atom split into parts that add up to it (non-recours: the eligible who said they applied
   and those who did not) publishes its parts by rules 1-2 among themselves, and none of them
   when the atom is hidden. A sum of euros is published only with the part it is about: the
   unclaimed euros of an atom whose "did not apply" part is hidden are hidden too (with a fixed
   amount, euros ÷ amount would give the number of young people back).

The price: figures leave out small groups (a neighbourhood where only 4 young people searched
"permis" in March adds nothing to "permis"). Periods are whole months for the same reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable

from tenant_apps.youth.exports import register_erasure, register_export

THRESHOLD = 10
SUPPRESSED = "<10"


Atom = tuple[Hashable, Hashable, int]  # (group, key, people); group = (neighbourhood, period)


def published_atoms(atoms: Iterable[Atom]) -> dict[tuple, int | None]:
    """(group, key) → people if the atom is published, None if it is hidden (rules 1-2).
    Pass every atom of a table for each group concerned: the decision is per group."""
    groups: dict[Hashable, list[list]] = defaultdict(list)
    for group, key, people in atoms:
        if people > 0:
            groups[group].append([key, people, people >= THRESHOLD])
    result: dict[tuple, int | None] = {}
    for group, cells in groups.items():
        hidden_mass = sum(c[1] for c in cells if not c[2])
        if 0 < hidden_mass < THRESHOLD:
            shown = [c for c in cells if c[2]]
            if shown:
                min(shown, key=lambda c: (c[1], str(c[0])))[2] = False
        for key, people, published in cells:
            result[(group, key)] = people if published else None
    return result


def published_parts(whole: int | None, parts: dict[Hashable, int]) -> dict[Hashable, int | None]:
    """The parts an atom splits into (the eligible: who said they applied, who did not), each
    published or hidden (None) by rules 1-2 within the atom; all hidden, even empty ones, when
    the atom itself is (`whole` None): "none of them applied" is news about a small group too.
    Empty parts of a published atom are left out (0)."""
    if whole is None:
        return dict.fromkeys(parts)
    published = published_atoms([(None, key, people) for key, people in parts.items()])
    return {key: people for (_group, key), people in published.items()}


def totals(
    published: dict[tuple, int | None],
    keyfn: Callable[[Hashable, Hashable], Hashable] | None = None,
) -> dict[Hashable, int | str]:
    """Sum published atoms by key (rule 3): key → int, or "<10" if only hidden atoms."""
    keyfn = keyfn or (lambda group, key: key)
    sums: dict[Hashable, int] = defaultdict(int)
    hidden: set[Hashable] = set()
    for (group, key), people in published.items():
        k = keyfn(group, key)
        if people is None:
            hidden.add(k)
        else:
            sums[k] += people
    result: dict[Hashable, int | str] = dict(sums)
    for k in hidden - set(sums):
        result[k] = SUPPRESSED
    return result


def publish(atoms: Iterable[Atom]) -> dict[Hashable, int | str]:
    """Key → published figure for a table of atoms."""
    return totals(published_atoms(atoms))


def value_of(figure: int | str | None) -> int:
    """Sort key of a published figure ("<10" sorts below 10, absent is 0)."""
    if figure is None:
        return 0
    return 5 if figure == SUPPRESSED else int(figure)


def share(part: int | str, whole: int | str) -> str:
    """A percentage of two published figures, or "—" when either is suppressed or empty."""
    if not isinstance(part, int) or not isinstance(whole, int) or whole == 0:
        return "—"
    return f"{round(100 * part / whole)} %"


# Data rights: the young person's raw events are pseudonymous personal data.


def _export(user) -> dict:
    from django.db.models import Count

    from .models import Event, Identity
    from .recording import user_pseudonyms

    if not Identity.objects.filter(user_id=user.pk).exists():
        return {"events": {}}
    name = user_pseudonyms([user.pk], create=False)[user.pk]
    counts = Event.objects.filter(pseudonym=name).values("kind").annotate(n=Count("id"))
    return {"events": {row["kind"]: row["n"] for row in counts}}


def _erase(user) -> None:
    """Delete the raw events and forget the salt: only anonymous aggregates remain."""
    from .models import Event, Identity
    from .recording import user_pseudonyms

    names = user_pseudonyms([user.pk], create=False)
    if user.pk in names:
        Event.objects.filter(pseudonym=names[user.pk]).delete()
    Identity.objects.filter(user_id=user.pk).delete()


register_export("analytics", _export)
register_erasure("analytics", _erase)
