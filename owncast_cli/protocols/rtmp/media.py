"""Codec names and frame kinds from FLV/RTMP tag headers (legacy and Enhanced RTMP) and onMetaData."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

__all__ = [
    "AudioTagInfo",
    "VideoTagInfo",
    "audio_codec_name",
    "parse_audio_tag",
    "parse_video_tag",
    "video_codec_name",
]

UNKNOWN: Final = "Unknown"
NO_AUDIO: Final = "No audio"  # what Owncast reports when onMetaData has no audiocodecid

# FLV spec (video file format spec v10, E.4.3.1) CodecID; 12 is the de facto HEVC id
# (Owncast and Chinese CDNs use it), 7 is AVC.
VIDEO_CODEC_IDS: Final[dict[int, str]] = {
    2: "Sorenson H.263", 3: "Screen Video", 4: "VP6", 5: "VP6 Alpha",
    6: "Screen Video 2", 7: "H.264", 12: "H.265",
}
# Enhanced RTMP spec: FourCC codes of ExVideoTagHeader.
VIDEO_FOURCCS: Final[dict[str, str]] = {
    "avc1": "H.264", "hvc1": "H.265", "av01": "AV1", "vp09": "VP9", "vp08": "VP8",
}
# FLV spec E.4.2.1 SoundFormat; 9 is Enhanced RTMP's ExHeader marker.
AUDIO_FORMATS: Final[dict[int, str]] = {
    0: "PCM", 1: "ADPCM", 2: "MP3", 3: "PCM", 4: "Nellymoser", 5: "Nellymoser",
    6: "Nellymoser", 7: "G.711 A-law", 8: "G.711 mu-law", 10: "AAC", 11: "Speex",
    14: "MP3", 15: "Device-specific sound",
}
# Enhanced RTMP v2: FourCC codes of ExAudioTagHeader.
AUDIO_FOURCCS: Final[dict[str, str]] = {
    "mp4a": "AAC", ".mp3": "MP3", "Opus": "Opus", "fLaC": "FLAC", "ac-3": "AC-3",
    "ec-3": "E-AC-3",
}
_SOUND_FORMAT_EX_HEADER: Final = 9
_LEGACY_WITH_PACKET_TYPE: Final = (7, 12)  # AVC and HEVC: byte 1 is the packet type


class FrameType(IntEnum):
    """FLV spec E.4.3.1 / Enhanced RTMP: the video frame type (upper bits of byte 0)."""

    KEY = 1
    INTER = 2
    DISPOSABLE = 3
    GENERATED_KEY = 4
    COMMAND = 5


class ExPacketType(IntEnum):
    """Enhanced RTMP: VideoPacketType (AudioPacketType shares 0-2, 5 and 7 differ)."""

    SEQUENCE_START = 0
    CODED_FRAMES = 1
    SEQUENCE_END = 2
    CODED_FRAMES_X = 3
    METADATA = 4
    MPEG2TS_SEQUENCE_START = 5
    MULTITRACK = 6
    MOD_EX = 7


_AUDIO_MULTITRACK: Final = 5
_AUDIO_MOD_EX: Final = 7


@dataclass(frozen=True, slots=True)
class VideoTagInfo:
    """What a video tag body's header says."""

    codec: str  # "H.264", "H.265", "AV1", "VP9", ... or "Unknown"
    frame_type: int
    keyframe: bool
    sequence_header: bool  # decoder configuration (AVC/HEVC/AV1 sequence start)
    enhanced: bool
    fourcc: str | None = None  # Enhanced RTMP only
    codec_id: int | None = None  # legacy FLV only
    # AVC/HEVC AVCPacketType (legacy) or VideoPacketType (Enhanced RTMP; 4 = Metadata, e.g.
    # ffmpeg's colour info in a frame of type 5, which is not a picture).
    packet_type: int | None = None


@dataclass(frozen=True, slots=True)
class AudioTagInfo:
    """What an audio tag body's header says."""

    codec: str  # "AAC", "MP3", "Speex", "Opus", ... or "Unknown"
    sound_format: int
    sequence_header: bool  # AAC AudioSpecificConfig / Enhanced RTMP sequence start
    enhanced: bool
    fourcc: str | None = None
    packet_type: int | None = None  # AACPacketType (legacy AAC) or AudioPacketType


def _fourcc(body: bytes, offset: int) -> str | None:
    raw = body[offset : offset + 4]
    return raw.decode("latin-1") if len(raw) == 4 else None


def _skip_mod_ex(body: bytes, offset: int) -> tuple[int, int] | None:
    """Enhanced RTMP v2 ModEx: skip the extension data; return (new packet type, offset)."""
    if offset >= len(body):
        return None
    size = body[offset] + 1
    offset += 1
    if size == 256:
        if offset + 2 > len(body):
            return None
        size = int.from_bytes(body[offset : offset + 2], "big") + 1
        offset += 2
    offset += size
    if offset >= len(body):
        return None
    return body[offset] & 0x0F, offset + 1


