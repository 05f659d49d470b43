"""`scribedesk doctor`, /health's checks and the desk's "Check settings": the settings, one by one."""

from scribedesk.doctor.checks import run_checks
from scribedesk.doctor.model import Check, Report

__all__ = ["Check", "Report", "run_checks"]
