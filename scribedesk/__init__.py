"""Scribedesk: a local panel that turns recorded interviews into transcripts a person can trust."""

__version__ = "0.1.0"
