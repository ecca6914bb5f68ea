"""The browser tests' screenshots: in the folder asked for, else under var/, named after who saw what, how."""

from tests.browser.screenshots import REPOSITORY, screenshot_path


def test_by_default_the_screenshots_go_under_var(monkeypatch):
    monkeypatch.delenv("SCREENSHOT_DIR", raising=False)
    assert screenshot_path("organiser", "en", "ranking", 375) == (
        REPOSITORY / "var" / "screenshots" / "organiser-en-ranking-375.png"
    )


def test_the_folder_is_the_one_the_environment_names_and_is_made_when_missing(monkeypatch, tmp_path):
    folder = tmp_path / "run-42" / "shots"
    monkeypatch.setenv("SCREENSHOT_DIR", str(folder))
    assert screenshot_path("juror", "fr", "jury-conflits", 1280) == folder / "juror-fr-jury-conflits-1280.png"
    assert folder.is_dir()
