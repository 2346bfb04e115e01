"""The practical's settings, as notebooks 3 and 4 write them out as plain constants.

Standard library only, so the grader can check a hand-in's training log against them without Keras.
``tests/test_evidence.py`` compares them with the notebooks' cells, so no copy can drift.
"""

PRACTICAL = {
    "num_words": 10_000,
    "maxlen": 200,
    "embedding_dim": 128,
    "lstm_units": 128,
    "dropout": 0.2,
    "recurrent_dropout": 0.2,
    "batch_size": 64,
    "epochs": 5,
    "validation_split": 0.2,
    "seed": 42,
}
