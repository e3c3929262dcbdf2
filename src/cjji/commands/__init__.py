"""One module per `cjji` subcommand; each defines `command` (a click command)."""
