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

# What the practical's own printed run reported (its listing's output; it does not say on what hardware): each
# epoch's training and validation accuracy and loss, and the test loss and accuracy. A student's conclusion may
# quote these as the practical's.
PRACTICAL_REPORTED = (
    0.6890, 0.8567, 0.8940, 0.8969, 0.9230,  # training accuracy, epochs 1-5
    0.8018, 0.8508, 0.8222, 0.8612, 0.8504,  # validation accuracy, epochs 1-5
    0.5663, 0.3438, 0.2771, 0.2708, 0.2066,  # training loss
    0.4347, 0.3552, 0.3941, 0.3564, 0.3939,  # validation loss
    0.8499199748039246, 0.4040710926055908,  # test accuracy and loss ("Test accuracy:", "Test loss:")
)
