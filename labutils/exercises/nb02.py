"""Checkers for notebook 02's exercises. Each recomputes the right answer from what the cell passes in."""

from __future__ import annotations

from . import NotYet, as_number, exercise

OOV_ID = 2  # load_data's default oov_char
LABEL_WORDS = {"0": 0, "negative": 0, "neg": 0, "1": 1, "positive": 1, "pos": 1}


def _label(answer) -> int:
    """A label given as 0/1 (number or string) or as 'negative'/'positive'."""
    if isinstance(answer, bool):
        raise NotYet("Answer with 1 (positive) or 0 (negative), not True or False.")
    text = str(answer).strip().casefold()
    if not isinstance(answer, str):
        try:
            text = str(int(float(answer))) if float(answer) in (0.0, 1.0) else text
        except (TypeError, ValueError):
            pass
    label = LABEL_WORDS.get(text)
    if label is None:
        raise NotYet("Answer with 1 (positive) or 0 (negative).")
    return label


@exercise("02-1", answer_name="last_review_label",
          hint="Read the decoded review (decode_review(x_train[-1])) as a person would: skip the plot summary and "
               "look for the words that judge the film (good, bad, boring, wonderful ...), then ask which way the "
               "review as a whole leans.",
          solution="""last_review_label = 0  # negative: 'hard to watch', 'a really bad choice', 'gruff without style'""",
          explanation="""The last training review is negative (label 0). A fan of the original film finds the remake "hard to watch": the
sets "rob any style", one actress is "a really bad choice", and one performance is "just gruff without style".
Even with a few words shown as <oov>, the judging words are common enough to survive the vocabulary cut, and they
are what the network will learn to rely on.""")
def _last_review(answer, *, actual_label):
    if _label(answer) != int(actual_label):
        raise NotYet("Not the label this review carries. Read the decoded text again: a review may praise the original "
                     "film or an actor and still judge the film it is about. Which way do the judging words lean?")


@exercise("02-2", answer_name="oov_share_2000",
          hint="Load the data again with keras.datasets.imdb.load_data(num_words=2000), take the first training review "
               "of that load as a NumPy array and compute the mean of (review == 2): the share of all its tokens, "
               "as a fraction between 0 and 1.",
          solution="""(x_train_2000, _), _ = keras.datasets.imdb.load_data(num_words=2000)
oov_share_2000 = np.mean(np.array(x_train_2000[0]) == 2)""",
          explanation="""About one token in ten (21 of the first review's 218) becomes <oov> with num_words=2000, against about one in
forty (6 tokens) with num_words=10000. Every word whose id is 2,000 or more is replaced by 2, so the review keeps
its common words (the, and, film, bad) and loses the rarer, often more telling ones. A smaller vocabulary means a
smaller embedding table and faster training, at the price of more reviews that read like "<oov> acting and a <oov>
plot".""")
def _oov_share(answer, *, first_review):
    import numpy as np

    tokens = np.asarray(first_review)
    truth = float(np.mean((tokens >= 2000) | (tokens == OOV_ID)))
    value = as_number(answer, "a share between 0 and 1")
    tolerance = 0.5 / len(tokens)
    if abs(value - truth) <= tolerance:
        return
    if abs(value - 100 * truth) <= 100 * tolerance:
        raise NotYet("That looks like a percentage: give the share as a fraction between 0 and 1.")
    if abs(value - float(np.mean(tokens == OOV_ID))) <= tolerance:
        raise NotYet("That is the share with num_words=10000 (x_train). Load the data again with num_words=2000 and "
                     "count in that review.")
    if abs(value - float(np.mean(tokens >= 2000))) <= tolerance:
        raise NotYet("Close, but words that were already <oov> with 10,000 words stay <oov> with 2,000: count every 2 "
                     "in the review loaded with num_words=2000.")
    if value > 1:
        raise NotYet("A share is a fraction between 0 and 1: the number of 2s divided by the review's length.")
    raise NotYet("Not the share of 2s in the first review of the num_words=2000 load. Divide by the review's own "
                 "length (all its tokens, the start token included), not by MAXLEN.")


