"""What every rule a person can break raises."""


class Refused(Exception):
    """An action the rules refuse; ``message`` is shown to the person as is, at ``field`` when one is named."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
