"""Many texts: the corpus scan and its stages."""
