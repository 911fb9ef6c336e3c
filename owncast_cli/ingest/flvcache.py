"""The FLV a reader of ``run/ingest.sock`` gets: header, init tags, and the current GOP."""

from __future__ import annotations

from owncast_cli.protocols.flv import TagType, flv_header, flv_tag

#: A GOP cache larger than this is dropped (the next reader starts at the next keyframe).
MAX_GOP_BYTES = 16 << 20


class FLVCache:
    """Remembers what a reader joining mid-stream needs to decode from the latest keyframe.

    That is the onMetaData tag, the video and audio sequence headers (decoder config), and every
    tag since the most recent video keyframe (or, for audio-only streams, nothing more).
    """

    def __init__(self) -> None:
        self.metadata: bytes | None = None
        self.video_config: bytes | None = None
        self.audio_config: bytes | None = None
        self._gop: list[bytes] = []
        self._gop_bytes = 0
        self._gop_valid = False
        self.has_video = False
        self.has_audio = False

    def metadata_tag(self, timestamp: int, body: bytes) -> bytes:
        tag = flv_tag(TagType.SCRIPT, timestamp, body)
        self.metadata = flv_tag(TagType.SCRIPT, 0, body)
        return tag

    def video_tag(self, timestamp: int, body: bytes, *, keyframe: bool, config: bool) -> bytes:
        self.has_video = True
        tag = flv_tag(TagType.VIDEO, timestamp, body)
        if config:
            self.video_config = tag
        elif keyframe:
            self._gop, self._gop_bytes, self._gop_valid = [tag], len(tag), True
        else:
            self._remember(tag)
        return tag

    def audio_tag(self, timestamp: int, body: bytes, *, config: bool) -> bytes:
        self.has_audio = True
        tag = flv_tag(TagType.AUDIO, timestamp, body)
        if config:
            self.audio_config = tag
        else:
            self._remember(tag)
        return tag

    def _remember(self, tag: bytes) -> None:
        if not self._gop_valid:
            return
        self._gop.append(tag)
        self._gop_bytes += len(tag)
        if self._gop_bytes > MAX_GOP_BYTES:
            self._gop, self._gop_bytes, self._gop_valid = [], 0, False

    def preamble(self) -> bytes:
        """What a reader joining now is sent first: a fresh FLV header and everything to decode."""
        parts = [flv_header(has_audio=self.has_audio, has_video=self.has_video)]
        parts += [t for t in (self.metadata, self.video_config, self.audio_config) if t is not None]
        parts += self._gop
        return b"".join(parts)