@exercise("02-3", answer_name="maxlen_for_90_percent",
          hint="np.percentile takes percentages from 0 to 100. Compute it on train_lengths; a review is kept whole "
               "when its length is at most maxlen.",
          solution="""maxlen_for_90_percent = int(np.ceil(np.percentile(train_lengths, 90)))
print(f"{np.mean(train_lengths <= maxlen_for_90_percent):.1%} of training reviews fit")""",
          explanation="""The 90th percentile of the training lengths, 467 tokens in this data: at most that many tokens keeps 90 % of the
reviews whole. That is more than twice MAXLEN = 200, and an LSTM's time grows linearly with the number of steps,
so each epoch would take more than twice as long, and one review in ten would still be cut (against more than two
in five at 200). The practical's 200 keeps the median review whole: a compromise between speed and text kept.""")
def _maxlen_for_90(answer, *, lengths):
    import numpy as np

    lengths = np.asarray(lengths)
    covers = lambda maxlen: float(np.mean(lengths <= maxlen))  # noqa: E731
    ordered = np.sort(lengths)
    smallest = int(ordered[int(np.ceil(0.9 * len(ordered))) - 1])  # smallest maxlen keeping >= 90 % whole
    largest = max(smallest, int(np.ceil(np.percentile(lengths, 90))))
    value = as_number(answer, "a whole number of tokens")
    if smallest <= value <= largest:
        return
    if value < 100 and covers(value) < 0.05:
        raise NotYet("np.percentile takes percentages from 0 to 100, not fractions: 90, not 0.9.")
    if abs(value - float(np.percentile(lengths, 10))) < 1:
        raise NotYet("That maxlen keeps only the shortest 10 % whole. Which percentile is at or above 90 % of the "
                     "lengths?")
    if value < smallest:
        raise NotYet(f"Too short: with that maxlen only {covers(value):.2%} of the training reviews are kept whole.")
    raise NotYet("Long enough, but not the smallest such maxlen: look for the length below which 90 % of the training "
                 "reviews lie.")


@exercise("02-4", answer_name="share_ending_in_padding",
          hint="Pad x_train again with padding=\"post\" (same maxlen) and look at the last column of the result: "
               "padding is id 0. Compute the mean over all training reviews.",
          solution="""x_train_post = keras.utils.pad_sequences(x_train, maxlen=MAXLEN, padding="post")
share_ending_in_padding = np.mean(x_train_post[:, -1] == 0)""",
          explanation="""About 57 % of the training reviews: every review shorter than 200 tokens ends in zeros when padded at the back
(with the default pre-padding, none do). The classifier reads only the LSTM's last hidden state. With
post-padding, a 100-word review is followed by 100 steps of padding: the LSTM reads the words first, then keeps
updating its state on 100 copies of the padding vector, and whatever it learned about the review must survive all
those steps through the forget gate. With pre-padding the words come last and the final state is built from them
directly. (A mask, Embedding(mask_zero=True), would let the LSTM skip padding and remove the difference.)""")
def _ending_in_padding(answer, *, lengths, maxlen):
    import numpy as np

    lengths = np.asarray(lengths)
    truth = float(np.mean(lengths < maxlen))
    value = as_number(answer, "a share between 0 and 1")
    tolerance = 0.5 / len(lengths)
    if abs(value - truth) <= tolerance:
        return
    if abs(value - 100 * truth) <= 100 * tolerance:
        raise NotYet("That looks like a percentage: give the share as a fraction between 0 and 1.")
    if abs(value) <= tolerance:
        raise NotYet("That is pre-padding (x_train_padded), where every row ends with a word. Pad again with "
                     "padding=\"post\".")
    if abs(value - (1 - truth)) <= tolerance:
        raise NotYet("That is the share whose last position holds a word. Count the rows whose last position is 0.")
    if abs(value - float(np.mean(lengths > maxlen))) <= tolerance:
        raise NotYet("That is the share of reviews that are cut. Which reviews get padding at all?")
    if abs(value - float(np.mean(lengths <= maxlen))) <= tolerance:
        raise NotYet("Nearly: a review of exactly maxlen tokens gets no padding, so its last position is a word.")
    raise NotYet("Not the share of post-padded training rows that end in padding. Use the last column ([:, -1]) "
                 "and all 25,000 rows.")
