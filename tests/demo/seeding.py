"""How the demo tests seed: through the command, as ``make run`` does (forced, as tests run with DEBUG off)."""

from io import StringIO

from django.core.management import call_command


def seed():
    output = StringIO()
    call_command("seed_demo", force=True, no_color=True, stdout=output)
    return output.getvalue()


def count_rows(*models):
    return {model.__name__: model.objects.count() for model in models}
