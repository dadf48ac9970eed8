from pathlib import Path

from django.conf import settings

from jiaoyun.exchange.registry import all_kinds


def test_data_formats_document_lists_every_column_of_every_kind():
    text = (Path(settings.BASE_DIR) / "docs" / "data-formats.md").read_text(encoding="utf-8")
    for kind in all_kinds():
        assert f"## {kind.label}（`{kind.key}`）" in text
        section = text.split(f"## {kind.label}（`{kind.key}`）", 1)[1].split("\n## ", 1)[0]
        for col in kind.columns:
            assert f"| {col.label} | {col.type_label} | {'是' if col.required else ''} |" in section, col.label
