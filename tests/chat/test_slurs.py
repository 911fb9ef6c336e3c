"""The slur filter: whole words, case-insensitive, common lookalikes, extra words."""

from __future__ import annotations

import pytest

from owncast_cli.chat.slurs import SLURS, contains_slur, find_slur

WORD = SLURS[0]


def test_list_is_data() -> None:
    assert len(SLURS) == len(set(SLURS)) >= 10
    assert all(word == word.casefold() and word.isalpha() for word in SLURS)


@pytest.mark.parametrize("word", SLURS)
def test_every_listed_word_is_found(word: str) -> None:
    assert find_slur(f"you {word.upper()}!") == word
    assert contains_slur(f"**{word}s**")


@pytest.mark.parametrize(
    "text",
    # Owncast's messageFilter_test.go allows these two; the rest are near misses.
    ["bass fish", "assumptions", "Scunthorpe", "spicy food", "a chink in the armour", "cocoon",
     "swoggle", "kitchen sink", ""],
)
def test_innocent_text_passes(text: str) -> None:
    assert not contains_slur(text)


def test_word_edges_are_letters_and_digits() -> None:
    assert contains_slur(f"_{WORD}_")
    assert not contains_slur(f"x{WORD}")
    assert not contains_slur(f"{WORD}9")


def test_lookalikes() -> None:
    leet = WORD.replace("i", "1").replace("o", "0").replace("e", "3").replace("a", "4").replace("s", "$")
    assert find_slur(leet) == WORD


def test_extra_words() -> None:
    assert find_slur("what a Grobble.", ["grobble"]) == "grobble"
    assert not contains_slur("grobbleship", ["grobble"])
    assert not contains_slur("what a grobble")
    assert contains_slur(WORD, ["grobble"])
