"""Checkers for notebook 06's exercises: each recomputes the answer from the notebook's own model and data."""

from __future__ import annotations

from . import NotYet, as_number, exercise


def _forget_mean(model, review_ids) -> float:
    import numpy as np

    from ..scratch import lstm_forward

    embedding_layer, lstm_layer, _ = model.layers
    trace = lstm_forward(embedding_layer.get_weights()[0][review_ids], *lstm_layer.get_weights())
    return float(trace.forget[np.asarray(review_ids) != 0].mean())


@exercise("06-1", answer_name="positive_review_forget_mean",
          hint="The cell 'Inside the trained LSTM' shows the steps for review 0: take the review's row of "
               "x_test_padded, look up its word vectors in the embedding table, run lstm_forward with the trained "
               "weights. Do the same for the "
               "positive review's row, then leave the padding (id 0) out of the average, as question 5's cell does.",
          solution="""positive_index = int(np.flatnonzero(y_test == 1)[0])
positive_ids = x_test_padded[positive_index]
positive_trace = lstm_forward(embedding_layer.get_weights()[0][positive_ids], kernel, recurrent_kernel, lstm_bias)
positive_review_forget_mean = positive_trace.forget[positive_ids != 0].mean()""",
          explanation="Question 5's mean is for review 0, a negative review; this one is for the first positive "
                      "review. If the two are close, the forget gates kept on average about as much memory on this "
                      "positive review as on that negative one: on these two reviews the average forget gate does "
                      "not follow the review's sentiment. Two reviews are two examples, and an average over units and "
                      "words can hide units that behave differently; notebook 7 looks at single units over many "
                      "reviews.")
def _positive_forget(answer, *, model, x_test_padded, y_test):
    import numpy as np

    positive_index = int(np.flatnonzero(np.asarray(y_test) == 1)[0])
    truth = _forget_mean(model, x_test_padded[positive_index])
    value = as_number(answer)
    if not 0.0 < value < 1.0:
        raise NotYet("A mean of forget gates lies between 0 and 1.")
    if abs(value - truth) > 1e-4:
        if positive_index != 0 and abs(value - _forget_mean(model, x_test_padded[0])) <= 1e-4:
            raise NotYet("That is review 0's mean, from question 5: use the first positive review instead.")
        raise NotYet("Not that review's mean over its words: check the index (first y_test == 1) and leave the "
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
          hint="cell_path_gradient, from question 8's cell, holds one number per unit: the share of the gradient "
               "that unit's direct path keeps over the last 50 words. The answer is a position in that array (a unit "
               "index), not one of its values: which value marks the best survival?",
          solution="""best_surviving_unit = int(np.argmax(cell_path_gradient))
print(f"unit {best_surviving_unit} keeps {cell_path_gradient[best_surviving_unit]:.3g} of its direct-path gradient "
      f"over the last 50 words")""",
          explanation="That unit's forget values over the last 50 words have the largest product, so along the "
                      "direct path its cell keeps the largest share of what it held 50 words earlier: of all units, "
                      "it is the best placed to carry information across those words. Whether it carries anything "
                      "that matters for the verdict is another question; plotting its forget gate over the whole "
                      "review shows where it holds and where it lets go.")
def _best_unit(answer, *, forget):
    import numpy as np

    surviving = np.prod(np.asarray(forget)[-50:], axis=0)
    value = as_number(answer, "a whole number")
    if value != int(value) or not 0 <= value < surviving.size:
        raise NotYet(f"A unit index is a whole number from 0 to {surviving.size - 1}.")
    if value != int(np.argmax(surviving)):
        if value == int(np.argmin(surviving)):
            raise NotYet("That unit's gradient survives worst: you want the one that keeps the most.")
        raise NotYet("Use the product over the last 50 steps (cell_path_gradient), per unit, and give the index of "
                     "the unit whose product is the best survival.")
