"""Reviewer edits on a transcript: speaker names, merges, reassignments, splits, text fixes.

Every function is pure: it returns a new Transcript and never touches the one
it was given (the job service keeps the old one as an undo snapshot).
`apply_edit` is the single entry point for the HTTP API and validates the
request dict before dispatching.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from scribedesk.transcript.model import Segment, Transcript, Word


class EditError(ValueError):
    """The edit cannot be applied; the message is shown to the reviewer."""


LABEL_RE = re.compile(r"^[A-Za-z0-9_\- ]{1,40}$")
MAX_NAME_LENGTH = 80
MAX_TEXT_LENGTH = 20_000


def rename_speakers(t: Transcript, mapping: dict[str, str]) -> Transcript:
    """Set display names; an empty name resets a speaker to its label."""
    if not isinstance(mapping, dict):
        raise EditError("speakers must be an object of label -> name")
    out = t.model_copy(deep=True)
    for label, name in mapping.items():
        if label not in out.speakers:
            raise EditError(f"unknown speaker {label!r}")
        if not isinstance(name, str):
            raise EditError(f"the name for {label} must be text")
        clean = " ".join(name.split())  # no newlines or tabs in a name shown on one line
        if len(clean) > MAX_NAME_LENGTH:
            raise EditError(f"the name for {label} is longer than {MAX_NAME_LENGTH} characters")
        out.speakers[label] = clean or label
    return out


def merge_speakers(t: Transcript, source: str, target: str) -> Transcript:
    """Give everything `source` said to `target` and drop `source` from the speaker list."""
    if source not in t.speakers:
        raise EditError(f"unknown speaker {source!r}")
    if source == target:
        raise EditError("a speaker cannot be merged into itself")
    _check_label(t, target)
    out = t.model_copy(deep=True)
    # A brand-new target takes the source's place (and name) in the list, keeping the order stable.
    speakers: dict[str, str] = {}
    for label, name in out.speakers.items():
        if label == source:
            if target not in out.speakers:
                speakers[target] = target
        else:
            speakers[label] = name
    out.speakers = speakers
    for seg in out.segments:
        if seg.speaker == source:
            seg.speaker = target
        for word in seg.words:
            if word.speaker == source:
                word.speaker = target
    return out


def reassign_segment(t: Transcript, segment_id: int, speaker: str) -> Transcript:
    """Give one segment (and its words) to another speaker, new or existing."""
    _check_label(t, speaker)
    out = t.model_copy(deep=True)
    seg = out.segments[_index(out, segment_id)]
    _give_to(out, seg, speaker)
    return out


def split_segment(t: Transcript, segment_id: int, word_index: int, speaker: str | None = None) -> Transcript:
    """Cut a segment before word `word_index`; the tail becomes a new segment."""
    index = _index(t, segment_id)
    seg = t.segments[index]
    if not _is_int(word_index) or not 1 <= word_index <= len(seg.words) - 1:
        raise EditError(f"a split point must be between word 1 and word {len(seg.words) - 1} of this segment")
    if speaker is not None:
        _check_label(t, speaker)
    out = t.model_copy(deep=True)
    head = out.segments[index]
    spans = _filled_spans(head.words, head.start, head.end)
    cut_end, cut_start = spans[word_index - 1][1], spans[word_index][0]
    tail = head.model_copy(deep=True)
    tail.words = tail.words[word_index:]
    tail.text = " ".join(w.text for w in tail.words)
    tail.start = max(head.start, min(cut_start, head.end))
    head.words = head.words[:word_index]
    head.text = " ".join(w.text for w in head.words)
    head.end = min(max(cut_end, head.start), tail.start)
    out.segments.insert(index + 1, tail)
    if speaker is not None:
        _give_to(out, tail, speaker)
    for new_id, s in enumerate(out.segments):
        s.id = new_id
    return out


def edit_text(t: Transcript, segment_id: int, text: str) -> Transcript:
    """Replace a segment's text; unchanged words keep their times, new words get interpolated ones."""
    if not isinstance(text, str):
        raise EditError("text must be a string")
    clean = text.strip()
    if not clean:
        raise EditError("text cannot be empty; hide the segment instead")
    if len(clean) > MAX_TEXT_LENGTH:
        raise EditError(f"text is longer than {MAX_TEXT_LENGTH} characters")
    out = t.model_copy(deep=True)
    seg = out.segments[_index(out, segment_id)]
    seg.text = clean
    if seg.words:  # a segment without word timings stays without them
        seg.words = _realign(seg, clean.split())
    return out


def set_hidden(t: Transcript, segment_id: int, hidden: bool) -> Transcript:
    """Hide a segment from exports, or restore it."""
    if not isinstance(hidden, bool):
        raise EditError("hidden must be true or false")
    out = t.model_copy(deep=True)
    out.segments[_index(out, segment_id)].hidden = hidden
    return out


# --- the HTTP dispatcher -------------------------------------------------------------------------

