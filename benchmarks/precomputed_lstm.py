"""The practical's LSTM with the same math, arranged for a CPU: a speed lever of ``lstm_recipes.py``, not a lesson.

An LSTM step needs ``x_t W + h_(t-1) U + b`` for its four gates. Only the second product depends on the previous
step; the first one does not, so it can be computed for all 200 words of every review in one large matrix product
before the loop starts, and the loop keeps only the recurrent product and the gates. Keras' own LSTM does both
products inside the loop, one word at a time (on a GPU, cuDNN does this rearrangement itself, when it is allowed to
run; with ``recurrent_dropout > 0`` it is not).

The dropout is Keras' own: with ``recurrent_dropout > 0`` Keras' cell draws four input masks and four recurrent masks
per review (one per gate), each held fixed over the review's words; ``PrecomputedInputLSTM`` takes the same masks
from the same cell (with one seed, the very same masks: ``tests/test_precomputed_lstm.py``) and applies them in the
same places. Only the order of the floating-point sums differs. The weights (``kernel``, ``recurrent_kernel``,
``bias``) are Keras' own layout: a model built with it loads the same weights as one built with ``keras.layers.LSTM``.
Masks, ``go_backwards`` and stateful use fall back to Keras' own loop.

Measured on a CPU only. On a GPU it would run neither cuDNN (its loop is its own) nor XLA (it inherits the LSTM's
refusal of ``jit_compile`` whenever TensorFlow sees a GPU), so it is not a GPU recipe.
"""

from __future__ import annotations

import keras
from keras import ops


class PrecomputedInputLSTM(keras.layers.LSTM):
    """``keras.layers.LSTM`` whose input product runs once for all steps, outside the recurrent loop."""

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        if mask is not None or self.go_backwards or self.stateful:
            return super().inner_loop(sequences, initial_state, mask, training=training)
        input_kernels = ops.split(cell.kernel, 4, axis=1)
        if training and 0.0 < cell.dropout < 1.0:
            input_masks = cell.get_dropout_mask(sequences[:, 0, :])  # one per gate (implementation 1), or one shared
            if not isinstance(input_masks, (list, tuple)):
                input_masks = [input_masks] * 4
            input_part = ops.concatenate([ops.matmul(sequences * ops.expand_dims(input_masks[gate], 1),
                                                     input_kernels[gate]) for gate in range(4)], axis=-1)
        else:
            input_part = ops.matmul(sequences, cell.kernel)
        if cell.use_bias:
            input_part = input_part + cell.bias  # (batch, steps, 4 * units), all steps at once
        recurrent_masks = None
        if training and 0.0 < cell.recurrent_dropout < 1.0:
            recurrent_masks = ops.stack(cell.get_recurrent_dropout_mask(initial_state[0]))  # (4, batch, units)
            recurrent_kernels = ops.stack(ops.split(cell.recurrent_kernel, 4, axis=1))  # (4, units, units)
        activation, recurrent_activation = cell.activation, cell.recurrent_activation

        def step(input_part_t, states):
            h_previous, c_previous = states
            if recurrent_masks is None:
                z = input_part_t + ops.matmul(h_previous, cell.recurrent_kernel)
            else:  # the four gates' masked products as one batched product
                per_gate = ops.matmul(ops.expand_dims(h_previous, 0) * recurrent_masks, recurrent_kernels)
                z = input_part_t + ops.concatenate(ops.unstack(per_gate, 4, axis=0), axis=-1)
            z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
            c = recurrent_activation(z_f) * c_previous + recurrent_activation(z_i) * activation(z_c)
            h = recurrent_activation(z_o) * activation(c)
            return h, [h, c]

        from keras.src import backend  # keras.src: the backend-neutral loop the LSTM layer itself calls

        return backend.rnn(step, input_part, list(initial_state), go_backwards=False, mask=None, unroll=self.unroll,
                           input_length=input_part.shape[1], zero_output_for_mask=self.zero_output_for_mask,
                           return_all_outputs=self.return_sequences)
