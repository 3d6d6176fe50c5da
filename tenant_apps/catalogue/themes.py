"""The thématiques an offer can carry live with its shape, in shared_apps.offers.themes (the
national catalogue uses them too); re-exported here for the city apps."""

from shared_apps.offers.themes import (  # noqa: F401
    CATEGORY_LABELS,
    YOUTH_TOPICS,
    is_theme,
    network_labels,
    theme_choices,
    theme_labels,
)
