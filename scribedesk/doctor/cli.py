"""`scribedesk doctor [--test-job] [--yes]`: every check with its own sentence; exit 1 when one failed."""

from __future__ import annotations

import argparse
import asyncio
import sys

from scribedesk import paths
from scribedesk.config import Settings

MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL", "skip": "skip"}


def add_doctor_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "doctor",
        help="check the settings (RunPod, storage, worker, local model) and say what to fix",
        description="Check each setting against the real services and say exactly what to fix.",
    )
    p.add_argument("--test-job", action="store_true", help="also run a 1-second job on RunPod (costs cents)")
    p.add_argument("--yes", "-y", action="store_true", help="run the test job without asking")
    p.set_defaults(func=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    from scribedesk.doctor.checks import run_checks
    from scribedesk.doctor.testjob import estimate

    settings = Settings()
    print(f"settings: {paths.user_env_file()} and ./.env; data: {settings.results_dir.parent}")
    test_job = bool(args.test_job)
    if test_job and settings.runpod_configured:
        print(estimate(settings))
        if not args.yes and not _confirm():
            print("test job skipped")
            test_job = False
    report = asyncio.run(run_checks(settings, test_job=test_job))
    for check in report.checks:
        print(f"[{MARKS[check.status]}] {check.name}: {check.message}")
    print("all good" if report.ok else "some checks failed: fix the lines marked FAIL")
    return 0 if report.ok else 1


def _confirm() -> bool:
    if not sys.stdin.isatty():
        print("not a terminal: pass --yes to run the test job", file=sys.stderr)
        return False
    return input("Run it? [y/N] ").strip().lower() in ("y", "yes")
