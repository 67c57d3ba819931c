"""The hash stored with every signed journal entry, form and decision must never change its
recipe: a database full of signatures would then look tampered with."""

from app.common.content_hash import signed_content_hash


def test_the_recipe_of_signed_hashes_stays_as_stored_databases_have_it() -> None:
    content = {
        "text": "Ringde om ansökan – åäö",
        "id": "6f1c2b1e-0000-4000-8000-000000000001",
        "author": "x",
    }
    # JSON with sorted keys and the text as UTF-8 (not \u escapes), SHA-256 in hex
    assert signed_content_hash(content) == (
        "04e19bf13081f6ba4e0b3da79c28ee0fc9644560447f573e8e88b079a502b9ca"
    )
    assert signed_content_hash(dict(reversed(content.items()))) == signed_content_hash(content)
