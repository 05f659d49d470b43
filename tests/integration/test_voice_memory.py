"""Voice memory through the real panel and local engine: name a speaker, get it suggested later."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scribedesk.voices import VoiceMemory
from tests.support.models import TINY_EN
from tests.support.panel import Panel, run_panel
from tests.support.voices import EASY_EN, LINES_EN, conversation

pytestmark = pytest.mark.slow


def transcribe(panel: Panel, audio: Path) -> str:
    r = panel.upload(audio)
    assert r.status_code == 201, r.text
    job_id = str(r.json()["job_id"])
    panel.wait_for(job_id, {"uploaded"})
    r = panel.client.post(f"/api/transcribe/{job_id}", json={"language": "en", "diarize": True})
    assert r.status_code == 202, r.text
    panel.wait_for(job_id, {"completed"}, timeout=900)
    return job_id


def speaker_of_first_line(panel: Panel, job_id: str) -> str:
    result = panel.client.get(f"/api/results/{job_id}").json()
    assert result["source"]["diarization"] == "local"
    return str(result["segments"][0]["speaker"])


def test_a_named_voice_is_suggested_in_a_new_job_and_forgotten_on_delete(tmp_path: Path) -> None:
    first = conversation(tmp_path / "first.wav", EASY_EN, LINES_EN)  # interviewer (voice 0) opens
    assert first[0].speaker == 0
    # The second interview opens with the other voice, so its labels are the other way round.
    conversation(tmp_path / "second.wav", EASY_EN, LINES_EN[1:7], order=[1, 0, 1, 0, 1, 0])
    with run_panel(tmp_path / "panel", local_model=str(TINY_EN), local_device="cpu") as panel:
        a = transcribe(panel, tmp_path / "first.wav")
        assert panel.client.get(f"/api/jobs/{a}/voice-suggestions").json() == {
            "enabled": True,
            "suggestions": [],
        }
        interviewer = speaker_of_first_line(panel, a)
        r = panel.client.put(f"/api/jobs/{a}/speakers", json={interviewer: "Interviewer"})
        assert r.status_code == 200, r.text
        assert panel.client.get("/api/voices").json() == {
            "enabled": True,
            "voices": [{"name": "Interviewer", "speakers": 1}],
        }
        stored = json.loads((panel.settings.results_dir / "voices.json").read_text())
        (vector,) = stored["voices"]["Interviewer"].values()
        assert len(vector) == 256  # a print, never audio

        b = transcribe(panel, tmp_path / "second.wav")
        respondent = speaker_of_first_line(panel, b)
        (suggestion,) = panel.client.get(f"/api/jobs/{b}/voice-suggestions").json()["suggestions"]
        assert suggestion["name"] == "Interviewer"
        assert suggestion["label"] != respondent
        assert suggestion["similarity"] >= 0.85

        r = panel.client.put(f"/api/jobs/{b}/speakers", json={suggestion["label"]: "Interviewer"})  # accept
        assert r.json()["speakers"][suggestion["label"]] == "Interviewer"
        assert panel.client.get("/api/voices").json()["voices"] == [{"name": "Interviewer", "speakers": 2}]
        assert panel.client.get(f"/api/jobs/{b}/voice-suggestions").json()["suggestions"] == []

        assert panel.client.delete("/api/voices/Interviewer").json() == {"deleted": "Interviewer"}
        assert panel.client.get("/api/voices").json()["voices"] == []
        assert "Interviewer" not in (panel.settings.results_dir / "voices.json").read_text()
        assert panel.client.delete("/api/voices/Interviewer").status_code == 404
        # The same voice, unnamed again: nothing is suggested, the print is gone.
        panel.client.put(f"/api/jobs/{b}/speakers", json={suggestion["label"]: suggestion["label"]})
        assert panel.client.get(f"/api/jobs/{b}/voice-suggestions").json()["suggestions"] == []


def test_the_setting_turns_the_memory_off(tmp_path: Path) -> None:
    with run_panel(tmp_path, voice_memory=False) as panel:
        assert panel.client.get("/api/voices").json() == {"enabled": False, "voices": []}
        r = panel.client.get("/api/jobs/0123456789abcdef/voice-suggestions")
        assert r.json() == {"enabled": False, "suggestions": []}


def test_renaming_moves_a_print_and_suggestions_skip_taken_names(tmp_path: Path) -> None:
    memory = VoiceMemory(tmp_path)
    rng = np.random.default_rng(0)
    a, b = (v / np.linalg.norm(v) for v in np.abs(rng.standard_normal((2, 256))))
    memory.remember(
        "job1", {"SPEAKER_00": "Anna", "SPEAKER_01": "SPEAKER_01"}, {"SPEAKER_00": a, "SPEAKER_01": b}
    )
    assert memory.names() == {"Anna": 1}
    memory.remember("job1", {"SPEAKER_00": "Anna K."}, {"SPEAKER_00": a})
    assert memory.names() == {"Anna K.": 1}
    near = a + 0.005 * rng.standard_normal(256)
    near /= np.linalg.norm(near)
    found = memory.suggest(
        {"SPEAKER_00": "SPEAKER_00", "SPEAKER_01": "SPEAKER_01"}, {"SPEAKER_00": b, "SPEAKER_01": near}
    )
    assert [(s.label, s.name) for s in found] == [("SPEAKER_01", "Anna K.")]
    assert memory.suggest({"SPEAKER_00": "Anna K.", "SPEAKER_01": "SPEAKER_01"}, {"SPEAKER_01": near}) == []
    assert memory.forget("Anna K.") and not memory.forget("Anna K.")
