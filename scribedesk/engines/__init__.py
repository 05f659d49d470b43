"""Where transcription happens: one module per backend, all behind the Engine protocol in base.py."""
