"""An LSTM in NumPy, line by line with the gate equations of notebook 1.

Notation (the practical's, with the bias terms it leaves out):

    f_t = sigmoid(x_t U_f + H_{t-1} W_f + b_f)      forget gate
    i_t = sigmoid(x_t U_i + H_{t-1} W_i + b_i)      input gate
    N_t = tanh(x_t U_c + H_{t-1} W_c + b_c)         new information (candidate)
    C_t = f_t * C_{t-1} + i_t * N_t                 cell state update
    o_t = sigmoid(x_t U_o + H_{t-1} W_o + b_o)      output gate
    H_t = o_t * tanh(C_t)                           hidden state

Keras stores the four U matrices side by side in ``kernel`` (input_dim, 4*units),
the four W matrices in ``recurrent_kernel`` (units, 4*units) and the biases in
``bias`` (4*units,), in the gate order i, f, c, o.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), squashing any number into (0, 1)."""
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class LSTMTrace:
    """Everything one pass computed, per time step: arrays of shape (steps, units) or (batch, steps, units)."""

    hidden: np.ndarray  # H_t
    cell: np.ndarray  # C_t
    forget: np.ndarray  # f_t
    input: np.ndarray  # i_t
    candidate: np.ndarray  # N_t
    output: np.ndarray  # o_t


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One time step: returns ``(h_t, c_t, (f_t, i_t, n_t, o_t))``."""
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias  # all four gates at once
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)  # Keras' order: i, f, c, o
    f_t = sigmoid(z_f)  # forget gate
    i_t = sigmoid(z_i)  # input gate
    n_t = np.tanh(z_c)  # new information N_t
    c_t = f_t * c_prev + i_t * n_t  # cell state update
    o_t = sigmoid(z_o)  # output gate
    h_t = o_t * np.tanh(c_t)  # hidden state
    return h_t, c_t, (f_t, i_t, n_t, o_t)


def lstm_forward(inputs, kernel, recurrent_kernel, bias) -> LSTMTrace:
    """Run the LSTM over ``inputs`` of shape (steps, features) or (batch, steps, features).

    Starts from H_0 = C_0 = 0, as Keras does, and keeps every step's states and
    gates. ``trace.hidden[..., -1, :]`` is what ``keras.layers.LSTM`` returns.
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    kernel, recurrent_kernel, bias = (np.asarray(a, dtype=np.float64) for a in (kernel, recurrent_kernel, bias))
    if inputs.ndim not in (2, 3):
        raise ValueError(f"inputs must be (steps, features) or (batch, steps, features), got shape {inputs.shape}")
    units = recurrent_kernel.shape[0]
    if kernel.shape != (inputs.shape[-1], 4 * units) or recurrent_kernel.shape != (units, 4 * units) or bias.shape != (4 * units,):
        raise ValueError(
            "weights do not fit the inputs: expected kernel "
            f"{(inputs.shape[-1], 4 * units)}, recurrent_kernel {(units, 4 * units)}, bias {(4 * units,)}; "
            f"got {kernel.shape}, {recurrent_kernel.shape}, {bias.shape}"
        )
    batch_shape = inputs.shape[:-2]
    h = np.zeros(batch_shape + (units,))
    c = np.zeros(batch_shape + (units,))
    steps = {name: [] for name in ("hidden", "cell", "forget", "input", "candidate", "output")}
    for t in range(inputs.shape[-2]):
        h, c, (f_t, i_t, n_t, o_t) = lstm_step(inputs[..., t, :], h, c, kernel, recurrent_kernel, bias)
        for name, value in zip(steps, (h, c, f_t, i_t, n_t, o_t)):
            steps[name].append(value)
    return LSTMTrace(**{name: np.stack(values, axis=-2) for name, values in steps.items()})
