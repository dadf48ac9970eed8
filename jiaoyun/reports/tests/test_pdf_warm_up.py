"""The PDF warm-up a web worker runs when it starts (config/gunicorn_conf.py, jiaoyun.reports.pdf.warm_up)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

from jiaoyun.reports import pdf


def _gunicorn_conf() -> ModuleType:
    path = Path(settings.BASE_DIR) / "config" / "gunicorn_conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_warm_up_renders_a_pdf_with_the_chinese_text_in_both_stylesheets() -> None:
    data = pdf.warm_up()
    assert data.startswith(b"%PDF")
    text = pdf.pdf_text(data)
    assert "督查通报" in text and "特此通报" in text


def test_the_worker_hook_warms_up_and_a_failure_does_not_stop_the_worker(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    conf = _gunicorn_conf()
    calls: list[str] = []
    monkeypatch.setattr(pdf, "warm_up", lambda: calls.append("warm") or b"%PDF")
    conf.post_worker_init(object())
    assert calls == ["warm"]

    def broken() -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "warm_up", broken)
    with caplog.at_level(logging.ERROR, logger="jiaoyun.reports"):
        conf.post_worker_init(object())  # does not raise
    assert "PDF warm-up failed" in caplog.text


def test_the_server_settings_are_two_workers_per_core_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    assert _gunicorn_conf().workers == 6
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    conf = _gunicorn_conf()
    assert conf.workers == 5 and conf.keepalive == 30
