"""redact.py: query strings, signed parameters and known secrets go; ordinary words stay."""

from __future__ import annotations

import io
import logging

from scribedesk.redact import MASK, install_log_redaction, redact

PRESIGNED = (
    "https://s3.example.com/vol/scribedesk/abc/audio.m4a?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=deadbeef"
)


def test_a_presigned_url_keeps_its_path_and_loses_its_query() -> None:
    out = redact(f"Could not download {PRESIGNED}: 403")
    assert out == f"Could not download https://s3.example.com/vol/scribedesk/abc/audio.m4a?{MASK}: 403"


def test_signed_parameters_without_their_url_and_bearer_tokens() -> None:
    out = redact("query was X-Amz-Signature=abc123&X-Amz-Credential=AKIA%2Fx; header Bearer rpa_123")
    assert "abc123" not in out and "AKIA" not in out and "rpa_123" not in out


def test_a_short_secret_never_mangles_ordinary_words() -> None:
    assert redact("scribedesk could not reach desktop", ["desk"]) == "scribedesk could not reach desktop"
    assert redact("key desk was refused", ["desk"]) == f"key {MASK} was refused"
    assert redact("token=desk&x=1", ["desk"]) == f"token={MASK}&x=1"


def test_secrets_are_found_url_encoded_too() -> None:
    assert redact("secret a%2Fb%2Bc leaked", ["a/b+c"]) == f"secret {MASK} leaked"


def test_the_log_filter_redacts_messages_and_tracebacks() -> None:
    logger = logging.getLogger("test.redact")
    logger.propagate = False
    stream = io.StringIO()
    logger.addHandler(logging.StreamHandler(stream))
    install_log_redaction(["rpa_SECRETKEY"], logger)
    try:
        raise RuntimeError(f"fetch {PRESIGNED} with rpa_SECRETKEY")
    except RuntimeError:
        logger.exception("failed: %s", "rpa_SECRETKEY")
    text = stream.getvalue()
    assert "rpa_SECRETKEY" not in text and "deadbeef" not in text
    assert "failed: ***" in text and "RuntimeError" in text
