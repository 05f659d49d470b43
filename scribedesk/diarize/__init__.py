"""Speaker separation on this computer, without torch and without a model download.

The voice encoder is resemblyzer's GE2E LSTM (weights shipped in its wheel), run by onnxruntime;
speech regions come from faster-whisper's Silero VAD. See pipeline.diarize for the entry point and
assign.assign_speakers for putting the result on a transcript.
"""
