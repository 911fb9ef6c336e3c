"""A minimal sans-IO RTMP publishing client, for tests, benchmarks and tools."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Final

from .. import amf0
from . import messages
from .chunks import ChunkReader, ChunkWriter, Message
from .commands import parse_command
from .errors import RTMPProtocolError
from .handshake import BLOCK_SIZE, RTMP_VERSION, client_c1, make_c2, verify_server_response
from .messages import MessageType, UserControlEvent

__all__ = ["RTMPPublishClient"]

# Chunk streams as ffmpeg uses them (libavformat/rtmppkt.h).
_CONTROL_CSID: Final = 2
_COMMAND_CSID: Final = 3
_AUDIO_CSID: Final = 4
_VIDEO_CSID: Final = 6
_SOURCE_CSID: Final = 8  # ffmpeg sends publish, metadata, audio and video all here
_CONNECT, _RELEASE, _FCPUBLISH, _CREATE = 1.0, 2.0, 3.0, 4.0  # transaction ids


class RTMPPublishClient:
    """Handshake, connect, releaseStream, FCPublish, createStream, publish; then media.

    `receive_data` / `data_to_send` as for the server; progress shows in `publishing`,
    `statuses` (onStatus info objects) and `results` (transaction id -> `_result` values).
    """

    def __init__(
        self,
        app: str,
        stream_name: str,
        *,
        tc_url: str | None = None,
        chunk_size: int = 4096,
        digest: bool = False,
        compress: bool = True,
        ffmpeg_csids: bool = False,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.app = app
        self.stream_name = stream_name
        self.tc_url = tc_url if tc_url is not None else f"rtmp://127.0.0.1/{app}"
        self.publishing = False
        self.handshake_done = False
        self.stream_id = 0
        self.statuses: list[dict[str, Any]] = []
        self.results: dict[float, list[Any]] = {}
        self.commands: list[str] = []  # names of other commands the server sent
        self._chunk_size = chunk_size
        self._random_bytes = random_bytes
        self._audio_csid = _SOURCE_CSID if ffmpeg_csids else _AUDIO_CSID
        self._video_csid = _SOURCE_CSID if ffmpeg_csids else _VIDEO_CSID
        self._c1 = client_c1(random_bytes, digest=digest)
        self._handshake_buf = bytearray()
        self._reader = ChunkReader()
        self._writer = ChunkWriter(compress=compress)
        self._out = bytearray(bytes((RTMP_VERSION,)) + self._c1)

    def receive_data(self, data: bytes) -> None:
        if not self.handshake_done:
            self._handshake_buf += data
            if len(self._handshake_buf) < 1 + 2 * BLOCK_SIZE:
                return
            s1 = bytes(self._handshake_buf[1 : 1 + BLOCK_SIZE])
            s2 = bytes(self._handshake_buf[1 + BLOCK_SIZE : 1 + 2 * BLOCK_SIZE])
            if self._handshake_buf[0] != RTMP_VERSION or not verify_server_response(
                    self._c1, s1, s2):
                raise RTMPProtocolError("the server's handshake does not verify")
            data = bytes(self._handshake_buf[1 + 2 * BLOCK_SIZE :])
            self.handshake_done = True
            self._out += make_c2(s1, self._random_bytes)
            self.set_chunk_size(self._chunk_size)
            self._command(_COMMAND_CSID, 0, "connect", _CONNECT, {
                "app": self.app, "type": "nonprivate", "flashVer": "FMLE/3.0 (compatible; FMSc/1.0)",
                "tcUrl": self.tc_url,
            })
        self._reader.receive_data(data)
        while (message := self._reader.next_message()) is not None:
            self._on_message(message)

    def data_to_send(self) -> bytes:
        data = bytes(self._out)
        self._out.clear()
        return data

    # -- what a publisher sends ---------------------------------------------------------

    def set_chunk_size(self, size: int) -> None:
        """Announce and use a new outbound chunk size (RTMP spec 5.4.1)."""
        self._send(_CONTROL_CSID, MessageType.SET_CHUNK_SIZE, 0, 0, messages.set_chunk_size(size))
        self._writer.chunk_size = size

    def send_metadata(self, metadata: dict[str, Any], timestamp: int = 0) -> None:
        """`@setDataFrame` `onMetaData` as OBS and ffmpeg send it."""
        body = amf0.encode_all("@setDataFrame", "onMetaData", amf0.ECMAArray(metadata))
        self._send(self._audio_csid, MessageType.DATA_AMF0, self.stream_id, timestamp, body)

    def send_audio(self, timestamp: int, body: bytes) -> None:
        self._send(self._audio_csid, MessageType.AUDIO, self.stream_id, timestamp, body)

    def send_video(self, timestamp: int, body: bytes) -> None:
        self._send(self._video_csid, MessageType.VIDEO, self.stream_id, timestamp, body)

    def send_command(self, name: str, transaction: float, *args: Any,
                     stream_id: int = 0) -> None:
        """Any AMF0 command, command object included in `args`."""
        self._command(_COMMAND_CSID, stream_id, name, transaction, *args)

    def send_message(self, csid: int, type_id: int, stream_id: int, timestamp: int,
                     body: bytes) -> None:
        """Any message as it is (for tests of odd peers)."""
        self._send(csid, type_id, stream_id, timestamp, body)

    def unpublish(self) -> None:
        """FCUnpublish then deleteStream, as ffmpeg closes a publishing session."""
        self._command(_COMMAND_CSID, 0, "FCUnpublish", 5.0, None, self.stream_name)
        self._command(_COMMAND_CSID, 0, "deleteStream", 6.0, None, float(self.stream_id))
        self.publishing = False

    def _send(self, csid: int, type_id: int, stream_id: int, timestamp: int,
              body: bytes) -> None:
        self._out += self._writer.write(csid, type_id, stream_id, timestamp, body)

    def _command(self, csid: int, stream_id: int, name: str, transaction: float,
                 *args: Any) -> None:
        self._send(csid, MessageType.COMMAND_AMF0, stream_id, 0,
                   amf0.encode_all(name, transaction, *args))

    # -- what the server sends ----------------------------------------------------------

    def _on_message(self, message: Message) -> None:
        if message.type_id == MessageType.SET_CHUNK_SIZE:
            self._reader.chunk_size = messages.parse_set_chunk_size(message.body)
        elif message.type_id == MessageType.USER_CONTROL:
            control = messages.parse_user_control(message.body)
            if control.event == UserControlEvent.PING_REQUEST and control.values:
                self._send(_CONTROL_CSID, MessageType.USER_CONTROL, 0, 0, messages.user_control(
                    UserControlEvent.PING_RESPONSE, control.values[0]))
        elif message.type_id == MessageType.COMMAND_AMF0:
            self._on_command(message)

    def _on_command(self, message: Message) -> None:
        command = parse_command(message.body)
        if command.name == "_result":
            self.results[command.transaction] = [command.object, *command.args]
            if command.transaction == _CONNECT:
                self._command(_COMMAND_CSID, 0, "releaseStream", _RELEASE, None, self.stream_name)
                self._command(_COMMAND_CSID, 0, "FCPublish", _FCPUBLISH, None, self.stream_name)
                self._command(_COMMAND_CSID, 0, "createStream", _CREATE, None)
            elif command.transaction == _CREATE:
                stream_id = command.args[0] if command.args else 1.0
                self.stream_id = int(stream_id) if isinstance(stream_id, float) else 1
                self._command(_SOURCE_CSID, self.stream_id, "publish", 0.0, None,
                              self.stream_name, "live")
        elif command.name == "onStatus":
            info = command.args[0] if command.args and isinstance(command.args[0], dict) else {}
            self.statuses.append(info)
            if info.get("code") == "NetStream.Publish.Start":
                self.publishing = True
        else:
            self.commands.append(command.name)
