"""Owncast's stream output variant: one HLS rendition, its JSON shape, defaults and validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

DEFAULT_FRAMERATE: Final = 24
DEFAULT_VIDEO_BITRATE: Final = 1200
MIN_CPU_USAGE_LEVEL: Final = 0
MAX_CPU_USAGE_LEVEL: Final = 4
DEFAULT_CPU_USAGE_LEVEL: Final = 2

# Bounds for the config validator. Owncast itself accepts anything; these keep ffmpeg from
# being handed values it rejects or that make no sense (the argv gives 192 kbps of every
# variant's bitrate to audio, so a tiny bitrate would leave nothing for video).
MIN_VIDEO_BITRATE: Final = 300
MAX_VIDEO_BITRATE: Final = 100_000
MIN_AUDIO_BITRATE: Final = 32
MAX_AUDIO_BITRATE: Final = 512
MAX_FRAMERATE: Final = 120
MIN_DIMENSION: Final = 16
MAX_WIDTH: Final = 7680
MAX_HEIGHT: Final = 4320

# The legacy ``encoderPreset`` names in cpuUsageLevel order. Owncast's own migration maps
# them to 1..5 (``GetCPUUsageLevel``), one above the 0..4 levels its codec tables use
# (issues #1657, #2610); here each preset maps to the level that selects it again.
LEGACY_X264_PRESETS: Final[tuple[str, ...]] = ("ultrafast", "superfast", "veryfast", "faster", "fast")
_LEGACY_DEFAULT_PRESET: Final = "veryfast"

_BOOL_KEYS: Final = ("videoPassthrough", "audioPassthrough")
_INT_KEYS: Final = ("videoBitrate", "audioBitrate", "scaledWidth", "scaledHeight", "framerate", "cpuUsageLevel")
_STR_KEYS: Final = ("name", "encoderPreset")
JSON_KEYS: Final[tuple[str, ...]] = (
    "name",
    "videoPassthrough",
    "audioPassthrough",
    "videoBitrate",
    "audioBitrate",
    "scaledWidth",
    "scaledHeight",
    "framerate",
    "encoderPreset",
    "cpuUsageLevel",
)


class VariantError(ValueError):
    """A variant's JSON does not describe a usable rendition; ``errors`` says why."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors: tuple[str, ...] = tuple(errors)


