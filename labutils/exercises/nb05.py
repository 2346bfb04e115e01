"""Checkers for notebook 05's exercises. Each recomputes the right answer from what the cell passes in: the
model's scores on notebook 4's validation split with their labels, the notebook's own encoder, the model.

The thresholds are chosen on the validation split, never on the test set: the test set is used once."""

from __future__ import annotations

from . import NotYet, as_number, exercise, pad_like_keras

FALSE_POSITIVE_COST = 3  # exercise 4: a bad film recommended costs three times a good film not shown


def _scores_and_labels(scores, labels):
    import numpy as np

    scores, labels = np.asarray(scores, dtype=float).ravel(), np.asarray(labels).ravel().astype(int)
    if scores.shape != labels.shape:
        raise ValueError(f"{scores.size} scores for {labels.size} labels")
    return scores, labels


def _counts_at(threshold, scores, labels):
    """(true positives, false positives, false negatives) when every score >= threshold is called positive."""
    called = scores >= threshold
    positive = labels == 1
    return int((called & positive).sum()), int((called & ~positive).sum()), int((~called & positive).sum())


def _every_threshold(scores, labels):
    """The counts at every distinct threshold, highest first, and at one above every score (nothing called
    positive): arrays of true positives, false positives and false negatives, and the thresholds."""
    import numpy as np

    order = np.argsort(-scores, kind="stable")
    ranked, positive = scores[order], labels[order]
    ends = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])  # the last review of each group of equal scores
    true_positives = np.r_[0, np.cumsum(positive)[ends]]
    called = np.r_[0, ends + 1]
    thresholds = np.r_[np.inf, ranked[ends]]
    return true_positives, called - true_positives, positive.sum() - true_positives, thresholds


def _precision_recall_gap(threshold, scores, labels):
    true_positives, false_positives, false_negatives = _counts_at(threshold, scores, labels)
    precision = true_positives / (true_positives + false_positives) if true_positives + false_positives else 1.0
    recall = true_positives / (true_positives + false_negatives)
    return precision - recall


@exercise("05-1", answer_name="equal_threshold",
          hint="Try many thresholds t: call every review with validation_scores >= t positive, compute precision and "
               "recall on y_validation, and keep the t where they are closest (sklearn's precision_recall_curve "
               "gives both for every threshold at once). Think also about what precision = recall means for the "
               "number of reviews called positive.",
          solution="""from sklearn.metrics import precision_recall_curve

val_precision, val_recall, val_thresholds = precision_recall_curve(y_validation, validation_scores)
equal_threshold = val_thresholds[np.argmin(np.abs(val_precision[:-1] - val_recall[:-1]))]
val_called = validation_scores >= equal_threshold
print(f"threshold {equal_threshold:.3f}: {val_called.sum()} reviews called positive, {y_validation.sum()} are; "
      f"precision {precision_score(y_validation, val_called):.4f}, recall {recall_score(y_validation, val_called):.4f}")""",
          explanation="""Precision is TP / (TP + FP) and recall TP / (TP + FN); they are equal when TP + FP = TP + FN, that is when the
model calls exactly as many reviews positive as there are positive reviews. So the threshold is the score of the
k-th highest-scored validation review, where k is the number of positive reviews among them. If at 0.5 the model
already calls about as many reviews positive as there are, the threshold lies near 0.5; its distance from 0.5 says
which way the model leans (below 0.5 when, at 0.5, it calls too few reviews positive). It is chosen on the
validation split: a threshold tuned on the test set would make the test score an optimistic estimate, because the
test set would then have helped build the classifier.""")
def _equal_threshold(answer, *, scores, labels):
    import numpy as np

    scores, labels = _scores_and_labels(scores, labels)
    threshold = as_number(answer, "a number (a threshold)")
    if not 0.0 <= threshold <= 1.0:
        raise NotYet("The model's scores are probabilities, so a useful threshold lies between 0 and 1.")
    true_positives, false_positives, false_negatives, _ = _every_threshold(scores, labels)
    called = true_positives + false_positives
    precision = np.where(called > 0, true_positives / np.maximum(called, 1), 1.0)
    recall = true_positives / (true_positives + false_negatives)
    smallest_gap = float(np.min(np.abs(precision - recall)))
    gap = _precision_recall_gap(threshold, scores, labels)
    if abs(gap) <= smallest_gap + 0.002:
        return
    if gap > 0:
        raise NotYet("At that threshold precision is still above recall: the model calls too few reviews positive. "
                     "Lower the threshold.")
    raise NotYet("At that threshold recall is above precision: the model calls too many reviews positive. "
                 "Raise the threshold.")


