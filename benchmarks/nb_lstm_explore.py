"""Issue 37's exploration, on validation only: ``python benchmarks/nb_lstm_explore.py [CHANGES_JSON] [EPOCHS]
[--smoke]``.

Trains ``nb-lstm-own-losses`` (a loss per branch) with seed 42 and the changes given (for example
``'{"word_pairs": 200000}'`` for *best-pairs*' LSTM), and after every epoch prints, on the 5,000 validation reviews,
the accuracy of each branch alone, of their scores added, and of weighted sums ``w x LSTM + (1 - w) x bag`` of
the raw scores and of each score divided by its standard deviation over the validation reviews. It never reads
the test reviews. The rows of benchmarks/RESULTS.md's fourth round that say "weighted sums" came from this script.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import lstm_recipes  # noqa: E402

WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6)


def main(argv: list[str]) -> int:
    changes = json.loads(argv[0]) if argv else {}
    epochs = int(argv[1]) if len(argv) > 1 else 4
    smoke = len(argv) > 2 and argv[2] == "--smoke"  # the tiny slices of lstm_recipes.py's smoke mode
    recipe = dict(lstm_recipes.RECIPES["nb-lstm-own-losses"], seed=42, **changes)
    train, validation, _ = lstm_recipes.load_imdb(smoke, lstm_recipes.NUM_WORDS)
    if recipe.get("word_pairs"):  # (the pairs packed into the validation reviews twice: the test split is not used)
        train, validation, _ = lstm_recipes.with_word_pairs(train, validation, validation, recipe)
    ((train_data, _), (validation_data, _), _), model = lstm_recipes.nb_lstm_data_and_model(
        train, validation, None, recipe, smoke)  # no test split: this script never reads the test reviews
    truth = np.concatenate([np.asarray(labels) for _, labels in validation_data]) > 0.5

    def accuracy(scores) -> float:
        return round(float(np.mean((scores > 0) == truth)), 4)

    for epoch in range(1, epochs + 1):
        model.optimizer.learning_rate.assign(recipe["learning_rate"] * 0.5 ** (epoch - 1))
        model.fit(train_data, epochs=1, verbose=0)
        logits = model.predict(validation_data, verbose=0)
        lstm, bag = logits[:, 1], logits[:, 2]
        row = {"epoch": epoch, "lstm": accuracy(lstm), "bag": accuracy(bag), "added": accuracy(lstm + bag)}
        for w in WEIGHTS:
            row[f"raw w={w}"] = accuracy(w * lstm + (1 - w) * bag)
            row[f"standardised w={w}"] = accuracy(w * lstm / lstm.std() + (1 - w) * bag / bag.std())
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