_OPS: dict[str, tuple[dict[str, type], set[str]]] = {
    # op name -> (required field types, optional field names)
    "rename": ({"speakers": dict}, set()),
    "merge_speakers": ({"source": str, "target": str}, set()),
    "reassign": ({"segment_id": int, "speaker": str}, set()),
    "split": ({"segment_id": int, "word_index": int}, {"speaker"}),
    "edit_text": ({"segment_id": int, "text": str}, set()),
    "set_hidden": ({"segment_id": int, "hidden": bool}, set()),
}


def apply_edit(t: Transcript, op: dict[str, Any]) -> Transcript:
    """Validate one edit request from the API and apply it."""
    if not isinstance(op, dict):
        raise EditError("an edit must be a JSON object")
    name = op.get("op")
    if not isinstance(name, str) or name not in _OPS:
        raise EditError(f"unknown edit op {name!r}; expected one of {', '.join(_OPS)}")
    required, optional = _OPS[name]
    extra = set(op) - set(required) - optional - {"op"}
    if extra:
        raise EditError(f"unexpected field(s) for {name}: {', '.join(sorted(extra))}")
    for key, kind in required.items():
        value = op.get(key)
        ok = _is_int(value) if kind is int else isinstance(value, kind)
        if not ok:
            raise EditError(f"{name} needs {key!r} ({kind.__name__})")
    speaker = op.get("speaker")
    if name == "split" and speaker is not None and not isinstance(speaker, str):
        raise EditError("split 'speaker' must be a string")
    handlers: dict[str, Callable[[], Transcript]] = {
        "rename": lambda: rename_speakers(t, op["speakers"]),
        "merge_speakers": lambda: merge_speakers(t, op["source"], op["target"]),
        "reassign": lambda: reassign_segment(t, op["segment_id"], op["speaker"]),
        "split": lambda: split_segment(t, op["segment_id"], op["word_index"], speaker),
        "edit_text": lambda: edit_text(t, op["segment_id"], op["text"]),
        "set_hidden": lambda: set_hidden(t, op["segment_id"], op["hidden"]),
    }
    return handlers[name]()


# --- helpers -------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _index(t: Transcript, segment_id: int) -> int:
    if _is_int(segment_id):
        for i, seg in enumerate(t.segments):
            if seg.id == segment_id:
                return i
    raise EditError(f"no segment with id {segment_id!r}")


def _check_label(t: Transcript, label: str) -> None:
    if not isinstance(label, str) or (label not in t.speakers and not LABEL_RE.match(label)):
        raise EditError(
            f"speaker label {label!r} is not known and not a valid new label "
            "(letters, digits, space, _ or -, up to 40 characters)"
        )


def _give_to(t: Transcript, seg: Segment, speaker: str) -> None:
    seg.speaker = speaker
    for word in seg.words:
        word.speaker = speaker
    t.speakers.setdefault(speaker, speaker)


def _norm(word: str) -> str:
    """Compare words without case or punctuation, so a comma fix keeps the timing."""
    kept = "".join(c for c in word.casefold() if not unicodedata.category(c).startswith("P"))
    return kept or word.casefold()


def _realign(seg: Segment, tokens: list[str]) -> list[Word]:
    old = seg.words
    matcher = difflib.SequenceMatcher(
        None, [_norm(w.text) for w in old], [_norm(x) for x in tokens], autojunk=False
    )
    words: list[Word] = []
    fresh: list[bool] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for old_word, token in zip(old[i1:i2], tokens[j1:j2], strict=True):
                words.append(old_word.model_copy(update={"text": token}))
                fresh.append(False)
        else:
            for token in tokens[j1:j2]:
                words.append(Word(text=token, speaker=seg.speaker))
                fresh.append(True)
    _interpolate(words, fresh, seg.start, seg.end)
    return words


def _interpolate(words: list[Word], fresh: list[bool], start: float, end: float) -> None:
    """Give each fresh word a time between its timed neighbours, spread by length."""
    i = 0
    while i < len(words):
        if not fresh[i]:
            i += 1
            continue
        j = i
        while j < len(words) and fresh[j]:
            j += 1
        left = max([start, *(w.end for w in words[:i] if w.end is not None)])
        right = min([end, *(w.start for w in words[j:] if w.start is not None)])
        left = min(left, end)
        right = max(right, left)
        _spread(words[i:j], left, right)
        i = j


def _spread(run: list[Word], left: float, right: float) -> None:
    weights = [len(w.text) + 1 for w in run]
    total = sum(weights)
    done = 0
    for word, weight in zip(run, weights, strict=True):
        word.start = min(right, left + (right - left) * done / total)
        done += weight
        # min() guards against float rounding pushing a word past its neighbour or the segment end.
        word.end = min(right, left + (right - left) * done / total)


def _filled_spans(words: list[Word], start: float, end: float) -> list[tuple[float, float]]:
    """(start, end) for every word, interpolating the ones the aligner could not place."""
    copies = [w.model_copy() for w in words]
    fresh = [w.start is None or w.end is None for w in copies]
    for w, f in zip(copies, fresh, strict=True):
        if f:
            w.start = w.end = None
    _interpolate(copies, fresh, start, end)
    return [(w.start or 0.0, w.end or 0.0) for w in copies]
