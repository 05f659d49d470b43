"""Every format is registered with the media type and extension a browser download needs."""

from __future__ import annotations

import pytest

from scribedesk.exports import EXPORTERS, ExportMeta, ExportOptions, render
from scribedesk.transcript.model import Segment, Transcript


def test_all_six_formats_are_registered_with_their_media_types() -> None:
    assert {name: (e.extension, e.media_type) for name, e in EXPORTERS.items()} == {
        "json": ("json", "application/json"),
        "md": ("md", "text/markdown; charset=utf-8"),
        "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "txt": ("txt", "text/plain; charset=utf-8"),
        "srt": ("srt", "application/x-subrip"),
        "vtt": ("vtt", "text/vtt"),
    }


def test_unknown_format_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        render("pdf", Transcript(), ExportOptions(), ExportMeta())


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_format_renders_an_empty_and_an_undiarized_transcript(fmt: str) -> None:
    assert isinstance(render(fmt, Transcript(), ExportOptions(), ExportMeta()), bytes)
    t = Transcript(
        language="en",
        segments=[Segment(id=0, start=0.0, end=2.0, text="Hello there, general Kenobi.")],
    )
    out = render(fmt, t, ExportOptions(), ExportMeta(filename="a.wav"))
    if fmt != "docx":
        assert "Kenobi" in out.decode("utf-8")
