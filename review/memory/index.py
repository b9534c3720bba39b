"""The lookup index over one set of units, built in memory on load (derived data, never stored).

- exact: a dict from the normalized German to its units, newest first;
- fuzzy: rapidfuzz's ``fuzz.ratio`` (normalized Indel similarity) against the distinct
  normalized German sentences. Up to ``FULL_SCAN`` sentences every one is scored, so the best
  matches are exactly the best by ratio. Above that, scoring 100,000 sentences of news length
  takes ~50 ms a query, so the candidates are first narrowed to the ``CANDIDATES`` sentences
  sharing the most (rarer) words with the query, through an inverted word index; a sentence
  sharing no word with the query is then never proposed, which at useful scores (a changed
  word or two) costs nothing, and makes a lookup take a few milliseconds.

No index is written to disk: at 100,000 units, reading the memory file takes ~1.3 s and the
word index ~1.3 s more (built on the first fuzzy lookup), on one core; a cache file would
save about two seconds per process and would be one more thing that can go stale.
"""
from __future__ import annotations

import math

from review.memory.text import WORD_OR_BREAK, normalize, words
from review.memory.units import Unit, newest_first

FULL_SCAN = 20_000
CANDIDATES = 400


class Index:
    def __init__(self, units: list[Unit], previous: Index | None = None):
        """The index of ``units``. With the ``previous`` index of mostly the same unit objects
        (the store's memory after one article changed), their normal forms are taken from it
        instead of being computed again: a decision in a store of 90,000 approved segments
        then rebuilds its memory and looks up its English in about half the time."""
        self.units = units
        # Normal forms by unit object (id), of this index's own units only: an id is unique
        # while its object lives, and self.units keeps every one of them alive.
        seeds = previous._source_keys if previous is not None else {}
        self._source_keys: dict[int, str] = {}
        by_key: dict[str, list[Unit]] = {}
        for unit in units:
            key = seeds.get(id(unit))
            if key is None:
                key = normalize(unit.source)
            self._source_keys[id(unit)] = key
            found = by_key.get(key)
            if found is None:
                by_key[key] = [unit]
            else:
                found.append(unit)
        for key, found in by_key.items():
            if len(found) > 1:
                by_key[key] = newest_first(found)
        self.by_key = by_key
        self.keys = list(by_key)
        self._words: _WordIndex | None = None
        self._by_target: dict[str, list[Unit]] | None = None
        self._target_keys: dict[int, str] = {}
        if previous is not None and previous._target_keys:
            kept = previous._target_keys
            self._target_keys = {id(u): kept[id(u)] for u in units if id(u) in kept}

    def exact(self, key: str) -> list[Unit]:
        return self.by_key.get(key, [])

    def by_target(self, target_key: str) -> list[Unit]:
        """Units whose normalized English is ``target_key`` (index built on first use)."""
        if self._by_target is None:
            index: dict[str, list[Unit]] = {}
            keys = self._target_keys
            for unit in self.units:
                key = keys.get(id(unit))
                if key is None:
                    key = keys[id(unit)] = normalize(unit.target)
                index.setdefault(key, []).append(unit)
            self._by_target = index
        return self._by_target.get(target_key, [])

    def fuzzy(self, key: str, cutoff: float, count: int) -> list[tuple[str, float]]:
        """Up to ``count`` (German key, ratio 0-100) other than ``key``, best first."""
        from rapidfuzz import fuzz, process

        if not self.keys or count <= 0:
            return []
        if len(self.keys) <= FULL_SCAN:
            choices = self.keys
        else:
            if self._words is None:
                self._words = _WordIndex(self.keys)
            choices = self._words.candidates(key, CANDIDATES)
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff,
                                limit=count + 1)
        return [(choice, score) for choice, score, _ in found if choice != key][:count]


class _WordIndex:
    """Which sentences contain each word, as numpy arrays (CSR: offsets into one id array)."""

    def __init__(self, keys: list[str]):
        import numpy as np

        vocab: dict[str, int] = {"\n": 0}
        # One regex pass over one joined string; "\n" marks where the next sentence starts.
        found = WORD_OR_BREAK.findall("\n".join(keys).lower())
        ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in found), dtype=np.int64,
                          count=len(found))
        breaks = ids == 0
        owner = np.cumsum(breaks)[~breaks]
        ids = ids[~breaks]
        # Each (word, sentence) once, sorted by word: the sentences of word w are
        # sentences[offsets[w]:offsets[w + 1]].
        pairs = np.sort(ids * len(keys) + owner)  # np.unique is ~10x slower than this
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        words_of = pairs // len(keys)
        self.sentences = (pairs % len(keys)).astype(np.int32)
        self.offsets = np.searchsorted(words_of, np.arange(len(vocab) + 1))
        self.vocab = vocab
        self.keys = keys

    def candidates(self, key: str, limit: int) -> list[str]:
        """The ``limit`` sentences sharing the most words with ``key``, weighted by rarity."""
        import numpy as np

        total = len(self.keys)
        postings, weights = [], []
        for word in words(key):
            word_id = self.vocab.get(word)
            if not word_id:
                continue
            hits = self.sentences[self.offsets[word_id]:self.offsets[word_id + 1]]
            postings.append(hits)
            weights.append(np.full(len(hits), math.log(total / len(hits)) + 0.01,
                                   dtype=np.float32))
        if not postings:
            return []
        scores = np.bincount(np.concatenate(postings), weights=np.concatenate(weights),
                             minlength=total)
        if limit < total:
            best = np.argpartition(-scores, limit)[:limit]
        else:
            best = np.arange(total)
        return [self.keys[i] for i in best if scores[i] > 0]
