"""benchmarks/precomputed_lstm.py computes what keras.layers.LSTM computes: same weights, same outputs, same gradients,
and (same seed) the same dropout masks in the same places, so the benchmark's speed lever keeps the practical's math."""

import importlib.util

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import ROOT

spec = importlib.util.spec_from_file_location("precomputed_lstm", ROOT / "benchmarks" / "precomputed_lstm.py")
precomputed_lstm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(precomputed_lstm)

SEQUENCES = np.random.default_rng(0).standard_normal((3, 7, 5)).astype("float32")


LAYERS = ["PrecomputedInputLSTM", "OwnGradientLSTM", "TwoHalvesLSTM", "GateMajorLSTM"]
HAND_WRITTEN = [("OwnGradientLSTM", "_lstm_loop"), ("GateMajorLSTM", "_gate_major_loop")]  # layer, its loop


def twins(layer="PrecomputedInputLSTM", **settings):
    """A Keras LSTM and one of ours (LAYERS) with the same settings, seed and weights."""
    keras_lstm = keras.layers.LSTM(4, seed=11, **settings)
    ours = getattr(precomputed_lstm, layer)(4, seed=11, **settings)
    keras_lstm.build(SEQUENCES.shape)
    ours.build(SEQUENCES.shape)
    ours.set_weights([np.random.default_rng(1).standard_normal(w.shape).astype("float32") * 0.5
                      for w in keras_lstm.get_weights()])
    keras_lstm.set_weights(ours.get_weights())
    return keras_lstm, ours


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_same_outputs_when_predicting(return_sequences, layer):
    keras_lstm, ours = twins(layer, dropout=0.2, recurrent_dropout=0.2, return_sequences=return_sequences)
    np.testing.assert_allclose(ours(SEQUENCES), keras_lstm(SEQUENCES), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("recurrent_dropout", [0.2, 0.0])
@pytest.mark.parametrize("steps", [7, 1])
def test_same_dropout_masks_outputs_and_gradients_when_training(monkeypatch, steps, recurrent_dropout,
                                                                return_sequences, layer):
    """With the practical's dropout 0.2 (and recurrent 0.2 or 0): the same masks, drawn in the same order, and the
    same gradients for the weights and for the inputs, whether every step's output is used or the last one only,
    for reviews of several steps or of one. A layer with a hand-written loop is checked through that loop."""
    calls = []
    loop_name = dict(HAND_WRITTEN).get(layer)
    if loop_name:
        loop = getattr(precomputed_lstm, loop_name)
        monkeypatch.setattr(precomputed_lstm, loop_name, lambda *args: calls.append(1) or loop(*args))
    keras_lstm, ours = twins(layer, dropout=0.2, recurrent_dropout=recurrent_dropout, return_sequences=return_sequences)
    results = []
    sequences = tf.constant(SEQUENCES[:, :steps])
    for lstm in (keras_lstm, ours):
        with tf.GradientTape() as tape:
            tape.watch(sequences)
            outputs = lstm(sequences, training=True)
            loss = tf.reduce_sum(outputs ** 2 * np.arange(1, outputs.shape[-1] + 1))
        results.append((outputs, tape.gradient(loss, lstm.trainable_weights + [sequences])))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5, atol=1e-6)
    for ours_gradient, keras_gradient in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(ours_gradient, keras_gradient, rtol=1e-4, atol=1e-5)
    assert not np.allclose(results[0][0], keras_lstm(sequences))  # dropout did act while training
    assert bool(calls) == bool(loop_name)  # no silent fallback to Keras' own loop


