"""Signals other apps listen to (the people app does not import them)."""

from django.dispatch import Signal

# 学籍 events were written for these students (``student_ids``); sent by ``events_link``, which every event
# writer calls. The indicators app queues a recompute of the current school year once the transaction commits.
events_written = Signal()

# 学籍 events of these students (``student_ids``), or the birth date and hukou village their events carry, are
# about to be written in the current transaction; ``events_written`` follows in the same transaction. The
# indicators app takes the students' contribution to the figures before the write (its incremental path).
events_changing = Signal()
