"""Batches of reviews of similar length, for notebook 9's "best" recipe and benchmarks/lstm_recipes.py.

Padding every review to one fixed length makes the LSTM step through padding: with whole reviews (up to 800
words) a fixed length of 800 is 71 % padding, about 3.4 times the steps of the words actually there. Grouping reviews of
similar length into a batch and padding each batch only to its own longest review removes most of that waste.
"""

from __future__ import annotations

import keras
import numpy as np


class LengthBatches(keras.utils.PyDataset):
    """A ``keras.utils.PyDataset`` of ``(x, y)`` batches, each padded only as far as its longest review.

    * every review is cut to at most ``maxlen`` word ids (keeping the end, as ``pad_sequences`` does);
    * with ``shuffle=True`` the reviews are shuffled, cut into chunks of ``batch_size * 50`` reviews, each
      chunk sorted by length and cut into batches, and the batches' order shuffled again: batches hold
      reviews of similar length, but which reviews meet in a batch changes every epoch;
    * each batch is padded at the front (as in the practical) to its longest review, rounded up to a multiple
      of ``round_to`` so that Keras meets only a few distinct shapes.

    Pass it to ``fit``, ``evaluate`` or ``predict`` in place of the arrays (the batch size is its own).
    """

    def __init__(self, reviews, labels, batch_size: int, maxlen: int, shuffle: bool = False, seed: int = 42,
                 round_to: int = 32, **kwargs):
        super().__init__(**kwargs)
        if len(reviews) != len(labels):
            raise ValueError(f"{len(reviews)} reviews but {len(labels)} labels")
        if len(reviews) == 0:
            raise ValueError("no reviews to batch")
        if batch_size < 1 or maxlen < 1 or round_to < 1:
            raise ValueError("batch_size, maxlen and round_to must be at least 1")
        self.reviews, self.labels = reviews, np.asarray(labels)
        self.batch_size, self.maxlen, self.shuffle, self.round_to = batch_size, maxlen, shuffle, round_to
        self.lengths = np.array([min(len(review), maxlen) for review in reviews])
        self._rng = np.random.default_rng(seed)
        self.batches = self._plan()

    def _plan(self) -> list[np.ndarray]:
        count = len(self.reviews)
        order = self._rng.permutation(count) if self.shuffle else np.argsort(self.lengths, kind="stable")
        chunk_size = self.batch_size * 50 if self.shuffle else count
        batches = []
        for start in range(0, count, chunk_size):
            chunk = order[start:start + chunk_size]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches += [chunk[i:i + self.batch_size] for i in range(0, len(chunk), self.batch_size)]
        if self.shuffle:
            self._rng.shuffle(batches)
        return self._first_two_differ(batches)

    def _first_two_differ(self, batches: list[np.ndarray]) -> list[np.ndarray]:
        """Give batches 0 and 1 different widths whenever the batches' widths differ at all.

        Keras fixes the shapes a PyDataset may yield from its first two batches: if both were, say, 96 words
        wide it would reject the first batch of 128 words mid-epoch. Different widths up front make it accept
        any width. Only the order changes (batch 1 swaps places with the widest other batch).
        """
        if len(batches) < 3:
            return batches
        widths = [self._width_of(batch) for batch in batches]
        if widths[0] == widths[1]:
            other = max((i for i in range(2, len(batches)) if widths[i] != widths[0]), key=widths.__getitem__,
                        default=None)
            if other is not None:
                batches[1], batches[other] = batches[other], batches[1]
        return batches

    def __len__(self) -> int:
        return len(self.batches)

    def width(self, index: int) -> int:
        """How many steps batch ``index`` has: its longest review, rounded up, at most ``maxlen``."""
        return self._width_of(self.batches[index])

    def _width_of(self, batch: np.ndarray) -> int:
        longest = max(1, int(self.lengths[batch].max()))
        return min(self.maxlen, -(-longest // self.round_to) * self.round_to)

    def __getitem__(self, index: int):
        batch = self.batches[index]
        x = keras.utils.pad_sequences([self.reviews[i] for i in batch], maxlen=self.width(index))
        return x, self.labels[batch]

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self.batches = self._plan()

    def padded_fraction(self) -> float:
        """Share of the batches' steps that are padding (compare: 1 - mean length / maxlen for fixed padding)."""
        steps = sum(self.width(i) * len(batch) for i, batch in enumerate(self.batches))
        return 1 - float(self.lengths.sum()) / steps
