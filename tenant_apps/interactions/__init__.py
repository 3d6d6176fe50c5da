"""Record what a visitor does (views an offer, searches, claims a right…) without knowing who
measures it.

The apps that see these interactions (catalogue, matching) sit below analytics, which measures
them (pyproject's layer contracts): they call `record` here, and analytics registers its
recorder from AppConfig.ready() (analytics.recording.record: one RPUSH into the city's Redis
buffer). Without a recorder, nothing is recorded. A recorder never raises: measuring must not
break a page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Protocol


class Recorder(Protocol):
    def __call__(
        self,
        request: Any,
        kind: str,
        *,
        offer: Any = None,
        offers: Iterable[uuid.UUID] | None = None,
        query: str | None = None,
        results: int | None = None,
        themes: Iterable[str] | None = None,
    ) -> None: ...


_recorder: Recorder | None = None


def recorder_register(recorder: Recorder | None) -> None:
    """Set (or, with None, remove) the recorder `record` hands interactions to."""
    global _recorder
    _recorder = recorder


def recorder() -> Recorder | None:
    return _recorder


def record(
    request: Any,
    kind: str,
    *,
    offer: Any = None,
    offers: Iterable[uuid.UUID] | None = None,
    query: str | None = None,
    results: int | None = None,
    themes: Iterable[str] | None = None,
) -> None:
    """Record one interaction of `kind` (analytics' EventKind values), about `offer` or each of
    `offers`, or a search (`query`, `results`, `themes`)."""
    if _recorder is not None:
        _recorder(
            request, kind, offer=offer, offers=offers, query=query, results=results, themes=themes
        )
