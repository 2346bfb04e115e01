"""Checkers for notebook 08's exercises: each recomputes the answer from the run's own objects."""

from __future__ import annotations

from . import NotYet, as_number, exercise

REACH_FRACTION = 1e-3


def _row(comparison, name):
    return next(row for row in comparison if row["model"] == name)


@exercise("08-1", answer_name="lstm_gain_points",
          hint="Each row of comparison is a dictionary with the model's name under 'model'. Find the two rows the "
               "question names, and compare the figure it asks about, in percentage points.",
          solution="""lstm_row = next(row for row in comparison if row["model"] == "LSTM (practical)")
baseline_row = next(row for row in comparison if row["model"] == "TF-IDF + logistic regression")
lstm_gain_points = (lstm_row["test_accuracy"] - baseline_row["test_accuracy"]) * 100
print(f"one LSTM epoch takes {lstm_row['seconds_per_epoch'] / baseline_row['seconds_per_epoch']:.0f} times the baseline's fit")""",
          explanation="The gain is whatever your table says. Read it against the noise: the verdict table compares "
                      "the two models on the same validation reviews. Read it against the cost too. If the LSTM is "
                      "not ahead by more than the noise, the baseline is the better choice for this task at this "
                      "budget: it is faster to train, to run and to explain.")
def _gain(answer, *, comparison):
    truth = (_row(comparison, "LSTM (practical)")["test_accuracy"]
             - _row(comparison, "TF-IDF + logistic regression")["test_accuracy"]) * 100
    value = as_number(answer)
    if abs(value - truth) > 0.01:
        if abs(value + truth) <= 0.01:
            raise NotYet("The sign is the wrong way round: LSTM minus baseline.")
        if abs(value - truth / 100) <= 1e-4:
            raise NotYet("In percentage points: multiply the difference by 100.")
        raise NotYet("Use the two rows' test_accuracy (not the validation accuracy).")


@exercise("08-2", answer_name="simple_rnn_reach",
          hint="Which end of the array is the last word, and what are you comparing each value with? Count the "
               "distance in words back from the end.",
          solution="""def reach(values):
    by_distance = values[::-1]  # distance 0 is the last word
    below = np.flatnonzero(by_distance / by_distance[0] < 1e-3)
    return int(below[0]) if below.size else -1


simple_rnn_reach = reach(gradients["SimpleRNN, trained"])
print("trained LSTM:", reach(gradients["LSTM (practical), trained"]))""",
          explanation="The answer depends on your run; -1 means the gradient never fell that low. Compare it with "
                      "the trained LSTM's, then with the SimpleRNN's row in section 3. A gradient that reaches the "
                      "first word, in a model that still scores far below the gated layers, suggests that how far "
                      "the gradient reaches is not the whole reason the SimpleRNN fails. That is a hypothesis: the "
                      "notebook measures the gradient only after training. (In the smoke profile the models are "
                      "barely trained, and the numbers mean little.)")
def _reach(answer, *, gradients):
    import numpy as np

    by_distance = np.asarray(gradients["SimpleRNN, trained"])[::-1]
    below = np.flatnonzero(by_distance / by_distance[0] < REACH_FRACTION)
    truth = int(below[0]) if below.size else -1
    value = as_number(answer, "a whole number")
    if value != truth:
        if truth >= 0 and value == len(by_distance) - 1 - truth:
            raise NotYet("Counted from the first word: count from the end of the review instead.")
        raise NotYet("Compare each value with the value at the last word (distance 0), not with the largest one.")


@exercise("08-3", answer_name="no_control_lowest_loss_epoch",
          hint="Which of the history's lists measures what the question asks about, and at which epoch is it "
               "lowest?",
          solution="""no_control_lowest_loss_epoch = int(np.argmin(control_histories["no control"]["val_loss"])) + 1""",
          explanation="This is the epoch with the lowest validation loss, which EarlyStopping(monitor=\"val_loss\") "
                      "watches. It need not be the best epoch, the one with the highest validation accuracy. With "
                      "patience=1, as in section 5, training stops after one epoch without a lower validation loss, "
                      "or at the last epoch if that comes first. restore_best_weights then returns to the epoch with the lowest "
                      "validation loss either way. So more patience costs time, and gains only when the loss would "
                      "have fallen again.")
def _lowest_loss_epoch(answer, *, history):
    import numpy as np

    truth = int(np.argmin(history["val_loss"])) + 1
    value = as_number(answer, "a whole number")
    if value != truth:
        if value == truth - 1:
            raise NotYet("Epochs count from 1, list indices from 0.")
        raise NotYet("Look at the validation loss ('val_loss'), not the training loss or the accuracy.")


@exercise("08-4", answer_name="heavily_padded_reviews",
          hint="Where does pad_sequences put its padding, and which id does it use? A row counts when enough of "
               "its entries are padding.",
          solution="""heavily_padded_reviews = int(((x_test_sample == 0).sum(axis=1) >= 100).sum())""",
          explanation="Those reviews are at most 100 words long, so the unmasked LSTM spends at least half of its "
                      "steps on padding before it reads a word.")
def _padded(answer, *, x_test_sample):
    import numpy as np

    truth = int(((np.asarray(x_test_sample) == 0).sum(axis=1) >= 100).sum())
    value = as_number(answer, "a whole number")
    if value != truth:
        if value == len(x_test_sample) - truth:
            raise NotYet("That is the rows with fewer than 100 zeros.")
        raise NotYet("Count rows, not zeros: one count per row with at least 100 zeros.")
