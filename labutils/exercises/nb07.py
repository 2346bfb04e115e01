"""Checkers for notebook 07's exercises. Each recomputes the right answer from what the cell passes in: the
review's ids, the notebook's read_reviews (the NumPy LSTM with the trained weights) or the model itself."""

from __future__ import annotations

from . import NotYet, as_number, exercise, pad_like_keras


def _running(read, token_ids):
    """The running P(positive) after every id of one review, from the notebook's read_reviews."""
    import numpy as np

    return read(np.asarray(token_ids, dtype=np.int64)[None, :])[1][0]


def _last(sequence, token) -> int:
    """The index of the last ``token`` in ``sequence``."""
    sequence = [int(t) for t in sequence]
    return len(sequence) - 1 - sequence[::-1].index(int(token))


@exercise("07-1", answer_name="verdict_change_after_but",
          hint="Prepare my_ids the way the lesson prepares every review before the model reads it, get the running "
               "verdict as section 4 does, and compare the verdict at the end with the verdict just before the last "
               "'but'.",
          solution="""my_padded = keras.utils.pad_sequences([my_ids], maxlen=MAXLEN)
my_trace, my_running = read_reviews(my_padded)
my_but_step = MAXLEN - 1 - list(my_padded[0])[::-1].index(BUT_ID)
verdict_change_after_but = my_running[0, -1] - my_running[0, my_but_step - 1]
real = slice(MAXLEN - len(my_ids), MAXLEN)
plot_gates_by_word([id_to_word.get(token, "<oov>") for token in my_padded[0, real]], my_running[0, real],
                   {"forget gate f": my_trace.forget[0, real][:, strongest_units],
                    "input gate i": my_trace.input[0, real][:, strongest_units],
                    "cell state C": my_trace.cell[0, real][:, strongest_units]},
                   unit_labels=strongest_units, title="My review: the gates word by word")""",
          explanation="""A positive change means the words after "but" pushed the verdict towards positive, a negative one towards
negative; whether it crosses 0.5 is the turn you wrote. If the model follows your turn to praise, the verdict ends
higher than it stood before "but", and the figure shows at which words it moves. This is one review: it shows what
the model did here, not what it does in general. Section 6 measures something else, over 300 reviews: how far the
verdict moves in the three words after "but" against the three words after any other word, and in how many reviews
it moves more. It says where the gates sit on "but", not what makes a review turn, so it neither confirms nor
refutes your review. With the smoke profile's barely trained model the change is small and may go either way. The
padding matters: the model only ever saw reviews of MAXLEN ids, short ones with zeros in front, and the NumPy LSTM
reads those zeros too. So the verdict on the unpadded ids is not the model's.""")
def _verdict_change_after_but(answer, *, token_ids, read, maxlen, but_id):
    token_ids = [int(token) for token in token_ids]
    value = as_number(answer)
    padded = pad_like_keras(token_ids, maxlen)
    if int(but_id) not in padded.tolist():
        raise NotYet("Your review has no 'but' among the ids the model reads: write one that turns at 'but' "
                     "(in lower or upper case, as a word of its own).")
    step = _last(padded, but_id)
    if step == 0:
        raise NotYet("Put at least one word before 'but', so there is a verdict before it to compare with.")
    running = _running(read, padded)
    truth = running[-1] - running[step - 1]
    if abs(value - truth) <= 1e-6:
        return
    if abs(value + truth) <= 1e-6:
        raise NotYet("The sign is reversed: take the verdict at the end minus the verdict before 'but'.")
    if abs(value - (running[-1] - running[step])) <= 1e-6:
        raise NotYet("That starts from the verdict after 'but' itself. Start from the word before it.")
    if len(token_ids) < maxlen:
        unpadded = _running(read, token_ids)
        unpadded_step = _last(token_ids, but_id)
        if unpadded_step > 0 and abs(value - (unpadded[-1] - unpadded[unpadded_step - 1])) <= 1e-6:
            raise NotYet("That is read without the padding. The model only sees reviews padded to MAXLEN: pad my_ids "
                         "first, then find 'but' in the padded row.")
    raise NotYet("Not the change this review gives. Pad my_ids to MAXLEN, run read_reviews, and compare the last "
                 "step with the step just before the last 'but'.")


def _halves(review, but_id):
    """A review's ids split around its last 'but': (start, before, after), start being [1] or []."""
    review = [int(token) for token in review]
    start, body = (review[:1], review[1:]) if review and review[0] == 1 else ([], review)
    at = _last(body, but_id)
    return start, body[:at], body[at + 1:]


