"""One text: segment, normalize, shingle, signature, candidates, verify, groups, detect."""
