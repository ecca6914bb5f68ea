"""Hooks: places where a higher room plugs in without the lower room importing it."""


class Hook:
    """Providers registered by other rooms (from their app's ``ready()``), asked in one call."""

    def __init__(self):
        self._providers = []

    def register(self, provider):
        """Add ``provider``; usable as a decorator, and registering twice keeps one."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def unregister(self, provider):
        if provider in self._providers:
            self._providers.remove(provider)

    def __iter__(self):
        return iter(self._providers)

    def ask(self, *args):
        """Each provider's answer to ``args``, those that answered None left out, in their ``order``."""
        answers = [answer for provider in self._providers if (answer := provider(*args)) is not None]
        return sorted(answers, key=lambda answer: getattr(answer, "order", 100))
