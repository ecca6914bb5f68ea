"""Where Django finds the app's models; code imports them from their room (``auditions.jury.models``…)."""

from .jury.models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score
from .sessions.models import AuditionSession, Availability, Convocation, SessionBreak, Slot

__all__ = [
    "Assignment",
    "AuditionSession",
    "Availability",
    "ConflictOfInterest",
    "Convocation",
    "Evaluation",
    "Jury",
    "JuryMember",
    "Score",
    "SessionBreak",
    "Slot",
]