@exercise("07-2", answer_name="swapped_probability",
          hint="Split list(x_test[swap_index]) at its last 'but' (index BUT_ID): the start id, the words before, the "
               "words after. Join start + after + [BUT_ID] + before, pad it to MAXLEN and ask model.predict.",
          solution="""swap_review = list(x_test[swap_index])
swap_at = len(swap_review) - 1 - swap_review[::-1].index(BUT_ID)
swapped_ids = swap_review[:1] + swap_review[swap_at + 1:] + [BUT_ID] + swap_review[1:swap_at]
swapped_probability = model.predict(keras.utils.pad_sequences([swapped_ids], maxlen=MAXLEN), verbose=0)[0, 0]
original_probability = model.predict(x_test_padded[swap_index:swap_index + 1], verbose=0)[0, 0]
print(f"original {original_probability:.3f}, halves swapped {swapped_probability:.3f}")
print(" ".join(id_to_word.get(token, "<oov>") for token in swapped_ids[1:]))""",
          explanation="""Compare the two verdicts. If the swapped review now leans the way of the part that comes last (what was the
first half), the model weighed the end of this review more than its beginning. One reading, a hypothesis this
exercise does not test: what the model read last is freshest in the hidden state, and older evidence has passed
through more forget gates. If the verdict hardly changes, the order of the two halves did not matter for this
review. One review can show either, so try several of section 4's reviews before you describe a pattern.""")
def _swapped_probability(answer, *, review, model, maxlen, but_id):
    import numpy as np

    value = as_number(answer, "a number (the model's P(positive))")
    if int(but_id) not in [int(token) for token in review]:
        raise NotYet("This review has no 'but': pick one of section 4's reviews.")
    start, before, after = _halves(review, but_id)
    variants = [start + after + [int(but_id)] + before,   # the answer
                start + [int(but_id)] + after + before,   # 'but' moved with the part after it
                start + after + before,                   # 'but' dropped
                start + before + [int(but_id)] + after]   # the review as it was
    truth, but_first, no_but, original = model.predict(np.stack([pad_like_keras(v, maxlen) for v in variants]), verbose=0)[:, 0]
    tolerance = 1e-4  # model.predict or the NumPy LSTM both pass
    if abs(value - truth) <= tolerance:
        return
    if abs(value - original) <= tolerance:
        raise NotYet("That is the verdict on the review as it was. Swap the parts before and after 'but'.")
    if abs(value - but_first) <= tolerance:
        raise NotYet("Keep 'but' between the two parts, as a sentence would: start, the part after it, 'but', the "
                     "part before it.")
    if abs(value - no_but) <= tolerance:
        raise NotYet("'but' went missing: keep it between the two parts.")
    raise NotYet("Not the verdict on the swapped review. Keep the start id first, then the words after the last "
                 "'but', then 'but', then the words before it; pad to MAXLEN as usual.")


def _final_states(read, token_ids, unit):
    """The cell state and hidden state of ``unit`` after the last step, for every review (in batches of 100)."""
    import numpy as np

    cells, hiddens = [], []
    for start in range(0, len(token_ids), 100):
        trace = read(np.asarray(token_ids[start:start + 100]))[0]
        cells.append(trace.cell[:, -1, unit])
        hiddens.append(trace.hidden[:, -1, unit])
    return np.concatenate(cells), np.concatenate(hiddens)


@exercise("07-3", answer_name="unit_label_correlation",
          hint="Read the candidate reviews as section 4 does (in batches), keep unit UNIT's cell state after each "
               "review's last word, and measure how strongly it goes with the reviews' labels (a correlation).",
          solution="""final_cell = np.concatenate([read_reviews(x_test_padded[candidate_indices[start:start + 100]])[0].cell[:, -1, UNIT]
                             for start in range(0, len(candidate_indices), 100)])
candidate_labels = y_test[candidate_indices]
unit_label_correlation = np.corrcoef(final_cell, candidate_labels)[0, 1]
plt.figure(figsize=(6, 3))
plt.hist([final_cell[candidate_labels == 0], final_cell[candidate_labels == 1]], bins=30, label=["negative", "positive"])
plt.xlabel(f"cell state of unit {UNIT} after the last word")
plt.ylabel("reviews")
plt.legend()
plt.show()
print(f"unit {UNIT}: correlation {unit_label_correlation:+.3f}, Dense weight {dense_kernel[UNIT, 0]:+.3f}")""",
          explanation="""A unit whose final cell state separates the labels (a correlation far from 0, two histograms that barely
overlap) behaves like a "sentiment unit": its memory ends high for one kind of review and low for the other. A
correlation near 0 means this unit alone does not carry the sentiment, and may track something else (length, a
topic, a construction). Compare the sign with the unit's Dense weight too: since H = o * tanh(C) has the sign of C,
you might expect a unit with a positive weight to end positive on positive reviews. It need not: the Dense layer
weighs all 128 units together, and a unit whose state leans against its weight can be correcting what other,
correlated units say. One unit is part of a distributed code, not a switch. With the smoke profile's barely
trained model expect weak correlations.""")
def _unit_label_correlation(answer, *, read, token_ids, labels, unit):
    import numpy as np

    value = as_number(answer, "a number (a correlation)")
    if not -1.0 <= value <= 1.0:
        raise NotYet("A correlation lies between -1 and 1: np.corrcoef returns a 2 x 2 matrix, take one of its "
                     "off-diagonal entries.")
    labels = np.asarray(labels, dtype=float).ravel()
    final_cell, final_hidden = _final_states(read, token_ids, int(unit))
    truth = float(np.corrcoef(final_cell, labels)[0, 1])
    if abs(value - truth) <= 1e-6:
        return
    if abs(value + truth) <= 1e-6:
        raise NotYet("The sign is reversed: correlate the cell state with the labels as they are (1 = positive).")
    if abs(value - float(np.corrcoef(final_hidden, labels)[0, 1])) <= 1e-6:
        raise NotYet("That is the hidden state H. The exercise asks for the cell state C (trace.cell).")
    raise NotYet("Not the correlation of UNIT's cell state after the last step with the labels. Take "
                 "trace.cell[:, -1, UNIT] over the 300 candidate reviews, in candidate_indices' order.")


