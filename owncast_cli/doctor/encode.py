"""ffmpeg command lines for the doctor's test encodes: one encoder for a second, the variant ladder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import trio

from owncast_cli.media.codecs import CodecProfile
from owncast_cli.media.variants import StreamOutputVariant

_SPEED: Final = re.compile(r"^speed=\s*([0-9.]+)x", re.M)
#: ``-hwaccel*`` set up hardware decoding, which a generated (lavfi) input does not use.
_DECODE_FLAGS: Final = ("-hwaccel", "-hwaccel_output_format")


@dataclass(frozen=True)
class Source:
    """The generated test picture: what the broadcaster sends, or a typical 720p30."""

    width: int = 1280
    height: int = 720
    fps: float = 30.0

    def describe(self) -> str:
        return f"{self.width}x{self.height} at {self.fps:g} fps"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    seconds: float
    error: str
    timed_out: bool = False
    speed: float | None = None
    """ffmpeg's own ``speed=`` from ``-progress``: media time over wall time once encoding began."""


def _device_flags(profile: CodecProfile) -> list[str]:
    flags, pairs = list(profile.global_flags), []
    for name, value in zip(flags[::2], flags[1::2], strict=True):
        if name not in _DECODE_FLAGS:
            pairs += [name, value]
    return pairs


def _input(path: str, profile: CodecProfile, source: Source, seconds: float) -> list[str]:
    return [path, "-hide_banner", "-nostdin", "-v", "error", *_device_flags(profile), "-f", "lavfi",
            "-i", f"testsrc2=size={source.width}x{source.height}:rate={source.fps:g}", "-t", f"{seconds:g}"]


def _filters(profile: CodecProfile, scale: str = "") -> list[str]:
    chain = [scale] if scale else []
    if profile.extra_filters:
        # Frames reach the device as nv12, then the profile uploads them (as the transcoder does).
        chain += ["format=nv12", profile.extra_filters]
    else:
        chain.append(f"format={profile.pixel_format}")
    return ["-vf", ",".join(chain)]


def one_second_argv(path: str, profile: CodecProfile) -> list[str]:
    """Encode one second of a small test picture with ``profile``'s encoder, to nowhere."""
    return [*_input(path, profile, Source(320, 240, 30), 1.0), *_filters(profile), "-c:v", profile.codec.value,
            "-preset", profile.preset_for_level(2), *profile.extra_arguments, "-f", "null", "-"]


def ladder_argv(path: str, profile: CodecProfile, variants: Sequence[StreamOutputVariant], source: Source,
                seconds: float) -> list[str]:
    """Encode ``seconds`` of ``source`` into every encoded variant at once, as the live transcoder does."""
    # -progress: ffmpeg's speed leaves out its start-up (probing, encoder set-up), which would weigh
    # heavily on a 2 s encode.
    argv = [*_input(path, profile, source, seconds), "-progress", "pipe:1", "-nostats"]
    for variant in variants:
        fps = variant.effective_framerate
        scale = ""
        if variant.is_scaled:
            scale = f"{profile.scaler}={variant.scaled_width or -2}:{variant.scaled_height or -2}"
        argv += ["-map", "0:v", *_filters(profile, scale), "-c:v", profile.codec.value,
                 "-b:v", f"{variant.effective_video_bitrate}k", "-r", str(fps), "-g", str(fps * 2),
                 "-preset", profile.preset_for_level(variant.cpu_usage_level), *profile.extra_arguments,
                 *profile.variant_flags(0, variant.cpu_usage_level), "-f", "null", "-"]
    return argv


async def run_encode(argv: list[str], timeout: float) -> Outcome:
    """Run a test encode; a timeout kills it and counts as a failure."""
    began = trio.current_time()
    with trio.move_on_after(timeout):
        done = await trio.run_process(argv, capture_stdout=True, capture_stderr=True, check=False)
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        speeds = _SPEED.findall(done.stdout.decode("ascii", "replace"))
        return Outcome(done.returncode == 0, trio.current_time() - began,
                       error[-1] if error else f"exit {done.returncode}", speed=float(speeds[-1]) if speeds else None)
    return Outcome(False, trio.current_time() - began, f"did not finish within {timeout:g} s", timed_out=True)
