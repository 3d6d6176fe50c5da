"""The shape of an offer, shared by the national and city catalogues (not an installed app)."""
