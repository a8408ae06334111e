"""The ``telusur`` command line. Commands parse, call one function, format."""

from __future__ import annotations

import logging
import os
import sys

from graph.errors import ConfigError, InputError, StoreUnavailable, TelusurError
from graph_api.cli import (  # noqa: F401  (registers commands)
    _analysis_cmds,
    _audit_cmds,
    _data_cmds,
    _demo_cmd,
    _export_cmds,
    _ingest_cmds,
    _mapping_cmds,
    _query_cmds,
    _resolve_cmds,
    _ring_cmds,
    _store_cmds,
    _web_cmds,
)
from graph_api.cli._app import app


def main() -> None:
    """Console entry point: user errors are one line and exit code 2, never a traceback."""
    if sys.argv[1:] == ["--version"]:  # answered before typer builds every command's options
        from graph_api import __version__

        print(f"telusur {__version__}")
        return
    debug = "--debug" in sys.argv or os.environ.get("TELUSUR_DEBUG") == "1"
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
    if not debug:
        # The driver logs its own copy of connection failures; we say it once, in one line.
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
        logging.getLogger("neo4j").propagate = False
    try:
        code = app(standalone_mode=False)
        # Without standalone mode click *returns* the code of typer.Exit(n): pass it on.
        if isinstance(code, int) and code:
            sys.exit(code)
    except (ConfigError, StoreUnavailable, InputError) as exc:
        if debug:
            raise
        print(f"telusur: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except TelusurError as exc:
        if debug:
            raise
        print(f"telusur: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("telusur: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # click's own usage errors and anything unexpected
        import click
        import typer

        # typer 0.2x raises its own copy of click's exceptions: usage errors are known by
        # what they do (show, exit_code), whichever click they come from
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        if isinstance(exc, click.exceptions.Abort | typer.Abort):
            sys.exit(1)
        if debug:
            raise
        print(
            f"telusur: internal error: {type(exc).__name__}: {exc} (run with --debug)",
            file=sys.stderr,
        )
        sys.exit(3)


__all__ = ["app", "main"]
