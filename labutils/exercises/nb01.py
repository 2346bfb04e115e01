"""Checkers for notebook 01's exercises. Each recomputes the right answer from what the cell passes in."""

from __future__ import annotations

from . import NotYet, as_number, exercise

KERAS_GATE_ORDER = "ifco"


def _reordered(weights, order: str):
    """Keras' stacked weights with the four blocks rearranged as if they had been stored in ``order``."""
    import numpy as np

    return [np.concatenate([np.split(w, 4, axis=-1)[KERAS_GATE_ORDER.index(gate)] for gate in order], axis=-1)
            for w in weights]


@exercise("01-1", answer_name="textbook_order_difference",
          hint="Each weight holds four blocks side by side along its last axis. Put the forget block where "
               "lstm_forward expects the input block and the other way round, in every weight, run lstm_forward on "
               "the result and compare its hidden states with keras_hidden: how far apart are they at most?",
          solution="""blocks = lambda w: np.split(w, 4, axis=-1)
swapped = [np.concatenate([blocks(w)[1], blocks(w)[0], blocks(w)[2], blocks(w)[3]], axis=-1)
           for w in check_lstm.get_weights()]
textbook_order_difference = np.max(np.abs(lstm_forward(sequences, *swapped).hidden - keras_hidden))""",
          explanation="""The difference is of the order of the hidden states themselves, not of float rounding: with the input and forget
blocks exchanged, every step lets in what it should keep and keeps what it should let in. The weights are only
numbers; their meaning comes from the order the layer reads them in.""")
def _gate_order(answer, *, weights, sequences, keras_hidden):
    import numpy as np

    from ..scratch import lstm_forward

    truth = float(np.max(np.abs(lstm_forward(sequences, *_reordered(weights, "fico")).hidden - keras_hidden)))
    value = as_number(answer)
    if value < 1e-4:
        raise NotYet("That is float rounding: the order is still Keras' own. Did you swap the first two blocks of "
                     "all three weights (kernel, recurrent_kernel and bias)?")
    if abs(value - truth) > 1e-4 * max(1.0, truth):
        raise NotYet("Not the difference the swapped order gives. Swap the first two of the four blocks in each of "
                     "the three weights (the last axis), and compare all steps and units.")


@exercise("01-2", answer_name="largest_forget_gate",
          hint="Copy check_lstm's weights, set bias[units:2 * units] = -10 (the forget block is the second quarter), "
               "run lstm_forward and take the largest value of its .forget gates over every sequence, step and unit.",
          solution="""kernel, recurrent_kernel, bias = [w.copy() for w in check_lstm.get_weights()]
bias[units:2 * units] = -10.0
closed = lstm_forward(sequences, kernel, recurrent_kernel, bias)
largest_forget_gate = closed.forget.max()""",
          explanation="""Every forget gate is then close to 0 (sigmoid(-10) is about 4.5e-5, and the random weights move it little), so
each step erases almost all of the cell state and C_t is little more than i_t * N_t, this step's news. On a long
review the last words alone would decide: the cell could not carry "the first half was dreadful" past the next word.""")
def _closed_forget_gate(answer, *, weights, sequences):
    import numpy as np

    from ..scratch import lstm_forward

    kernel, recurrent_kernel, bias = (np.array(w, copy=True) for w in weights)
    units = recurrent_kernel.shape[0]
    bias[units:2 * units] = -10.0
    truth = float(lstm_forward(sequences, kernel, recurrent_kernel, bias).forget.max())
    value = as_number(answer)
    if not 0.0 <= value <= 1.0:
        raise NotYet("A gate is a sigmoid: every value lies between 0 and 1.")
    if abs(value - truth) > max(1e-6, 1e-3 * truth):
        raise NotYet("Not what that bias gives. Check that you changed the second quarter of the bias (i, f, c, o: "
                     "the forget block is bias[units:2 * units]) and took the maximum over all gates.")


