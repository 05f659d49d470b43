"""Guards for a local tool that holds cloud keys: Host check, same-Origin writes, access token,
and headers that keep the page from running anything but its own scripts."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from scribedesk.config import Settings

LOCAL_NAMES = {"localhost", "127.0.0.1", "[::1]", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
TOKEN_COOKIE = "scribedesk_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def _hostname(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header.split("]")[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = set(LOCAL_NAMES)
        self.allowed.update(h.strip().lower() for h in settings.allowed_hosts.split(",") if h.strip())
        if not settings.binds_loopback and settings.host not in ("0.0.0.0", "::"):
            self.allowed.add(settings.host.lower())
        self.token = settings.access_token.get_secret_value() if settings.access_token else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        problem = self._check(scope, headers)
        if problem is not None:
            await problem(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _check(self, scope: Scope, headers: Headers) -> ASGIApp | None:
        host = _hostname(headers.get("host", "").lower())
        if self.allowed and host not in self.allowed:
            return JSONResponse({"detail": f"Host {host!r} is not allowed"}, status_code=400)
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if (
                origin
                and origin != "null"
                and urlsplit(origin).netloc.lower() != headers.get("host", "").lower()
            ):
                return JSONResponse({"detail": "cross-origin request refused"}, status_code=403)
            if origin == "null":
                return JSONResponse({"detail": "cross-origin request refused"}, status_code=403)
        if self.token:
            return self._check_token(scope, headers)
        return None

    def _check_token(self, scope: Scope, headers: Headers) -> ASGIApp | None:
        given = ""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given:
            for part in headers.get("cookie", "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == TOKEN_COOKIE:
                    given = value
        if given and hmac.compare_digest(given.encode(), self.token.encode()):
            return None
        query = scope.get("query_string", b"").decode()
        for pair in query.split("&"):
            name, _, value = pair.partition("=")
            if name == "token" and value and hmac.compare_digest(value.encode(), self.token.encode()):
                # Opening http://host:8000/?token=... once sets the cookie and drops the token from the URL.
                response = RedirectResponse(scope.get("path", "/") or "/", status_code=303)
                response.set_cookie(TOKEN_COOKIE, value, httponly=True, samesite="strict")
                return response
        return JSONResponse({"detail": "access token required"}, status_code=401)
