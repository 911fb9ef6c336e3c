"""owncast: a self-hosted live-streaming server with chat, as composable trio daemons.

Layers, bottom up: ``protocols`` (sans-IO wire formats) and ``config``/``db``/``bus``
(shared foundations) know nothing of the daemons; each daemon package (``serve``, ...)
is a thin trio shell over them; ``cli`` ties everything to the ``owncast`` command.
"""

__version__ = "0.1.0"
