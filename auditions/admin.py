"""Where Django's admin finds the app's screens: each room registers its own on import."""

from .jury import admin as jury_admin  # noqa: F401
from .sessions import admin as sessions_admin  # noqa: F401
