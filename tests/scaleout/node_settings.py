"""Settings of the cluster's processes: the test settings, less the inline tasks.

config.settings_test runs every task inline (CELERY_TASK_ALWAYS_EAGER), in whatever process loads it: a web node
would send its e-mails itself and the beat would run its periodic tasks itself, never through the broker.
"""

from config.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