@exercise("05-2", answer_name="ids_cut_off",
          hint="Encode the review with encode_review and count its ids. pad_sequences(maxlen=MAXLEN) keeps MAXLEN of "
               "them; which end does it cut by default (its truncating argument)?",
          solution="""verdict_first_ids = encode_review(verdict_first_review)
ids_cut_off = len(verdict_first_ids) - MAXLEN
padded_row = keras.utils.pad_sequences([verdict_first_ids], maxlen=MAXLEN)
kept_words = decode_review(padded_row[0]).split()
print(f"{len(verdict_first_ids)} ids, the first {ids_cut_off} cut off; the model reads from {' '.join(kept_words[:6])!r} on")
print(f"P(positive) = {model.predict(padded_row, verbose=0)[0, 0]:.3f}")""",
          explanation="""pad_sequences cuts long reviews at the front by default (truncating="pre"), so the model reads only the last 200
ids. The verdict at the very start is among the ids cut off: the model never sees it, and its score comes from the
neutral words alone. It is the same score whatever the opening says (turn VERDICT into its opposite in the
exercise cell and check), and bland text need not score near 0.5: the model may lean either way on words that carry no opinion.
Keeping the end suits reviews that close with their verdict; for reviews that open with theirs, truncating="post"
would suit better, and for long reviews neither is right: the model only ever reads 200 of their ids.""")
def _ids_cut_off(answer, *, review, encode, maxlen):
    token_ids = encode(review)
    value = as_number(answer, "a whole number")
    if len(token_ids) <= maxlen:
        raise NotYet("Your review is short enough to be read whole, so pad_sequences cuts nothing. Add neutral words "
                     "until its encoding is longer than MAXLEN ids.")
    truth = len(token_ids) - maxlen
    if value == truth:
        return
    if value == 0:
        raise NotYet("pad_sequences does cut this review: it is longer than MAXLEN ids.")
    if value in (truth - 1, truth + 1):
        raise NotYet("Off by one: count the ids encode_review returns, with the start id it puts in front.")
    words = review.split()
    if value == len(words) - maxlen:
        raise NotYet("That counts the words of the text. The model reads ids: count what encode_review returns "
                     "(punctuation is dropped, words the index lacks are left out, a start id is added).")
    if value == maxlen:
        raise NotYet("That is how many ids are kept. How many are cut off?")
    raise NotYet("Not the number of ids cut off. Compare the length of encode_review(verdict_first_review) with MAXLEN.")


@exercise("05-3", answer_name="sarcastic_probability",
          hint="Encode the review with encode_review, pad it with pad_sequences(maxlen=MAXLEN) as section 8 does, and "
               "read model.predict's score for it.",
          solution="""sarcastic_padded = keras.utils.pad_sequences([encode_review(sarcastic_review)], maxlen=MAXLEN)
sarcastic_probability = model.predict(sarcastic_padded, verbose=0)[0, 0]
print(f"P(positive) = {sarcastic_probability:.3f}: {'positive' if sarcastic_probability >= 0.5 else 'negative'}")
print(decode_review(encode_review(sarcastic_review)[1:]))""",
          explanation="""Sarcasm says the opposite of its words, and the model has only the words: "great", "masterpiece", "loved" pushed
reviews towards positive in training, so a sarcastic review built from them may score positive: check yours. If the
model gets one right, look at why: a plainly negative word may be there too ("boring", "waste"), or a word that
happened to be common in the negative training reviews. Understanding the tone would take knowing what the writer
expected, which no word in the review states.""")
def _sarcastic_probability(answer, *, review, model, encode, maxlen):
    import numpy as np

    token_ids = list(encode(review))
    value = as_number(answer, "a number (the model's P(positive))")
    truth_row = pad_like_keras(token_ids, maxlen)
    no_start = pad_like_keras(token_ids[1:], maxlen)
    padded_after = np.zeros(maxlen, dtype=np.int32)
    padded_after[:min(len(token_ids), maxlen)] = token_ids[:maxlen]
    truth, without_start, padded_at_end = model.predict(np.stack([truth_row, no_start, padded_after]), verbose=0)[:, 0]
    if abs(value - truth) <= 1e-4:
        return
    if not 0.0 <= value <= 1.0:
        raise NotYet("model.predict returns a probability between 0 and 1; pass that number, not the verdict or a "
                     "logit.")
    if abs(value - (1 - truth)) <= 1e-4:
        raise NotYet("That is P(negative). The model's output is P(positive).")
    if abs(value - without_start) <= 1e-4:
        raise NotYet("The start id is missing: use encode_review's ids as they are, start id first.")
    if abs(value - padded_at_end) <= 1e-4:
        raise NotYet("The zeros went after the review. pad_sequences puts them in front, as in training.")
    raise NotYet("Not the model's score for sarcastic_review. Encode it with encode_review, pad it to MAXLEN and "
                 "use model.predict.")


