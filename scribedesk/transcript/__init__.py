"""The transcript core: plain data and pure functions, no I/O."""
