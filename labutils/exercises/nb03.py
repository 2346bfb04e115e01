"""Checkers for notebook 03's exercises. Each recomputes the right answer from the model the cell passes in."""

from __future__ import annotations

from . import NotYet, as_number, exercise


def _sizes(model):
    """(vocabulary, embedding size, recurrent units, dense units, maxlen) of the practical's model."""
    embedding, recurrent, dense = model.layers
    return embedding.input_dim, embedding.output_dim, recurrent.units, dense.units, model.input_shape[1]


def _pair(answer, what: str):
    """The answer as a pair (two items), or NotYet saying what is expected."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise NotYet(f"Expected a pair: {what}.")
    return answer


@exercise("03-1", answer_name="gru_parameters",
          hint="A GRU has 3 blocks (the update and reset gates and the candidate), each with an input matrix "
               "(inputs x units), a recurrent matrix (units x units) and, in Keras' default, two bias vectors of length "
               "units.",
          solution="""gru_parameters = 3 * (EMBEDDING_DIM * LSTM_UNITS + LSTM_UNITS * LSTM_UNITS + 2 * LSTM_UNITS)
gru_model = keras.Sequential([
    keras.Input(shape=(MAXLEN,)),
    keras.layers.Embedding(input_dim=NUM_WORDS, output_dim=EMBEDDING_DIM),
    keras.layers.GRU(LSTM_UNITS, dropout=DROPOUT, recurrent_dropout=RECURRENT_DROPOUT),
    keras.layers.Dense(1, activation="sigmoid"),
])
gru_model.summary()
assert gru_model.layers[1].count_params() == gru_parameters""",
          explanation="""3 x (128 x 128 + 128 x 128 + 2 x 128) = 99,072 parameters, against the LSTM's 131,584: a quarter fewer, since a
