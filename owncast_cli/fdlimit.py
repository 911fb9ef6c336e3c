"""The process's open-file limit: every connection is a descriptor, so daemons take all they may."""

from __future__ import annotations

import logging
import resource

logger = logging.getLogger("owncast")

#: What "unlimited" counts as.
UNLIMITED = 1 << 20


def raise_open_file_limit() -> int:
    """Take the hard open-file limit as the soft one.

    Returns:
        The soft limit now in force (:data:`UNLIMITED` when there is none).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as exc:
            logger.debug("could not raise the open-file limit: %s", exc)
    return soft if soft != resource.RLIM_INFINITY else UNLIMITED


def open_file_limit() -> int:
    """The soft open-file limit in force (:data:`UNLIMITED` when there is none)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else UNLIMITED
