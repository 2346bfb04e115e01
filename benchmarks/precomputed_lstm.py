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

    def input_masks(self, sequences, training):
        """Keras' four input dropout masks, one per gate, each (batch, features); None without them. Drawn before the
        recurrent masks, as Keras' cell draws them."""
        if training and 0.0 < self.cell.dropout < 1.0:
            input_masks = self.cell.get_dropout_mask(sequences[:, 0, :])  # one per gate (implementation 1), or one
            return list(input_masks) if isinstance(input_masks, (list, tuple)) else [input_masks] * 4
        return None

    def input_part(self, sequences, training):
        """``x_t W + b`` for every step at once, with Keras' input dropout masks: (batch, steps, 4 * units)."""
        cell = self.cell
        input_masks = self.input_masks(sequences, training)
        if input_masks is not None:
            input_kernels = ops.split(cell.kernel, 4, axis=1)
            input_part = ops.concatenate([ops.matmul(sequences * ops.expand_dims(input_masks[gate], 1),
                                                     input_kernels[gate]) for gate in range(4)], axis=-1)
        else:
            input_part = ops.matmul(sequences, cell.kernel)
        return input_part + cell.bias if cell.use_bias else input_part

    def recurrent_masks(self, h0, training):
        """Keras' four recurrent dropout masks, one per gate, as one tensor (4, batch, units); None without them."""
        if training and 0.0 < self.cell.recurrent_dropout < 1.0:
            return ops.stack(self.cell.get_recurrent_dropout_mask(h0))
        return None

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if mask is not None or self.go_backwards or self.stateful:
            return super().inner_loop(sequences, initial_state, mask, training=training)
        return self.recurrent_loop(self.input_part(sequences, training), initial_state,
                                   self.recurrent_masks(initial_state[0], training))

    def recurrent_loop(self, input_part, initial_state, recurrent_masks):
        """The loop over the steps, given every step's input part: (last output, outputs, [h, c])."""
        cell = self.cell
        if recurrent_masks is not None:
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


