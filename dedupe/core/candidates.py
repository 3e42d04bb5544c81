"""Candidate pairs: LSH banding over MinHash signatures, or an exact
shingle co-occurrence count when the collection is small.

Only candidates go on to exact verification, so LSH trades a little
recall (pairs just above the threshold that share no band) for not
comparing every pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from dedupe.core.shingle import KERNEL, ShingleSets, fmix64, sorted_unique


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` minimizing the sum of the false-positive and
    false-negative areas of the S-curve, as ``datasketch.MinHashLSH``
    chooses them with equal weights.

    For each row count the powers ``(1 - s**rows)**bands`` of every band
    count come from one running product (no ``pow`` per combination), so
    all ``bands * rows <= num_perm`` are scored in a few milliseconds.
    """
    s = np.linspace(0.0, 1.0, 2001)
    # s <= threshold is a prefix of the grid and s >= threshold a suffix.
    nb = int(np.count_nonzero(s <= threshold))
    na = int(np.count_nonzero(s < threshold))
    d_below, d_above = np.diff(s[:nb]), np.diff(s[na:])
    err = np.full((num_perm, num_perm), np.inf)  # err[bands - 1, rows - 1]
    for rows in range(1, num_perm + 1):
        max_bands = num_perm // rows
        miss = np.cumprod(np.broadcast_to(1.0 - s**rows, (max_bands, s.size)), axis=0)
        # np.trapezoid's own arithmetic, without its per-call set-up.
        hit = 1.0 - miss[:, :nb]
        fp = (d_below * (hit[:, 1:] + hit[:, :-1]) / 2.0).sum(axis=1)
        tail = miss[:, na:]
        fn = (d_above * (tail[:, 1:] + tail[:, :-1]) / 2.0).sum(axis=1)
        err[:max_bands, rows - 1] = fp + fn
    # argmin takes the first of equal errors: the fewest bands, then rows.
    best_bands, best_rows = np.unravel_index(int(np.argmin(err)), err.shape)
    return int(best_bands) + 1, int(best_rows) + 1


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """A ``(n, bands)`` uint64 key per band of each signature."""
    if KERNEL is None or signatures.dtype != np.uint32 or signatures.ndim != 2:
        return band_keys_numpy(signatures, bands, rows)
    if signatures.shape[1] < bands * rows:
        raise ValueError(f"band_keys: {bands} bands of {rows} rows need {bands * rows} permutations, "
                         f"signatures have {signatures.shape[1]}")
    out = np.empty((signatures.shape[0], bands), dtype=np.uint64)
    KERNEL.band_keys(np.ascontiguousarray(signatures), bands, rows, out)
    return out


