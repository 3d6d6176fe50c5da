"""Reads of « Adopte un pro » (city schema)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.matching.selectors import mentors_enabled
from tenant_apps.portal.models import Registration

from .models import Choice, FollowUp, FollowUpSide, Pro, Rendezvous, SpeedMeeting


def enabled() -> bool:
    """Speed meetings are a mentors' format: shown only where the `mentors` feature is on."""
    return mentors_enabled()


def meeting_for_offer(offer_id) -> SpeedMeeting | None:
    if not enabled():
        return None
    return SpeedMeeting.objects.select_related("offer").filter(offer_id=offer_id).first()


def meeting_get(pk: int) -> SpeedMeeting | None:
    return (
        SpeedMeeting.objects.select_related("offer", "referent").filter(pk=pk).first()
        if enabled()
        else None
    )


def pros_of(meeting: SpeedMeeting) -> QuerySet[Pro]:
    """The tables in the order they were given (Table 1, Table 2…)."""
    return Pro.objects.filter(meeting=meeting).order_by("pk")


def _numbers(meeting: SpeedMeeting) -> dict[int, int]:
    """user id → their registration number for the event: two young people may share a
    pseudonym, their numbers tell them apart at the door."""
    return dict(
        Registration.objects.filter(offer_id=meeting.offer_id).values_list("user_id", "position")
    )


def meetings_for_staff() -> QuerySet[SpeedMeeting]:
    return (
        SpeedMeeting.objects.select_related("offer")
        .annotate(pro_count=Count("pros", distinct=True))
        .order_by("-offer__starts_at")
    )


def meetings_for_pro(user: User) -> QuerySet[SpeedMeeting]:
    return meetings_for_staff().filter(pros__user=user)


def demand(meeting: SpeedMeeting) -> list[dict]:
    """Per pro: how many chose them first, and in all (staff plan the tables with it)."""
    pros = pros_of(meeting).annotate(
        wished=Count("choices", distinct=True),
        placed=Count("rendezvous", distinct=True),
    )
    firsts = dict(
        Choice.objects.filter(meeting=meeting, rank=1)
        .values("pro_id")
        .annotate(n=Count("pk"))
        .values_list("pro_id", "n")
    )
    return [{"pro": pro, "first": firsts.get(pro.pk, 0)} for pro in pros]


def choosers_count(meeting: SpeedMeeting) -> int:
    return Choice.objects.filter(meeting=meeting).values("user_id").distinct().count()


@dataclass
class ScheduleRow:
    rendezvous: Rendezvous
    starts_at: object
    ends_at: object
    asked: bool = False  # this side asked to meet again
    asked_by_other: bool = False
    can_ask: bool = False


@dataclass
class YouthState:
    meeting: SpeedMeeting
    registration: Registration | None
    chosen: list[int] = field(default_factory=list)  # pro ids by rank
    schedule: list[ScheduleRow] = field(default_factory=list)
    missed: list[Pro] = field(default_factory=list)  # chosen, not placed (schedule sent)

    @property
    def registered(self) -> bool:
        return self.registration is not None and self.registration.status == "registered"


def _rows(rendezvous: QuerySet[Rendezvous], side: str) -> list[ScheduleRow]:
    now = timezone.now()
    rows = []
    items = list(rendezvous.prefetch_related("follow_ups"))
    numbers = _numbers(items[0].meeting) if items and side == FollowUpSide.PRO else {}
    for item in items:
        item.number = numbers.get(item.user_id)
        sides = {f.side for f in item.follow_ups.all()}
        start, end = item.window()
        rows.append(
            ScheduleRow(
                rendezvous=item,
                starts_at=start,
                ends_at=end,
                asked=side in sides,
                asked_by_other=bool(sides - {side}),
                can_ask=start <= now and side not in sides and item.user_id is not None,
            )
        )
    return rows


def youth_state(*, user: User, meeting: SpeedMeeting) -> YouthState:
    state = YouthState(
        meeting=meeting,
        registration=Registration.objects.filter(user=user, offer_id=meeting.offer_id).first()
        if user.is_authenticated
        else None,
    )
    if not user.is_authenticated:
        return state
    state.chosen = list(
        Choice.objects.filter(meeting=meeting, user=user)
        .order_by("rank")
        .values_list("pro_id", flat=True)
    )
    if meeting.schedule_sent_at:
        mine = Rendezvous.objects.filter(meeting=meeting, user=user).select_related(
            "pro", "meeting__offer"
        )
        state.schedule = _rows(mine, FollowUpSide.YOUTH)
        placed = {row.rendezvous.pro_id for row in state.schedule}
        state.missed = list(pros_of(meeting).filter(pk__in=set(state.chosen) - placed))
    return state


def pro_schedule(*, pro: Pro) -> list[ScheduleRow]:
    return _rows(
        Rendezvous.objects.filter(pro=pro).select_related("user", "meeting__offer"),
        FollowUpSide.PRO,
    )


def schedule_table(meeting: SpeedMeeting) -> list[dict]:
    """The whole schedule for staff: one line per round, one cell per pro."""
    pros = list(pros_of(meeting))
    numbers = _numbers(meeting)
    cells = {}
    for item in Rendezvous.objects.filter(meeting=meeting).select_related("user"):
        item.number = numbers.get(item.user_id)
        cells[(item.round, item.pro_id)] = item
    return [
        {
            "number": number,
            "starts_at": meeting.round_window(number)[0],
            "cells": [cells.get((number, pro.pk)) for pro in pros],
        }
        for number in range(1, meeting.rounds + 1)
    ]


def follow_ups(meeting: SpeedMeeting) -> list[dict]:
    """Who asked to meet again, per rendezvous (staff and the referent organise the rest)."""
    rows: dict[int, dict] = {}
    for item in (
        FollowUp.objects.filter(rendezvous__meeting=meeting)
        .select_related("rendezvous__pro", "rendezvous__user")
        .order_by("created_at")
    ):
        row = rows.setdefault(
            item.rendezvous_id, {"rendezvous": item.rendezvous, "sides": set(), "at": None}
        )
        row["sides"].add(item.side)
        row["at"] = item.created_at
    for row in rows.values():
        row["mutual"] = len(row["sides"]) == 2
    return sorted(rows.values(), key=lambda row: (not row["mutual"], row["at"]))