class OwnGradientLSTM(PrecomputedInputLSTM):
    """``PrecomputedInputLSTM`` whose backward pass is written out by hand (issue 37); TensorFlow backend only.

    Automatic differentiation of the loop multiplies two small matrices per step on the way back: one for the
    gradient that flows to the previous step, ``dz_t U^T``, and one that adds this step's share of the recurrent
    weights' gradient, ``h_(t-1)^T dz_t``. Only the first has to run step by step. The second is kept for after the
    loop: the steps' ``h_(t-1)`` and ``dz_t`` are stored, and the weight gradient is one large product over all
    steps at once, as the input half already is forward. Same function, same gradient; only the order of the
    floating-point sums differs (``tests/test_precomputed_lstm.py`` checks outputs and gradients against Keras').
    Other backends, masks, ``go_backwards``, ``unroll``, stateful use and other activations than tanh and sigmoid
    fall back to ``PrecomputedInputLSTM`` (the tests check that the practical's case does not).

    Measured on a slice of the practical's epoch (benchmarks/RESULTS.md, fourth round): it is *not* faster than
    ``PrecomputedInputLSTM`` with XLA; a lever that was tried, kept so the result can be repeated.
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        if not _hand_written_loop_applies(self, mask):
            return super().inner_loop(sequences, initial_state, mask, training=training)  # not this layer's case
        import tensorflow as tf

        input_part = self.input_part(sequences, training)
        h0, c0 = initial_state
        recurrent_masks = self.recurrent_masks(h0, training)  # (4, batch, units)
        if recurrent_masks is None:
            recurrent_masks = ops.ones((4,) + tuple(ops.shape(h0)), dtype=h0.dtype)
        recurrent_kernels = ops.stack(ops.split(cell.recurrent_kernel, 4, axis=1))  # (4, units, units)
        outputs, h, c = _lstm_loop(tf.transpose(input_part, (1, 0, 2)), h0, c0, recurrent_kernels, recurrent_masks)
        outputs = tf.transpose(outputs, (1, 0, 2))
        return h, outputs if self.return_sequences else h[:, None, :], [h, c]


def _hand_written_loop_applies(layer, mask) -> bool:
    """Whether a hand-written loop computes what Keras' would: TensorFlow, no mask, forwards, not stateful, not
    unrolled, tanh and sigmoid."""
    cell = layer.cell
    return (keras.backend.backend() == "tensorflow" and mask is None and not layer.go_backwards
            and not layer.stateful and not layer.unroll and cell.activation is keras.activations.tanh
            and cell.recurrent_activation is keras.activations.sigmoid)


def _lstm_loop(input_part, h0, c0, recurrent_kernels, recurrent_masks):
    """The loop over steps and its hand-written gradient. input_part: (steps, batch, 4 units), time first."""
    import tensorflow as tf

    @tf.custom_gradient
    def loop(input_part, h0, c0, recurrent_kernels):
        def forward(carry, x_t):
            h_previous, c_previous = carry[0], carry[1]
            per_gate = tf.matmul(h_previous[None] * recurrent_masks, recurrent_kernels)  # (4, batch, units)
            z = x_t + tf.concat(tf.unstack(per_gate, 4, axis=0), axis=-1)
            z_i, z_f, z_c, z_o = tf.split(z, 4, axis=-1)
            i, f, g, o = tf.sigmoid(z_i), tf.sigmoid(z_f), tf.tanh(z_c), tf.sigmoid(z_o)
            c = f * c_previous + i * g
            h = o * tf.tanh(c)
            return h, c, tf.concat([i, f, g, o], axis=-1)

        hs, cs, gates = tf.scan(forward, input_part, initializer=(h0, c0, tf.zeros_like(input_part[0])))

        def gradient(d_outputs, d_h_last, d_c_last):
            h_previous = tf.concat([h0[None], hs[:-1]], axis=0)  # (steps, batch, units)
            c_previous = tf.concat([c0[None], cs[:-1]], axis=0)
            d_outputs = tf.zeros_like(hs) if d_outputs is None else d_outputs
            d_outputs = d_outputs + tf.concat([tf.zeros_like(hs[:-1]), d_h_last[None]], axis=0)
            d_c_last = tf.zeros_like(c0) if d_c_last is None else d_c_last
            kernels_transposed = tf.transpose(recurrent_kernels, (0, 2, 1))

            def backward(carry, step):
                d_h_next, d_c_next = carry[0], carry[1]
                d_out, c_t, c_before, gate = step
                i, f, g, o = tf.split(gate, 4, axis=-1)
                d_h = d_out + d_h_next
                tanh_c = tf.tanh(c_t)
                d_c = d_c_next + d_h * o * (1.0 - tanh_c * tanh_c)
                d_z = tf.concat([d_c * g * i * (1.0 - i), d_c * c_before * f * (1.0 - f), d_c * i * (1.0 - g * g),
                                 d_h * tanh_c * o * (1.0 - o)], axis=-1)
                back = tf.matmul(tf.stack(tf.split(d_z, 4, axis=-1)), kernels_transposed)  # (4, batch, units)
                return tf.reduce_sum(back * recurrent_masks, axis=0), d_c * f, d_z

            d_h0, d_c0, d_z = tf.scan(backward, (d_outputs, cs, c_previous, gates),
                                      initializer=(tf.zeros_like(h0), d_c_last, tf.zeros_like(input_part[0])),
                                      reverse=True)
            # the recurrent weights' gradient, all steps in one product per gate: sum_t (h_(t-1) m_g)^T dz_(g,t)
            units = tf.shape(h0)[-1]
            masked = tf.reshape(h_previous[None] * recurrent_masks[:, None], (4, -1, units))
            d_z_gates = tf.transpose(tf.reshape(d_z, (-1, 4, units)), (1, 0, 2))  # (4, steps * batch, units)
            d_kernels = tf.matmul(masked, d_z_gates, transpose_a=True)
            return d_z, d_h0[0], d_c0[0], d_kernels

        return (hs, hs[-1], cs[-1]), gradient

    return loop(input_part, h0, c0, recurrent_kernels)


class TwoHalvesLSTM(PrecomputedInputLSTM):
    """``PrecomputedInputLSTM`` whose loop runs as two loops, one per half of the batch (issue 37): a lever for two
    cores.

    A step's products are small (64 reviews by 128 numbers), perhaps too small for two threads to share one product
    well (a hypothesis). The two halves of the batch do not depend on each other, so their loops (and their loops'
    backward passes) could run side by side, one per core. The input product still runs once for the whole batch,
    and every review keeps the dropout masks Keras draws for it (the tests check them): same math, the sums added in
    another order. Masks, ``go_backwards`` and stateful use fall back to Keras' own loop.

    Measured on the levers' slice (benchmarks/RESULTS.md, fourth round): *not* faster; under XLA, no sign that the
    two loops ran side by side. A lever that was tried, kept so the result can be repeated.
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if mask is not None or self.go_backwards or self.stateful:
            return super().inner_loop(sequences, initial_state, mask, training=training)
        input_part = self.input_part(sequences, training)
        masks = self.recurrent_masks(initial_state[0], training)
        half = ops.shape(sequences)[0] // 2
        first, second = (self.recurrent_loop(input_part[part], [state[part] for state in initial_state],
                                              None if masks is None else masks[:, part])
                         for part in (slice(None, half), slice(half, None)))
        last_output, outputs = (ops.concatenate([first[i], second[i]], axis=0) for i in (0, 1))
        return last_output, outputs, [ops.concatenate(pair, axis=0) for pair in zip(first[2], second[2])]


