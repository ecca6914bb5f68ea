"""What a service acting on many rows returns: what it did and what it refused, with the reasons."""

from dataclasses import dataclass, field


@dataclass
class Outcome:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (object, message) pairs

    def refuse(self, obj, message):
        self.refused.append((obj, str(message)))

    def refused_by_reason(self):
        """{message: [objects]} in the order the reasons first came up."""
        grouped = {}
        for obj, message in self.refused:
            grouped.setdefault(message, []).append(obj)
        return grouped
