"""The browser tests' own rules: a machine without a browser skips them, CI never does."""

from __future__ import annotations

import pytest

from tests.browser.conftest import _unavailable


def test_without_a_browser_ci_fails_and_a_developer_machine_skips(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI"):
        _unavailable("no Chromium at /nowhere")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        _unavailable("no Chromium at /nowhere")
