"""ffmpeg: found (version, origin), each encoder really encodes, the variants run faster than real time.

A codec in ``ffmpeg -encoders`` only says it was compiled in; VA-API, NVENC and QSV also need the
device, the driver and (in containers) the device passed through (Owncast #3930, #4919). And a CPU
too small for the variant ladder shows up only as stutter when live (#1072). So each encoder runs
one real second of video, and the configured ladder runs a short encode measured against the clock.
"""

from __future__ import annotations

import os
from typing import Any, Final

import trio

from owncast_cli import state
from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.encode import Source, ladder_argv, one_second_argv, run_encode
from owncast_cli.doctor.model import Finding, Status, failed, passed, skipped, warning
from owncast_cli.media.codecs import codec_profile
from owncast_cli.media.ffmpeg import FIX_HINT, FFmpegError, FFmpegInfo, FFmpegSource, find_ffmpeg, inspect_ffmpeg
from owncast_cli.media.variants import VariantError, variants_from_json

ENCODE_TIMEOUT: Final = 8.0
#: Seconds of video the speed check encodes, and how long it may take (a 0.2x encode fails by timeout).
LADDER_SECONDS: Final = 2.0
LADDER_TIMEOUT: Final = 10.0
#: Below this speed (x real time) there is too little headroom for scene changes and other load.
COMFORTABLE_SPEED: Final = 1.3
#: Where transcode records the ffmpeg it runs (its own module says the same; daemons are not imported).
TRANSCODER_STATE_KEY: Final = "transcoder"
SPEED_FIX: Final = ("Lower the variants' cpuUsageLevel, drop or shrink a variant, use video passthrough for the "
                    "top one, or move to a hardware encoder that the encoder checks show working.")


def _flag_path(probe: Probe) -> str | None:
    """The binary a running transcode was given with ``--ffmpeg`` (it recorded it): that one runs."""
    assert probe.db is not None
    recorded = state.get(probe.db, TRANSCODER_STATE_KEY) or {}
    return str(recorded["ffmpegPath"]) if recorded.get("source") == FFmpegSource.FLAG else None


async def _ffmpeg(probe: Probe) -> tuple[Finding, FFmpegInfo | None]:
    assert probe.config is not None
    flag = await trio.to_thread.run_sync(_flag_path, probe)
    try:
        path, source = find_ffmpeg(probe.config.ffmpeg_path or None, flag_path=flag)
        info = await trio.to_thread.run_sync(inspect_ffmpeg, path, source)
    except FFmpegError as exc:
        seen = str(exc).replace(FIX_HINT, "").strip().rstrip(".")
        return failed("ffmpeg.found", seen, FIX_HINT), None
    return passed("ffmpeg.found", f"ffmpeg {info.version} at {info.path} (from {source.described})"), info


async def _encoder(info: FFmpegInfo, codec: str, configured: bool) -> Finding:
    check = f"ffmpeg.encoder.{codec}"
    if configured and codec not in info.capabilities.encoders:
        return failed(check, f"video_codec is {codec}, but {info.path} was built without it",
                      "Choose an encoder this ffmpeg has (`owncast config set video_codec libx264`) or "
                      "install an ffmpeg built with it.")
    outcome = await run_encode(one_second_argv(info.path, codec_profile(codec)), ENCODE_TIMEOUT)
    if outcome.ok:
        use = "the configured video_codec" if configured else "listed and usable"
        return passed(check, f"{codec} encoded one second of video in {outcome.seconds:.2f} s ({use})")
    if not configured:
        return skipped(check, f"{codec} is compiled in but cannot encode here ({outcome.error}); not configured")
    return failed(check, f"video_codec {codec} is compiled in but failed to encode: {outcome.error}",
                  "Check the device and driver (e.g. /dev/dri/renderD128 for VA-API, the NVIDIA driver for "
                  "NVENC, and --device in containers), or `owncast config set video_codec libx264`.")


def _source(stream: dict[str, Any]) -> tuple[Source, str]:
    details = ((stream.get("broadcaster") or {}).get("streamDetails") or {}) if stream.get("online") else {}
    width, height = int(details.get("width") or 0), int(details.get("height") or 0)
    if width > 0 and height > 0:
        return Source(width, height, float(details.get("framerate") or 30) or 30.0), "the live stream's input"
    return Source(), "an assumed input (no stream is live)"


async def _ladder(probe: Probe, info: FFmpegInfo) -> Finding:
    check = "ffmpeg.speed"
    config, db = probe.config, probe.db
    assert config is not None and db is not None
    try:
        variants = [v for v in variants_from_json(config.video_stream_output_variants) if not v.video_passthrough]
    except VariantError as exc:
        return failed(check, f"video_stream_output_variants is invalid: {exc}", "Fix the variants in the admin.")
    if not variants:
        return skipped(check, "every variant passes the video through: nothing is encoded")
    source, why = _source(await trio.to_thread.run_sync(state.stream, db))
    profile = codec_profile(config.video_codec)
    argv = ladder_argv(info.path, profile, variants, source, LADDER_SECONDS)
    outcome = await run_encode(argv, LADDER_TIMEOUT)
    what = f"{len(variants)} variant(s) with {config.video_codec} from {source.describe()} ({why})"
    if outcome.timed_out:
        return failed(check, f"{what} did not encode {LADDER_SECONDS:g} s of video within {LADDER_TIMEOUT:g} s: "
                             f"under {LADDER_SECONDS / LADDER_TIMEOUT:.1f}x real time", SPEED_FIX)
    if not outcome.ok:
        return failed(check, f"encoding {what} failed: {outcome.error}", SPEED_FIX)
    speed = outcome.speed or LADDER_SECONDS / outcome.seconds
    # The clock measures what the machine can spare now: say how busy it was, for a reading of the figure.
    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    seen = f"{what} run at {speed:.2f}x real time (headroom {100 * (speed - 1):.0f}%; {load})"
    if speed < 1:
        return failed(check, seen + ": the stream would stutter", SPEED_FIX)
    if speed < COMFORTABLE_SPEED:
        return warning(check, seen + f": under {COMFORTABLE_SPEED}x leaves little room", SPEED_FIX)
    return passed(check, seen)


async def run(probe: Probe) -> list[Finding]:
    assert probe.config is not None
    found, info = await _ffmpeg(probe)
    if info is None:
        return [found]
    configured = probe.config.video_codec
    findings = [found, await _encoder(info, configured, True)]
    # One encode at a time: on a small machine parallel test encodes would slow each other down.
    for codec in info.h264_encoders:
        if codec.value != configured:
            findings.append(await _encoder(info, codec.value, False))
    if findings[1].status is Status.PASSED:
        findings.append(await _ladder(probe, info))
    return findings
