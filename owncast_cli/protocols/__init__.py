"""Sans-IO wire formats: bytes in, events out, bytes to send. No trio, no sockets, no clock."""
