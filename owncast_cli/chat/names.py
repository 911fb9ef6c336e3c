"""Chat display names: generated two-word names, cleaning, forbidden names, suffixes, colours."""

from __future__ import annotations

import base64
import html
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

import nh3

# config.MaxChatDisplayNameLength and config.MaxUserColor (colours are palette indexes 0..7).
MAX_DISPLAY_NAME_LENGTH: Final = 30
MAX_USER_COLOR: Final = 7
# config.DefaultForbiddenUsernames.
DEFAULT_FORBIDDEN_USERNAMES: Final = ("owncast", "operator", "admin", "system")
# webserver/handlers/chat.go generateDisplayName: the admin's list is used from 10 names up.
MIN_SUGGESTED_USERNAMES: Final = 10
# userrepository.CreateAnonymousUser appends GenerateRandomString(3): 3 random bytes, base64url.
SUFFIX_BYTES: Final = 3

# Our own word lists, in the spirit of Owncast's utils/phraseGenerator.go ("left-right" pairs).
ADJECTIVES: Final = tuple(
    """
    agile amber ample arctic ardent azure balmy bashful blissful bold bouncy brave breezy bright
    brisk bubbly calm candid cheerful chill chipper cosmic cozy crafty crisp curious dapper daring
    dazzling deft dreamy eager earnest easy electric elegant epic fancy fearless feisty festive
    fluffy flying fond frosty gentle giddy gleaming glowing golden graceful grand groovy happy
    hardy hearty helpful hidden honest hopeful humble jazzy jolly jovial joyful keen kind lively
    lucid lucky luminous mellow merry mighty misty modest musical mystic nifty nimble noble
    peaceful peppy perky placid playful plucky polite proud quick quiet quirky radiant rapid rosy
    rustic serene sharp shiny silent silly sleepy smooth snappy snowy sparkly speedy spry starry
    steady stellar stoic sunny super swift tender thrifty tidy timely tranquil trusty upbeat
    valiant velvet vibrant vivid warm wavy whimsical wild windy wise witty wondrous zany zealous
    zen zesty
    """.split()
)
NOUNS: Final = tuple(
    """
    albatross alpaca anchor antelope aurora avocado badger banjo basil beacon beaver bison
    blossom bobcat breeze buffalo bumblebee cactus canyon capybara cardinal caribou cedar cheetah
    chipmunk cicada clover cobalt comet condor coral cougar coyote crane cricket cypress dolphin
    dragonfly dune eagle echo egret ember falcon fern ferret finch firefly fjord flamingo fox
    gazelle gecko geyser ginkgo glacier gopher grove hare harbor hawk hedgehog heron hibiscus
    horizon hummingbird ibis iguana jackal jaguar jay juniper kestrel kingfisher kiwi koala lagoon
    lantern lark lemur leopard lichen lily llama lobster lotus lynx magpie mango maple marmot
    meadow meerkat meteor mink moose moth narwhal nebula newt nightingale ocelot octopus orca
    orchid osprey otter owl panda pangolin panther parrot pebble pelican penguin pine plover
    puffin quail quasar quokka rabbit raccoon raven reef robin saffron salamander sequoia
    sparrow spruce squirrel starling stingray stork sunflower swallow swan tapir tern thistle
    thrush tiger toucan tulip tundra turtle urchin valley violet walrus warbler weasel willow
    wombat wren yak zebra zephyr
    """.split()
)

_BIDI_CONTROLS: Final = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def generate_phrase(rng: random.Random) -> str:
    """A random ``adjective-noun`` name such as ``sunny-otter`` (utils.GeneratePhrase)."""
    return f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}"


def random_display_color(rng: random.Random) -> int:
    """A palette index in 0..MAX_USER_COLOR inclusive (utils.GenerateRandomDisplayColor)."""
    return rng.randint(0, MAX_USER_COLOR)


def clean_display_name(raw: str, limit: int = MAX_DISPLAY_NAME_LENGTH) -> str:
    """Make a proposed name safe, as utils.MakeSafeStringOfLength: strip HTML tags, cut to
    ``limit`` code points, drop carriage returns, trim.

    Unlike Owncast the result is plain text, not HTML-escaped (Owncast stores "a &amp; b" and
    clients then show the entity), and control and bidi-override characters are removed so a
    name cannot break lines or reverse the text around it.
    """
    # nh3 with no allowed tags keeps only the text, HTML-escaped; the name is plain text from here.
    text = html.unescape(nh3.clean(raw, tags=set(), clean_content_tags={"script", "style"}))
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text.replace("\r", ""))
    text = unicodedata.normalize("NFC", _BIDI_CONTROLS.sub("", text))
    # Owncast cuts before trimming, so leading spaces could eat the name; we trim on both sides.
    return text.strip()[:limit].strip()


def forbidden_match(name: str, forbidden: Iterable[str]) -> str | None:
    """The blocked word that ``name`` contains, case-insensitively, or None.

    Owncast's newer services/chat/username.go checks that the proposed name *contains* a
    blocked word (older code had the arguments swapped and blocked "adm" but allowed "xadminx").
    """
    proposed = name.strip().casefold()
    for blocked in forbidden:
        word = blocked.strip().casefold()
        if word and word in proposed:
            return blocked.strip()
    return None


def with_random_suffix(name: str, rng: random.Random, limit: int = MAX_DISPLAY_NAME_LENGTH) -> str:
    """``name`` plus four random base64url characters, for a name a registered user holds.

    Owncast appends the same suffix but can exceed the 30-character limit; we shorten the base.
    """
    random_bytes = rng.getrandbits(8 * SUFFIX_BYTES).to_bytes(SUFFIX_BYTES, "big")
    suffix = base64.urlsafe_b64encode(random_bytes).decode()
    return name[: limit - len(suffix)].rstrip() + suffix


def choose_registration_name(
    *,
    forwarded_user: str | None,
    requested: str | None,
    suggested: Sequence[str],
    forbidden: Iterable[str],
    rng: random.Random,
) -> str:
    """The display name for ``POST /api/chat/register``: the body's displayName, else the
    X-Forwarded-User header, else one of the admin's suggested names when there are at least ten,
    else a generated phrase; then cleaned to 30 characters. (Owncast lets the header win over the
    body; here the name a viewer typed wins, and a trusted proxy's user is told apart by the
    identity it gets, not by its name.)

    Owncast checks neither forbidden words here nor an empty result (it then fails the
    registration); we fall back to a generated name in both cases. A name held by a registered
    user still needs :func:`with_random_suffix`, which takes a database lookup.
    """
    candidate = requested or forwarded_user
    if candidate:
        cleaned = clean_display_name(candidate)
        if cleaned and forbidden_match(cleaned, forbidden) is None:
            return cleaned
    return clean_display_name(generate_display_name(rng, suggested))


def generate_display_name(rng: random.Random, suggested: Sequence[str]) -> str:
    """A suggested name when the list has at least MIN_SUGGESTED_USERNAMES entries, else a phrase."""
    if len(suggested) >= MIN_SUGGESTED_USERNAMES:
        return rng.choice(suggested)
    return generate_phrase(rng)
