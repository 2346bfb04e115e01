"""Checkers for notebook 09's exercises."""

from __future__ import annotations

import math

from . import NotYet, as_number, exercise


@exercise("09-1", answer_name="best_lstm_multiply_adds_per_step",
          hint="Section 2's count per step applies to each direction of the bidirectional LSTM: what are its inputs "
               "and its units here?",
          solution="""best_lstm_multiply_adds_per_step = 2 * lstm_multiply_adds_per_step(BEST_LSTM_UNITS, BEST_CONV_FILTERS)""",
          explanation="2 x 4 x 64 x (128 + 64) = 98,304, three quarters of the practical's 131,072 per step. The "
                      "LSTMs' work shrinks more from the pooling, which halves the steps, and from length batching, "
                      "which drops most of the padding. The convolution adds work of its own; whether the two balance "
                      "is a measurement (Try it yourself item 3).")
def _best_step(answer, *, units, inputs):
    value = as_number(answer, "a whole number")
    truth = 2 * 4 * units * (inputs + units)
    if value != truth:
        if value == truth // 2:
            raise NotYet("That is one direction: a bidirectional layer runs two LSTMs.")
        raise NotYet("Each direction's four gate blocks read the step's inputs and the previous hidden state.")


@exercise("09-2", answer_name="fast_third_epoch_learning_rate",
          hint="Read the function given to LearningRateScheduler in section 4, and check how Keras numbers the epochs "
               "it passes to it.",
          solution="""fast_third_epoch_learning_rate = FAST_LEARNING_RATE * 0.5 ** 2""",
          explanation="0.002 halved twice: 0.0005. The third epoch takes steps a quarter the size of the first.")
def _third_rate(answer, *, base_rate):
    value = as_number(answer)
    truth = base_rate * 0.5 ** 2
    if not math.isclose(value, truth, rel_tol=1e-6):
        if math.isclose(value, base_rate * 0.5 ** 3, rel_tol=1e-6):
            raise NotYet("Keras numbers the epochs from 0: the third epoch is epoch 2.")
        raise NotYet("Start from FAST_LEARNING_RATE and halve it once per finished epoch.")


@exercise("09-3", answer_name="test_reviews_cut",
          hint="Section 5's first cell compares each training review's length with a maxlen. Do the same for the "
               "test reviews, from lists that still have each review's own length.",
          solution="""test_reviews_cut = sum(len(review) > BEST_MAXLEN for review in x_test)""",
          explanation="A small share of the test set: the 800-word limit keeps nearly every review whole. Padded to "
                      "800 words each, most of every batch would be zeros, all of them computed; batching reviews of "
                      "similar length keeps the padded length per review near the reviews' own lengths, far below "
                      "800 words (section 5 prints both padding fractions).")
def _cut(answer, *, x_test, maxlen):
    value = as_number(answer, "a whole number")
    truth = sum(len(review) > maxlen for review in x_test)
    if value != truth:
        if value == len(x_test) - truth:
            raise NotYet("That is the reviews kept whole; count those that are cut.")
        raise NotYet("Use the unpadded x_test (lists of ids), not a padded array, and 'longer than', not 'at least'.")


@exercise("09-4", answer_name="lstm_steps_for_800_words",
          hint="Follow the length through each layer before the LSTM: what does padding='same' do in the "
               "convolution, and what does the pooling layer do with pool_size=2?",
          solution="""lstm_steps_for_800_words = best_model.layers[2](best_model.layers[1](best_model.layers[0](np.zeros((1, 800))))).shape[1]""",
          explanation="400: the convolution keeps 800 positions and the pooling halves them, so the LSTMs run half as "
                      "many sequential steps as there are words, and their recurrent work halves. The convolution "
                      "that makes this possible costs work of its own; whether the saving outweighs it is a "
                      "measurement (Try it yourself item 3).")
def _steps(answer, *, words, model=None):
    import numpy as np

    if model is None:  # the recipe as notebook 9 builds it: the convolution keeps the length, the pooling halves it
        steps = math.ceil(words / 2)
    else:
        sequence = np.zeros((1, words), dtype="int32")
        for layer in model.layers:  # up to the recurrent layer: its input length is the number of steps it runs
            if type(layer).__name__ in ("Bidirectional", "LSTM", "GRU", "SimpleRNN"):
                break
            sequence = layer(sequence)
        steps = int(sequence.shape[1])
    value = as_number(answer, "a whole number")
    if value != steps:
        if value == words:
            raise NotYet("The convolution keeps the length, but the next layer does not.")
        raise NotYet("Follow the length through Conv1D (padding='same') and then MaxPooling1D(pool_size=2).")


@exercise("09-5", answer_name="reviews_that_decide",
          hint="A review tells two models apart only if one of them is right there and the other wrong. Compare "
               "each model's predictions with y_test first, then compare the two results.",
          solution="""reviews_that_decide = int(np.sum((test_labels["best"] == y_test) != (test_labels[reference] == y_test)))""",
          explanation="The reviews both models get right, or both get wrong, say nothing about which is better; "
                      "only the ones they split decide. With 0/1 labels these are the reviews where the two "
                      "predictions differ. McNemar's test asks whether they split more unevenly than a fair coin "
                      "would; the fewer there are, the wider the interval of the difference.")
def _decide(answer, *, y_true, predicted_a, predicted_b):
    import numpy as np

    truth, a, b = (np.asarray(values).ravel() for values in (y_true, predicted_a, predicted_b))
    right_a, right_b = a == truth, b == truth
    value = as_number(answer, "a whole number")
    if value != int((right_a != right_b).sum()):
        if value == int((right_a & right_b).sum()):
            raise NotYet("That counts the reviews both models get right: those cannot tell them apart.")
        if value in (int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())):
            raise NotYet("That is one side only: count the reviews where either model alone is right.")
        raise NotYet("Count the reviews where exactly one of the two models is right.")
