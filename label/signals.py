from django.dispatch import Signal

# Sent inside the transaction of every status change: candidature, transition, entry (HistoryEntry).
status_changed = Signal()