@dataclass(frozen=True)
class StreamOutputVariant:
    """One output rendition, as Owncast's ``models.StreamOutputVariant`` stores it.

    Fields hold what was configured (0 / "" mean "unset", as in Go); the ``effective_*``
    properties apply Owncast's defaults.
    """

    name: str = ""
    video_passthrough: bool = False
    audio_passthrough: bool = False
    video_bitrate: int = 0
    audio_bitrate: int = 0
    scaled_width: int = 0
    scaled_height: int = 0
    framerate: int = 0
    cpu_usage_level: int = DEFAULT_CPU_USAGE_LEVEL
    encoder_preset: str = ""

    @property
    def effective_framerate(self) -> int:
        """Output frames per second: 0 for passthrough, else the configured rate or 24."""
        if self.video_passthrough:
            return 0
        return self.framerate if self.framerate > 0 else DEFAULT_FRAMERATE

    @property
    def effective_audio_passthrough(self) -> bool:
        """Audio is copied when asked for, or when no audio bitrate is set."""
        return self.audio_passthrough or self.audio_bitrate == 0

    @property
    def effective_video_bitrate(self) -> int:
        """Video bitrate in kbps, 1200 when unset."""
        return self.video_bitrate if self.video_bitrate > 0 else DEFAULT_VIDEO_BITRATE

    @property
    def is_scaled(self) -> bool:
        """True when this variant resizes the video."""
        return not self.video_passthrough and (self.scaled_width > 0 or self.scaled_height > 0)

    @property
    def display_name(self) -> str:
        """The configured name, else one made up the way Owncast's ``GetName`` does.

        Two deliberate differences: "720p" is recognised at 1280x720 (Owncast tests for
        1080x720, which no one configures), and the bitrate and framerate shown are the
        effective ones, so an unset framerate reads "@24fps" rather than "@0fps".
        """
        bitrate = _bitrate_label(self.effective_video_bitrate)
        if self.name:
            return self.name
        if self.video_passthrough:
            return "Source"
        if (self.scaled_width, self.scaled_height) == (1280, 720):
            return f"720p @{bitrate}"
        if (self.scaled_width, self.scaled_height) == (1920, 1080):
            return f"1080p @{bitrate}"
        if self.scaled_height:
            return f"{self.scaled_height}h"
        if self.scaled_width:
            return f"{self.scaled_width}w"
        return f"{bitrate}@{self.effective_framerate}fps"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StreamOutputVariant:
        """Build a variant from Owncast's camelCase JSON object.

        Missing keys take Go's zero values, except ``cpuUsageLevel``: configs written
        before it existed carry only ``encoderPreset``, so the level is derived from that
        preset (default "veryfast", level 2).

        Raises:
            VariantError: the object fails :func:`validate_variant`.
        """
        errors = validate_variant(data)
        if errors:
            raise VariantError(errors)
        preset = str(data.get("encoderPreset") or "")
        level = data.get("cpuUsageLevel")
        if level is None:
            level = LEGACY_X264_PRESETS.index(preset or _LEGACY_DEFAULT_PRESET)
        return cls(
            name=str(data.get("name") or ""),
            video_passthrough=bool(data.get("videoPassthrough", False)),
            audio_passthrough=bool(data.get("audioPassthrough", False)),
            video_bitrate=int(data.get("videoBitrate") or 0),
            audio_bitrate=int(data.get("audioBitrate") or 0),
            scaled_width=int(data.get("scaledWidth") or 0),
            scaled_height=int(data.get("scaledHeight") or 0),
            framerate=int(data.get("framerate") or 0),
            cpu_usage_level=int(level),
            encoder_preset=preset,
        )

    def to_json(self) -> dict[str, Any]:
        """Owncast's JSON for this variant (``MarshalJSON``).

        As in Owncast, ``framerate`` is the effective one and the scaled sizes are left
        out when unset (``omitempty``).
        """
        out: dict[str, Any] = {
            "name": self.name,
            "videoPassthrough": self.video_passthrough,
            "audioPassthrough": self.audio_passthrough,
            "videoBitrate": self.video_bitrate,
            "audioBitrate": self.audio_bitrate,
        }
        if self.scaled_width:
            out["scaledWidth"] = self.scaled_width
        if self.scaled_height:
            out["scaledHeight"] = self.scaled_height
        out["framerate"] = self.effective_framerate
        out["encoderPreset"] = self.encoder_preset
        out["cpuUsageLevel"] = self.cpu_usage_level
        return out


DEFAULT_VARIANTS: Final[tuple[StreamOutputVariant, ...]] = (
    StreamOutputVariant(
        audio_passthrough=True,
        video_bitrate=DEFAULT_VIDEO_BITRATE,
        framerate=DEFAULT_FRAMERATE,
        cpu_usage_level=DEFAULT_CPU_USAGE_LEVEL,
    ),
)


def _bitrate_label(kbps: int) -> str:
    """Owncast's ``getBitrateString``: "800Kbps", "2Mbps", "1.2Mbps"."""
    if kbps <= 0:
        return ""
    if kbps < 1000:
        return f"{kbps}Kbps"
    if kbps % 1000 == 0:
        return f"{kbps // 1000}Mbps"
    return f"{kbps / 1000:.1f}Mbps"


def _int_in(where: str, key: str, value: int, low: int, high: int, zero_means: str | None) -> list[str]:
    if zero_means is not None and value == 0:
        return []
    if low <= value <= high:
        return []
    allowed = f"0 ({zero_means}) or {low}..{high}" if zero_means else f"{low}..{high}"
    return [f"{where}.{key}: {value} is out of range; allowed: {allowed}"]