GRU has three blocks instead of four (the second bias adds only 384). The embedding and the Dense layer do not
change, so the whole model has 1,379,201. Keras' GRU keeps a separate bias for the recurrent part of each block
(reset_after=True, the form cuDNN's fast kernel uses); with reset_after=False it would have 98,688.""")
def _gru_parameters(answer, *, model):
    import keras

    _, inputs, units, dense_units, _ = _sizes(model)
    gru = keras.layers.GRU(units)
    gru.build((None, None, inputs))
    truth = gru.count_params()
    value = as_number(answer, "a whole number")
    if value == truth:
        return
    if value == 3 * (inputs * units + units * units + units):
        raise NotYet("That is 3 blocks with one bias each: Keras' GRU has a second bias per block by default.")
    if value == 4 * (inputs * units + units * units + units):
        raise NotYet("That is the LSTM's count (4 blocks). A GRU has 3.")
    if value == truth + model.count_params() - model.layers[1].count_params():
        raise NotYet("That is the whole model. The question asks for the GRU layer alone.")
    if value == truth / 3:
        raise NotYet("That is one block. How many blocks does a GRU have?")
    raise NotYet("Count per block: inputs x units + units x units + 2 x units, then multiply by the blocks.")


@exercise("03-2", answer_name="dim64_counts",
          hint="Only the embedding size d changes. The embedding has one row of d numbers per word; in the LSTM "
               "formula 4 (d n + n^2 + n), d is the input size and n = LSTM_UNITS stays as it is.",
          solution="""dim64_counts = (NUM_WORDS * 64, 4 * (64 * LSTM_UNITS + LSTM_UNITS * LSTM_UNITS + LSTM_UNITS))
small_model = keras.Sequential([
    keras.Input(shape=(MAXLEN,)),
    keras.layers.Embedding(input_dim=NUM_WORDS, output_dim=64),
    keras.layers.LSTM(LSTM_UNITS, dropout=DROPOUT, recurrent_dropout=RECURRENT_DROPOUT),
    keras.layers.Dense(1, activation="sigmoid"),
])
small_model.summary()
assert dim64_counts == (small_model.layers[0].count_params(), small_model.layers[1].count_params())""",
          explanation="""The embedding halves, from 1,280,000 to 640,000 (10,000 rows of 64). The LSTM goes from 131,584 to 98,816: only
its input matrices shrink (64 x 128 instead of 128 x 128 per block); the recurrent matrices and biases depend on
the 128 units alone. So halving the word vectors cuts the embedding by half but the LSTM by only a quarter.""")
def _dim64_counts(answer, *, model):
    vocabulary, _, units, _, _ = _sizes(model)
    dim = 64
    truth = (vocabulary * dim, 4 * (dim * units + units * units + units))
    embedding, lstm = (as_number(item, "a whole number") for item in
                       _pair(answer, "(embedding parameters, LSTM parameters)"))
    if (embedding, lstm) == truth:
        return
    if (lstm, embedding) == truth:
        raise NotYet("The two numbers are the wrong way round: embedding first, then LSTM.")
    if embedding != truth[0]:
        raise NotYet("The embedding count is not right: one row of EMBEDDING_DIM numbers for each of the NUM_WORDS "
                     "word ids.")
    if lstm == model.layers[1].count_params():
        raise NotYet("The LSTM count does change: its input matrices read the word vectors, so their size depends "
                     "on the embedding size.")
    if lstm == 4 * (dim * dim + dim * dim + dim):
        raise NotYet("Only the input size becomes 64: the LSTM still has LSTM_UNITS units.")
    raise NotYet("The LSTM count is not right: 4 (d n + n^2 + n) with d the new embedding size and n the units.")


@exercise("03-3", answer_name="sequence_model_shapes",
          hint="Build the model again with return_sequences=True in the LSTM and read the Output Shape column of "
               "its summary() (or each layer's .output.shape). Write None for the batch size.",
          solution="""sequence_model = keras.Sequential([
    keras.Input(shape=(MAXLEN,)),
    keras.layers.Embedding(input_dim=NUM_WORDS, output_dim=EMBEDDING_DIM),
    keras.layers.LSTM(LSTM_UNITS, dropout=DROPOUT, recurrent_dropout=RECURRENT_DROPOUT, return_sequences=True),
    keras.layers.Dense(1, activation="sigmoid"),
])
sequence_model.summary()
sequence_model_shapes = (sequence_model.layers[1].output.shape, sequence_model.layers[2].output.shape)""",
          explanation="""The LSTM now returns its hidden state at every step, (None, 200, 128), instead of only the last one, (None, 128).
A Dense layer works on the last axis only and applies the same weights to every position of the others, so it
now gives one probability per word, (None, 200, 1), not one per review. To classify reviews, a layer must first
turn the sequence into one vector (keep the last step, or pool over the steps, e.g. GlobalMaxPooling1D);
return_sequences=True is what a second, stacked LSTM layer needs as its input.""")
def _sequence_shapes(answer, *, model):
    _, _, units, dense_units, maxlen = _sizes(model)
    truth = ((None, maxlen, units), (None, maxlen, dense_units))
    what = "(the LSTM's output shape, the Dense layer's output shape), each a tuple such as (None, 10, 20)"
    given = []
    for shape in _pair(answer, what):
        if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
            raise NotYet(f"Expected a pair of shapes: {what}.")
        given.append(tuple(None if size is None else int(as_number(size, "a size or None")) for size in shape))
    lstm, dense = given
    if (lstm, dense) == truth:
        return
    if lstm == (None, units):
        raise NotYet("That is the LSTM's shape without return_sequences: it now returns a hidden state for every step.")
    if lstm == truth[0][1:] or dense == truth[1][1:]:
        raise NotYet("Keep the batch size as the first entry, written None.")
    if lstm == (None, units, maxlen):
        raise NotYet("The steps come before the units: (batch, steps, units).")
    if lstm != truth[0]:
        raise NotYet("The LSTM's shape is not right: (batch, steps, units) with the steps of one padded review.")
    if dense == (None, dense_units):
        raise NotYet("The LSTM's shape is right, but the Dense layer's output is no longer one number per review: "
                     "it acts on the last axis only, at every position of the others.")
    raise NotYet("The LSTM's shape is right; the Dense layer changes only the last axis (to its number of units).")
