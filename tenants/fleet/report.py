"""What a fleet migration run reports: one outcome per migrated schema, and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field

MIGRATED = "migrated"
FAILED = "failed"


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    status: str  # MIGRATED or FAILED
    applied: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0


@dataclass
class FleetReport:
    checked: int = 0
    up_to_date: list[str] = field(default_factory=list)
    outcomes: list[SchemaOutcome] = field(default_factory=list)
    template_stamped: bool = False
    seconds: float = 0.0

    @property
    def migrated(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.status == MIGRATED]

    @property
    def failed(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed


def first_line(exc: BaseException) -> str:
    """The error as a report shows it: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()