def band_keys_numpy(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """:func:`band_keys` in numpy (the reference of the kernel)."""
    n = signatures.shape[0]
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    keys = np.zeros((n, bands), dtype=np.uint64)
    for r in range(rows):
        keys = fmix64(keys ^ sig[:, :, r] ^ np.uint64(r + 1))
    # Different bands never collide with each other.
    return keys ^ (np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def pairs_from_buckets(labels: np.ndarray, members: np.ndarray, max_bucket: int = 1000,
                       reach: int = 1) -> np.ndarray:
    """Unique ``(i, j)`` pairs, ``i < j``, of members sharing a label.

    Buckets larger than ``max_bucket`` link every member to the bucket's
    first ``reach`` members (and, when ``reach`` is above one, to its
    predecessor) only, so a hugely repeated item costs linear, not
    quadratic, work: its copies are still all found through the first
    members, the earliest and so the kept ones.
    """
    if labels.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    span = int(members.max()) + 1
    return split_keys(bucket_keys(labels, members, span, max_bucket, reach), span)


def bucket_keys(labels: np.ndarray, members: np.ndarray, span: int, max_bucket: int = 1000,
                reach: int = 1) -> np.ndarray:
    """The pairs of :func:`pairs_from_buckets`, each as one key
    ``i * span + j``, sorted and unique; ``span`` is above every member.
    One array instead of two columns: callers that merge the pairs of
    many calls (every band of a million sentences) keep them as keys."""
    if labels.size == 0:
        return np.zeros(0, dtype=np.int64)
    if KERNEL is None or labels.dtype.itemsize != 8 or int(members.min()) < 0:
        p = pairs_from_buckets_numpy(labels, members, max_bucket, reach)
        return p[:, 0] * np.int64(span) + p[:, 1]
    packed = _packed(labels, members)
    if packed is not None:
        keys, shift = packed
        keys.sort()
        found = _walked(KERNEL, keys, shift, np.empty(0, dtype=np.int64), span, max_bucket, reach)
    else:  # labels as wide as a word: grouped by their low bits, or sorted apart from their members
        members = members.astype(np.int64, copy=False)
        grouped = _grouped_by_low_bits(labels, members)
        sorted_labels, given = grouped if grouped is not None else _sorted_apart(labels, members)
        found = _walked(KERNEL, np.ascontiguousarray(sorted_labels).view(np.uint64), 0, given, span,
                        max_bucket, reach)
    return sorted_unique(found, overwrite=True)


def _walked(kernel: ModuleType, keys: np.ndarray, shift: int, given: np.ndarray, span: int, max_bucket: int,
            reach: int, room: np.ndarray | None = None) -> np.ndarray:
    """The pair keys of the buckets of ``keys``, sorted by label, then
    member: labels above ``shift`` bits and members below, or labels alone
    and the members ``given`` beside them; in no order, each pair once per
    bucket that holds it. Written in ``room`` (int64, as many as ``keys``)
    when given and large enough, else in a new array."""
    scratch = np.empty(keys.size, dtype=np.int64)
    # Most buckets hold one member, so there are rarely more pairs than
    # keys: with room for that many, one walk over the keys finds and
    # writes them (counting them first took a second walk, 0.02 s of a
    # scan of the 20 MB speed benchmark corpus). Only the pages written
    # are touched.
    key = room if room is not None and room.size >= keys.size else np.empty(keys.size, dtype=np.int64)
    n = kernel.bucket_pairs(keys, shift, given, max_bucket, reach, span, scratch, key)
    if n > key.size:  # counted, not all written: again with room for them all
        key = np.empty(n, dtype=np.int64)
        kernel.bucket_pairs(keys, shift, given, max_bucket, reach, span, scratch, key)
    return key[:n]


@dataclass(frozen=True)
class BandTable:
    """The LSH band keys of ``size`` units, stored band by band: one array
    of every unit's key per band (``columns``).

    Every reader takes one band's keys of many units at a time
    (:func:`table_keys`). From rows of all bands each key read brought in
    a cache line of the row's other keys: at a million paragraphs, reading
    the 21 sentence bands of 3.8 million sentences took 0.23-0.46 s from
    rows and 0.05 s from columns."""

    columns: tuple[np.ndarray, ...]
    size: int

    @classmethod
    def of_rows(cls, keys: np.ndarray) -> BandTable:
        """The table of ``(units, bands)`` keys."""
        return cls(tuple(np.ascontiguousarray(keys[:, b]) for b in range(keys.shape[1])), keys.shape[0])

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def shape(self) -> tuple[int, int]:
        return self.size, self.width

    @property
    def dtype(self) -> np.dtype:
        return self.columns[0].dtype if self.columns else np.dtype(np.uint32)


def table_keys(table: BandTable, rows: np.ndarray, b0: int, b1: int, max_bucket: int = 1000,
               reach: int = 1, members: np.ndarray | None = None, room: np.ndarray | None = None) -> np.ndarray:
    """The pairs ``(i, j)``, ``i < j``, of members whose keys agree in one
    of the bands ``b0`` to ``b1 - 1`` of ``table``, as keys
    ``i * len(rows) + j`` (:func:`bucket_keys`), in no order and a pair
    once for each band it agrees in: callers that gather the pairs of
    many bands sort them all once (:func:`sorted_unique`). At a million
    paragraphs, sorting each band's 560,000 sentence pairs and then all
    11.7 million again took 0.14-0.39 s, one sort 0.09-0.24 s.

    Row ``rows[k]`` of the table is member ``members[k]`` (unsigned
    integers, a permutation of ``range(len(rows))``; ``k`` when not
    given): rows given ascending, with the members of an order of another
    kind (canonical order), are read in the order of memory. The sentence
    bands of the 20 MB speed benchmark corpus with its ids in random
    order took 9-10 ms to read in canonical order, 3 ms ascending.

    ``room`` (:func:`key_room`) is where the keys are packed, sorted and
    walked: a caller bucketing band after band gives the same room to
    each. For the 21 sentence bands of a million paragraphs, the walks'
    buffers made band by band touched 82 MB of fresh pages, the room's
    9 MB."""
    n, width = rows.size, b1 - b0
    if n == 0 or width <= 0:
        return np.zeros(0, dtype=np.int64)
    low, tag = (n - 1).bit_length(), (width - 1).bit_length()
    if KERNEL is None or table.dtype != np.dtype(np.uint32) or 32 + tag + low > 64:
        labels = np.concatenate([table.columns[b][rows].astype(np.uint64) | np.uint64((b - b0) << 32)
                                 for b in range(b0, b1)])
        member = np.arange(n, dtype=np.int64) if members is None else members.astype(np.int64)
        return bucket_keys(labels, np.tile(member, width), n, max_bucket, reach)
    # Band, key and member packed as _packed packs them, into the one array
    # the sort takes, by the kernel in one pass: in numpy (read, widened,
    # tagged, shifted and joined in place) a million paragraphs' sentence
    # bands took 0.27 s, and each band's keys read a temporary of fresh
    # memory, 330 MB of them in all.
    room = key_room(n, width) if room is None else room
    packed, walk = room[: n * width], room[n * width : 2 * n * width].view(np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    given = np.zeros(0, dtype=np.uint64) if members is None else np.ascontiguousarray(members)
    for j, b in enumerate(range(b0, b1)):
        KERNEL.pack_keys(table.columns[b], rows, given, j, low, packed[j * n : (j + 1) * n])
    packed.sort()
    # A copy: the walk wrote into the room, which the next range reuses.
    return _walked(KERNEL, packed, low, np.empty(0, dtype=np.int64), n, max_bucket, reach, walk).copy()


def key_room(rows: int, width: int) -> np.ndarray:
    """Room for :func:`table_keys` to pack, sort and walk the keys of
    ``rows`` rows in ``width`` bands; only the pages it writes are
    touched."""
    return np.empty(2 * rows * width, dtype=np.uint64)


def split_keys(keys: np.ndarray, span: int) -> np.ndarray:
    """The pairs ``(i, j)`` of keys ``i * span + j``."""
    out = np.empty((keys.size, 2), dtype=np.int64)
    np.divmod(keys, np.int64(span), out=(out[:, 0], out[:, 1]))
    return out


def later_pairs(keys: np.ndarray, span: int, group: np.ndarray, allowed: np.ndarray, names: np.ndarray,
                overwrite: bool = False) -> np.ndarray:
    """For pair keys ``i * span + j``, ``i < j`` (int64, ascending, as
    :func:`sorted_unique` leaves them): the rows ``(names[j], names[i])``
    of the pairs whose members lie in different ``group``s and whose later
    member is ``allowed``, in the keys' order; int32 where every name
    fits (:func:`pair_dtype`). With ``overwrite``, the rows may be written
    over the keys (which are then lost).

    A million paragraphs have ten million candidate sentence pairs, almost
    all kept. Split, looked up and written in numpy they took 0.40 s, in
    one pass 0.07 s, but the 150 MB of fresh rows cost that scan another
    0.2-0.3 s: written over the keys, rows of two int32 take no more
    memory."""
    dtype = pair_dtype(names)
    if keys.size == 0:
        return np.zeros((0, 2), dtype=dtype)
    if KERNEL is None or dtype != np.int32 or keys.dtype != np.int64:
        return later_pairs_numpy(keys, span, group, allowed, names)
    keys = np.ascontiguousarray(keys)
    out = keys.view(np.int32) if overwrite else np.empty(2 * keys.size, dtype=np.int32)
    n = KERNEL.later_pairs(keys, span, np.ascontiguousarray(group, dtype=np.int64),
                           np.ascontiguousarray(allowed, dtype=bool), np.ascontiguousarray(names, dtype=np.int64), out)
    return out[: 2 * n].reshape(n, 2)


def pair_dtype(names: np.ndarray) -> type[np.signedinteger]:
    """int32 for rows of ``names`` that all fit in it (half the memory of
    ten million candidate pairs), else int64."""
    fits = names.size == 0 or (int(names.min()) >= 0 and int(names.max()) <= np.iinfo(np.int32).max)
    return np.int32 if fits else np.int64


#: Keys :func:`later_pairs_numpy` splits at a time.
PAIR_SLICE = 1 << 20


def later_pairs_numpy(keys: np.ndarray, span: int, group: np.ndarray, allowed: np.ndarray,
                      names: np.ndarray) -> np.ndarray:
    """:func:`later_pairs` in numpy (the reference of the kernel): a slice
    of keys at a time into rows written once. Whole-size temporaries, each
    touching fresh memory, took 1.7 s of a million paragraphs; the
    slices' are reused."""
    out = np.empty((keys.size, 2), dtype=pair_dtype(names))
    n = 0
    for lo in range(0, keys.size, PAIR_SLICE):
        i, j = np.divmod(keys[lo : lo + PAIR_SLICE], np.int64(span))
        keep = (group[i] != group[j]) & allowed[j]
        m = int(np.count_nonzero(keep))
        out[n : n + m, 0] = names[j[keep]]
        out[n : n + m, 1] = names[i[keep]]
        n += m
    return out[:n]


def pairs_from_buckets_numpy(labels: np.ndarray, members: np.ndarray, max_bucket: int = 1000,
                             reach: int = 1) -> np.ndarray:
    """:func:`pairs_from_buckets` in numpy (the reference of the kernel)."""
    if labels.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    members = members.astype(np.int64)
    labels, members = _by_label_then_member(labels, members)
    # A member listed twice under one label counts once.
    if labels.size > 1:
        again = np.zeros(labels.size, dtype=bool)
        again[1:] = (labels[1:] == labels[:-1]) & (members[1:] == members[:-1])
        if again.any():
            labels, members = labels[~again], members[~again]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    sizes = np.diff(np.r_[starts, labels.size])
    out = []
    big = sizes > max_bucket
    for start, size in zip(starts[big], sizes[big]):
        out.extend(_linked(members[start : start + size], reach))
    # Buckets of equal size are expanded together, one numpy call per size.
    small = (sizes > 1) & ~big
    for size in sorted_unique(sizes[small]):
        first = starts[small & (sizes == size)]
        block = members[first[:, None] + np.arange(size)[None, :]]
        i, j = np.triu_indices(int(size), 1)
        out.append(np.stack([block[:, i].ravel(), block[:, j].ravel()], axis=1))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    lo = np.minimum(pairs[:, 0], pairs[:, 1])
    hi = np.maximum(pairs[:, 0], pairs[:, 1])
    keep = lo != hi
    span = int(hi.max()) + 1
    return split_keys(sorted_unique(lo[keep] * np.int64(span) + hi[keep]), span)


def _by_label_then_member(labels: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``labels`` and ``members`` sorted by label, then member."""
    both = _packed(labels, members)
    if both is not None:
        packed, low = both
        packed.sort()
        shift = np.uint64(low)
        mask = np.uint64((1 << low) - 1)
        return (packed >> shift).astype(labels.dtype), (packed & mask).astype(np.int64)
    return _sorted_apart(labels, members)


def _grouped_by_low_bits(labels: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Labels as wide as a word and their members (in member order), put
    with equal labels together and their members in order, as the bucket
    walk reads them (:func:`_sorted_apart` sorts the labels too): one sort
    of each label's low 32 bits above its place, where the two stable
    sorts took an eighth of the check of a page of Chinese or Japanese.
    None when the members are not in order, or when two labels share
    their low bits (a hash's 32 bits, rarely)."""
    n = labels.size
    if n >= 1 << 32 or (n > 1 and not bool(np.all(members[1:] >= members[:-1]))):
        return None
    low_mask = np.uint64(0xFFFFFFFF)
    keys = (labels.view(np.uint64) & low_mask) << np.uint64(32)
    keys |= np.arange(n, dtype=np.uint64)
    keys.sort()
    order = (keys & low_mask).astype(np.int64)
    grouped = labels[order]
    low = keys >> np.uint64(32)
    if bool(np.any((low[1:] == low[:-1]) & (grouped[1:] != grouped[:-1]))):
        return None
    return grouped, members[order]


def _sorted_apart(labels: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_by_label_then_member` for labels that do not share a word
    with their members."""
    # A stable sort by label of an array already in member order
    # (np.lexsort is several times slower).
    if members.size > 1 and not bool(np.all(members[1:] >= members[:-1])):
        by_member = np.argsort(members, kind="stable")
        labels, members = labels[by_member], members[by_member]
    order = np.argsort(labels, kind="stable")
    return labels[order], members[order]


def _packed(labels: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, int] | None:
    """``label << bits | member`` for each item, and ``bits``, when both
    fit in one 64-bit word (else ``None``): a plain sort of such values is
    about ten times faster than a stable argsort (the corpus scan's band
    keys are 32 bits, its members fewer than 2**32)."""
    low = int(members.max()).bit_length() if members.size else 0
    if labels.dtype.kind == "u" and int(members.min(initial=0)) >= 0 and \
            int(labels.max(initial=0)).bit_length() + low <= 64:
        # One new array, the result: labels already 64 bits wide and
        # members as int64 (never negative here) are read as they are.
        packed = labels.astype(np.uint64, copy=False) << np.uint64(low)
        packed |= members.view(np.uint64) if members.dtype == np.int64 else members.astype(np.uint64)
        return packed, low
    return None


def _linked(m: np.ndarray, reach: int) -> list[np.ndarray]:
    """The pairs of one oversized bucket: each member with the first
    ``reach`` members, and with its predecessor when ``reach`` > 1."""
    out = [np.stack([np.full(m.size - h - 1, m[h]), m[h + 1 :]], axis=1) for h in range(min(reach, m.size - 1))]
    if reach > 1:
        out.append(np.stack([m[:-1], m[1:]], axis=1))
    return out


def lsh_pairs(signatures: np.ndarray, threshold: float, max_bucket: int = 1000, reach: int = 1) -> np.ndarray:
    """Candidate pairs of segments whose signatures agree on a whole band."""
    n, num_perm = signatures.shape
    bands, rows = lsh_params(threshold, num_perm)
    keys = band_keys(signatures, bands, rows)
    members = np.repeat(np.arange(n, dtype=np.int64), bands)
    empty = (signatures == np.uint32(0xFFFFFFFF)).all(axis=1)
    keep = ~np.repeat(empty, bands)
    return pairs_from_buckets(keys.ravel()[keep], members[keep], max_bucket, reach)


def overlap_pairs(sets: ShingleSets, active: np.ndarray, max_df: int = 200, reach: int = 1) -> np.ndarray:
    """Pairs among ``active`` segments that share at least one shingle.

    Exact for shingles found in at most ``max_df`` segments; a more
    common shingle, a phrase rather than a copy, pairs segments only as an
    oversized bucket of :func:`pairs_from_buckets` does.
    """
    active = np.asarray(active, dtype=np.int64)
    if active.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    # Every shingle of every active segment in one gather; a shingle
    # repeated inside a segment counts once (pairs_from_buckets).
    starts, stops = sets.offsets[active], sets.offsets[active + 1]
    lengths = stops - starts
    owner = np.repeat(np.arange(active.size, dtype=np.int64), lengths)
    first = np.zeros(active.size, dtype=np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    idx = np.arange(int(lengths.sum()), dtype=np.int64) - first[owner] + starts[owner]
    return pairs_from_buckets(sets.hashes[idx], active[owner], max_df, reach)


#: LSH is tuned below the verification threshold so that pairs just above
#: it still collide in some band; only verified pairs count.
LSH_MARGIN = 0.2
def scan_banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """The corpus scan's ``(bands, rows)``: the most rows whose S-curve
    midpoint ``(1/bands) ** (1/rows)`` is still at or below ``threshold``.
    (:func:`lsh_params`, datasketch's rule, serves the index and the
    per-text detector, whose tables must match ``MinHashLSH``'s.) Pairs at
    the threshold collide in some band with a probability of about 0.6 or
    more, and pairs ``LSH_MARGIN`` above it almost surely (e.g. 0.99+ for
    Jaccard 0.7 with the 32 x 4 banding chosen for 0.5)."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if (1.0 / bands) ** (1.0 / rows) > threshold:
            break
        best = (bands, rows)
    return best
