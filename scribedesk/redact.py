"""Redaction of secrets in any text that reaches the page or the log.

Two kinds of secret leak into error messages: query strings of URLs (a presigned URL carries
`X-Amz-Credential` and a live `X-Amz-Signature`; other services put tokens there) and the values of
the panel's own keys, quoted back by a remote service. Query strings are cut whole. A known secret is
replaced only where it stands as a whole token, so a short secret never mangles ordinary words
(`scribedesk` stays `scribedesk` when a key happens to be `desk`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"

# A URL up to its query string; the query (and any fragment) is replaced.
_URL_QUERY = re.compile(
    r"(?P<base>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s?#\"'<>]+)\?[^\s\"'<>]*?(?P<tail>[.,:;)\]]*)(?=[\s\"'<>]|$)"
)
# Signed-request parameters quoted without their URL (a worker may print just the query).
_SIGNED_PARAM = re.compile(
    r"(?P<name>\b(?:X-Amz-(?:Credential|Signature|Security-Token)|AWSAccessKeyId|Signature"
    r"|access_token|api_key|token|sig)=)[^\s&\"'<>]+",
    re.IGNORECASE,
)
# "Authorization: Bearer xyz", "Bearer xyz" in an echoed request.
_BEARER = re.compile(r"(?P<name>\bBearer\s+)[A-Za-z0-9._~+/=-]+")
# Characters that continue a token: a secret next to one of them is part of a longer word.
_TOKEN = r"A-Za-z0-9_"


def _secret_pattern(secret: str) -> re.Pattern[str]:
    forms = {secret, quote(secret, safe="")}
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![{_TOKEN}])(?:{alternatives})(?![{_TOKEN}])")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without URL query strings, signed-request parameters, bearer tokens or known secrets."""
    if not text:
        return text
    out = _URL_QUERY.sub(lambda m: f"{m.group('base')}?{MASK}{m.group('tail')}", text)
    out = _SIGNED_PARAM.sub(lambda m: f"{m.group('name')}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m.group('name')}{MASK}", out)
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        out = _secret_pattern(secret).sub(MASK, out)
    return out


class Redactor:
    """`redact` bound to one set of secrets (the Settings' values), for code that holds no Settings."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(s for s in secrets if s)

    def __call__(self, text: str) -> str:
        return redact(text, self.secrets)


class RedactingFilter(logging.Filter):
    """A handler filter: the formatted message and traceback of every record, redacted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def install_log_redaction(secrets: Iterable[str], logger: logging.Logger | None = None) -> None:
    """Attach a RedactingFilter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    wanted = tuple(secrets)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(RedactingFilter(wanted))
