"""Input and output: reading and decoding text, walking folders, document sources, atomic writes, progress."""
