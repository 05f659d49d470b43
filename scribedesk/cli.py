"""Command line: `scribedesk <command>` (or `python -m scribedesk <command>` in a checkout).

One function adds each subcommand to the parser and one runs it, so `transcribe` and `serve` slot in
beside `convert`. Exit codes: 0 done, 2 bad input or usage (missing file, malformed JSON, an output
that is not a transcript, an unknown speaker), 1 anything else that went wrong (e.g. cannot write).

`convert` turns a saved worker output (RunPod's raw.json, any supported worker shape, or an SRT/VTT
file from another tool) into an
export, the way the server does: normalize, flag hallucinations, rename speakers, render. Text formats
go to stdout unless --out is given; DOCX, which is binary, is written next to the input as
<input stem>.docx unless --out says otherwise (--out - forces stdout).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from scribedesk import __version__
from scribedesk.cli_transcribe import add_serve_command, add_transcribe_command
from scribedesk.doctor.cli import add_doctor_command
from scribedesk.exports import EXPORTERS, ExportMeta, ExportOptions, render
from scribedesk.transcript.cleanup import flag_hallucinations
from scribedesk.transcript.edits import EditError, rename_speakers
from scribedesk.transcript.model import Transcript
from scribedesk.transcript.normalize import NormalizeError, normalize
from scribedesk.transcript.subtitles import parse_transcript_text

BINARY_FORMATS = frozenset({"docx"})


class CliError(Exception):
    """A problem the user can fix; the message is printed as is."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


# --- convert ---------------------------------------------------------------------------------------


def add_convert_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "convert",
        help="turn a saved worker output (raw.json) into DOCX, Markdown, JSON, TXT, SRT or VTT",
        description="Normalize a worker output, flag hallucinations, rename speakers and export it.",
    )
    p.add_argument(
        "raw",
        type=Path,
        metavar="RAW.json",
        help="worker output as saved (raw.json), or a Whisper JSON, SRT or VTT file",
    )
    p.add_argument("--format", "-f", required=True, choices=sorted(EXPORTERS), help="export format")
    p.add_argument(
        "--speaker",
        action="append",
        default=[],
        metavar="LABEL=NAME",
        help="display name for a speaker label, e.g. SPEAKER_00=Interviewer (repeatable)",
    )
    p.add_argument("--out", "-o", help="output file; '-' is stdout (default: stdout, DOCX next to input)")
    p.add_argument("--title", help="document title (default: the input file name)")
    p.add_argument("--language", help="language code of the recording, e.g. ru (overrides the output's)")
    p.add_argument("--duration", type=float, help="audio length in seconds (sharper hallucination checks)")
    p.add_argument("--no-timestamps", action="store_true", help="leave out [hh:mm:ss] times")
    p.add_argument("--no-speakers", action="store_true", help="leave out speaker names")
    p.add_argument("--include-flagged", action="store_true", help="keep segments flagged as hallucinations")
    p.set_defaults(func=run_convert)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CliError(f"{path}: cannot read it ({e})") from None
    try:
        return parse_transcript_text(text)
    except NormalizeError as e:
        raise CliError(f"{path}: {e}") from None


def _speaker_names(pairs: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for pair in pairs:
        label, sep, name = pair.partition("=")
        if not sep or not label.strip():
            raise CliError(f"--speaker {pair!r}: expected LABEL=NAME, e.g. SPEAKER_00=Interviewer")
        names[label.strip()] = name
    return names


def prepare(raw: Any, *, language: str | None, duration: float | None, names: dict[str, str]) -> Transcript:
    """The server's pipeline on one output: normalize, flag hallucinations, then name the speakers."""
    try:
        t = normalize(raw, language=language, duration=duration)
    except NormalizeError as e:
        raise CliError(f"not a transcript: {e}") from None
    if language:
        t = t.model_copy(update={"language": language})
    t = flag_hallucinations(t, audio_duration=duration)
    if not names:
        return t
    unknown = sorted(set(names) - set(t.speakers))
    if unknown:
        known = ", ".join(sorted(t.speakers)) or "none (the output has no speaker labels)"
        raise CliError(f"unknown speaker label {', '.join(unknown)}; labels in this transcript: {known}")
    try:
        return rename_speakers(t, names)
    except EditError as e:
        raise CliError(str(e)) from None


def _destination(args: argparse.Namespace) -> Path | None:
    """Where to write: None means stdout."""
    if args.out == "-":
        return None
    if args.out:
        return Path(args.out)
    if args.format in BINARY_FORMATS:
        raw: Path = args.raw
        return raw.with_suffix("." + EXPORTERS[args.format].extension)
    return None


def _write(data: bytes, target: Path | None) -> None:
    if target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        target.write_bytes(data)
    except OSError as e:
        raise CliError(f"{target}: cannot write it ({e.strerror or e})", code=1) from None
    print(f"wrote {target}", file=sys.stderr)


def run_convert(args: argparse.Namespace) -> int:
    raw = _read_json(args.raw)
    t = prepare(raw, language=args.language, duration=args.duration, names=_speaker_names(args.speaker))
    options = ExportOptions(
        timestamps=not args.no_timestamps,
        speakers=not args.no_speakers,
        include_flagged=args.include_flagged,
    )
    meta = ExportMeta(
        filename=args.title or args.raw.name,
        created=datetime.fromtimestamp(args.raw.stat().st_mtime),
        engine=t.source.get("engine"),
        model=t.source.get("model"),
    )
    _write(render(args.format, t, options, meta), _destination(args))
    return 0


# --- the parser and the entry point ---------------------------------------------------------------

COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    add_convert_command,
    add_transcribe_command,
    add_serve_command,
    add_doctor_command,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scribedesk",
        description="Scribedesk: transcripts of recorded interviews you can trust.",
    )
    parser.add_argument("--version", action="version", version=f"scribedesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (argparse's usage errors included) instead of exiting."""
    for stream in (sys.stdout, sys.stderr):  # a Windows pipe in cp1252 must not crash on a Cyrillic name
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # --help, --version and usage errors
        return e.code if isinstance(e.code, int) else 2
    try:
        code: int = args.func(args)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.code
    except BrokenPipeError:  # e.g. `... | head`: the reader left, nothing to report
        return 0
    return code
