"""Serve the panel: parse --host/--port, build Settings, run uvicorn (server.py and the CLI call main)."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from scribedesk.app import create_app
from scribedesk.config import Settings
from scribedesk.redact import install_log_redaction


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the Scribedesk panel.")
    parser.add_argument("--host", help="interface to bind (default: HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction(settings.secret_values())
    try:
        app = create_app(settings)
    except ValueError as e:
        print(f"scribedesk: {e}", file=sys.stderr)
        return 2
    print(f"Scribedesk on http://{settings.host}:{settings.port} (engine: {settings.active_engine})")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=3)
    return 0
