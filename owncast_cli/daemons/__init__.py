"""What every daemon shares: its context, the registry of daemons, and the supervisor of run-all."""
