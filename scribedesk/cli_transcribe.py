"""`python -m scribedesk transcribe FILE...` and `serve`: the panel's pipeline without the browser.

Each file becomes an ordinary job (it shows up in the panel afterwards), runs on the configured
engine exactly as it would from the page, and its exports are written to --out.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

from scribedesk.audio import safe_filename
from scribedesk.config import Settings
from scribedesk.exports import EXPORTERS, ExportOptions
from scribedesk.jobs.lifecycle import InvalidTransition
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.jobs.service import BadRequest, Conflict, JobService
from scribedesk.options import TranscribeOptions
from scribedesk.wiring import running_service

POLL_SECONDS = 0.5


def add_transcribe_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "transcribe",
        help="transcribe audio files with the configured engine and write exports",
        description="Upload, transcribe, clean and export each file, as the panel does.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="audio files")
    p.add_argument("--language", help="language code, e.g. ru; 'detect' to let Whisper decide")
    p.add_argument("--no-diarize", action="store_true", help="do not separate speakers")
    p.add_argument("--model", help="Whisper model for the remote worker (default: DEFAULT_MODEL)")
    p.add_argument("--min-speakers", type=int)
    p.add_argument("--max-speakers", type=int)
    p.add_argument("--prompt", help="names and terms to expect (sent as initial_prompt)")
    p.add_argument("--out", type=Path, default=Path("."), help="folder for the exports (default: .)")
    p.add_argument("--format", default="md,docx", help="comma-separated formats (default: md,docx)")
    p.set_defaults(func=run_transcribe)


def add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from scribedesk import serve

    p = commands.add_parser(
        "serve", help="serve the panel and open it in the browser", description="Serve the Scribedesk panel."
    )
    serve.add_arguments(p)
    p.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from scribedesk import serve

    return serve.run(args.host, args.port, open_browser=not args.no_browser)


def _options(args: argparse.Namespace, settings: Settings) -> TranscribeOptions:
    values: dict[str, Any] = {"diarize": not args.no_diarize}
    if args.language:
        values["language"] = None if args.language == "detect" else args.language
    else:
        values["language"] = settings.default_language or None
    for key in ("model", "min_speakers", "max_speakers"):
        if getattr(args, key) is not None:
            values[key] = getattr(args, key)
    if args.prompt:
        values["initial_prompt"] = args.prompt
    return TranscribeOptions(**values)


def run_transcribe(args: argparse.Namespace) -> int:
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        print(f"error: unknown format {', '.join(unknown)}; use {', '.join(EXPORTERS)}", file=sys.stderr)
        return 2
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    settings = Settings()
    return asyncio.run(_transcribe_all(settings, args, formats))


async def _transcribe_all(settings: Settings, args: argparse.Namespace, formats: list[str]) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    async with running_service(settings) as jobs:
        for path in args.files:
            try:
                job = await _transcribe_one(jobs, path, _options(args, settings))
            except (BadRequest, Conflict, InvalidTransition) as e:
                print(f"{path.name}: {e}", file=sys.stderr)
                failures += 1
                continue
            if job.status != JobStatus.COMPLETED:
                print(f"{path.name}: {job.status.value}: {job.error or ''}", file=sys.stderr)
                failures += 1
                continue
            for fmt in formats:
                data, _, name = await jobs.export(job.id, fmt, ExportOptions())
                target = args.out / safe_filename(name)
                target.write_bytes(data)
                print(f"{path.name}: wrote {target}", file=sys.stderr)
    return 1 if failures else 0


async def _transcribe_one(jobs: JobService, path: Path, options: TranscribeOptions) -> Job:
    job_id = jobs.new_id()
    stored = safe_filename(path.name)
    folder = jobs.files.upload_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(shutil.copyfile, path, folder / stored)
    job = await jobs.create_from_file(job_id, path.name, stored, path.stat().st_size)
    job = await _wait(jobs, job.id, path.name, {JobStatus.UPLOADED})
    if job.status == JobStatus.UPLOADED:
        await jobs.start(job.id, options)
        job = await _wait(jobs, job.id, path.name, set())
    return job


async def _wait(jobs: JobService, job_id: str, label: str, until: set[JobStatus]) -> Job:
    """Print a progress line whenever the step changes; return at `until` or a terminal state."""
    last = ""
    while True:
        job = jobs.get(job_id)
        line = f"{label}: {job.step or job.status.value}"
        if line != last:
            print(line, file=sys.stderr)
            last = line
        if job.status in until or job.status.terminal:
            return job
        await asyncio.sleep(POLL_SECONDS)
