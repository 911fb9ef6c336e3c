"""Codec names and frame kinds from tag headers (legacy FLV and Enhanced RTMP) and onMetaData."""

from __future__ import annotations

import pytest

from owncast_cli.protocols.rtmp import (
    AudioTagInfo,
    VideoTagInfo,
    audio_codec_name,
    parse_audio_tag,
    parse_video_tag,
    video_codec_name,
)

VIDEO = [
    # Legacy FLV: frame type << 4 | codec id, then AVCPacketType.
    ("17 00 000000", VideoTagInfo("H.264", 1, True, True, False, None, 7, 0)),
    ("17 01 000000", VideoTagInfo("H.264", 1, True, False, False, None, 7, 1)),
    ("27 01 000021", VideoTagInfo("H.264", 2, False, False, False, None, 7, 1)),
    ("1c 00 000000", VideoTagInfo("H.265", 1, True, True, False, None, 12, 0)),
    ("22 00", VideoTagInfo("Sorenson H.263", 2, False, False, False, None, 2, None)),
    ("1f", VideoTagInfo("Unknown", 1, True, False, False, None, 15, None)),
    # Enhanced RTMP: 0x80 | frame type << 4 | packet type, then the FourCC.
    ("90 68766331", VideoTagInfo("H.265", 1, True, True, True, "hvc1", None, 0)),
    ("91 68766331 000000", VideoTagInfo("H.265", 1, True, False, True, "hvc1", None, 1)),
    ("a3 68766331", VideoTagInfo("H.265", 2, False, False, True, "hvc1", None, 3)),
    ("90 61763031", VideoTagInfo("AV1", 1, True, True, True, "av01", None, 0)),
    ("a1 76703039", VideoTagInfo("VP9", 2, False, False, True, "vp09", None, 1)),
    ("91 61766331", VideoTagInfo("H.264", 1, True, False, True, "avc1", None, 1)),
    ("d4 68766331", VideoTagInfo("H.265", 5, False, False, True, "hvc1", None, 4)),  # ffmpeg colour info
    ("d1 01", VideoTagInfo("Unknown", 5, False, False, True, None, None, 1)),  # VideoCommand
    ("96 01 61763031", VideoTagInfo("AV1", 1, True, False, True, "av01", None, 1)),  # multitrack
    ("97 00 aa 00 68766331", VideoTagInfo("H.265", 1, True, True, True, "hvc1", None, 0)),  # ModEx
    ("90 6e6f7065", VideoTagInfo("Unknown", 1, True, True, True, "nope", None, 0)),
]


@pytest.mark.parametrize(("wire", "info"), VIDEO)
def test_video_tags(wire: str, info: VideoTagInfo) -> None:
    assert parse_video_tag(bytes.fromhex(wire)) == info


AUDIO = [
    ("af 00 1210", AudioTagInfo("AAC", 10, True, False, None, 0)),
    ("af 01 21", AudioTagInfo("AAC", 10, False, False, None, 1)),
    ("2f ff", AudioTagInfo("MP3", 2, False, False)),
    ("b2 00", AudioTagInfo("Speex", 11, False, False)),
    ("90 4f707573", AudioTagInfo("Opus", 9, True, True, "Opus", 0)),  # Enhanced RTMP v2
    ("91 664c6143", AudioTagInfo("FLAC", 9, False, True, "fLaC", 1)),
    ("95 01 6d703461", AudioTagInfo("AAC", 9, False, True, "mp4a", 1)),  # multitrack
]


@pytest.mark.parametrize(("wire", "info"), AUDIO)
def test_audio_tags(wire: str, info: AudioTagInfo) -> None:
    assert parse_audio_tag(bytes.fromhex(wire)) == info


@pytest.mark.parametrize("wire", ["", "80", "96", "97", "97 ff", "9f 6876"])
def test_short_video_tags(wire: str) -> None:
    info = parse_video_tag(bytes.fromhex(wire))
    assert info is None or info.codec == "Unknown"


@pytest.mark.parametrize("wire", ["", "95", "97 05"])
def test_short_audio_tags(wire: str) -> None:
    info = parse_audio_tag(bytes.fromhex(wire))
    assert info is None or info.codec == "Unknown"


@pytest.mark.parametrize(("value", "name"), [
    (7.0, "H.264"), (12.0, "H.265"), (1752589105.0, "H.265"), (1635135537.0, "AV1"),
    (1987063865.0, "VP9"), (1635148593.0, "H.264"), ("avc1", "H.264"), ("hvc1", "H.265"),
    ("av01", "AV1"), ("h264", "h264"), (None, "Unknown"), (99.0, "Unknown"),
    (float("nan"), "Unknown"), (True, "Unknown"),
])
def test_metadata_video_codec(value: object, name: str) -> None:
    assert video_codec_name(value) == name


@pytest.mark.parametrize(("value", "name"), [
    (10.0, "AAC"), (2.0, "MP3"), (11.0, "Speex"), (1332770163.0, "Opus"),
    (1836069985.0, "AAC"), ("mp4a", "AAC"), ("Opus", "Opus"), (None, "No audio"),
    (42.0, "Unknown"), ("xyz", "Unknown"),
])
def test_metadata_audio_codec(value: object, name: str) -> None:
    assert audio_codec_name(value) == name
