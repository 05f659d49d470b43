"""Markers for tests that can only run on some platforms (the product code itself has no such limits)."""

from __future__ import annotations

import sys

import pytest

linux_only = pytest.mark.skipif(
    sys.platform != "linux", reason="asserts Linux specifics (XDG folders, bin/ layout, POSIX signals)"
)
