"""Exporters: a registry of small pure functions, format name -> render(transcript, options, meta)."""

from scribedesk.exports.registry import EXPORTERS, Exporter, ExportMeta, ExportOptions, render

__all__ = ["EXPORTERS", "ExportMeta", "ExportOptions", "Exporter", "render"]
