"""Plugins: pluggy hookspecs (``hookspecs``) and the host that finds and calls them (``host``)."""

from owncast_cli.plugins.hookspecs import hookimpl
from owncast_cli.plugins.host import PluginHost, load_plugins

__all__ = ["PluginHost", "hookimpl", "load_plugins"]
