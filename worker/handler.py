"""RunPod serverless door to the worker core: validate the `whisperx` input schema, transcribe.

Run on RunPod as `python -u worker/handler.py`; locally,
`python worker/handler.py --rp_serve_api --rp_api_port 8010 --rp_api_host 127.0.0.1`.
Problems a user can fix come back as `{"error": "..."}` (RunPod marks the job FAILED).
With `job_key` (the panel's job id) the output is kept on the network volume and a repeated
key is answered from it (results.py). Inputs are logged only as their shape, never their values.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `worker` importable as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from worker import env

env.configure()  # RUNPOD_LOG_LEVEL=INFO before the SDK reads it: DEBUG would print every input

from runpod.serverless.utils.rp_validator import validate  # noqa: E402

from worker import core, results  # noqa: E402

log = logging.getLogger("worker.handler")


def _nonempty_str(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def schema() -> dict[str, dict[str, Any]]:
    """The panel's `whisperx` schema; the validator rejects any other key.

    Ranges are checked in range_errors(): the SDK skips `constraints` whenever a value has the
    same type as the key's default (batch_size=500 would pass).
    """
    optional: dict[str, tuple[type, Any]] = {
        "language": (str, None),
        "diarize": (bool, False),
        "align": (bool, True),
        "batch_size": (int, 16),
        "model": (str, None),
        "min_speakers": (int, None),
        "max_speakers": (int, None),
        "initial_prompt": (str, None),
        "job_key": (str, None),
    }
    rules: dict[str, dict[str, Any]] = {
        "audio": {"type": str, "required": True, "constraints": _nonempty_str},
    }
    for key, (kind, default) in optional.items():
        rules[key] = {"type": kind, "required": False, "default": default}
    return rules


def range_errors(args: dict[str, Any]) -> list[str]:
    """What the validator cannot check: numeric ranges (bool is not a number here) and lengths."""
    errors = []
    limits = {"batch_size": (1, 64), "min_speakers": (1, 20), "max_speakers": (1, 20)}
    for key, (low, high) in limits.items():
        value = args.get(key)
        if value is not None and (isinstance(value, bool) or not low <= value <= high):
            errors.append(f"{key} must be a whole number from {low} to {high}.")
    fewest, most = args.get("min_speakers"), args.get("max_speakers")
    if isinstance(fewest, int) and isinstance(most, int) and fewest > most:
        errors.append("min_speakers is larger than max_speakers.")
    if len(args.get("initial_prompt") or "") > 2000:
        errors.append("initial_prompt is longer than 2000 characters.")
    job_key = args.get("job_key")
    if job_key is not None and not results.valid_key(job_key):
        errors.append("job_key must be 1-128 letters, digits, '-' or '_'.")
    return errors


def shape(args: dict[str, Any]) -> dict[str, Any]:
    """What a job asked for, safe to log: kinds and lengths instead of URLs, audio or prompts."""
    audio = str(args.get("audio") or "")
    kind = "URL" if "://" in audio else "path" if audio.startswith("/") else "base64"
    out: dict[str, Any] = {"audio": f"{kind} ({len(audio)} chars)"}
    for key, value in args.items():
        if key == "audio" or value is None:
            continue
        out[key] = f"({len(value)} chars)" if key in ("initial_prompt", "model") else value
    return out


def handler(job: dict[str, Any]) -> dict[str, Any]:
    """One RunPod job: {"input": {...}} -> WhisperX-style output, or {"error": ...}."""
    raw = job.get("input")
    if not isinstance(raw, dict):
        return {"error": "input must be a JSON object with at least 'audio'"}
    checked = validate(raw, schema())
    if "errors" in checked:
        return {"error": "invalid input: " + " ".join(checked["errors"])}
    args = checked["validated_input"]
    if errors := range_errors(args):
        return {"error": "invalid input: " + " ".join(errors)}
    log.info("job input: %s", shape(args))
    key = args.pop("job_key", None)
    return results.once(key, lambda: _transcribe(args))


def _transcribe(args: dict[str, Any]) -> dict[str, Any]:
    audio = args.pop("audio")
    try:
        with core.audio_file(audio) as path:
            return core.transcribe(str(path), **args)
    except (core.AudioError, core.RequestError) as e:
        return {"error": str(e)}
    except Exception as e:  # decoder or model failures: a readable message beats a traceback
        return {"error": f"transcription failed ({type(e).__name__}): {e}"}


if __name__ == "__main__":
    import runpod

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):  # at INFO they log every request's full (presigned) URL
        logging.getLogger(noisy).setLevel(logging.WARNING)
    runpod.serverless.start({"handler": handler})
