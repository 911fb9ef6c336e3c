"""The CLI's subcommands, one module per command family (imported lazily by ``cli``)."""
