"""An LSTM read beside naive-Bayes-weighted word and word-pair presence, trained as one model (issue 37).

A recipe of ``lstm_recipes.py``, not a lesson. The model has two inputs and one score from each:

* **the LSTM branch** is the lab's *best* recipe (or *best-pairs*, with ``word_pairs``): the review's word ids (the
  10,000 most frequent words, up to 800), an embedding, a convolution over 5-word windows pooled in pairs, a
  bidirectional LSTM max-pooled over the review, then ``Dense(1)``: one score;
* **the bag branch** is what NBSVM (Wang & Manning 2012) reads: which words and word pairs occur in the review
  (every word, every pair seen in the training reviews), each present feature ``g`` scaled by its naive-Bayes
  log-count ratio ``r_g`` (computed from the training reviews only, fixed), times a weight ``w_g`` that is learned:
  the score is ``b + sum over present g of r_g * w_g``. That is NBSVM's linear model (``w`` its coefficients, ``b``
  its intercept), learned here by the same optimizer as the LSTM, with an L2 penalty on ``w``.

Two ways to train them: one loss on the sum of the two scores (the LSTM then learns what the bag misses), or
(``own_losses``) a loss for each branch's own score, the answer then ``mix * LSTM score + (1 - mix) * bag score``
with ``mix`` a setting chosen on validation (``choose_mix``). Whether the LSTM adds anything is measured, not
assumed: the recipe ``nb-bag`` is the bag branch alone, trained the same way. Measured (benchmarks/RESULTS.md,
fourth round): ``nb-best-pairs`` beat NBSVM, but tied with the bag alone at Adam 0.003 (``nb-bag-adam-0.003``);
``nb-best-pairs-bag-0.003``, its bag learning at that rate too, scored about 0.3 points over either (a run decided
after those test scores: a second look at the test set).

Batches group reviews of similar length (``labutils.batching.LengthBatches`` plans them); each batch carries its
reviews' word ids and their feature ids, each padded with 0 only as far as the batch needs (feature 0 has ratio 0).
"""

from __future__ import annotations

import numpy as np


def bag_features(train_reviews, train_labels, other_splits, alpha: float = 1.0):
    """Feature ids per review (1-based; 0 pads) for words and word pairs, and the ratio of each id (index 0: 0.0).

    The features and their ratios come from the training reviews alone (``CountVectorizer`` with every word and
    pair seen there, presence only); a word or pair seen only outside them is dropped, as NBSVM drops it.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    def as_text(reviews):
        return [" ".join(map(str, review)) for review in reviews]

    vectorizer = CountVectorizer(ngram_range=(1, 2), min_df=1, binary=True, token_pattern=r"\S+", dtype=np.float32)
    x_train = vectorizer.fit_transform(as_text(train_reviews))
    ratios = naive_bayes_ratios(x_train, train_labels, alpha)

    def ids(matrix):
        matrix = matrix.tocsr()
        return [matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]].astype(np.int32) + 1
                for i in range(matrix.shape[0])]

    splits = [ids(x_train)] + [ids(vectorizer.transform(as_text(reviews))) for reviews in other_splits]
    return splits, np.concatenate([[0.0], ratios]).astype(np.float32)


def naive_bayes_ratios(x, labels, alpha: float):
    """Wang & Manning's log-count ratio per feature: log((p / |p|_1) / (q / |q|_1)), p and q the feature's smoothed
    counts in the positive and the negative training reviews (also NBSVM's, in lstm_recipes.py)."""
    labels = np.asarray(labels)
    positive = alpha + np.asarray(x[labels == 1].sum(axis=0)).ravel()
    negative = alpha + np.asarray(x[labels == 0].sum(axis=0)).ravel()
    return np.log((positive / positive.sum()) / (negative / negative.sum()))


def two_input_dataset(word_reviews, bag_ids, labels, batch_size: int, maxlen: int, shuffle: bool, seed: int):
    """A ``tf.data.Dataset`` of ``((words, features), labels)`` batches, grouped by length, replanned every epoch."""
    import keras
    import tensorflow as tf

    from labutils.batching import LengthBatches

    plan = LengthBatches(word_reviews, labels, batch_size, maxlen, shuffle=shuffle, seed=seed)

    def batches():
        for index in range(len(plan)):
            words, y = plan[index]
            chosen = plan.batches[index]
            features = keras.utils.pad_sequences([bag_ids[i] for i in chosen], padding="post", dtype="int32")
            yield (words.astype(np.int32), features), y.astype(np.float32)
        plan.on_epoch_end()

    signature = ((tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None, None), tf.int32)),
                 tf.TensorSpec((None,), tf.float32))
    dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(len(plan))).prefetch(2)


def _sum_and_bias():
    import keras
    from keras import ops

    class SumAndBias(keras.layers.Layer):
        """Sum over the review's features, plus one learned bias (NBSVM's intercept)."""

        def build(self, input_shape):
            self.bias = self.add_weight(shape=(1,), initializer="zeros", name="bias")

        def call(self, scaled):
            return ops.sum(scaled, axis=1) + self.bias

    return SumAndBias


def _mix():
    import keras

    class Mix(keras.layers.Layer):
        """mix * first score + (1 - mix) * second score; mix is set, not trained."""

        def build(self, input_shape):
            self.mix = self.add_weight(shape=(), initializer=keras.initializers.Constant(0.5), trainable=False,
                                       name="mix")

        def call(self, scores):
            return self.mix * scores[0] + (1.0 - self.mix) * scores[1]

    return Mix


