"""``owncast ingest``: the RTMP server. ``keys``/``broadcaster``/``flvcache`` are pure logic;
``relay`` (the ``run/ingest.sock`` reader), ``publisher`` (one RTMP connection) and ``daemon``
are the trio shell around them.
"""
