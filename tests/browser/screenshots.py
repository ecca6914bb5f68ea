"""Where the browser tests leave their screenshots, for a person to look at after a run.

The folder is ``SCREENSHOT_DIR`` when set, else ``var/screenshots/`` under the repository (``var/`` is ignored by
git). Each file is named ``<persona>-<language>-<page>-<width>.png``: a run's pictures sort by who saw them.
"""

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = REPOSITORY / "var" / "screenshots"


def screenshot_folder():
    """The folder of this run's screenshots, made when missing."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or DEFAULT_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot_path(persona, language, name, width):
    """The file of ``persona``'s screenshot of the page ``name`` in ``language`` at ``width`` CSS pixels."""
    return screenshot_folder() / f"{persona}-{language}-{name}-{width}.png"
