"""labutils.scratch (the NumPy LSTM) and labutils.plots."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from labutils import lstm_forward, lstm_step, plot_gates_by_word, plot_learning_curves, plot_length_histogram, sigmoid


def random_lstm(units, features, seed):
    layer = keras.layers.LSTM(units, return_sequences=True)
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
    return layer


@pytest.mark.parametrize("units,features,steps", [(1, 1, 1), (5, 3, 9), (16, 8, 30)])
def test_lstm_forward_matches_keras(units, features, steps):
    layer = random_lstm(units, features, seed=units)
    inputs = np.random.default_rng(0).normal(size=(3, steps, features)).astype("float32")
    expected = keras.ops.convert_to_numpy(layer(inputs))
    trace = lstm_forward(inputs, *layer.get_weights())
    assert np.max(np.abs(trace.hidden - expected)) < 1e-5
    single = lstm_forward(inputs[1], *layer.get_weights())  # (steps, features) without a batch axis
    np.testing.assert_allclose(single.hidden, trace.hidden[1])
    for gate in (trace.forget, trace.input, trace.output):
        assert gate.shape == (3, steps, units) and np.all((gate > 0) & (gate < 1))


def test_lstm_step_follows_the_equations():
    units = 2
    kernel = np.zeros((1, 4 * units))
    recurrent = np.zeros((units, 4 * units))
    bias = np.array([0, 0, 100, 100, 0, 0, 0, 0], dtype=float)  # forget gate wide open, rest 0
    h, c, (f_t, i_t, n_t, o_t) = lstm_step(np.ones((1, 1)), np.zeros((1, units)), np.full((1, units), 3.0),
                                           kernel, recurrent, bias)
    np.testing.assert_allclose(f_t, 1.0)
    np.testing.assert_allclose(i_t, 0.5)
    np.testing.assert_allclose(n_t, 0.0)
    np.testing.assert_allclose(c, 3.0)  # kept, nothing added
    np.testing.assert_allclose(h, 0.5 * np.tanh(3.0))


def test_lstm_forward_rejects_mismatched_weights():
    with pytest.raises(ValueError, match="do not fit"):
        lstm_forward(np.zeros((4, 3)), np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(ValueError, match="steps, features"):
        lstm_forward(np.zeros(4), np.zeros((4, 8)), np.zeros((2, 8)), np.zeros(8))


def test_sigmoid():
    np.testing.assert_allclose(sigmoid(np.array([0.0, 100.0, -100.0])), [0.5, 1.0, 0.0], atol=1e-12)


def test_plot_learning_curves_draws_both_metrics():
    figure = plot_learning_curves({"loss": [0.6, 0.4], "val_loss": [0.5, 0.45], "accuracy": [0.7, 0.8],
                                   "val_accuracy": [0.75, 0.78]})
    assert [axis.get_ylabel() for axis in figure.axes] == ["loss", "accuracy"]
    assert all(len(axis.lines) == 2 for axis in figure.axes)
    plt.close(figure)
    with pytest.raises(ValueError, match="no 'loss'"):
        plot_learning_curves({"accuracy": [0.5]})


def test_plot_length_histogram_marks_the_cutoff():
    figure = plot_length_histogram(np.array([10, 150, 250, 400]), 200)
    assert "50.0% of reviews are longer" in figure.axes[0].get_legend().get_texts()[0].get_text()
    plt.close(figure)
    with pytest.raises(ValueError):
        plot_length_histogram([], 200)


def test_plot_gates_by_word_aligns_words_verdict_and_heatmaps():
    rng = np.random.default_rng(0)
    words = ["a", "dull", "start", "but", "great", "end"]
    figure = plot_gates_by_word(words, rng.random(6), {"forget gate f": rng.random((6, 3)), "cell state C": rng.normal(size=(6, 3))},
                                unit_labels=[7, 8, 9])
    plots = [axis for axis in figure.axes if axis.get_subplotspec().colspan.start == 0]
    assert len(plots) == 3 and [t.get_text() for t in plots[-1].get_xticklabels()] == words
    assert plots[2].images[0].get_cmap().name == "coolwarm" and plots[1].images[0].get_clim() == (0, 1)
    plt.close(figure)
    with pytest.raises(ValueError, match="one per word"):
        plot_gates_by_word(words, np.zeros(5), {})
    with pytest.raises(ValueError, match="expected \\(6, units\\)"):
        plot_gates_by_word(words, np.zeros(6), {"input gate i": np.zeros((5, 3))})
    with pytest.raises(ValueError, match="no words"):
        plot_gates_by_word([], [], {})
