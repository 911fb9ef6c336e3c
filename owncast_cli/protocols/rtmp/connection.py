"""The sans-IO RTMP server connection: bytes in, events out, replies buffered to send."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import Final

from .. import amf0
from . import commands, messages
from . import events as ev
from .chunks import MAX_MESSAGE_SIZE, SETUP_MESSAGE_SIZE, ChunkReader, ChunkWriter, Message
from .commands import Command
from .errors import RTMPProtocolError
from .handshake import BLOCK_SIZE, RTMP_VERSION, server_response
from .messages import MessageType, UserControlEvent
from .states import MEDIA, SILENT_COMMANDS, TRANSITIONS, State

__all__ = ["RTMPServerConnection"]

# Chunk streams for what we send. RTMP spec 5.4: protocol control on 2; commands on 3 and
# NetStream status on 5, as nginx-rtmp does.
_CONTROL_CSID: Final = messages.CONTROL_CHUNK_STREAM
_COMMAND_CSID: Final = 3
_STATUS_CSID: Final = 5
_STREAM_ID: Final = 1  # the one message stream createStream hands out, as nginx-rtmp does

_CommandHandler = Callable[[Command, Message], "ev.Event | None"]


class RTMPServerConnection:
    """One publisher's connection, server side (h11/h2 shape).

    Feed bytes with `receive_data` (`b""` at EOF), pull events with `next_event`/`events`,
    send `data_to_send()` after each round. Answer `PublishRequested` with `accept_publish`
    or `reject_publish` before pulling the next event.
    """

    def __init__(
        self,
        *,
        random_bytes: Callable[[int], bytes] = os.urandom,
        chunk_size: int = 4096,
        window_ack_size: int = 5_000_000,
        peer_bandwidth: int = 5_000_000,
        max_message_size: int = MAX_MESSAGE_SIZE,
        setup_message_size: int = SETUP_MESSAGE_SIZE,
    ) -> None:
        self._random_bytes = random_bytes
        self._out_chunk_size = chunk_size
        self._window_ack_size = window_ack_size
        self._peer_bandwidth = peer_bandwidth
        self.state = State.AWAIT_C0C1
        self.app = ""
        self.tc_url = ""
        self.stream_name = ""
        self.stream_id = 0
        self.bytes_received = 0
        self.dropped_messages = 0  # media and data that arrived while not publishing
        self._handshake_buf = bytearray()
        self._digest = False  # the client used the FP9 digest handshake
        self._max_message_size = max_message_size  # once a publish is accepted
        self._reader = ChunkReader(max_message_size=setup_message_size,
                                   max_reserved=2 * setup_message_size)
        self._writer = ChunkWriter(compress=False)
        self._out = bytearray()
        self._events: deque[ev.Event] = deque()
        self._eof = False
        self._ack_window = 0  # 0 until the peer sends Window Acknowledgement Size
        self._last_ack = 0
        self._media_ok = False
        self._handlers: dict[int, Callable[[Message], ev.Event | None]] = {
            MessageType.SET_CHUNK_SIZE: self._on_set_chunk_size,
            MessageType.ABORT: self._on_abort,
            MessageType.WINDOW_ACK_SIZE: self._on_window_ack_size,
            MessageType.USER_CONTROL: self._on_user_control,
            MessageType.AUDIO: self._on_audio,
            MessageType.VIDEO: self._on_video,
            MessageType.DATA_AMF0: self._on_data,
            MessageType.DATA_AMF3: self._on_amf3,
            MessageType.COMMAND_AMF0: self._on_command,
            MessageType.COMMAND_AMF3: self._on_amf3,
            MessageType.AGGREGATE: self._on_aggregate,
            # Acknowledgement, Set Peer Bandwidth and shared objects need no action.
        }
        self._commands: dict[str, _CommandHandler] = {
            "connect": self._cmd_connect,
            "releaseStream": self._cmd_release_stream,
            "FCPublish": self._cmd_fc_publish,
            "createStream": self._cmd_create_stream,
            "publish": self._cmd_publish,
            "play": self._cmd_play,
            "FCUnpublish": self._cmd_fc_unpublish,
            "deleteStream": self._cmd_delete_stream,
            "closeStream": self._cmd_close_stream,
        }

    # -- public API -------------------------------------------------------------------

    @property
    def closing(self) -> bool:
        """Whether the daemon should flush `data_to_send()` and close the socket."""
        return self.state in (State.CLOSING, State.CLOSED, State.ERROR)

    @property
    def peer_chunk_size(self) -> int:
        return self._reader.chunk_size

    @property
    def buffered(self) -> int:
        """Bytes received but not yet turned into events: what the connection holds between
        reads (before publishing at most 2 * setup_message_size plus one unparsed read)."""
        return len(self._handshake_buf) + self._reader.buffered

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Feed bytes from the socket; `b""` means the peer closed its side."""
        if self.state is State.ERROR:
            raise RTMPProtocolError("the connection already failed")
        if not data:
            self._eof = True
            return
        if self._eof:
            raise RuntimeError("receive_data() after EOF")
        self.bytes_received += len(data)
        if self.state in (State.AWAIT_C0C1, State.AWAIT_C2):
            self._handshake_buf += data
        else:
            self._reader.receive_data(data)
        self._maybe_acknowledge()

    def next_event(self) -> ev.Event | None:
        """The next event, or None when more bytes are needed.

        Raises:
            RTMPProtocolError: the peer broke the protocol; close the connection.
        """
        if self._events:
            return self._events.popleft()
        if self.state is State.ERROR:
            raise RTMPProtocolError("the connection already failed")
        try:
            while True:
                if self.state in (State.AWAIT_C0C1, State.AWAIT_C2):
                    event = self._handshake()
                    return event if event is not None else self._end_of_input()
                message = self._reader.next_message()
                if message is None:
                    return self._end_of_input()
                handler = self._handlers.get(message.type_id)
                # RTMP spec 7.1: unknown message types are ignored.
                event = handler(message) if handler is not None else None
                if event is not None:
                    return event
                if self._events:
                    return self._events.popleft()
        except RTMPProtocolError:
            self.state = State.ERROR
            raise

    def events(self) -> Iterator[ev.Event]:
        """Every event available now."""
        while (event := self.next_event()) is not None:
            yield event

    def data_to_send(self) -> bytes:
        """Bytes to write to the socket (and forget)."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def accept_publish(self) -> None:
        """Answer `PublishRequested`: Stream Begin and onStatus NetStream.Publish.Start."""
        self._transition("accept_publish")
        self._reader.max_message_size = self._max_message_size
        self._reader.max_reserved = 2 * self._max_message_size
        self._send(_CONTROL_CSID, MessageType.USER_CONTROL, 0,
                   messages.user_control(UserControlEvent.STREAM_BEGIN, self.stream_id))
        # The stream name is the stream key: not echoed, like nginx-rtmp's "Start publishing".
        self._send(_STATUS_CSID, MessageType.COMMAND_AMF0, self.stream_id, commands.on_status(
            "status", "NetStream.Publish.Start", "Start publishing"))

    def reject_publish(self, description: str = "Invalid stream key.",
                       code: str = "NetStream.Publish.BadName") -> None:
        """Answer `PublishRequested` with an error onStatus; the connection then closes."""
        self._transition("reject_publish")
        self._send(_STATUS_CSID, MessageType.COMMAND_AMF0, self.stream_id,
                   commands.on_status("error", code, description))

    def send_ping(self, timestamp: int) -> None:
        """Queue a Ping Request (RTMP spec 7.1.7); the answer comes as `PongReceived`."""
        self._send(_CONTROL_CSID, MessageType.USER_CONTROL, 0,
                   messages.user_control(UserControlEvent.PING_REQUEST, timestamp))

    # -- plumbing ---------------------------------------------------------------------

    def _transition(self, trigger: str) -> None:
        next_state = TRANSITIONS[self.state].get(trigger)
        if next_state is None:
            raise RuntimeError(f"{trigger} is not allowed in state {self.state.value!r}")
        self._set_state(next_state)

    def _set_state(self, state: State) -> None:
        self.state = state
        self._media_ok = MEDIA in TRANSITIONS[state]

    def _send(self, csid: int, type_id: int, stream_id: int, body: bytes) -> None:
        self._out += self._writer.write(csid, type_id, stream_id, 0, body)

    def _maybe_acknowledge(self) -> None:
        # RTMP spec 5.4.3: acknowledge each time a window's worth of bytes has arrived. The
        # count starts at the first handshake byte, as librtmp counts, and wraps at 2**32
        # on the wire.
        if self._ack_window and self.bytes_received - self._last_ack >= self._ack_window:
            self._last_ack = self.bytes_received
            self._send(_CONTROL_CSID, MessageType.ACKNOWLEDGEMENT, 0,
                       messages.acknowledgement(self.bytes_received))

    def _end_of_input(self) -> ev.Event | None:
        if not self._eof or self.state is State.CLOSED:
            return None
        publishing = self.state is State.PUBLISHING
        self._set_state(State.CLOSED)
        return ev.ConnectionClosed(publishing)

    def _handshake(self) -> ev.Event | None:
        buf = self._handshake_buf
        if self.state is State.AWAIT_C0C1:
            # RTMP spec 5.2.2: C0 is the version; 6 and up are RTMPE, which we do not speak.
            if buf and buf[0] != RTMP_VERSION:
                raise RTMPProtocolError(f"unsupported RTMP version {buf[0]}")
            if len(buf) < 1 + BLOCK_SIZE:
                return None
            response, self._digest = server_response(bytes(buf[1 : 1 + BLOCK_SIZE]),
                                                     self._random_bytes)
            self._out += response
            del buf[: 1 + BLOCK_SIZE]
            self._set_state(State.AWAIT_C2)
        if len(buf) < BLOCK_SIZE:
            return None
        # C2 is not checked, like nginx-rtmp: clients echo S1 or sign it, both are fine.
        self._reader.receive_data(buf[BLOCK_SIZE:])
        buf.clear()
        self._set_state(State.AWAIT_CONNECT)
        return ev.HandshakeCompleted(self._digest)

    # -- messages ---------------------------------------------------------------------

    def _on_set_chunk_size(self, message: Message) -> None:
        self._reader.chunk_size = messages.parse_set_chunk_size(message.body)

    def _on_abort(self, message: Message) -> None:
        self._reader.abort(messages.parse_abort(message.body))

    def _on_window_ack_size(self, message: Message) -> None:
        self._ack_window = messages.parse_window_ack_size(message.body)
        self._maybe_acknowledge()

    def _on_user_control(self, message: Message) -> ev.Event | None:
        control = messages.parse_user_control(message.body)
        if control.event == UserControlEvent.PING_REQUEST and control.values:
            self._send(_CONTROL_CSID, MessageType.USER_CONTROL, 0, messages.user_control(
                UserControlEvent.PING_RESPONSE, control.values[0]))
        elif control.event == UserControlEvent.PING_RESPONSE and control.values:
            return ev.PongReceived(control.values[0])
        return None

    def _on_audio(self, message: Message) -> ev.Event | None:
        if not self._media_ok:
            self.dropped_messages += 1
            return None
        return ev.AudioReceived(message.timestamp, message.body, message.stream_id)

    def _on_video(self, message: Message) -> ev.Event | None:
        if not self._media_ok:
            self.dropped_messages += 1
            return None
        return ev.VideoReceived(message.timestamp, message.body, message.stream_id)

    def _on_data(self, message: Message, offset: int = 0) -> ev.Event | None:
        if not self._media_ok:
            self.dropped_messages += 1
            return None
        try:
            values, offsets = amf0.decode_all(message.body, offset)
        except amf0.AMF0DecodeError as exc:
            raise RTMPProtocolError(f"malformed data message: {exc}") from exc
        if values and values[0] == "@setDataFrame":
            # The FLV script tag is what follows the wrapper (as FMS and nginx-rtmp store it).
            values, offsets = values[1:], offsets[1:]
        if not values or not isinstance(values[0], str):
            return None
        raw_body = message.body[offsets[0]:]
        if values[0] == "onMetaData":
            metadata = values[1] if len(values) > 1 and isinstance(values[1], dict) else {}
            return ev.MetadataReceived(metadata, message.timestamp, raw_body)
        return ev.DataReceived(values[0], values[1:], message.timestamp, raw_body)

    def _on_amf3(self, message: Message) -> ev.Event | None:
        # RTMP spec 7.1.2: AMF3 data/command messages; in practice they are a 0x00 byte
        # then AMF0. True AMF3 bodies are skipped.
        if message.body[:1] != b"\x00":
            return None
        if message.type_id == MessageType.COMMAND_AMF3:
            return self._on_command(message, 1)
        return self._on_data(message, 1)

    def _on_aggregate(self, message: Message) -> ev.Event | None:
        for sub in messages.split_aggregate(message.body, message.timestamp):
            if sub.type_id in (MessageType.AUDIO, MessageType.VIDEO, MessageType.DATA_AMF0):
                event = self._handlers[sub.type_id](Message(
                    message.chunk_stream_id, sub.type_id, message.stream_id,
                    sub.timestamp, sub.body))
                if event is not None:
                    self._events.append(event)
        return None

    def _on_command(self, message: Message, offset: int = 0) -> ev.Event | None:
        command = commands.parse_command(message.body, offset)
        if command.name in SILENT_COMMANDS or self.state is State.CLOSING:
            return None
        next_state = TRANSITIONS[self.state].get(command.name)
        handler = self._commands.get(command.name)
        if handler is None or next_state is None:
            if command.transaction:
                self._send(_COMMAND_CSID, MessageType.COMMAND_AMF0, message.stream_id,
                           commands.error(command.transaction, command.name))
            reason = "unknown command" if handler is None else f"not allowed {self.state.value}"
            return ev.CommandIgnored(command.name, command.transaction, reason)
        event = handler(command, message)
        self._set_state(next_state)
        return event

    # -- commands (RTMP spec 7.2) -----------------------------------------------------

    def _reply(self, command: Command, *values: object) -> None:
        if command.transaction:
            self._send(_COMMAND_CSID, MessageType.COMMAND_AMF0, 0,
                       commands.result(command.transaction, *values))

    def _cmd_connect(self, command: Command, message: Message) -> ev.Event:
        props = command.object if isinstance(command.object, dict) else {}
        self.app = _text(props.get("app"))
        self.tc_url = _text(props.get("tcUrl"))
        encoding = props.get("objectEncoding")
        encoding = encoding if isinstance(encoding, float) else 0.0
        # RTMP spec 7.2.1.1 and nginx-rtmp: window size, peer bandwidth, chunk size, result.
        self._send(_CONTROL_CSID, MessageType.WINDOW_ACK_SIZE, 0,
                   messages.window_ack_size(self._window_ack_size))
        self._send(_CONTROL_CSID, MessageType.SET_PEER_BANDWIDTH, 0,
                   messages.set_peer_bandwidth(self._peer_bandwidth))
        self._send(_CONTROL_CSID, MessageType.SET_CHUNK_SIZE, 0,
                   messages.set_chunk_size(self._out_chunk_size))
        self._writer.chunk_size = self._out_chunk_size
        self._send(_COMMAND_CSID, MessageType.COMMAND_AMF0, 0,
                   commands.connect_result(command.transaction, encoding))
        return ev.Connected(self.app, self.tc_url, _text(props.get("flashVer")), encoding,
                         props, command.transaction)

    def _cmd_release_stream(self, command: Command, message: Message) -> None:
        self._reply(command, None, amf0.UNDEFINED)

    def _cmd_fc_publish(self, command: Command, message: Message) -> None:
        self._send(_COMMAND_CSID, MessageType.COMMAND_AMF0, 0,
                   commands.on_fc_publish(command.arg_str(0)))
        self._reply(command, None, amf0.UNDEFINED)

    def _cmd_create_stream(self, command: Command, message: Message) -> None:
        self._reply(command, None, float(_STREAM_ID))

    def _cmd_publish(self, command: Command, message: Message) -> ev.Event:
        self.stream_name = command.arg_str(0)
        self.stream_id = message.stream_id or _STREAM_ID
        return ev.PublishRequested(self.app, self.stream_name, command.arg_str(1, "live"),
                                self.tc_url, command.transaction, self.stream_id)

    def _cmd_play(self, command: Command, message: Message) -> ev.Event:
        self._send(_STATUS_CSID, MessageType.COMMAND_AMF0, message.stream_id,
                   commands.on_status("error", "NetStream.Play.Failed",
                                      "This server accepts publishing only."))
        return ev.PlayRequested(command.arg_str(0), command.transaction)

    def _cmd_fc_unpublish(self, command: Command, message: Message) -> ev.Event:
        self._reply(command, None, amf0.UNDEFINED)
        return ev.UnpublishRequested(command.arg_str(0), command.transaction)

    def _cmd_delete_stream(self, command: Command, message: Message) -> ev.Event:
        return ev.StreamDeleted(command.arg_int(0, message.stream_id))

    def _cmd_close_stream(self, command: Command, message: Message) -> ev.Event:
        return ev.StreamClosed(message.stream_id)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
