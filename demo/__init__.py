"""The demo data: texts and dates in ``data/*.toml``, replayed through the domain services by ``seed.run``.

Only the ``seed_demo`` command imports this package; no app does (an import-linter contract holds it).
"""
