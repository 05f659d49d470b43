"""Scribedesk's own GPU worker: one transcription core behind a RunPod handler and an HTTP app."""
