from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed by ``config.settings_bench`` only: its ``build_bench_data`` command builds the bench's data set."""

    name = "bench"
    verbose_name = "Bench"
