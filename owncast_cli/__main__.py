"""``python -m owncast_cli``."""

from owncast_cli.cli import main

main()
