"""Serve the panel: parse --host/--port/--no-browser, build Settings, run uvicorn.

server.py, `python -m scribedesk serve` and the `scribedesk serve` command all call main(). The socket
is bound here, before uvicorn starts, so a busy port becomes one sentence saying what holds it (another
Scribedesk, or some other program) instead of a traceback; then the URL is printed and, once the panel
answers, the browser opens on it.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
import threading
import time
import webbrowser
from typing import Any

import httpx
import uvicorn

from scribedesk.app import create_app
from scribedesk.config import Settings
from scribedesk.redact import install_log_redaction


class PortBusy(Exception):
    """The port is taken; str(e) says by what and how to get past it."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scribedesk serve", description="Serve the Scribedesk panel.")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="interface to bind (default: HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the panel in a browser")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.host, args.port, open_browser=not args.no_browser)


def run(host: str | None, port: int | None, *, open_browser: bool) -> int:
    overrides: dict[str, Any] = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction(settings.secret_values())
    try:
        app = create_app(settings)
        sock = bind(settings.host, settings.port)
    except (ValueError, PortBusy) as e:
        print(f"scribedesk: {e}", file=sys.stderr)
        return 2
    url = panel_url(settings.host, sock.getsockname()[1])
    print(f"Scribedesk on {url} (engine: {settings.active_engine}); press Ctrl+C to stop.", flush=True)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3, access_log=False)
    )
    if open_browser:
        threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


def panel_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # a wildcard bind is reached locally
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or PortBusy saying who holds the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as e:
        if e.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or _is_windows_in_use(e):
            raise PortBusy(describe_busy_port(host, port)) from None
        raise PortBusy(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def _is_windows_in_use(e: OSError) -> bool:
    return getattr(e, "winerror", None) in (10048, 10013)  # address in use / access denied (reserved)


def describe_busy_port(host: str, port: int) -> str:
    url = panel_url(host, port)
    other = f"start on another port with --port {port + 1} (or set PORT)"
    version = _scribedesk_at(url)
    if version is not None:
        return (
            f"port {port} is already in use by another Scribedesk panel ({version}) — it is at {url}; "
            f"use that one, stop it, or {other}"
        )
    return f"port {port} on {host} is already in use by another program; stop it, or {other}"


def _scribedesk_at(url: str) -> str | None:
    """The version of the Scribedesk answering at url, or None when something else (or nothing) does."""
    try:
        got = httpx.get(f"{url}/health", timeout=2)
        body = got.json() if got.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return None
    if isinstance(body, dict) and "engine" in body and "version" in body:
        return f"version {body['version']}"
    return None


def _open_when_up(server: uvicorn.Server, url: str) -> None:
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or server.should_exit:
            return
        time.sleep(0.05)
    if not can_open_browser():
        print(f"Open {url} in your browser.", flush=True)
        return
    try:
        opened = webbrowser.open(url)
    except Exception:  # a broken browser setting must not stop the panel
        opened = False
    if not opened:
        print(f"Could not open a browser; open {url} yourself.", flush=True)


def can_open_browser() -> bool:
    """False on a Linux/BSD box without a display, where webbrowser would start a text browser here."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
