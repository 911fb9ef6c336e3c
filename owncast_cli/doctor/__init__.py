"""``owncast doctor``: checks that find what is wrong with a deployment and say how to fix it.

``model`` holds the result shapes, ``runner`` runs the check families (one module each: ports,
proxy, tls, ffmpeg, encoders, storage, disk, security, database, daemons) under time limits, and
``echo`` is the one piece serve uses (the token its echo route answers). Checks read the database
and config and probe over the network and with subprocesses; they import no daemon's package.
"""
