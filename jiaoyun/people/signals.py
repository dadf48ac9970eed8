"""Signals other apps listen to (the people app does not import them)."""

from django.dispatch import Signal

# 学籍 events were written for these students (``student_ids``); sent by ``events_link``, which every event
# writer calls. The indicators app queues a recompute of the current school year once the transaction commits.
events_written = Signal()
