"""An offer's invariants live with its shape, in shared_apps.offers.validation (the national
catalogue checks them too); re-exported here for the catalogue's importers and forms."""

from shared_apps.offers.validation import (  # noqa: F401
    VALID_SITUATIONS,
    eligibility_errors,
    offer_errors,
)