class GateMajorLSTM(PrecomputedInputLSTM):
    """``PrecomputedInputLSTM`` arranged gate by gate, with a hand-written backward pass (issue 37); TensorFlow only.
    A lever that was tried: in ``kernel_profile.py``'s runs it saved a little over ``PrecomputedInputLSTM`` with
    XLA, not reliably (the figures: benchmarks/RESULTS.md, "Where the best arrangement's time goes").

    It was meant to do less work around the same products:

    * the input product is one batched product over the four gates, whose result is already time first and gate
      first, ``(4, steps, batch, units)``: it needs no concatenation of the gates and no transposition (the layer's
      input and output, and the gradient for the input product, are still transposed, and each step's gates are
      stacked in the loop);
    * the bias's gradient (a sum over every review's every step, for each gate) is a matrix product with a vector of
      ones. Left to automatic differentiation in this layout, XLA summed it with a ``reduce-window`` kernel (seen in
      a profile that was not kept);
    * the backward pass is written by hand, as in ``OwnGradientLSTM``, and adds each step's share of the recurrent
      weights' gradient inside the loop, as automatic differentiation does (``OwnGradientLSTM``, which does it in
      one large product after the loop, was not faster);
    * each iteration copies the next step's inputs into the loop's state, so the gates' arithmetic reads a buffer of
      its own. In a bare XLA loop (a scratch test, not kept) a gates' kernel that read its step's slice of a tensor
      of every step was not vectorized; whether the copy matters here was not measured.

    Same function, same gradients, the sums in another order: ``tests/test_precomputed_lstm.py``. Other backends,
    masks, ``go_backwards``, ``unroll``, stateful use and other activations fall back to ``PrecomputedInputLSTM``.
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not _hand_written_loop_applies(self, mask):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        import tensorflow as tf

        cell, units = self.cell, self.units
        time_first = tf.transpose(sequences, (1, 0, 2))  # (steps, batch, features)
        steps, batch, features = tf.shape(time_first)[0], tf.shape(time_first)[1], time_first.shape[2]
        kernels = tf.stack(tf.split(cell.kernel, 4, axis=1))  # (4, features, units)
        input_masks = self.input_masks(sequences, training)  # drawn first, as Keras' cell draws them
        if input_masks is None:  # one copy of the inputs, shared by the four gates' products
            inputs = tf.reshape(time_first, (1, -1, features))
        else:  # each gate's own masked copy: (4, steps * batch, features)
            inputs = tf.reshape(time_first[None] * tf.stack(input_masks)[:, None], (4, -1, features))
        input_part = tf.reshape(tf.matmul(inputs, kernels), (4, steps, batch, units))
        if cell.use_bias:
            input_part = _add_bias(input_part, tf.reshape(cell.bias, (4, 1, 1, units)))
        h0, c0 = initial_state
        recurrent_masks = self.recurrent_masks(h0, training)  # (4, batch, units)
        if recurrent_masks is None:
            recurrent_masks = tf.ones((4, batch, units), dtype=h0.dtype)
        recurrent_kernels = tf.stack(tf.split(cell.recurrent_kernel, 4, axis=1))  # (4, units, units)
        outputs, h, c = _gate_major_loop(input_part, h0, c0, recurrent_kernels, recurrent_masks)
        outputs = tf.transpose(outputs, (1, 0, 2))
        return h, outputs if self.return_sequences else h[:, None, :], [h, c]


def _add_bias(input_part, bias):
    """``input_part + bias`` for (4, steps, batch, units) and (4, 1, 1, units); the bias's gradient as a product."""
    import tensorflow as tf

    @tf.custom_gradient
    def add(input_part, bias):
        def gradient(upstream):
            rows = tf.reshape(upstream, (4, -1, tf.shape(upstream)[-1]))  # (4, steps * batch, units)
            ones = tf.ones((4, 1, tf.shape(rows)[1]), rows.dtype)
            return upstream, tf.reshape(tf.matmul(ones, rows), tf.shape(bias))

        return input_part + bias, gradient

    return add(input_part, bias)


