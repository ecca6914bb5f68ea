"""What the jury adds to the rooms below it, which never import this one; imported by the app's ``ready()``."""

from label.queries import register_reader

from .queries import candidatures_assigned_to

# Jurors read the dossiers assigned to them (the ``label.queries.register_reader`` hook).
register_reader(candidatures_assigned_to)
