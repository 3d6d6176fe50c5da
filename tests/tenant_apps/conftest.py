"""Fixtures shared by the city apps' tests."""

from __future__ import annotations

from .territory import lens_lievin  # noqa: F401 - a territory city (Lens and Liévin)