def choose_mix(model, validation_data, weights) -> tuple[float, float]:
    """Set the model's mix to the weight with the best validation accuracy (ties: the first); (weight, accuracy).

    ``validation_data``: the dataset of ``two_input_dataset`` (its batches come in length order: the labels are
    read from it, not from the reviews' list)."""
    logits = model.predict(validation_data, verbose=0)
    truth = np.concatenate([np.asarray(labels) for _, labels in validation_data]).reshape(-1) > 0.5
    scored = [(float(np.mean(((w * logits[:, 1] + (1 - w) * logits[:, 2]) > 0) == truth)), -i, w)
              for i, w in enumerate(weights)]
    accuracy, _, weight = max(scored)
    model.get_layer("mix").mix.assign(weight)
    return weight, round(accuracy, 4)


def build(recipe: dict, ratios: np.ndarray, num_words: int, embedding=None):
    """The two-branch model (``recipe["lstm"]`` False: the bag branch alone), compiled with Adam.

    ``embedding``: the LSTM branch's embedding layer (default: one for ``num_words`` words; *best-pairs*' word and
    word-pair embedding when the recipe has ``word_pairs``)."""
    import keras
    from keras import layers

    SumAndBias = _sum_and_bias()
    ignored = {key: recipe.get(key) for key in ("recurrent_dropout", "layer", "embedding_dropout", "dense_hidden")
               if recipe.get(key)}
    if ignored or recipe.get("stacked", 1) != 1 or not recipe.get("bidirectional", True):
        raise ValueError(f"nb_lstm.build builds best's LSTM only; it would ignore {ignored or 'stacked/bidirectional'}")
    keras.utils.set_random_seed(recipe["seed"])
    words = keras.Input(shape=(None,), dtype="int32", name="words")
    features = keras.Input(shape=(None,), dtype="int32", name="features")
    scores = []
    if recipe.get("lstm", True):
        x = (embedding or layers.Embedding(num_words, recipe["embedding_dim"]))(words)
        x = layers.Conv1D(recipe["conv_filters"], recipe["conv_width"], padding="same", activation="relu")(x)
        x = layers.MaxPooling1D(2, padding="same")(x)
        x = layers.Bidirectional(layers.LSTM(recipe["lstm_units"], dropout=recipe["dropout"],
                                             return_sequences=True))(x)
        x = layers.GlobalMaxPooling1D()(x)
        scores.append(layers.Dense(1, name="lstm_score")(x))
    # bag_rate_factor k: the bag learns k times as fast as the LSTM under one Adam. Its weights and bias are stored
    # divided by k and multiplied by k in the score; Adam's step does not depend on the gradient's scale, so each
    # stored value moves as far as before and the bag's real weights k times as far: Adam at k x the learning rate
    # (and the same halving) for the bag alone. The L2 penalty is kept on the real weights (k^2 on the stored ones).
    factor = float(recipe.get("bag_rate_factor", 1.0))
    ratio = layers.Embedding(len(ratios), 1, trainable=False, name="nb_ratio",
                             embeddings_initializer=keras.initializers.Constant(ratios.reshape(-1, 1)))(features)
    weight = layers.Embedding(len(ratios), 1, name="nb_weight",
                              embeddings_initializer=keras.initializers.Constant(recipe["bag_init"] / factor),
                              embeddings_regularizer=keras.regularizers.L2(recipe["bag_l2"] * factor ** 2))(features)
    scaled = layers.Multiply()([ratio, weight])
    if recipe.get("bag_dropout"):
        scaled = layers.Dropout(recipe["bag_dropout"])(scaled)
    if factor == 1.0:
        scores.append(SumAndBias(name="bag_score")(scaled))
    else:
        scores.append(layers.Rescaling(factor, name="bag_score")(SumAndBias(name="bag_stored")(scaled)))
    if len(scores) == 1 or not recipe.get("own_losses"):
        total = scores[0] if len(scores) == 1 else layers.Add()(scores)
        model = keras.Model([words, features], layers.Activation("sigmoid")(total))
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(recipe["learning_rate"]),
                      metrics=["accuracy"], jit_compile=recipe.get("jit_compile", False))
        return model
    # own_losses: each branch is trained on its own score (a loss each, added), so neither leans on the other; the
    # model's answer is the sign of mix * LSTM score + (1 - mix) * bag score, mix a setting (not trained: 0.5 adds
    # the two scores; lstm_recipes.py chooses it on validation when the recipe lists mix_weights). Its output:
    # [the answer's score, LSTM score, bag score], as logits.
    model = keras.Model([words, features], layers.Concatenate()([_mix()(name="mix")(scores)] + scores))
    model.compile(loss=branch_losses, optimizer=keras.optimizers.Adam(recipe["learning_rate"]),
                  metrics=[answer_accuracy], jit_compile=recipe.get("jit_compile", False))
    return model


def branch_losses(y_true, logits):
    """Each branch's binary cross-entropy on its own score, added (the sum's column is not trained)."""
    from keras import ops

    y = ops.reshape(ops.cast(y_true, logits.dtype), (-1, 1))
    each = ops.maximum(logits, 0) - logits * y + ops.log1p(ops.exp(-ops.abs(logits)))  # BCE from logits
    return ops.sum(each[:, 1:], axis=1)


def answer_accuracy(y_true, logits):
    """The model's answer: positive when its first column, the mixed score, is above 0."""
    from keras import ops

    return ops.cast(ops.equal(ops.cast(logits[:, 0] > 0, "float32"), ops.cast(ops.reshape(y_true, (-1,)), "float32")),
                    "float32")
