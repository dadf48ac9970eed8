from jiaoyun.exchange.formats_doc import doc_path, replace_section
from jiaoyun.exchange.registry import all_kinds


def test_data_formats_document_is_up_to_date_with_every_registered_kind():
    text = doc_path().read_text(encoding="utf-8")
    assert replace_section(text) == text, "docs/data-formats.md is stale: run `python manage.py data_formats`"
    for kind in all_kinds():
        assert f"## {kind.label}（`{kind.key}`）" in text
        for col in kind.columns:
            assert f"| {col.label} | {col.type_label} |" in text
