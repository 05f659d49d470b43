"""Exporters: a registry of small pure functions, format name -> render(transcript, options, meta).

Importing this package registers every format (each module registers itself on import).
"""

from scribedesk.exports import docx, json_export, markdown, srt, text, vtt
from scribedesk.exports.registry import EXPORTERS, Exporter, ExportMeta, ExportOptions, render

__all__ = ["EXPORTERS", "ExportMeta", "ExportOptions", "Exporter", "render"]

# Registration happens on import; naming the modules here keeps linters from calling them unused.
_FORMATS = (json_export, markdown, docx, text, srt, vtt)
