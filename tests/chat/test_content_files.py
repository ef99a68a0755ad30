"""A site owner's real Sanity export answers with the default settings: documents without a
`text` field get the plain text of their Portable Text, and drafts stay out of answers."""

from __future__ import annotations

from app.chat.assistant import Assistant
from app.chat.content_files import index_documents, portable_text
from app.chat.settings import load_settings
from app.content import bundle
from tests.conftest import shared_file


def test_portable_text_becomes_plain_paragraphs() -> None:
    doc = {
        "_id": "p",
        "title": "t",
        "content": [
            {
                "_type": "block",
                "children": [
                    {"_type": "span", "text": "Hello "},
                    {"_type": "span", "text": "world."},
                ],
            },
            {"_type": "image", "asset": {"_ref": "image-1"}},
            {"_type": "block", "children": [{"_type": "span", "text": "Second."}]},
        ],
    }
    assert portable_text(doc) == "Hello world.\n\nSecond."


def test_the_real_sanity_export_is_retrievable_with_default_settings() -> None:
    from wasm_build.importers import import_sanity_export

    export = shared_file("sanity-export/nextjs-clean-sample.tar.gz")
    documents = import_sanity_export(export).documents
    settings = load_settings()
    dataset, _ = bundle.decode(index_documents(documents, settings))
    posts = [d for d in dataset.documents if d["_type"] == "post"]
    assert posts and all(isinstance(d.get("text"), str) and d["text"] for d in posts)
    found = Assistant(dataset, settings).retrieve("How do Sanity and Next.js work together?")
    assert found.sources and found.sources[0].id in {d["_id"] for d in posts}
    assert found.sources[0].url  # the post's slug, for the owner's base_url to complete
    assert not any(s.id.startswith("drafts.") for s in found.sources)