@pytest.mark.parametrize("layer", LAYERS)
def test_masked_or_backwards_input_falls_back_to_keras_own_loop(layer):
    keras_lstm, ours = twins(layer, go_backwards=True)
    np.testing.assert_allclose(ours(SEQUENCES), keras_lstm(SEQUENCES), rtol=1e-5, atol=1e-6)
    mask = np.array([[True] * 7, [False] * 2 + [True] * 5, [True] * 7])
    keras_lstm, ours = twins(layer)
    np.testing.assert_allclose(ours(SEQUENCES, mask=mask), keras_lstm(SEQUENCES, mask=mask), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("layer, loop_name", HAND_WRITTEN)
def test_hand_written_loops_run_under_xla_with_keras_gradients_for_the_initial_state(monkeypatch, layer, loop_name,
                                                                                    batch):
    """The hand-written backward pass is the one used (no silent fallback), also compiled by XLA as in the
    benchmark (traced, as Keras' ``fit`` traces, for any batch size), also for a batch of one, and its gradients for
    the initial state match Keras' too. (The masks are checked above.)"""
    calls = []
    loop = getattr(precomputed_lstm, loop_name)
    monkeypatch.setattr(precomputed_lstm, loop_name, lambda *args: calls.append(1) or loop(*args))
    keras_lstm, ours = twins(layer)  # no dropout: XLA may draw other random numbers than TensorFlow
    sequences = tf.constant(SEQUENCES[:batch])
    state = [tf.constant(np.random.default_rng(2).standard_normal((batch, 4)).astype("float32")) for _ in range(2)]

    def gradients(lstm, sequences, state):
        with tf.GradientTape() as tape:
            tape.watch([sequences] + state)
            loss = tf.reduce_sum(lstm(sequences, initial_state=state, training=True) ** 2)
        return tape.gradient(loss, lstm.trainable_weights + [sequences] + state)

    any_batch = [tf.TensorSpec((None,) + SEQUENCES.shape[1:]), [tf.TensorSpec((None, 4))] * 2]
    compiled = tf.function(lambda sequences, state: gradients(ours, sequences, state), input_signature=any_batch,
                           jit_compile=True)
    for ours_gradient, keras_gradient in zip(compiled(sequences, state), gradients(keras_lstm, sequences, state)):
        np.testing.assert_allclose(ours_gradient, keras_gradient, rtol=1e-4, atol=1e-5)
    assert calls  # traced through the hand-written loop, not Keras' own


@pytest.mark.parametrize("layer, loop_name", HAND_WRITTEN)
def test_hand_written_loops_fall_back_where_they_do_not_apply(monkeypatch, layer, loop_name):
    monkeypatch.setattr(precomputed_lstm, loop_name, None)  # any use of it would fail
    keras_lstm, ours = twins(layer, activation="relu")
    np.testing.assert_allclose(ours(SEQUENCES, training=True), keras_lstm(SEQUENCES, training=True), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("batch", [1, 3])
def test_two_halves_runs_two_loops_also_under_xla_and_for_a_batch_of_one(monkeypatch, batch):
    """TwoHalvesLSTM really runs one loop per half (no silent fallback to a single loop), compiled by XLA as in the
    benchmark's lever, and a batch of one (an empty first half) gives Keras' outputs and gradients too."""
    calls = []
    loop = precomputed_lstm.PrecomputedInputLSTM.recurrent_loop
    monkeypatch.setattr(precomputed_lstm.PrecomputedInputLSTM, "recurrent_loop",
                        lambda self, *args: calls.append(1) or loop(self, *args))
    keras_lstm, ours = twins("TwoHalvesLSTM", return_sequences=True)  # no dropout: XLA draws other random numbers
    sequences = tf.constant(SEQUENCES[:batch])

    def gradients(lstm):
        with tf.GradientTape() as tape:
            tape.watch(sequences)
            outputs = lstm(sequences, training=True)
            loss = tf.reduce_sum(outputs ** 2)
        return [outputs] + tape.gradient(loss, lstm.trainable_weights + [sequences])

    for ours_value, keras_value in zip(tf.function(gradients, jit_compile=True)(ours), gradients(keras_lstm)):
        np.testing.assert_allclose(ours_value, keras_value, rtol=1e-4, atol=1e-5)
    assert len(calls) == 2  # traced once, through two loops
