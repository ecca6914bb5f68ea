"""Compile every .po catalogue of the project to .mo, with polib (no GNU gettext needed)."""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent


def main():
    for po_path in sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po")):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