@exercise("01-3", answer_name="lstm64_parameters",
          hint="One LSTM layer has 4 blocks (3 gates and the candidate), each with an input matrix (inputs x units), "
               "a recurrent matrix (units x units) and a bias (units).",
          solution="""lstm64_parameters = 4 * (300 * 64 + 64 * 64 + 64)
layer = keras.layers.LSTM(64)
layer.build((None, None, 300))
assert layer.count_params() == lstm64_parameters""",
          explanation="4 blocks (3 gates and the candidate) x 64 units x (300 inputs + 64 recurrent inputs + 1 bias): "
                      "93,440 parameters.")
def _lstm64_parameters(answer):
    value = as_number(answer, "a whole number")
    if value != 4 * (300 * 64 + 64 * 64 + 64):
        if value == 300 * 64 + 64 * 64 + 64:
            raise NotYet("That is one block. How many blocks does an LSTM stack?")
        raise NotYet("Count per block: inputs x units + units x units + units, then multiply by the blocks.")


@exercise("01-4", answer_name="scaled_gradient_100_steps",
          hint="Copy section 1's two loops into the exercise cell and give their results new names, so that "
               "hidden_states and rnn_gradient_norms keep section 1's values. Use WEIGHT_SCALE * W_rnn in both loops: "
               "the states it produces set the slopes (1 - H^2) that the second loop multiplies in.",
          solution="""W_scaled = WEIGHT_SCALE * W_rnn
states, h = [], np.zeros(rnn_units)
for x_t in inputs:
    h = np.tanh(x_t @ U_rnn + h @ W_scaled)
    states.append(h)
product, norms = np.eye(rnn_units), []
for k in range(1, 101):
    product = (W_scaled * (1 - states[rnn_steps - k]**2)) @ product
    norms.append(np.linalg.norm(product, 2))
scaled_gradient_100_steps = norms[-1]
without_slopes = np.linalg.norm(np.linalg.matrix_power(W_scaled, 100), 2)  # the same product, every slope set to 1
print(f"WEIGHT_SCALE = {WEIGHT_SCALE}: largest norm {max(norms):.1e} (k = {np.argmax(norms) + 1}), "
      f"at k = 100 {scaled_gradient_100_steps:.1e}; without the tanh slopes {without_slopes:.1e}")""",
          explanation="""With WEIGHT_SCALE = 3 the gradient no longer vanishes: it grows over the first steps back and is still larger
than 1 at k = 100, far above section 1's value. With 5 it explodes: it grows by many powers of ten over the 100
steps and is largest at the last step measured. The tanh slopes damp the growth (without them the same product is many
powers of ten larger at either scale), but they do not bound it. Larger weights saturate more units, so the slopes
get smaller; yet where the weights stretch the gradient by more than the slopes shrink it, the product still grows
exponentially. Neither regime lets a plain RNN learn long-range dependencies reliably: exploding gradients are
tamed by clipping, vanishing ones need a different cell, such as the LSTM's.""")
def _scaled_gradient(answer, *, weight_scale, W_rnn, U_rnn, inputs):
    import numpy as np

    weights = float(weight_scale) * np.asarray(W_rnn)
    states, hidden = [], np.zeros(weights.shape[0])
    for x_t in np.asarray(inputs):
        hidden = np.tanh(x_t @ U_rnn + hidden @ weights)
        states.append(hidden)
    product = np.eye(weights.shape[0])
    for k in range(1, 101):
        product = (weights * (1 - states[len(states) - k] ** 2)) @ product
    truth = float(np.linalg.norm(product, 2))
    value = as_number(answer)
    if abs(value - truth) > 1e-6 * max(1.0, truth):
        without_slopes = float(np.linalg.norm(np.linalg.matrix_power(weights, 100), 2))
        if abs(value - without_slopes) <= 1e-6 * max(1.0, without_slopes):
            raise NotYet("That is the product without the tanh slopes. The gradient multiplies in (1 - H^2) at "
                         "every step back, from the states the scaled weights produce.")
        if value < 1e-10 <= truth:
            raise NotYet("That looks like section 1's vanished gradient. Did you use WEIGHT_SCALE * W_rnn in both "
                         "loops, the forward pass and the product?")
        raise NotYet("Not the norm the scaled weights give at k = 100. Use WEIGHT_SCALE * W_rnn in the forward "
                     "pass and in the product, with the same inputs, and take the norm after 100 steps back.")
