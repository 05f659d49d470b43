"""media.py: the container FFmpeg really reads, and the only type an upload is served as."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scribedesk.audio import probe
from scribedesk.media import NotMediaContainer, check_container, media_type


def test_a_concat_script_that_reads_a_neighbouring_file_is_not_a_recording(
    tmp_path: Path, speech_wav: Path
) -> None:
    shutil.copy(speech_wav, tmp_path / "other.wav")
    script = tmp_path / "interview.m4a"
    script.write_text("ffconcat version 1.0\nfile other.wav\nduration 5.0\n")
    assert probe(script).duration == 5.0  # the audio probe alone takes it for a recording
    with pytest.raises(NotMediaContainer, match="'concat', which is not an audio or video container"):
        check_container(script)


def test_real_recordings_get_the_type_of_their_container(speech_wav: Path, speech_m4a: Path) -> None:
    assert check_container(speech_wav) == "audio/wav"
    assert check_container(speech_m4a) == "audio/mp4"


def test_unknown_containers_fall_back_to_octet_stream() -> None:
    assert media_type("mov,mp4,m4a,3gp,3g2,mj2") == ("audio/mp4", "m4a")
    assert media_type("html") == ("application/octet-stream", "bin")
    assert media_type(None) == ("application/octet-stream", "bin")


def test_empty_and_text_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.m4a").write_bytes(b"")
    with pytest.raises(NotMediaContainer, match="empty"):
        check_container(tmp_path / "a.m4a")
    (tmp_path / "b.m4a").write_text("just notes")
    with pytest.raises(NotMediaContainer, match="not audio that can be read"):
        check_container(tmp_path / "b.m4a")
