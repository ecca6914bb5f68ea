"""Reference data: the French regions, and the order a French reader expects them in."""

import unicodedata

# The 18 French regions with their official (INSEE) codes.
REGIONS = [
    ("01", "Guadeloupe"),
    ("02", "Martinique"),
    ("03", "Guyane"),
    ("04", "La Réunion"),
    ("06", "Mayotte"),
    ("11", "Île-de-France"),
    ("24", "Centre-Val de Loire"),
    ("27", "Bourgogne-Franche-Comté"),
    ("28", "Normandie"),
    ("32", "Hauts-de-France"),
    ("44", "Grand Est"),
    ("52", "Pays de la Loire"),
    ("53", "Bretagne"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("84", "Auvergne-Rhône-Alpes"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("94", "Corse"),
]


def collation_key(name):
    """French dictionary order without a system locale: "Île-de-France" among the I, not after the Z.

    Letters are compared first without their accents and case, then as written to break ties; the same
    order on every database (PostgreSQL's C collation and SQLite's both put accented capitals last).
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold(), name


def in_french_order(regions):
    """``regions`` (Region objects) sorted by their names in French dictionary order."""
    return sorted(regions, key=lambda region: collation_key(region.name))
