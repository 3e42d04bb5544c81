"""Lookups that queries in one snapshot share.

A band key that many indexed documents hold (a footer's, a licence
notice's) answers every lookup with its first :data:`LOOKUP_CAP`
postings, and a page that carries the footer asks for it again: of the
18,000 postings a page of a generated 5,000-page site read, 16,000 came
from 97 such keys, each asked for by two pages in three. Inside a
snapshot (:meth:`dedupe.Index.snapshot`) nothing changes, so a key that
came back capped is read once and its postings are reused.
"""

from __future__ import annotations

import numpy as np

from dedupe.index.record import LOOKUP_CAP, Postings, Storage

#: Capped keys remembered per snapshot, each at most LOOKUP_CAP postings
#: (about 6 KB): a bound on the memory, not a limit met in practice.
MAX_SHARED_KEYS = 20_000


class SharedLookups:
    """:meth:`Storage.lookup` for the queries of one snapshot, reading the
    postings of each capped key once. Documents are numbered in the order
    first seen, so that postings read by different lookups combine."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._ids: list[str] = []
        self._number: dict[str, int] = {}
        self._capped: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def lookup(self, keys: set[int]) -> Postings:
        known = [k for k in keys if k in self._capped]
        fresh = self._storage.lookup(keys.difference(known), cap=LOOKUP_CAP)
        docs = np.array([self._numbered(i) for i in fresh.ids], dtype=np.intp)[fresh.docs]
        self._remember(fresh.keys, docs, fresh.units)
        parts = [self._capped[k] for k in known]
        return Postings(
            np.concatenate([fresh.keys, *(np.full(d.size, k, dtype=np.uint64) for k, (d, _) in zip(known, parts))]),
            np.concatenate([docs, *(d for d, _ in parts)]),
            np.concatenate([fresh.units, *(u for _, u in parts)]),
            tuple(self._ids),
        )

    def _numbered(self, doc_id: str) -> int:
        n = self._number.get(doc_id)
        if n is None:
            n = self._number[doc_id] = len(self._ids)
            self._ids.append(doc_id)
        return n

    def _remember(self, keys: np.ndarray, docs: np.ndarray, units: np.ndarray) -> None:
        """Keep the postings of each key that came back capped."""
        if not keys.size:
            return
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], keys.size]
        for a, b in zip(starts.tolist(), ends.tolist()):
            if b - a >= LOOKUP_CAP and len(self._capped) < MAX_SHARED_KEYS:
                at = order[a:b]
                self._capped[int(sorted_keys[a])] = (docs[at], units[at])
