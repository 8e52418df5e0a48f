"""Signals intake sends so that other apps can follow proposals without intake importing them."""
from django.dispatch import Signal

# Sent inside proposal_submit's transaction, once a proposal has been submitted (or
# resubmitted after a correction): kwargs ``proposal`` (the saved, locked row) and ``actor``.
# A receiver that raises rolls the submit back, so nothing is submitted half-way.
proposal_submitted = Signal()