@exercise("05-4", answer_name="cost_threshold",
          hint="For each candidate threshold t, count on the validation split the false positives "
               "(validation_scores >= t for a negative review) and the false negatives (< t for a positive one), and "
               "keep the t with the smallest 3 * FP + FN. The distinct scores themselves are all the thresholds "
               "worth trying.",
          solution="""candidates = np.append(np.unique(validation_scores), 1.0 + 1e-9)  # the last: call nothing positive
costs = [3 * np.sum((validation_scores >= t) & (y_validation == 0)) + np.sum((validation_scores < t) & (y_validation == 1))
         for t in candidates]
cost_threshold = candidates[np.argmin(costs)]
cost_called = validation_scores >= cost_threshold
print(f"threshold {cost_threshold:.3f}: cost {min(costs)} against {costs[np.searchsorted(candidates, 0.5)]} at 0.5; "
      f"precision {precision_score(y_validation, cost_called, zero_division=1.0):.3f}, "
      f"recall {recall_score(y_validation, cost_called):.3f}")""",
          explanation="""With a false positive three times as costly, expect the best threshold above 0.5 (check yours against the printed
line): the site then recommends only films whose reviews the model is sure of, accepting that it misses good ones
(recall drops, precision rises). If the
scores were calibrated probabilities, calling a review positive would pay off when 3 * (1 - p) < p, that is
p > 0.75; a trained network's scores need not be calibrated, which is why the threshold is read off data. And
it is read off the validation split: tuning it on the test set would make the test figures optimistic. Which
mistake is worse is a business choice, not a fact about the model: a recommendation site that shows bad films loses
its users' trust, while a site warning about bad films would weigh the other way.""")
def _cost_threshold(answer, *, scores, labels):
    import numpy as np

    scores, labels = _scores_and_labels(scores, labels)
    threshold = as_number(answer, "a number (a threshold)")
    _, false_positives, false_negatives, thresholds = _every_threshold(scores, labels)
    costs = FALSE_POSITIVE_COST * false_positives + false_negatives
    best = int(costs.min())
    tolerance = max(3.0, 0.01 * best)
    _, fp, fn = _counts_at(threshold, scores, labels)
    if FALSE_POSITIVE_COST * fp + fn <= best + tolerance:
        return
    swapped_costs = false_positives + FALSE_POSITIVE_COST * false_negatives
    if fp + FALSE_POSITIVE_COST * fn <= swapped_costs.min() + max(3.0, 0.01 * swapped_costs.min()):
        raise NotYet("That threshold makes false negatives the expensive ones. Here a false positive (a bad film "
                     "recommended) costs three times as much as a false negative.")
    best_threshold = thresholds[int(np.argmin(costs))]
    if threshold < best_threshold:
        raise NotYet("That threshold recommends too many bad films: the false positives cost more than the good "
                     "films it finds are worth. Raise it.")
    raise NotYet("That threshold is stricter than it pays to be: it misses more good films than the bad ones it "
                 "avoids are worth. Lower it.")
