"""Checkers for notebook 02's exercises. Each recomputes the right answer from what the cell passes in."""

from __future__ import annotations

from . import NotYet, as_number, exercise

OOV_ID = 2  # load_data's default oov_char
INDEX_FROM = 3  # load_data's default: a word's id is its rank + 3


def _positive_share(reviews, labels, token_id, weighted: bool = False):
    """(share of positive labels, reviews counted) among the reviews whose list holds ``token_id``; with
    ``weighted``, each review counts as often as it holds the id."""
    import numpy as np

    counts = np.array([list(review).count(token_id) if weighted else int(token_id in review) for review in reviews])
    if counts.sum() == 0:
        return None, 0
    return float(np.sum(counts * np.asarray(labels)) / counts.sum()), int(np.count_nonzero(counts))


@exercise("02-1", answer_name="share_positive_with_word",
          hint="Section 2's table says how a word's rank in word_index becomes its id in x_train. A review contains "
               "the word when its list holds that id; y_train then says which of those reviews are positive. Count "
               "each review once, however often it uses the word.",
          solution="""token_id = word_index[WORD] + INDEX_FROM
contains_word = np.array([token_id in review for review in x_train])
share_positive_with_word = y_train[contains_word].mean()
print(f"{contains_word.sum():,} training reviews contain {WORD!r} (id {token_id}); "
      f"{share_positive_with_word:.1%} of them are positive")""",
          explanation="""A word's id is its rank in word_index plus INDEX_FROM = 3, and a review contains the word when its list holds that
id. Most training reviews that contain "wonderful" are positive, and most that contain "awful" are negative (set
WORD = "awful" and run the cell again), yet neither share is 1 or 0: a negative review can call one scene
wonderful or say "not wonderful", a positive one can call the first half awful. A single word tilts the odds; the
verdict comes from many words and how they combine, which is what the network has to learn. A word ranked beyond
the vocabulary cannot be looked up this way: load_data stored it as 2, <oov>.""")
def _share_positive_with_word(answer, *, word, word_index, reviews, labels):
    import numpy as np

    if word not in word_index:
        raise NotYet(f"{word!r} is not in the word index (it holds lower-case words without punctuation). Choose "
                     "another WORD.")
    token_id = int(word_index[word]) + INDEX_FROM
    truth, containing = _positive_share(reviews, labels, token_id)
    if truth is None:
        raise NotYet(f"No training review holds the id of {word!r}: a word ranked beyond the vocabulary is stored as "
                     f"{OOV_ID} (<oov>). Choose a more common WORD.")
    value = as_number(answer, "a share between 0 and 1")
    tolerance = max(5e-4, 0.5 / containing)  # room for a share rounded to three decimals
    if abs(value - truth) <= tolerance:
        return
    if abs(value - 100 * truth) <= 100 * tolerance:
        raise NotYet("That looks like a percentage: give the share as a fraction between 0 and 1.")
    if abs(value - containing) < 0.5:
        raise NotYet("That is how many reviews contain the word. What share of them is positive?")
    labels = np.asarray(labels)
    if abs(value - (1 - truth)) <= tolerance:
        raise NotYet("That is the share of negative reviews among them: label 1 is positive.")
    if abs(value - containing / len(labels)) <= 0.5 / len(labels):
        raise NotYet("That is the share of all training reviews that contain the word. What share of those "
                     "reviews is positive?")
    if abs(value - truth * containing / len(labels)) <= 0.5 / len(labels):
        raise NotYet("That divides by all the training reviews. Divide by the reviews that contain the word.")
    rank_only, _ = _positive_share(reviews, labels, token_id - INDEX_FROM)
    if rank_only is not None and abs(value - rank_only) <= tolerance:
        raise NotYet("That is the share for another word: in x_train a word's id is not its rank itself (section "
                     "2's table).")
    weighted, _ = _positive_share(reviews, labels, token_id, weighted=True)
    if abs(value - weighted) <= tolerance:
        raise NotYet("That counts every occurrence of the word. Count each review once, however often it uses "
                     "the word.")
    raise NotYet(f"Not the share of positive reviews among the training reviews that contain {word!r}. Check the "
                 "word's id (section 2's table) and count each review once.")


@exercise("02-2", answer_name="oov_share_2000",
          hint="Load the data again, this time keeping only the 2,000 most frequent ids, and look at the first training "
               "review of that load: which id stands for a word outside the vocabulary, and what share of all the "
               "review's tokens is it (a fraction between 0 and 1)?",
          solution="""(x_train_2000, _), _ = keras.datasets.imdb.load_data(num_words=2000)
oov_share_2000 = np.mean(np.array(x_train_2000[0]) == 2)""",
          explanation="""About one token in ten (21 of the first review's 218) becomes <oov> with num_words=2000, against about one in
forty (6 tokens) with num_words=10000. Every word whose id is 2,000 or more is replaced by 2, so the review keeps
its common words (the, and, film, bad) and loses the rarer, often more telling ones. A smaller vocabulary means a
smaller embedding table (fewer parameters), at the price of more reviews that read like "<oov> acting and a <oov>
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
          hint="A review is kept whole when its length is at most maxlen, so the share kept whole is the share of "
               "train_lengths at or below maxlen. Whatever way you find your maxlen, compute that share for it and for "
               "the maxlen one token shorter.",
          solution="""maxlen_for_90_percent = MAXLEN
while np.mean(train_lengths <= maxlen_for_90_percent) < 0.9:
    maxlen_for_90_percent += 1
print(f"maxlen {maxlen_for_90_percent} keeps {np.mean(train_lengths <= maxlen_for_90_percent):.2%} of the training "
      f"reviews whole; {maxlen_for_90_percent - 1} would keep {np.mean(train_lengths < maxlen_for_90_percent):.2%}")""",
          explanation="""The smallest such maxlen is 467 tokens in this data: one token less keeps a little under 90 % of the training
reviews whole. (np.percentile(train_lengths, 90) gives the same here; with its default interpolation it can fall
between two lengths on other data, so check a percentile against the share itself.) That is more than twice
MAXLEN = 200. An LSTM's work per review grows linearly with the number of steps, so each epoch would need more than
twice the multiply-adds, and one review in ten would still be cut (against more than two in five at 200). The
practical's 200 keeps the median review whole: a compromise between the work per epoch and the text kept.""")
def _maxlen_for_90(answer, *, lengths):
    import numpy as np

    lengths = np.asarray(lengths)
    covers = lambda maxlen: float(np.mean(lengths <= maxlen))  # noqa: E731
    needed = -(-9 * len(lengths) // 10)  # ceil(0.9 n) reviews must fit whole
    smallest = int(np.sort(lengths)[needed - 1])  # the smallest maxlen keeping >= 90 % whole
    value = as_number(answer, "a whole number of tokens")
    if value == smallest:
        return
    if value != int(value):
        raise NotYet("maxlen counts tokens: give a whole number.")
    if value < 100 and covers(value) < 0.05:
        raise NotYet("np.percentile takes percentages from 0 to 100, not fractions: 90, not 0.9.")
    if abs(value - float(np.percentile(lengths, 10))) < 1:
        raise NotYet("That maxlen keeps only the shortest 10 % whole. Which maxlen keeps at least 90 % whole?")
    if value < smallest:
        raise NotYet(f"Too short: with that maxlen only {covers(value):.2%} of the training reviews are kept whole.")
    raise NotYet("That keeps at least 90 % of the training reviews whole, but so does a shorter maxlen: the "
                 "question asks for the smallest.")


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
directly. (A mask, Embedding(mask_zero=True), would let the LSTM skip the padding steps.)""")
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
