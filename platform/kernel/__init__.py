"""The kernel: plumbing every layer may use, importing nothing of ours.

errors (the one error hierarchy), api (the JSON error shape), forms (showing a service error on a
form), clock (local date and time), text (accent folding), geo (distances).
"""
