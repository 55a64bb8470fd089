"""Subcommands of `casus`, one module each, each with `register(subparsers)`."""
