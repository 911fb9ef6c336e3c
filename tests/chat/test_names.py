"""Display names: generation, cleaning, forbidden words, suffixes and colours."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.chat.names import (
    ADJECTIVES,
    DEFAULT_FORBIDDEN_USERNAMES,
    MAX_DISPLAY_NAME_LENGTH,
    MAX_USER_COLOR,
    NOUNS,
    choose_registration_name,
    clean_display_name,
    forbidden_match,
    generate_display_name,
    generate_phrase,
    random_display_color,
    with_random_suffix,
)
from owncast_cli.chat.slurs import contains_slur

SUGGESTED = [f"guest{number}" for number in range(10)]


def test_word_lists_make_valid_names() -> None:
    assert len(ADJECTIVES) >= 100 and len(NOUNS) >= 100
    assert len(set(ADJECTIVES)) == len(ADJECTIVES) and len(set(NOUNS)) == len(NOUNS)
    for word in (*ADJECTIVES, *NOUNS):
        assert re.fullmatch(r"[a-z]+", word), word
        assert forbidden_match(word, DEFAULT_FORBIDDEN_USERNAMES) is None, word
        assert not contains_slur(word), word
    assert max(map(len, ADJECTIVES)) + 1 + max(map(len, NOUNS)) <= MAX_DISPLAY_NAME_LENGTH


def test_generate_phrase_is_deterministic_for_a_seed() -> None:
    first = [generate_phrase(random.Random(7)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng = random.Random(7)
    names = [generate_phrase(rng) for _ in range(50)]
    assert len(set(names)) > 40
    for name in names:
        adjective, noun = name.split("-")
        assert adjective in ADJECTIVES and noun in NOUNS
        assert clean_display_name(name) == name


def test_suggested_names_need_ten_entries() -> None:
    assert generate_display_name(random.Random(1), SUGGESTED) in SUGGESTED
    assert generate_display_name(random.Random(1), SUGGESTED[:9]) not in SUGGESTED
    assert "-" in generate_display_name(random.Random(1), [])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Bob  ", "Bob"),
        ("<b>Bob</b>", "Bob"),
        ("<script>alert(1)</script>Bob", "Bob"),
        ("Tom & Jerry", "Tom & Jerry"),
        ("a < b", "a < b"),
        ("&lt;b&gt;", "<b>"),
        ("x" * 40, "x" * 30),
        ("🦦" * 40, "🦦" * 30),
        ("a\r\nb", "a b"),
        ("a\tb\x00c\x07", "a bc"),  # the HTML parser drops NUL
        ("ab\u202ecd\u2066", "abcd"),
        ("e\u0301", "é"),
        ("   ", ""),
        ("<img src=x>", ""),
        ("👩\u200d💻", "👩\u200d💻"),
        (" " * 29 + "abc", "abc"),
    ],
)
def test_clean_display_name(raw: str, clean: str) -> None:
    assert clean_display_name(raw) == clean


@given(st.text(max_size=100))
def test_clean_display_name_properties(raw: str) -> None:
    name = clean_display_name(raw)
    assert len(name) <= MAX_DISPLAY_NAME_LENGTH
    assert name == name.strip()
    assert not any(unicodedata.category(char) == "Cc" for char in name)
    assert "\u202e" not in name


@pytest.mark.parametrize(
    ("name", "blocked"),
    [
        # Owncast's services/chat/username_test.go cases.
        ("owncast", "owncast"),
        ("OwnCast_Admin", "owncast"),
        ("SYSTEM-status", "system"),
        ("own", None),
        ("moderator", None),
        ("viewer", None),
        ("  Admin  ", "admin"),
        ("sysadmin", "admin"),
        ("OPERATOR", "operator"),
        ("ADMİN", None),  # a dotted capital I does not fold to "admin" ("admi̇n")
    ],
)
def test_forbidden_match(name: str, blocked: str | None) -> None:
    assert forbidden_match(name, DEFAULT_FORBIDDEN_USERNAMES) == blocked


def test_forbidden_match_ignores_blank_entries() -> None:
    assert forbidden_match("anything", ["", "  "]) is None
    assert forbidden_match("Mr Bad", [" bad "]) == "bad"


def test_with_random_suffix() -> None:
    rng = random.Random(3)
    name = with_random_suffix("sunny-otter", rng)
    assert name.startswith("sunny-otter") and re.fullmatch(r"sunny-otter[A-Za-z0-9_-]{4}", name)
    assert with_random_suffix("sunny-otter", random.Random(3)) == name
    long = with_random_suffix("x" * 30, rng)
    assert len(long) == 30 and long.startswith("x" * 26)
    assert with_random_suffix("a" * 25 + " bcd", rng)[:25] == "a" * 25


def test_random_display_color_covers_the_palette() -> None:
    rng = random.Random(0)
    assert {random_display_color(rng) for _ in range(500)} == set(range(MAX_USER_COLOR + 1))


@pytest.mark.parametrize(
    ("forwarded", "requested", "suggested", "expected"),
    [
        ("Proxy User", "Body", [], "Body"),
        ("Proxy User", None, SUGGESTED, "Proxy User"),
        ("Proxy User", "", [], "Proxy User"),
        (None, "Body", SUGGESTED, "Body"),
        ("", " <b>Body</b> ", [], "Body"),
        (None, None, SUGGESTED, "suggested"),
        (None, "", [], "generated"),
        (None, "<i></i>", [], "generated"),
        (None, "TheAdmin", [], "generated"),
        ("Body", "TheAdmin", [], "generated"),
        (None, "y" * 50, [], "y" * 30),
    ],
)
def test_choose_registration_name(forwarded: str | None, requested: str | None, suggested: list[str],
                                  expected: str) -> None:
    name = choose_registration_name(forwarded_user=forwarded, requested=requested, suggested=suggested,
                                    forbidden=DEFAULT_FORBIDDEN_USERNAMES, rng=random.Random(5))
    if expected == "suggested":
        assert name in SUGGESTED
    elif expected == "generated":
        adjective, noun = name.split("-")
        assert adjective in ADJECTIVES and noun in NOUNS
    else:
        assert name == expected
