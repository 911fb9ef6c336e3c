"""The optional slur filter: a small, conservative word list matched as whole words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

# Owncast runs github.com/TwiN/go-away's IsProfane, which also flags ordinary swearing and
# fuzzy spellings. This list is narrower on purpose: slurs only, matched as whole words (with a
# plural "s"/"es"), so "bass fish" or "Scunthorpe" never trip it. It is data; extend it with the
# ``extra`` argument rather than by adding code.
# Words that are mostly innocent in some language or phrase ("chink in the armour", French
# "en retard", Spanish "negro", British "fag" for a cigarette) are left out.
SLURS: Final = tuple(
    """
    chinky darkie darky faggot golliwog gook kike kyke nigga nigger paki raghead sandnigger
    shemale spic tranny wetback wog
    """.split()
)

# Common digit and symbol stand-ins, undone before matching ("n1gger", "$pic").
_LOOKALIKES: Final = str.maketrans({"0": "o", "1": "i", "!": "i", "3": "e", "4": "a", "@": "a",
                                    "5": "s", "$": "s", "7": "t"})


def contains_slur(text: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``text`` contains a listed word (or one of ``extra``), case-insensitively."""
    return find_slur(text, extra) is not None


def find_slur(text: str, extra: Iterable[str] = ()) -> str | None:
    """The first listed word found in ``text`` as a whole word, or None."""
    pattern = _pattern(tuple(word.casefold() for word in extra))
    folded = text.casefold()
    for candidate in (folded, folded.translate(_LOOKALIKES)):
        match = pattern.search(candidate)
        if match is not None:
            return match.group(1)
    return None


@lru_cache(maxsize=8)
def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    # The admin's extra words change rarely, so compiled patterns are cached per list.
    return _compile(SLURS + extra)


def _compile(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted({re.escape(word) for word in words if word}, key=len, reverse=True))
    # Word edges are letters and digits only, so "**word**" and "word!" still match.
    return re.compile(rf"(?<![^\W_])({alternatives})(?:e?s)?(?![^\W_])")
