"""The floor every app stands on: the clock, Paris time, the refusal a person reads, shared template tags.

It imports no app of ours.
"""