@exercise("07-4", answer_name="beginning_probability",
          hint="pad_sequences has two arguments for its two jobs: padding says where the zeros go, truncating which end "
               "of a long review is cut. Cut the other end this time, keep the start id, and ask model.predict.",
          solution="""long_review = np.array(x_test[long_index])
beginning_padded = keras.utils.pad_sequences([long_review], maxlen=MAXLEN, truncating="post")
beginning_probability = model.predict(beginning_padded, verbose=0)[0, 0]
model_probability = model.predict(x_test_padded[long_index:long_index + 1], verbose=0)[0, 0]
whole_probability = read_reviews(long_review[None, :])[1][0, -1]  # the NumPy LSTM reads any number of steps
never_seen = [id_to_word.get(token, "<oov>") for token in long_review[1:len(long_review) - MAXLEN]]
print(f"{len(long_review)} ids, label {'positive' if y_test[long_index] else 'negative'}; P(positive) on the last "
      f"{MAXLEN} ids {model_probability:.3f}, on the first {MAXLEN} {beginning_probability:.3f}, on all of them "
      f"{whole_probability:.3f}")
print(f"{len(never_seen)} words the model never saw, starting:", " ".join(never_seen[:60]), "...")

# One review is one example: compare the whole review with its last MAXLEN ids on 20 long reviews
long_indices = [i for i, review in enumerate(x_test) if len(review) > 2 * MAXLEN][:20]
on_whole = np.array([read_reviews(np.array(x_test[i])[None, :])[1][0, -1] for i in long_indices])
on_last_part = read_reviews(x_test_padded[long_indices])[1][:, -1]
same_side = int(((on_whole > 0.5) == (on_last_part > 0.5)).sum())
print(f"{len(long_indices)} long reviews: whole review and last {MAXLEN} ids on the same side of 0.5 in {same_side}; "
      f"median gap between the two verdicts {np.median(np.abs(on_whole - on_last_part)):.3f}")""",
          explanation="""Pre-truncation keeps a review's last 200 ids, so the model never saw the first len(review) - 200; for a review of
more than 400 ids the first 200 are all unseen words. When the verdict on them falls on the other side of 0.5 from
the model's, the cut words alone pointed the other way, so they could have changed the answer. The solution also
lets the NumPy LSTM read every id, first of this review, then of 20 long reviews. It prints in how many of those the
whole review and its last 200 ids fall on the same side of 0.5, and the median gap between the two verdicts. Read
your own figures: if they agree on almost all and the gap is small, reading the beginning hardly changed this
model's answers; if not, it did. One hypothesis for a small gap, not tested here: by the end of a long review the
forget gates have let most of the older evidence go. Two limits: 20 reviews are a small sample, and the model was
trained on 200 ids, so reading a longer review is something it never did in training. A model trained with a
longer MAXLEN is another model, which this exercise does not train. With the smoke profile's barely trained model,
expect little either way.""")
def _beginning_probability(answer, *, review, model, maxlen):
    import numpy as np

    value = as_number(answer, "a number (the model's P(positive))")
    review = [int(token) for token in review]
    if len(review) <= maxlen:
        raise NotYet("This review fits in MAXLEN ids, so nothing was cut off: pick one longer than MAXLEN.")
    beginning = np.array(review[:maxlen], dtype=np.int32)
    end = pad_like_keras(review, maxlen)
    without_start = np.array(review[1:maxlen + 1], dtype=np.int32)
    truth, read_part, no_start = model.predict(np.stack([beginning, end, without_start]), verbose=0)[:, 0]
    if abs(value - truth) <= 1e-4:  # model.predict or the NumPy LSTM both pass
        return
    if not 0.0 <= value <= 1.0:
        raise NotYet("model.predict returns a probability between 0 and 1; pass that number.")
    if abs(value - read_part) <= 1e-4:
        raise NotYet("That is the verdict on the last MAXLEN ids, the part the model did read. Did you set padding= "
                     "where truncating= was meant?")
    if abs(value - no_start) <= 1e-4:
        raise NotYet("Keep the start id: the review begins with it, as every review the model trained on did.")
    raise NotYet("Not the verdict on the review's first MAXLEN ids. Pad it with truncating=\"post\" and use "
                 "model.predict.")
