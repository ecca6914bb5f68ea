"""What the site checks before it serves a request (``config.wsgi``, ``config.asgi``).

Management commands (migrate, makemigrations, check…) run without a key; serving does not: a key made up on
one server would differ on the next and change at each fresh deployment, invalidating sessions and links.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "SECRET_KEY manquante : avec DEBUG désactivé, définissez la variable d'environnement SECRET_KEY "
    "(ou une ligne SECRET_KEY=… dans .env) à une valeur longue et aléatoire, la même sur chaque serveur, "
    'par exemple celle que donne python -c "import secrets; print(secrets.token_urlsafe(64))". '
    "SECRET_KEY is missing: with DEBUG off, set the SECRET_KEY environment variable (or a SECRET_KEY=… "
    "line in .env) to a long random value, the same on every server, for instance the one printed by "
    'python -c "import secrets; print(secrets.token_urlsafe(64))".'
)


def refuse_without_secret_key():
    """Raise the message above when the settings have no key (Django refuses to read an empty one)."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