def validate_variant(data: object, where: str = "variant") -> list[str]:
    """Check one variant object; return one message per problem (empty when valid).

    Args:
        data: the decoded JSON object.
        where: how messages name this variant, e.g. ``"videoSettings.variants[1]"``.
    """
    if not isinstance(data, Mapping):
        return [f"{where}: expected an object, got {type(data).__name__}"]
    errors: list[str] = []
    for key in data:
        if key not in JSON_KEYS:
            errors.append(f"{where}: unknown key {key!r}; allowed: {', '.join(JSON_KEYS)}")
    for key in _BOOL_KEYS:
        if key in data and not isinstance(data[key], bool):
            errors.append(f"{where}.{key}: expected true or false, got {data[key]!r}")
    for key in _STR_KEYS:
        if key in data and data[key] is not None and not isinstance(data[key], str):
            errors.append(f"{where}.{key}: expected a string, got {data[key]!r}")
    ints: dict[str, int] = {}
    for key in _INT_KEYS:
        value = data.get(key)
        if value is None:
            continue
        # bool is an int in Python; JSON true is not a bitrate.
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{where}.{key}: expected a whole number, got {value!r}")
        else:
            ints[key] = value
    if "videoBitrate" in ints:
        errors += _int_in(where, "videoBitrate", ints["videoBitrate"], MIN_VIDEO_BITRATE, MAX_VIDEO_BITRATE,
                          f"default {DEFAULT_VIDEO_BITRATE}")
    if "audioBitrate" in ints:
        errors += _int_in(where, "audioBitrate", ints["audioBitrate"], MIN_AUDIO_BITRATE, MAX_AUDIO_BITRATE,
                          "copy the source audio")
    if "framerate" in ints:
        errors += _int_in(where, "framerate", ints["framerate"], 1, MAX_FRAMERATE, f"default {DEFAULT_FRAMERATE}")
    if "cpuUsageLevel" in ints:
        errors += _int_in(where, "cpuUsageLevel", ints["cpuUsageLevel"], MIN_CPU_USAGE_LEVEL, MAX_CPU_USAGE_LEVEL,
                          None)
    for key, high in (("scaledWidth", MAX_WIDTH), ("scaledHeight", MAX_HEIGHT)):
        if key in ints:
            size_errors = _int_in(where, key, ints[key], MIN_DIMENSION, high, "keep the aspect ratio")
            errors += size_errors
            # H.264 with 4:2:0 chroma needs even sizes; ffmpeg refuses odd ones.
            if not size_errors and ints[key] % 2:
                errors.append(f"{where}.{key}: {ints[key]} is odd; allowed: an even number of pixels")
    preset = data.get("encoderPreset")
    if isinstance(preset, str) and preset and preset not in LEGACY_X264_PRESETS:
        errors.append(f"{where}.encoderPreset: {preset!r} is not a known preset; allowed: "
                      f"{', '.join(LEGACY_X264_PRESETS)} (or use cpuUsageLevel)")
    return errors


def validate_variants(value: object, where: str = "variants") -> list[str]:
    """Check a whole variant list as stored in config; return every problem found.

    Args:
        value: the decoded JSON value (should be a non-empty list of objects).
        where: the config key the messages start with.
    """
    if not isinstance(value, list):
        return [f"{where}: expected a list of variant objects, got {type(value).__name__}"]
    if not value:
        return [f"{where}: at least one variant is required"]
    errors: list[str] = []
    for index, item in enumerate(value):
        errors += validate_variant(item, f"{where}[{index}]")
    return errors


def variants_from_json(value: object) -> tuple[StreamOutputVariant, ...]:
    """Parse a validated variant list.

    Raises:
        VariantError: the list fails :func:`validate_variants`.
    """
    errors = validate_variants(value)
    if errors:
        raise VariantError(errors)
    assert isinstance(value, list)
    return tuple(StreamOutputVariant.from_json(item) for item in value)


def highest_quality_index(variants: Sequence[StreamOutputVariant]) -> int:
    """Index of the variant thumbnails are taken from.

    A passthrough variant carries the source itself, so the first one wins; otherwise the
    highest effective video bitrate (the first on a tie).

    Raises:
        ValueError: ``variants`` is empty.
    """
    if not variants:
        raise ValueError("no variants configured")
    for index, variant in enumerate(variants):
        if variant.video_passthrough:
            return index
    return max(range(len(variants)), key=lambda i: (variants[i].effective_video_bitrate, -i))