def parse_video_tag(body: bytes) -> VideoTagInfo | None:
    """Read the header of a video tag body (= RTMP video message).

    Returns:
        The codec and frame kind, or None if the body is too short to say.
    """
    if not body:
        return None
    b0 = body[0]
    if not b0 & 0x80:
        frame_type, codec_id = b0 >> 4, b0 & 0x0F
        packet_type = body[1] if len(body) > 1 else None
        sequence = codec_id in _LEGACY_WITH_PACKET_TYPE and packet_type == 0
        return VideoTagInfo(VIDEO_CODEC_IDS.get(codec_id, UNKNOWN), frame_type,
                            frame_type in (FrameType.KEY, FrameType.GENERATED_KEY),
                            sequence, False, None, codec_id,
                            packet_type if codec_id in _LEGACY_WITH_PACKET_TYPE else None)
    # Enhanced RTMP: IsExHeader, 3 bits frame type, 4 bits packet type, then a FourCC.
    frame_type, packet_type, offset = (b0 >> 4) & 0x07, b0 & 0x0F, 1
    while packet_type == ExPacketType.MOD_EX:
        skipped = _skip_mod_ex(body, offset)
        if skipped is None:
            return None
        packet_type, offset = skipped
    fourcc: str | None = None
    if frame_type == FrameType.COMMAND and packet_type != ExPacketType.METADATA:
        pass  # a VideoCommand byte follows, no FourCC and no media
    elif packet_type == ExPacketType.MULTITRACK:
        if offset >= len(body):
            return None
        # Enhanced RTMP v2: multitrack type (high nibble), packet type (low nibble), then
        # the FourCC: shared by all tracks, or (ManyTracksManyCodecs) the first track's.
        packet_type = body[offset] & 0x0F
        fourcc = _fourcc(body, offset + 1)
    else:
        fourcc = _fourcc(body, offset)
    codec = VIDEO_FOURCCS.get(fourcc, UNKNOWN) if fourcc is not None else UNKNOWN
    sequence = packet_type in (ExPacketType.SEQUENCE_START, ExPacketType.MPEG2TS_SEQUENCE_START)
    keyframe = frame_type in (FrameType.KEY, FrameType.GENERATED_KEY)
    return VideoTagInfo(codec, frame_type, keyframe, sequence, True, fourcc, None, packet_type)


def parse_audio_tag(body: bytes) -> AudioTagInfo | None:
    """Read the header of an audio tag body (= RTMP audio message).

    Returns:
        The codec and whether it is a sequence header, or None for an empty body.
    """
    if not body:
        return None
    sound_format = body[0] >> 4
    if sound_format != _SOUND_FORMAT_EX_HEADER:
        # FLV spec E.4.2.1: for AAC, byte 1 is AACPacketType (0 = AudioSpecificConfig).
        packet_type = body[1] if sound_format == 10 and len(body) > 1 else None
        return AudioTagInfo(AUDIO_FORMATS.get(sound_format, UNKNOWN), sound_format,
                            packet_type == 0, False, None, packet_type)
    packet_type, offset = body[0] & 0x0F, 1
    while packet_type == _AUDIO_MOD_EX:
        skipped = _skip_mod_ex(body, offset)
        if skipped is None:
            return None
        packet_type, offset = skipped
    if packet_type == _AUDIO_MULTITRACK:
        if offset >= len(body):
            return None
        packet_type = body[offset] & 0x0F
        offset += 1
    fourcc = _fourcc(body, offset)
    codec = AUDIO_FOURCCS.get(fourcc, UNKNOWN) if fourcc is not None else UNKNOWN
    return AudioTagInfo(codec, sound_format, packet_type == ExPacketType.SEQUENCE_START, True,
                        fourcc, packet_type)


def _number_as_fourcc(value: float) -> str | None:
    # Enhanced RTMP: onMetaData carries the FourCC as a number (its big-endian UI32).
    if not (math.isfinite(value) and value == int(value) and 0 < value <= 0xFFFFFFFF):
        return None
    return int(value).to_bytes(4, "big").decode("latin-1")


def video_codec_name(value: object) -> str:
    """Owncast's name for onMetaData `videocodecid`: a legacy id, a FourCC or its number.

    Like Owncast, an unrecognised string is reported as it is.
    """
    if isinstance(value, str):
        return VIDEO_FOURCCS.get(value, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in VIDEO_CODEC_IDS:
            return VIDEO_CODEC_IDS[int(value)]
        fourcc = _number_as_fourcc(float(value))
        if fourcc in VIDEO_FOURCCS:
            return VIDEO_FOURCCS[fourcc]
    return UNKNOWN


def audio_codec_name(value: object) -> str:
    """Owncast's name for onMetaData `audiocodecid` ("No audio" when absent)."""
    if value is None:
        return NO_AUDIO
    if isinstance(value, str):
        return AUDIO_FOURCCS.get(value, UNKNOWN)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in AUDIO_FORMATS:
            return AUDIO_FORMATS[int(value)]
        fourcc = _number_as_fourcc(float(value))
        if fourcc in AUDIO_FOURCCS:
            return AUDIO_FOURCCS[fourcc]
    return UNKNOWN