def _gate_major_loop(input_part, h0, c0, recurrent_kernels, recurrent_masks):
    """The loop and its hand-written gradient. input_part: (4, steps, batch, units). Returns (every step's h, last
    h, last c); every step's inputs and saved values are read one iteration ahead, into the loop's state."""
    import tensorflow as tf

    steps, dtype = tf.shape(input_part)[1], input_part.dtype
    step_shape = (4,) + tuple(input_part.shape[2:])

    @tf.custom_gradient
    def loop(input_part, h0, c0, recurrent_kernels):
        def forward(t, h, c, x_t, hs, cs, tanh_cs, gates):
            x_next = input_part[:, tf.minimum(t + 1, steps - 1)]  # the next step's inputs, for the next iteration
            z = x_t + tf.matmul(h[None] * recurrent_masks, recurrent_kernels)  # (4, batch, units)
            i, f, g, o = tf.sigmoid(z[0]), tf.sigmoid(z[1]), tf.tanh(z[2]), tf.sigmoid(z[3])
            c = f * c + i * g
            tanh_c = tf.tanh(c)
            h = o * tanh_c
            return (t + 1, h, c, x_next, hs.write(t + 1, h), cs.write(t + 1, c), tanh_cs.write(t, tanh_c),
                    gates.write(t, tf.stack([i, f, g, o])))

        saved = [tf.TensorArray(dtype, size=steps + 1, element_shape=h0.shape).write(0, h0),  # h_(t-1) at t
                 tf.TensorArray(dtype, size=steps + 1, element_shape=c0.shape).write(0, c0),  # c_(t-1) at t
                 tf.TensorArray(dtype, size=steps, element_shape=c0.shape),  # tanh(c_t)
                 tf.TensorArray(dtype, size=steps, element_shape=step_shape)]  # the gates i, f, g, o
        _, h, c, _, hs, cs, tanh_cs, gates = tf.while_loop(
            lambda t, *_: t < steps, forward, (tf.constant(0), h0, c0, input_part[:, 0], *saved))
        hs, cs, tanh_cs, gates = hs.stack(), cs.stack(), tanh_cs.stack(), gates.stack()

        def gradient(d_outputs, d_h_last, d_c_last):
            # an output nobody used may come as None (TensorFlow usually passes zeros)
            d_outputs = tf.zeros_like(hs[1:]) if d_outputs is None else d_outputs
            d_h_last = tf.zeros_like(h0) if d_h_last is None else d_h_last
            d_c_last = tf.zeros_like(c0) if d_c_last is None else d_c_last
            kernels_transposed = tf.transpose(recurrent_kernels, (0, 2, 1))

            def backward(t, d_h, d_c, step, d_zs, d_kernels):
                gate, tanh_c, c_before, h_before, d_output = step
                earlier = tf.maximum(t - 1, 0)  # the earlier step's values, for the next iteration
                earlier_step = (gates[earlier], tanh_cs[earlier], cs[earlier], hs[earlier], d_outputs[earlier])
                i, f, g, o = gate[0], gate[1], gate[2], gate[3]
                d_h = d_h + d_output
                d_c = d_c + d_h * o * (1.0 - tanh_c * tanh_c)
                d_z = tf.stack([d_c * g * i * (1.0 - i), d_c * c_before * f * (1.0 - f), d_c * i * (1.0 - g * g),
                                d_h * tanh_c * o * (1.0 - o)])
                d_kernels = d_kernels + tf.matmul(h_before[None] * recurrent_masks, d_z, transpose_a=True)
                d_h = tf.reduce_sum(tf.matmul(d_z, kernels_transposed) * recurrent_masks, axis=0)
                return t - 1, d_h, d_c * f, earlier_step, d_zs.write(t, d_z), d_kernels

            last = steps - 1
            last_step = (gates[last], tanh_cs[last], cs[last], hs[last], d_outputs[last])
            d_zs = tf.TensorArray(dtype, size=steps, element_shape=step_shape)
            _, d_h0, d_c0, _, d_zs, d_kernels = tf.while_loop(
                lambda t, *_: t >= 0, backward,
                (last, d_h_last, d_c_last, last_step, d_zs, tf.zeros_like(recurrent_kernels)))
            return tf.transpose(d_zs.stack(), (1, 0, 2, 3)), d_h0, d_c0, d_kernels

        return (hs[1:], h, c), gradient

    return loop(input_part, h0, c0, recurrent_kernels)
