"""Checkers for notebook 06's exercises: each recomputes the answer from the notebook's own model and data."""

from __future__ import annotations

from . import NotYet, as_number, exercise


def _forget_mean(model, review_ids) -> float:
    import numpy as np

    from ..scratch import lstm_forward

    embedding_layer, lstm_layer, _ = model.layers
    trace = lstm_forward(embedding_layer.get_weights()[0][review_ids], *lstm_layer.get_weights())
    return float(trace.forget[np.asarray(review_ids) != 0].mean())


@exercise("06-1", answer_name="negative_review_forget_mean",
          hint="Find the index with np.flatnonzero(y_test == 0)[0], then repeat question 4's lookup and lstm_forward "
               "call for that row, and average trace.forget over the rows whose word id is not 0.",
          solution="""negative_index = int(np.flatnonzero(y_test == 0)[0])
negative_ids = x_test_padded[negative_index]
negative_trace = lstm_forward(embedding_layer.get_weights()[0][negative_ids], kernel, recurrent_kernel, lstm_bias)
negative_review_forget_mean = negative_trace.forget[negative_ids != 0].mean()""",
          explanation="Compare it with question 5's mean for review 0. If the two are close, the forget gates behave "
                      "much the same on a positive and a negative review: what they keep is not decided by the "
                      "review's sentiment as a whole but word by word. Notebook 7 compares many reviews.")
def _negative_forget(answer, *, model, x_test_padded, y_test):
    import numpy as np

    negative_index = int(np.flatnonzero(np.asarray(y_test) == 0)[0])
    truth = _forget_mean(model, x_test_padded[negative_index])
    value = as_number(answer)
    if not 0.0 < value < 1.0:
        raise NotYet("A mean of forget gates lies between 0 and 1.")
    if abs(value - truth) > 1e-4:
        if negative_index != 0 and abs(value - _forget_mean(model, x_test_padded[0])) <= 1e-4:
            raise NotYet("That is review 0's mean, from question 5: use the first negative review instead.")
        raise NotYet("Not that review's mean over its words: check the index (first y_test == 0) and leave the "
                     "padding (id 0) out of the average.")


@exercise("06-2", answer_name="gru_model_parameters",
          hint="Count each layer on its own: the embedding table, the GRU's gate blocks (how many, and how many bias "
               "vectors each in Keras?), and the Dense unit. Notebook 3 counts the LSTM model the same way.",
          solution="""gru_model_parameters = 10_000 * 128 + 3 * 128 * (128 + 128 + 2) + 128 + 1""",
          explanation="1,280,000 + 99,072 + 129 = 1,379,201, against the LSTM model's 1,411,713: the recurrent "
                      "layer is a quarter smaller, but the embedding table dominates both models.")
def _gru_parameters(answer, *, model=None):
    if model is None:  # the practical's sizes (a cell written before the model was passed in)
        from ..practical import PRACTICAL

        words, dimensions, units = PRACTICAL["num_words"], PRACTICAL["embedding_dim"], PRACTICAL["lstm_units"]
    else:
        embedding_layer, lstm_layer, _ = model.layers
        words, dimensions = embedding_layer.get_weights()[0].shape
        units = lstm_layer.get_weights()[1].shape[0]
    gru = 3 * units * (dimensions + units + 2)
    truth = words * dimensions + gru + units + 1
    value = as_number(answer, "a whole number")
    if value != truth:
        if value == gru:
            raise NotYet("That is the GRU layer alone: add the embedding and the Dense layer.")
        if value == truth - 3 * units:
            raise NotYet("Keras' GRU has two bias vectors per block (reset_after=True).")
        raise NotYet("Count each layer separately and add them up.")


@exercise("06-3", answer_name="best_surviving_unit",
          hint="cell_path_gradient holds one number per unit: the product of that unit's forget values over the last "
               "50 steps. The unit you want is where it is largest.",
          solution="""best_surviving_unit = int(np.argmax(cell_path_gradient))
print(f"unit {best_surviving_unit}: median forget value over the last 50 words "
      f"{np.median(trace.forget[-50:, best_surviving_unit]):.3f}")""",
          explanation="That unit's forget gate stays closest to 1 over the review's end, so it is the one that could "
                      "carry information across those 50 words. Plot its forget gate over the whole review: it may "
                      "hold on for long stretches and drop sharply at a few words.")
def _best_unit(answer, *, forget):
    import numpy as np

    surviving = np.prod(np.asarray(forget)[-50:], axis=0)
    value = as_number(answer, "a whole number")
    if value != int(np.argmax(surviving)):
        if value == int(np.argmin(surviving)):
            raise NotYet("That unit's gradient survives worst: you want the largest product.")
        raise NotYet("Use the product over the last 50 steps (cell_path_gradient), per unit, and take the index of "
                     "its largest value.")
