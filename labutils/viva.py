"""Notebook 6's viva: the twelve questions, the lab's model answers, and the checks on what a student writes.

The student answers each question in a markdown cell of their own (tagged ``metadata.labutils.answer``, e.g.
``"Q5"``) and writes the conclusion into ``MY_CONCLUSION``. The lab's model answer to a question is shown only when
asked, after writing: ``show_model_answer(5)``, with the figures of the student's own run filled in.
``check_conclusion(...)`` reads the student's conclusion and says which of their run's figures it quotes and
whether each matches the run; it never writes the text.

Standard library only: the grader (:mod:`labutils.course.grade`) reads the same markers, model answers and figure
rules to report unwritten answers, answers copied from the model answer or from a classmate, and conclusions that
quote figures of another run.
"""

from __future__ import annotations

import bisect
import functools
import html
import math
import re
import unicodedata


QUESTIONS = {
    1: 'Why was LSTM developed?',
    2: 'What problem does LSTM solve that traditional RNNs face?',
    3: 'What is the main difference between RNN and LSTM?',
    4: 'What are gates in LSTM? Why are they important?',
    5: 'Explain the function of the forget gate in LSTM.',
    6: 'What does the input gate do in LSTM?',
    7: 'What is the role of the output gate in LSTM?',
    8: 'How does LSTM prevent the vanishing gradient problem?',
    9: 'How does an LSTM differ from a GRU (Gated Recurrent Unit)?',
    10: 'How can overfitting be prevented in an LSTM model?',
    11: 'What are the advantages of using bidirectional LSTM?',
    12: 'How do you evaluate the performance of an LSTM model?',
}

MODEL_ANSWERS = {
    1: r"""
Recurrent networks were meant to use everything they had read so far, but plain RNNs trained by backpropagation through time struggle to learn links between events far apart: the training signal fades (or blows up) on its way back through time, as Hochreiter (1991) and Bengio, Simard and Frasconi (1994) analysed. Hochreiter and Schmidhuber (1997) designed the LSTM around a memory cell that is carried forward by addition, so that information, and the gradient that teaches the network to keep it, can cross long gaps. The forget gate, which lets the cell clear its memory, was added later by Gers, Schmidhuber and Cummins (2000); Keras' LSTM, and this lab's, is that later form.""",
    2: r"""
The **vanishing gradient**. Backpropagation through time multiplies the gradient by one step Jacobian per time step; if these factors are below one, the gradient shrinks exponentially with distance, so early words cannot influence learning. Its twin, the **exploding** gradient (factors above one), is not what the LSTM fixes: it is handled by **gradient clipping**, which rescales a gradient whose norm is too large before the update. In Keras that is one argument of the optimizer: `keras.optimizers.Adam(clipnorm=1.0)` clips each weight tensor's gradient on its own, `keras.optimizers.Adam(global_clipnorm=1.0)` the whole gradient, all tensors together.""",
    3: r"""
An RNN has one state vector that is completely rewritten at every step through a squashing function. An LSTM keeps two states: the hidden state $H_t$ (short-term, what the cell outputs) and the cell state $C_t$ (long-term memory), which changes only by gated addition. Learned gates decide what to forget, what to write and what to reveal. The price is four sets of weights instead of one.""",
    4: r"""
A gate is a vector of numbers between 0 and 1 (a sigmoid of the current input and the previous hidden state) that is multiplied elementwise with another vector, letting each unit's information through fully, partly or not at all. The LSTM has three: forget, input and output. They are important because they make memory **learned and selective**: the network decides, word by word, what to keep, what to add and what to show, instead of overwriting everything.""",
    5: r"""
$f_t = \sigma(x_t U_f + H_{t-1} W_f + b_f)$ scales the old cell state before anything new is added: $C_t = f_t * C_{t-1} + \dots$. Near 1 the unit keeps its memory; near 0 it clears it; in between, its memory fades by that factor at each word. Which words lower a forget gate, and by how much, is learned from the data, not built in.""",
    6: r"""
$i_t$ decides how much of the new information $N_t = \tanh(x_t U_c + H_{t-1} W_c + b_c)$ is written into the cell: $C_t = \dots + i_t * N_t$. Near 0 a word writes almost nothing into that unit, near 1 it writes fully, so the gate *can* let the cell pass over filler words and store the ones that matter; whether a trained model does so is learned, and has to be measured. $N_t$ itself lies between -1 and 1, so writing can push a unit up or down.""",
    7: r"""
$o_t$ decides how much of the memory becomes visible as the hidden state, $H_t = o_t * \tanh(C_t)$: a unit can hold information in its cell without showing it until it becomes relevant. In this model only the last hidden state $H_{200}$ reaches the classifier, so the output gate at the last step decides what the Dense layer sees.""",
    8: r"""
Along the cell state's **direct path** the step-to-step derivative is $\partial C_t / \partial C_{t-1} = f_t$: no weight matrix and no squashing derivative are multiplied in. (The full derivative has further terms, through the gates and $H_{t-1}$, which do carry weight matrices; the direct path is the one that can keep a gradient alive.) When the forget gate stays near 1, the gradient passes through many steps almost unchanged (the "constant error carousel"). It does not abolish vanishing entirely (a forget gate of 0.5 still halves the signal each step): it makes the memory span something the network learns. A trained model may keep its forget gates near 1 in only a few units; there the gradient crosses many words, elsewhere it fades within a few.""",
    9: r"""
A GRU merges the forget and input gates into one **update gate**, adds a **reset gate**, and has no separate cell state: the hidden state is the memory. Three weight blocks instead of four make it a quarter smaller, with a quarter less arithmetic per step. Chung et al. (2014) found the two about equally good on their sequence tasks; which is better on IMDb is a question for a measurement on the same reviews, such as notebook 8's. An LSTM's separate cell state may help where a task needs very long or very precise memory.""",
    10: r"""
First see it: the validation loss going up while the training loss keeps falling is the sign of overfitting. Then stop in time: keep the weights of the best epoch, the one with the highest validation accuracy (`EarlyStopping(monitor="val_accuracy", restore_best_weights=True)`; without `monitor=` it watches the validation loss). Use dropout on the inputs and on the recurrent state (the practical uses 0.2 of each); keep the model no larger than the data supports (fewer units, smaller embeddings); add weight regularisation; or get more data.""",
    11: r"""
A bidirectional LSTM runs one LSTM forwards and a second one backwards over the review and combines their final states, so both the start and the end of the review are "recent" for one of the two. In principle that can help here, if the forward LSTM's last state is dominated by the end of the review (question 8 counts how many of your model's units carry memory across the last 50 words). At the same size per direction, the cost is twice the recurrent parameters and twice the computation, and it needs the whole sequence in advance (fine for classifying a finished review, not for real-time prediction).

With pre-padded reviews there is a catch: the backward half reads the review from its last word to its first and then carries on through the padding in front, so the state it hands on comes after the zeros, not after the first word. Masking the padding (`Embedding(..., mask_zero=True)`) lets both halves end on real words.""",
    12: r"""
On data it never saw: a validation split to choose settings and epochs, and a separate test set, used once, for the final score. For classification: accuracy (fair here because the classes are balanced), the confusion matrix, precision, recall and F1, and the ROC curve with its AUC, which judges the scores at every threshold. Reading misclassified examples shows *what* the model gets wrong. Training time and model size matter too.""",
}

ANSWER_IDS = tuple(f"Q{number}" for number in QUESTIONS) + ("conclusion",)
ANSWER_HEADING = "**Your answer to question {number}**"
ANSWER_HEADING_LINE = re.compile(r"^\s*\*\*Your answer to question (\d{1,2})\*\*.*$", re.M)
ANSWER_PLACEHOLDER = "*Write your answer here.*"
CONCLUSION_NAME = "MY_CONCLUSION"
CONCLUSION_PLACEHOLDER = "Write your conclusion here."
MIN_WORDS = 3  # an answer of fewer words than this is not an answer yet


def answer_cell_source(number: int) -> str:
    """The markdown cell a student writes question ``number``'s answer in, as the lab ships it."""
    return f"{ANSWER_HEADING.format(number=number)} (double-click to edit)\n\n{ANSWER_PLACEHOLDER}"


def written_answer(source: str) -> str:
    """What the student wrote in an answer cell: the cell without the lab's heading line and placeholder."""
    text = ANSWER_HEADING_LINE.sub("", source)
    lines = [line for line in text.splitlines() if line.strip() not in (ANSWER_PLACEHOLDER, ANSWER_PLACEHOLDER.strip("*"))]
    return "\n".join(lines).strip()


def written_conclusion(value: str) -> str:
    """What the student wrote into ``MY_CONCLUSION``, without the placeholder."""
    return "\n".join(line for line in str(value).splitlines() if line.strip() != CONCLUSION_PLACEHOLDER).strip()


def is_written(text: str) -> bool:
    return len(re.findall(r"\w+", text)) >= MIN_WORDS


# --- comparing texts, numbers aside (the grader's copy check) ---------------------------------------------------

SHINGLE_WORDS = 4  # a copied answer shares runs of words; four-word runs are rarely shared by chance


# Letters of other scripts that look like Latin ones (a copy with Cyrillic "а" for "a" reads the same to a person)
_LOOK_ALIKES = str.maketrans("асеіјорѕхуԁԛԝһӏаАВЕКМНОРСТХІЈЅαβεικνορτυχ", "aceijopsxydqwhlaabekmhopctxijsabeiknoptux")
# Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties.txt), which a renderer shows as nothing.
# Most are format characters (Cf); the rest are marks and fillers of other categories: the combining grapheme joiner
# U+034F (Mn), the variation selectors (Mn), Hangul's fillers (Lo), Khmer's inherent vowels, Mongolian's free variation
# selectors. Real combining marks (accents, Devanagari's vowel signs and viramas) are not among them and are kept.
_DEFAULT_IGNORABLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                                "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
                                "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
# What Jupyter's markdown shows as nothing inside a word: an HTML comment, an inline tag ("exa<b></b>mple"), emphasis
# markers between letters ("ex*a*mple" shows "example", one letter slanted). A line break tag separates words.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_HTML_BREAK = re.compile(r"</?(?:br|p|div|li|tr|td|th|h[1-6])\b[^<>]*>", re.I)
_HTML_TAG = re.compile(r"</?(?:a|abbr|b|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|"
                       r"sub|sup|tt|u|var|wbr)(?:\s[^<>]*)?/?>", re.I)
_EMPHASIS_IN_WORD = re.compile(r"(?<=\w)\*+(?=\w)")


def visible(text: str) -> str:
    """``text`` without the characters a reader does not see: Unicode format characters (zero-width spaces and
    joiners, soft hyphens, the byte-order mark, right-to-left overrides) and the other default-ignorable ones (the
    combining grapheme joiner, variation selectors, Hangul fillers)."""
    shown = "".join(character for character in text if unicodedata.category(character) != "Cf")
    return _DEFAULT_IGNORABLE.sub("", shown)


# An element the rendered markdown hides, with what it holds: the hidden attribute, display:none, visibility:hidden
_HTML_HIDDEN = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*?(?:\shidden\b|display\s*:\s*none|visibility\s*:\s*hidden)[^>]*>"
                          r".*?</\1\s*>", re.I | re.S)


def as_read(text: str) -> str:
    """``text`` as a reader of the rendered markdown compares it: HTML comments, hidden elements (with their text)
    and inline tags dropped, character
    references read (``&#101;`` and ``&eacute;`` are the letters Jupyter shows), invisible characters dropped, one
    Unicode form (NFKC, after the invisible characters are gone, so an accent split off by a grapheme joiner composes
    again), lower case, look-alike letters of other scripts read as Latin."""
    text = _HTML_HIDDEN.sub("", _HTML_COMMENT.sub("", text))  # <span hidden>...</span>: nobody sees its words
    text = _HTML_TAG.sub("", _HTML_BREAK.sub(" ", text))
    text = unicodedata.normalize("NFKC", visible(html.unescape(text)))  # a reference may stand for an invisible one
    return _EMPHASIS_IN_WORD.sub("", text).casefold().translate(_LOOK_ALIKES)


def _words(text: str) -> list[str]:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a markdown link: its words, not its address
    words = re.findall(r"\d+(?:[.,]\d+)*|[^\W\d_]+", text)
    return ["#" if word[0].isdigit() else word for word in words]


def normalised_words(text: str) -> list[str]:
    """The words of ``text`` as a reader compares them (:func:`as_read`): markup and punctuation dropped, every number
    the same token (so a copy with the copier's own figures still matches)."""
    return _words(as_read(text))


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*")


def normalised_sentences(text: str) -> list[list[str]]:
    """The sentences of ``text`` (ended by ".", "!", "?", ";" before a space, or by a line break), each as its
    :func:`normalised_words`."""
    return [words for part in _SENTENCE_END.split(as_read(text)) if (words := _words(part))]


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """Every run of ``size`` consecutive words (one run for a shorter text)."""
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def containment(part: set, whole: set) -> float:
    """The share of ``part``'s word runs that ``whole`` holds too."""
    return len(part & whole) / len(part) if part else 0.0


@functools.cache
def model_answer_shingles(number: int) -> frozenset:
    return frozenset(shingles(normalised_words(MODEL_ANSWERS[number])))


# --- figures quoted in a conclusion -------------------------------------------------------------------------------

# A decimal fraction (0.8517, .87, or notebook 5's 0.8516600131988525) or a percentage (85.2 %, 85 per cent); whole
# numbers without % (5 epochs, 200 words) are not figures of this kind.
_NUMBER = r"(?:\d{1,3}(?:\.\d{1,20})?|\.\d{1,20})"
_QUOTED = re.compile(r"(?<![\w.])(" + _NUMBER + r")(\s?(?:%|per\s?cent))?(?![\w])", re.I)
# "test accuracy", "testing-set accuracy", "test acc", "test_acc", "accuracy on the test set", "acc on test data",
# "accuracy on test", "acc_test" (LaTeX's $\mathrm{acc}_{test}$ read as text), "accuracy (test)"
_TEST_ACCURACY_PHRASE = re.compile(r"test(?:ing)?(?:[- ]set)?(?:\s+|[_-])acc(?:uracy)?\b|"
                                   r"acc(?:uracy)?\.?\s+on\s+(?:the\s+)?(?:[\d,]+\s+)?test(?:ing)?"
                                   r"(?:[- ]set|\s+(?:set|data|reviews))?\b|"
                                   r"\bacc(?:uracy)?(?:_|\s*\()test(?:ing)?\b\)?", re.I)
# An error rate said of the test set: "test error rate", "the error rate on the 25,000 test reviews"
_TEST_ERROR_PHRASE = re.compile(r"test(?:ing)?(?:[- ]set)?\s+error(?:\s+rate)?\b|"
                                r"error\s+rate\s+(?:on|of|for)\s+(?:the\s+|all\s+)?(?:[\d,]+\s+)?test(?:ing)?"
                                r"(?:[- ]set|\s+(?:set|data|reviews|examples))?\b", re.I)
# ... or said of the test set after the figure: "scored 87 % on the 25,000 test reviews", "an accuracy of 0.87 on the
# test set", "classified 87 % of the test reviews correctly"
_TEST_SET_AFTER = re.compile(r"\s*(?:accuracy\s+)?(?:on|of|for)\s+(?:the\s+|all\s+|our\s+)?(?:[\d,]+\s+)?"
                             r"test(?:ing)?(?:[- ]set)?\s*(?:set|data|reviews|examples)?\b|"
                             r"\s*(?:as\s+(?:the\s+|my\s+|its\s+)?)?test(?:ing)?(?:[- ]set)?[ _-]acc(?:uracy)?\b", re.I)
_SCORE_WORDS = re.compile(r"\b(?:scored?|scoring|classified|correctly|got|reached|achieved|misclassifi\w*|wrongly|"
                          r"incorrectly)\b", re.I)
# Words that say a figure is the run's (beside those of _METRIC_WORD): the score words, the words for errors, the
# test set named right after the figure ("12 % of the test reviews were misclassified"), and the test-set phrases,
# from whose end a figure may stand as far as from a metric's name ("the error rate on the 25,000 test reviews was
# 12 %")
_FIGURE_CUES = re.compile("|".join(pattern.pattern for pattern in (_SCORE_WORDS, _TEST_ACCURACY_PHRASE,
                                                                   _TEST_ERROR_PHRASE)) +
                          r"|\bmisclassif\w*|\bwrong\b|\b(?:on|of)\s+(?:the\s+|all\s+)?(?:[\d,]+\s+)?test(?:ing)?[- ]"
                          r"(?:set|data|reviews|examples)\b", re.I)
# A count of the test reviews: "classified 21,650 of the 25,000 test reviews correctly", "20,966 of 25,000 right"
# (notebook 6 prints it so), "got 4,034 out of 25,000 wrong". The total is the test set's (25,000, or another size
# where "test" is said); the training set is of the same size, so a count said of it is not read.
_TEST_COUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{1,6})\s+(?:out\s+)?of\s+(?:the\s+|all\s+|our\s+)?"
                         r"(\d{1,3}(?:,\d{3})+|\d{1,6})(?![\w,])(?!\s+(?:train|validation|val)\w*)"
                         r"(\s+test(?:ing)?(?:[- ]set)?)?(?:\s+(?:reviews|examples|samples))?", re.I)
# ... or after its total: "Out of the 25,000 test reviews, 21,800 were classified correctly"
_TEST_COUNT_AFTER_TOTAL = re.compile(r"\bout\s+of\s+(?:the\s+|all\s+)?(\d{1,3}(?:,\d{3})+|\d{1,6})(\s+test(?:ing)?"
                                     r"(?:[- ]set)?)?\s+(?:reviews|examples|samples)\s*,?\s+"
                                     r"(?:my\s+model\s+\w+\s+|it\s+\w+\s+|the\s+model\s+\w+\s+)?"
                                     r"(\d{1,3}(?:,\d{3})+|\d{1,6})(?![\w,.])", re.I)
_OF_THE_TIME = re.compile(r"\b(right|correct\w*|wrong\w*)\s+(?:about\s+|only\s+|almost\s+|nearly\s+)?"
                          r"((\d{1,3}(?:\.\d{1,6})?)\s?(?:%|per\s?cent))\s+of\s+the\s+time\b", re.I)
_RIGHT_OR_WRONG = re.compile(r"(\bcorrect|\bright\b)|error|wrong|misclassif|incorrect|mistake", re.I)
# Figures written as students write them in other ways: a decimal comma ("83,86 %", "0,9138"; "21,650" and "25,000"
# are thousands) and a percentage in words ("eighty-six per cent").
_DECIMAL_COMMA = re.compile(r"(?<![\w.,])(\d{1,3}),(\d{1,2})(?=\s?(?:%|per\s?cent))|(?<![\w.,])0,(\d{1,20})(?![\d,])",
                            re.I)
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_PERCENT_IN_WORDS = re.compile(r"\b(?:(" + "|".join(_TENS) + r")(?:[- ]?(" + "|".join(_UNITS) + r"))?|(" +
                               "|".join(_TEENS + _UNITS) + r"))(?=\s+(?:per\s?cent|%))", re.I)


def _said_right(text: str, last: bool = False) -> bool | None:
    """Whether ``text`` says right ("correctly", "right") or wrong ("wrong", "misclassified", "errors") first (or
    ``last``), or None where it says neither."""
    said = [bool(match.group(1)) for match in _RIGHT_OR_WRONG.finditer(text)]
    return (said[-1] if last else said[0]) if said else None


def _percent_in_digits(match: re.Match) -> str:
    """A percentage in words ("eighty-six", "twelve") in digits."""
    tens, unit, single = match.group(1), match.group(2), match.group(3)
    if single:
        single = single.lower()
        return str(_TEENS.index(single) + 10 if single in _TEENS else _UNITS.index(single) + 1)
    return str(10 * (_TENS.index(tens.lower()) + 2) + (_UNITS.index(unit.lower()) + 1 if unit else 0))


def figures_as_digits(text: str) -> str:
    """``text`` with its figures written as the checks read them: "83,86 %" is "83.86 %", "0,9138" is "0.9138",
    "eighty-six per cent" is "86 per cent"."""
    text = _DECIMAL_COMMA.sub(lambda m: f"{m.group(1)}.{m.group(2)}" if m.group(1) else f"0.{m.group(3)}", text)
    return _PERCENT_IN_WORDS.sub(_percent_in_digits, text)


# A figure that is a difference, not a figure of a run: "improved by 0.18", "7.2 % lower", "0.02 percentage points".
_DIFFERENCE_BEFORE = re.compile(r"\b(?:by|than)\s+(?:about\s+|only\s+|roughly\s+|around\s+|almost\s+)?$", re.I)
_DIFFERENCE_AFTER = re.compile(r"^\s*(?:percentage\s+)?(?:points?|lower|higher|above|below|more|less|worse|better)\b", re.I)
_NUMBER_WORDS = _UNITS + _TEENS[:1]  # "epoch one" to "epoch ten"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL_EPOCH = re.compile(r"\b(?:the\s+)?(" + "|".join(_ORDINALS) + r"|\d{1,3}(?:st|nd|rd|th))\s+epoch\b", re.I)
_EPOCH_WORD = re.compile(r"\bepoch\s+(?:no\.?\s*|number\s+|#\s*)?(" + "|".join(_NUMBER_WORDS) + r"|\d{1,3})\b", re.I)
_BEST_WAS_ORDINAL = re.compile(r"(\bbest\s+epoch\s+(?:was|is)\s+)(?:the\s+)?(" + "|".join(_ORDINALS) +
                               r"|\d{1,3}(?:st|nd|rd|th))\b(?!\s+epoch)", re.I)


def _epoch_number(word: str) -> str:
    word = word.lower()
    for names in (_NUMBER_WORDS, _ORDINALS):
        if word in names:
            return str(names.index(word) + 1)
    return re.match(r"\d+", word).group(0)


def epochs_as_digits(text: str) -> str:
    """``text`` with its epochs numbered in digits, as the checks read them: "the fourth epoch", "epoch four", "the
    4th epoch", "epoch #4" and "the best epoch was the fourth" all become "epoch 4"."""
    text = _BEST_WAS_ORDINAL.sub(lambda m: m.group(1) + "epoch " + _epoch_number(m.group(2)), text)
    text = _ORDINAL_EPOCH.sub(lambda m: "epoch " + _epoch_number(m.group(1)), text)
    return _EPOCH_WORD.sub(lambda m: "epoch " + _epoch_number(m.group(1)), text)


_EPOCH_MENTION = re.compile(r"\bepoch\s+(\d{1,3})\b", re.I)
# What a conclusion says of an epoch: that it is the best epoch ("best"), that the validation accuracy peaked there
# ("accuracy"), or that the validation loss was lowest there ("loss"). Between the claim and "epoch N" a figure or a
# few words may stand, but no new clause ("and", "but", "while", ...).
_VALIDATION = r"(?:validation|val)[ _-](?:set\s+)?"
_GAP = (r"(?:(?!\b(?:and|but|while|whereas|although|though|then|until|since|so|before)\b)(?:[^.;!?\n]|\.(?=\d)))"
        r"{0,40}?")
_EPOCH_NUMBER = r"\bepoch\s+(\d{1,3})\b"
_ASIDE = r"\s*(?:\([^)]{0,80}\)\s*)?"


def _extreme_claims(kind: str, metric: str, extreme: str, verbs: str) -> list[tuple[str, str]]:
    """The three ways a conclusion says the validation ``metric`` was at its ``extreme`` at epoch N: "validation
    accuracy peaked after epoch 5", "the highest validation accuracy came at epoch 5", "epoch 5 had the highest
    validation accuracy"."""
    return [(kind, _VALIDATION + metric + r"\s+(?:\w+\s+){0,2}?(?:" + verbs + r"|was\s+(?:at\s+its\s+)?(?:" + extreme +
                   r")|reached\s+its\s+(?:" + extreme + r"))" + _GAP + _EPOCH_NUMBER),
            (kind, r"(?:" + extreme + r")\s+" + _VALIDATION + metric + _GAP + _EPOCH_NUMBER),
            (kind, _EPOCH_NUMBER + _ASIDE + r"(?:had|gave|reached|achieved|showed|has|with)\s+(?:the\s+|my\s+|its\s+)?"
                   r"(?:" + extreme + r")\s+" + _VALIDATION + metric)]


_EPOCH_CLAIMS = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in [
    ("best", r"\bbest\s+epoch\b" + _ASIDE + r"(?:(?:was|is|being|came)\s+|[=:,\u2013-]\s*)?(?:at\s+|in\s+)?"
             r"(?:the\s+)?(?:epoch\s+)?(\d{1,3})\b"),
    ("best", _EPOCH_NUMBER + r"\s+(?:was|is)\s+(?:my|the|our)\s+best\b"),
    ("best", r"\bbest\s+(?:model|weights|results?|performance|checkpoint)\s+(?:was\s+|were\s+|came\s+)?(?:from|at|after|in)\s+"
             r"(?:the\s+)?epoch\s+(\d{1,3})\b"),
    *_extreme_claims("accuracy", r"acc(?:uracy)?\b", "highest|best|maximum|max|peak|top|maximal",
                     "peaked|peaks|topped\\s+out|maxed\\s+out"),
    ("accuracy", _EPOCH_NUMBER + r",?\s+(?:where|when)\s+(?:the\s+|my\s+)?" + _VALIDATION +
                 r"acc(?:uracy)?\s+(?:peaked|was\s+(?:at\s+its\s+)?(?:highest|best|maximum))"),
    *_extreme_claims("loss", "loss", "lowest|smallest|minimum|min|best|minimal", "bottomed\\s+out|hit\\s+its\\s+(?:lowest|minimum)"),
])
_METRIC_WORD = re.compile(r"accura|(?<![^\W_])acc\b|precision|recall|\bf1\b|\bf-score|\bauc\b|loss|\bgap\b|\berror|"
                          r"chance", re.I)
_CURVES_WORDS = re.compile(r"overfit|over-fit|validation loss|learning curve|val_loss", re.I)
# A sentence that names another run: its figures are that run's, not checked against the student's.
_ANOTHER_RUN = re.compile(r"practical|notebook\s*[789]|recorded\s+runs?|(?:lab|lab's)\s+runs?|benchmark|results\.md|another run|other run|"
                          r"classmate|paper|published|keras-io", re.I)
# What a figure of this run may be said of that the run's figures (notebook 6's evidence) do not hold: a class (the
# classification report's rows: "recall 0.8791 for the negative class"), an average over the classes ("macro F1"),
# another threshold, or an exercise ("in exercise 05-4 the threshold moved to 0.786"). Such a figure is not held
# against the run: the grader could not tell a true one from a false one.
_OTHER_SUBJECT = re.compile(r"\b(?:negative|positive)\s+(?:class(?:es)?|reviews?|ones?|labels?)\b|"
                            r"\bclass(?:es)?\s*[01]\b|\bper[- ]class\b|\bclass[- ]wise\b|\beach\s+class\b|"
                            r"\bmacro\b|\bweighted\b|\bexercises?\b", re.I)
# ... or another threshold than the default 0.5 ("at a threshold of 0.3"; "at the 0.5 threshold" is the run's own)
_THRESHOLD = re.compile(r"\bthresholds?\b", re.I)
_DEFAULT_THRESHOLD = re.compile(r"\b0?\.50?\s+threshold|\bthreshold\s+(?:of\s+|at\s+|=\s*)?0?\.50?\b|"
                                r"\b(?:default|usual|standard)\s+threshold", re.I)


def _other_subject(clause: str) -> bool:
    return bool(_OTHER_SUBJECT.search(clause)) or bool(_THRESHOLD.search(clause) and not _DEFAULT_THRESHOLD.search(clause))
# A clause that names the student's own run ("my accuracy", "our model"), which a figure in it is held against
_OWN_CLAUSE = re.compile(r"\b(?:my|mine|our|ours|this\s+run|this\s+model)\b", re.I)
# Where a clause ends inside a sentence: a comma, a colon or a dash, or a conjunction that starts another statement
_CLAUSE_BREAK = re.compile(r"[,:]\s+|\s+[-–—]\s+|\s+(?:and|but|while|whereas|although|though|so|yet)\s+", re.I)
_ASIDE_START = re.compile(r"\s*(?:which|who|whom|whose|that)\b", re.I)
_CLAUSE_READ = 300  # characters read on either side of a figure for the clauses it stands in
PRINTED_DECIMALS = 4  # notebook 6 prints the run's figures with 4 decimals

# LaTeX a student may write figures in ($84.78\%$, \(0.85\), $\text{test acc} = 0.8517$): its wrappers are read
# away before the figures are. In a Python string (MY_CONCLUSION) "\text" is a tab and "ext", so that is read too.
_LATEX_WORDS = re.compile(r"(?:\\(?:text|textrm|textit|textbf|mathrm|mathit|mathbf|operatorname)|\t(?:ext|extrm|extit|"
                          r"extbf))\s*\{([^{}]*)\}")
_LATEX_ESCAPES = {"\\%": "%", "\\_": "_", "\\,": " ", "\\;": " ", "\\:": " ", "\\!": "", "\\ ": " ",
                  "\\\\": " "}
_LATEX_MATH = re.compile(r"\$+|\\[()\[\]]")  # $...$, $$...$$, \(...\), \[...\]
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")  # \approx, \sim, \times: read as a space


def plain_text(text: str) -> str:
    """``text`` with LaTeX's wrappers around figures read away: "$84.78\\%$" is "84.78%", "\\(0.85\\)" is "0.85"."""
    if "\\" not in text and "$" not in text and "\t" not in text:
        return text
    text = _LATEX_WORDS.sub(r"\1", text)
    text = re.sub("|".join(map(re.escape, _LATEX_ESCAPES)), lambda match: _LATEX_ESCAPES[match.group(0)], text)
    text = _LATEX_MATH.sub("", text)
    return _LATEX_COMMAND.sub(" ", text).replace("{", "").replace("}", "")


def quoted_figures(text: str, also: re.Pattern | None = None) -> list[tuple[str, float, int, int]]:
    """Figures quoted of an accuracy, a loss or a metric in ``text`` (a fraction such as 0.8517, or a percentage,
    next to one of those words, or to one of ``also``'s): (as written, as a fraction, its decimals as a fraction,
    position)."""
    found = []
    metric_words = [(m.start(), m.end()) for m in _METRIC_WORD.finditer(text)]
    if also is not None:
        metric_words += [(m.start(), m.end()) for m in also.finditer(text)]
    for match in _QUOTED.finditer(text):
        if not any(-15 <= start - match.end() <= 15 or 0 <= match.start() - end <= 40 for start, end in metric_words):
            continue  # not said of an accuracy, a loss or a metric (a 20 % split, a 0.2 dropout)
        number, percent = match.group(1), match.group(2)
        decimals = len(number.split(".")[1]) if "." in number else 0
        if percent:
            value, decimals = float(number) / 100, decimals + 2
        elif "." in number and float(number) <= 1:
            value = float(number)
        else:
            continue
        found.append((match.group(0).strip(), value, decimals, match.start()))
    return found


def _matches(value: float, decimals: int, figure: float) -> bool:
    """``value`` written with ``decimals`` decimals is ``figure`` (known to 4 decimals), rounded or cut."""
    if not math.isfinite(figure):
        return False
    step, known = 10.0 ** -decimals, 10.0 ** -PRINTED_DECIMALS / 2 + 1e-12
    return abs(value - figure) <= step / 2 + known or 0 <= figure - value < step + known


def run_figures(history: dict, results: dict) -> dict[str, list[float]]:
    """The figures of a run a conclusion may quote, by name: test accuracy and loss, the metrics of notebook 5,
    every epoch's training and validation accuracy and loss and the gap between the accuracies, the test error
    rate, and chance (0.5 on IMDb's balanced classes)."""
    figures: dict[str, list[float]] = {}
    for key, name in (("test_accuracy", "test accuracy"), ("test_loss", "test loss"), ("precision", "precision"),
                      ("recall", "recall"), ("f1", "F1"), ("roc_auc", "ROC AUC")):
        if isinstance(results.get(key), (int, float)):
            figures[name] = [float(results[key])]
    for key, name in (("accuracy", "training accuracy"), ("val_accuracy", "validation accuracy"),
                      ("loss", "training loss"), ("val_loss", "validation loss")):
        values = history.get(key) or []
        figures[name] = [float(value) for value in values if isinstance(value, (int, float))]
    figures["accuracy gap"] = [abs(a - v) for a, v in zip(figures["training accuracy"], figures["validation accuracy"])]
    if "test accuracy" in figures:
        figures["test error rate"] = [1 - figures["test accuracy"][0]]
    figures["chance"] = [0.5]
    return figures


_OWN_RUN = re.compile(r"\b(?:my|mine|i|our|this run|this model)\b", re.I)
# The other run owns the figure: "the benchmark's test accuracy", "the practical (test accuracy", "the practical, which
# had a test accuracy", "the practical reported a test accuracy".
_ATTACHED = re.compile(r"^(?:['’]s|s['’])?\s*(?:\(|,?\s*(?:which|that|whose|where)\b.*|(?:\s*(?:reported|had|has|gave|got|"
                       r"scored|reached)\b|,\s*with\b)?\s*(?:an?|the|its)?\s*)$", re.I | re.S)
# The student's run set against another: "my model beat the benchmark", "... higher than the practical"
_COMPARED = re.compile(r"\b(?:beat|beats|beating|outperform\w*|surpass\w*|exceed\w*|than|compared\s+(?:to|with)|versus|vs\.?|"
                       r"above|below|over|matched|matches|like)\s+(?:the\s+|a\s+|an\s+)?$", re.I)


def _test_accuracy_of_another_run(text: str, phrase_start: int, position: int) -> bool:
    """Whether the test accuracy quoted at ``position`` is said of another run: that run is named just before the
    phrase ("the practical's test accuracy", "the practical reported a test accuracy") or between the phrase and the
    figure, with no "my" or "this run" after it."""
    window_start = max(0, phrase_start - 25)
    window = text[window_start:position]
    others = list(_ANOTHER_RUN.finditer(window))
    own = [m.end() for m in _OWN_RUN.finditer(window)]
    if others and (not own or others[-1].end() > max(own)):
        other = others[-1]
        if _ATTACHED.match(window[other.end():phrase_start - window_start]):
            return True  # "the benchmark's test accuracy", "the practical, which had a test accuracy"
        # "my model beat the benchmark with a test accuracy of 0.95": the student's run, compared with another
        sentence_start = _sentence_span(text, position)[0]
        before = text[sentence_start:window_start + other.start()]
        return not (_OWN_RUN.search(before) and _COMPARED.search(before[-25:]))
    # or named after the figure ("0.87 in the recorded run"), when the sentence is not about the student's own run
    # and does not compare the two ("0.8612, better than the practical's")
    start, end = _sentence_span(text, position)
    after = text[position:end]
    later = _ANOTHER_RUN.search(after)
    return bool(later) and not _OWN_RUN.search(text[start:position]) and not re.search(
        r"\b(?:than|compared|versus|vs|beside|against)\b", after[:later.start()], re.I)


_SENTENCE = re.compile(r"(?:[^.!?;\n]|[.](?=\d))+[.!?;]?")  # a decimal point does not end a sentence; ";" does


@functools.lru_cache(maxsize=4)
def _sentence_spans(text: str) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Where each sentence of ``text`` starts, and its span (read once per text: a long conclusion asks often)."""
    spans = tuple(match.span() for match in _SENTENCE.finditer(text))
    return tuple(start for start, _ in spans), spans


def _sentence_span(text: str, position: int) -> tuple[int, int]:
    """Where the sentence (or clause after a ";") holding ``position`` starts and ends."""
    starts, spans = _sentence_spans(text)
    index = bisect.bisect_right(starts, position) - 1
    return spans[index] if index >= 0 and position < spans[index][1] else (position, position)


def _is_difference(text: str, start: int, end: int) -> bool:
    return bool(_DIFFERENCE_BEFORE.search(text[max(0, start - 25):start]) or _DIFFERENCE_AFTER.match(text[end:end + 30]))


# An interval as the notebooks print it ("95 % interval 0.8473 to 0.8561", "95% CI: 0.847-0.856"): its level and its
# bounds are not figures of the run, so quoting them is not held against the student.
_INTERVAL_LEVEL = re.compile(r"^\s*(?:%|per\s?cent)?\s*(?:confidence\s+)?(?:interval|ci)\b", re.I)
_INTERVAL_BOUNDS = re.compile(r"\b(?:interval|ci)\b\s*(?:of|from|is|was|:|=)?\s*\(?\s*"
                              r"(" + _NUMBER + r")\s*%?\s*(?:to|-|–|,|and)\s*(" + _NUMBER + r"(?:\s?%)?)", re.I)


def _interval_spans(text: str) -> list[tuple[int, int]]:
    """Where the text quotes an interval's bounds."""
    return [(match.start(1), match.end(2)) for match in _INTERVAL_BOUNDS.finditer(text)]


def _is_interval(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """The figure at ``start:end`` is an interval's level (95 % interval) or one of its bounds."""
    number_end = start + len(re.match(r"\.?\d[\d.]*", text[start:end]).group(0))
    return bool(_INTERVAL_LEVEL.match(text[number_end:number_end + 30])) or any(
        low <= start and end <= high for low, high in spans)


def _said_of_another(text: str, position: int) -> bool:
    """Whether the figure at ``position`` is said of something else than this run's own figures: of another run (the
    practical's, notebooks 7-9's recorded runs, a classmate's) or of a subject the run's figures do not hold (a class,
    a class average, another threshold, an exercise). Read clause by clause, so that "my accuracy was 0.8700 and the
    practical reported 0.850" holds 0.8700 against the run: the figure belongs to what its own clause names (a subject
    anywhere in it; of the runs, the one named last before the figure, or else first after it), and a clause that
    names nothing (", where precision rose to 0.923") to what the nearest clause before it in the sentence names,
    passing over an aside ("the practical, which I followed, reported 0.850"), and taken to be that clause's subject
    (its first naming: "the practical trained this model for 49 epochs and reached 0.8799" is the practical's). Only the 300 characters on either side
    of the figure are read (a clause is shorter; a hostile conclusion of one 20,000-character sentence is not read
    again for each of its figures)."""
    start, end = _sentence_span(text, position)
    start, end = max(start, position - _CLAUSE_READ), min(end, position + _CLAUSE_READ)
    # where each clause of the sentence up to the figure's starts
    starts = [start] + [match.end() for match in _CLAUSE_BREAK.finditer(text, start, end) if match.end() <= position]
    following = _CLAUSE_BREAK.search(text, position, end)
    clause = text[starts[-1]:following.start() if following else end]
    if _other_subject(clause):
        return True
    namings = _namings(clause)
    if namings:
        before = [other for at, other in namings if at < position - starts[-1]]
        return before[-1] if before else namings[0][1]
    for clause_start, clause_end in zip(reversed(starts[:-1]), reversed(starts[1:])):
        earlier = text[clause_start:clause_end]
        namings = _namings(earlier) + ([(0, True)] if _other_subject(earlier) else [])
        if namings and not _ASIDE_START.match(earlier):
            return min(namings)[1]  # the clause's subject: "the practical trained this model ..." is the practical's
    return False


def _namings(clause: str) -> list[tuple[int, bool]]:
    """Where ``clause`` names the student's own run (False) or another run (True), in order."""
    return sorted([(match.start(), False) for match in _OWN_CLAUSE.finditer(clause)] +
                  [(match.start(), True) for match in _ANOTHER_RUN.finditer(clause)])


def _test_counts(text: str, test_accuracy: float) -> list[tuple[str, int, bool, bool]]:
    """The counts of test reviews the text quotes (:data:`_TEST_COUNT`) that it says are right or wrong: (as written,
    position, whether it counts the wrong ones, whether it is the run's: within 2 reviews of the count the run's test
    accuracy gives, which is known to 4 decimals)."""
    found = []
    quoted = [(match, *(int(group.replace(",", "")) for group in match.group(1, 2)), match.group(3))
              for match in _TEST_COUNT.finditer(text)]
    quoted += [(match, int(match.group(3).replace(",", "")), int(match.group(1).replace(",", "")), match.group(2))
               for match in _TEST_COUNT_AFTER_TOTAL.finditer(text)]
    for match, count, total, said_test in quoted:
        if not 0 < count <= total or not (total == 25_000 or said_test):
            continue
        start, end = _sentence_span(text, match.start())
        right = _said_right(text[match.end():min(end, match.end() + 40)])  # "... right", or "correctly classified ..."
        right = _said_right(text[max(start, match.start() - 40):match.start()], last=True) if right is None else right
        if right is None:
            continue  # a count said neither right nor wrong ("5,000 of the 25,000 reviews held out")
        right_count = count if right else total - count
        found.append((match.group(0).strip(), match.start(), not right,
                      math.isfinite(test_accuracy) and abs(right_count - test_accuracy * total) <= 2))
    return found


def conclusion_findings(text: str, history: dict, results: dict) -> dict:
    """What a conclusion quotes, held against the run: the test accuracy it quotes, the epochs it names (the best
    epoch, of the highest validation accuracy, or the epoch with the lowest validation loss), whether it says what the
    learning curves showed, and figures that are none of the run's. A figure of this run counts as quoted wherever it
    stands. A figure said of another run (the practical's, notebooks 7-9's recorded runs, a classmate's) is not held
    against this one, nor one said of what the run's figures do not hold (a class of the classification report, a
    class average, another threshold, an exercise: the grader sees only notebook 6's evidence, which prints none of
    them), read clause by clause (:func:`_said_of_another`); a test accuracy is another run's only when that run is
    named at the phrase ("the practical's test accuracy of 0.8499"). A test error rate is held against one minus the
    test accuracy, and a count of test reviews ("21,650 of the 25,000 reviews right") against the count the test
    accuracy gives. Differences ("improved by 0.18", "7.2 % lower") and intervals ("95 % interval 0.8473 to 0.8561")
    are not figures of a run. Figures are read as students write them: "test acc 0.852", "Test acc. = .87",
    "accuracy of 85.17 %", "83,86 %", "eighty-six per cent", "$84.78\\%$", "$\\mathrm{acc}_{test} = 87\\,\\%$" (LaTeX's
    wrappers are read away first)."""
    text = epochs_as_digits(figures_as_digits(plain_text(text)))
    figures = run_figures(history, results)
    every = [value for values in figures.values() for value in values]
    test_accuracy = (figures.get("test accuracy") or [math.nan])[0]
    findings = {"test_accuracy": test_accuracy, "quoted_test_accuracy": [], "wrong_test_accuracy": [],
                "unmatched": [], "epochs_mentioned": [], "curves_mentioned": bool(_CURVES_WORDS.search(text))}
    intervals = _interval_spans(text)
    figures_quoted = [figure for figure in quoted_figures(text, _FIGURE_CUES)
                      if not _is_difference(text, figure[3], figure[3] + len(figure[0]))
                      and not _is_interval(text, figure[3], figure[3] + len(figure[0]), intervals)]
    # the figure right after "test accuracy" (no other metric or comparison in between) is the quoted test accuracy
    positions = [figure[3] for figure in figures_quoted]

    def following(phrase: re.Match) -> int | None:  # where the first figure within 40 characters after a phrase is
        index = bisect.bisect_left(positions, phrase.end())
        return positions[index] if index < len(positions) and positions[index] - phrase.end() <= 40 else None

    quoted_as_test: dict[int, int] = {}
    for phrase in _TEST_ACCURACY_PHRASE.finditer(text):
        position = following(phrase)
        if position is not None:
            between = text[phrase.end():position]
            if not _METRIC_WORD.search(between) and not re.search(r"\b(?:than|higher|lower|above|below)\b", between, re.I):
                quoted_as_test[position] = phrase.start()
    # the figure right after "test error rate" is the test error rate
    quoted_as_error = {position for phrase in _TEST_ERROR_PHRASE.finditer(text)
                       if (position := following(phrase)) is not None
                       and not _METRIC_WORD.search(text[phrase.end():position])}
    for written, _, _, position in figures_quoted:  # the test set named after the figure
        after = _TEST_SET_AFTER.match(text, position + len(written))
        rest = text[position + len(written):position + len(written) + 60]
        if position in quoted_as_test or position in quoted_as_error or not after:
            continue
        right = _said_right(rest)
        if right is None:  # "misclassified only 10 % of the test reviews", "classified correctly 87 % of ..."
            right = _said_right(text[max(0, position - 30):position], last=True)
        if not after.group(0).lstrip().lower().startswith("of"):
            if right is not False:  # "scored 87 % on the test set"
                quoted_as_test[position] = position
        elif right:  # "87 % of the test reviews" only when said to be right
            quoted_as_test[position] = position
        elif right is False:  # "14.8 % of the test reviews were misclassified"
            quoted_as_error.add(position)
    known = {figure[3] for figure in figures_quoted}
    for match in _OF_THE_TIME.finditer(text):  # "on the test split the model was right 87 % of the time"
        position = match.start(2)
        if position in quoted_as_test or position in quoted_as_error:
            continue
        if position not in known:
            figures_quoted.append((match.group(2), float(match.group(3)) / 100, len((match.group(3) + ".").split(".")[1]) + 2,
                                   position))
        sentence = text[slice(*_sentence_span(text, position))]
        if re.search(r"\btest(?:ing)?\b", sentence, re.I) and not re.search(r"\b(?:validation|val|training|train)\b",
                                                                           sentence, re.I):
            right = _said_right(text[max(0, position - 30):position], last=True)
            if right:
                quoted_as_test[position] = position
            elif right is False:
                quoted_as_error.add(position)
    for written, value, decimals, position in figures_quoted:
        if position in quoted_as_error:  # an error rate, or the test loss, which students call the test error too
            if (not _matches(value, decimals, 1 - test_accuracy)
                    and not any(_matches(value, decimals, figure) for figure in figures.get("test loss", []))
                    and not _said_of_another(text, position)):
                findings["unmatched"].append(written)
        elif _matches(value, decimals, test_accuracy):
            findings["quoted_test_accuracy"].append(written)
        elif position in quoted_as_test:
            if not _test_accuracy_of_another_run(text, quoted_as_test[position], position):
                findings["wrong_test_accuracy"].append(written)
        elif not any(_matches(value, decimals, figure) for figure in every) and not _said_of_another(text, position):
            findings["unmatched"].append(written)
    for written, position, counts_wrong, runs in _test_counts(text, test_accuracy):
        if runs and not counts_wrong:
            findings["quoted_test_accuracy"].append(written)
        elif not runs and not _said_of_another(text, position):  # a wrong count of errors is no test accuracy
            findings["unmatched" if counts_wrong else "wrong_test_accuracy"].append(written)
    findings["epochs_mentioned"] = sorted({int(number) for number in _EPOCH_MENTION.findall(text)})
    findings.update(_epoch_claims(text, history))
    return findings


def _epochs_at(values: list, pick) -> set[int]:
    """The epochs (from 1) where ``values`` reaches ``pick`` (max or min): all of them, if several tie."""
    numbers = [float(value) for value in values if isinstance(value, (int, float))]
    return {index + 1 for index, value in enumerate(numbers) if value == pick(numbers)} if numbers else set()


def _epoch_claims(text: str, history: dict) -> dict:
    """What the conclusion says of its epochs, held against the run. A claim that epoch N is the best epoch, or that
    the validation accuracy peaked there, must name the epoch of the highest validation accuracy; a "best epoch" that
    is the epoch of the lowest validation loss is accepted only in a sentence that speaks of the loss. A claim that
    the validation loss was lowest at epoch N must name that epoch."""
    best_epochs = _epochs_at(history.get("val_accuracy") or [], max)
    lowest_loss_epochs = _epochs_at(history.get("val_loss") or [], min)
    claims, wrong = [], []
    for kind, pattern in _EPOCH_CLAIMS:
        for match in pattern.finditer(text):
            epoch = int(match.group(1))
            if (kind, epoch) in claims:
                continue
            claims.append((kind, epoch))
            if kind == "loss":
                right = not lowest_loss_epochs or epoch in lowest_loss_epochs
            elif kind == "accuracy":
                right = not best_epochs or epoch in best_epochs
            else:
                speaks_of_loss = re.search(r"\bloss\b|val_loss", text[slice(*_sentence_span(text, match.start()))], re.I)
                right = not best_epochs or epoch in best_epochs or bool(speaks_of_loss and epoch in lowest_loss_epochs)
            if not right:
                wrong.append((kind, epoch))
    # "best epoch 3, where the validation accuracy peaked" is one claim: the accuracy part repeats the "best" one
    repeated = {("accuracy", epoch) for kind, epoch in claims if kind == "best"}
    return {"epoch_claims": [claim for claim in claims if claim not in repeated],
            "wrong_epoch_claims": [claim for claim in wrong if claim not in repeated],
            "best_epoch": min(best_epochs) if best_epochs else None,
            "lowest_loss_epoch": min(lowest_loss_epochs) if lowest_loss_epochs else None}


def check_conclusion(conclusion: str, history: dict, results: dict) -> None:
    """Hold the student's conclusion against their own run and say what it quotes; nothing is written for them.

    ``history`` is notebook 4's training history (a dict of per-epoch lists), ``results`` notebook 5's saved figures.
    """
    text = written_conclusion(conclusion)
    if not is_written(text):
        print("Conclusion: not written yet. Write it in MY_CONCLUSION above, in your own words: what you built and "
              "trained, your run's test accuracy, your best epoch (the highest validation accuracy), and what the "
              "learning curves showed. Plain text only (no f-string, no {...}): the grader reads the text as written. "
              "Then run the whole notebook again (Restart & Run All) before you hand it in.")
        return
    found = conclusion_findings(text, history, results)
    val_accuracy, val_loss = history.get("val_accuracy") or [], history.get("val_loss") or []
    best_accuracy_epoch = val_accuracy.index(max(val_accuracy)) + 1 if val_accuracy else None
    lowest_loss_epoch = val_loss.index(min(val_loss)) + 1 if val_loss else None
    lines = [f"Conclusion: {len(text.split())} words, held against your run (your text is not changed)."]
    if found["wrong_test_accuracy"]:
        lines.append(f"  - test accuracy: you quote {', '.join(found['wrong_test_accuracy'])}, but your run's is "
                     f"{found['test_accuracy']:.4f}. Quote your own run's.")
    elif found["quoted_test_accuracy"]:
        lines.append(f"  - test accuracy: you quote {found['quoted_test_accuracy'][0]}; your run's is "
                     f"{found['test_accuracy']:.4f}: matches.")
    else:
        lines.append("  - test accuracy: not quoted. Your run's figure is printed in question 12's evidence.")
    picked = {epoch for epoch in (best_accuracy_epoch, lowest_loss_epoch) if epoch}
    said = {"best": "you call epoch {epoch} the best epoch",
            "accuracy": "you say the validation accuracy was highest at epoch {epoch}",
            "loss": "you say the validation loss was lowest at epoch {epoch}"}

    for kind, epoch in found["wrong_epoch_claims"]:
        truth = (f"the validation loss was lowest at epoch {lowest_loss_epoch}" if kind == "loss" else
                 f"the best epoch, the one with the highest validation accuracy, was epoch {best_accuracy_epoch}")
        lines.append(f"  - {said[kind].format(epoch=epoch)}, but in your run {truth}. Correct it (question 10's "
                     "evidence prints both epochs).")
    right_claims = [claim for claim in found["epoch_claims"] if claim not in found["wrong_epoch_claims"]]
    for epoch in [epoch for kind, epoch in right_claims if kind == "best" and epoch != best_accuracy_epoch]:
        lines.append(f"  - you call epoch {epoch} the best epoch where you speak of the validation loss, which was "
                     f"lowest there. In this lab the best epoch is the one with the highest validation accuracy "
                     f"(epoch {best_accuracy_epoch}): call epoch {epoch} \"the epoch with the lowest validation loss\".")
    right_claims = [(kind, epoch) for kind, epoch in right_claims if kind != "best" or epoch == best_accuracy_epoch]
    if right_claims:
        lines.append("  - " + "; ".join(said[kind].format(epoch=epoch) for kind, epoch in right_claims) + ": matches "
                     "your run.")
    if found["epochs_mentioned"] and not found["epoch_claims"]:  # named, but not called best or lowest
        matching = [epoch for epoch in found["epochs_mentioned"] if epoch in picked]
        lines.append(f"  - epochs: you mention epoch {', '.join(map(str, found['epochs_mentioned']))}; in your run the "
                     f"best epoch (highest validation accuracy) was epoch {best_accuracy_epoch}, and the epoch with the "
                     f"lowest validation loss was epoch {lowest_loss_epoch}"
                     + ("." if matching else ": check which you mean."))
    elif not found["epochs_mentioned"]:
        lines.append("  - best epoch (highest validation accuracy): not mentioned (question 10's evidence says which it "
                     "was).")
    lines.append("  - learning curves: " + ("you say what they showed; check it against question 10's evidence."
                                           if found["curves_mentioned"] else
                                           "not mentioned (did the validation loss go up while the training loss kept "
                                           "falling?)."))
    if found["unmatched"]:
        lines.append(f"  - {', '.join(found['unmatched'])}: none of your run's figures. If it is another run's (the "
                     "practical's, a notebook's recorded run), name that run beside it (\"the practical reported "
                     "0.850\"); otherwise quote your own.")
    print("\n".join(lines))


def show_model_answer(question: int) -> None:
    """The lab's answer to a viva question, with the figures of the student's own run where it has them.

    Read it after writing your own answer, to compare; the grader flags answers copied from it.
    """
    number = question if isinstance(question, int) and not isinstance(question, bool) else 0
    if number not in MODEL_ANSWERS:
        print(f"There is no question {question!r}: the viva has questions 1 to {len(MODEL_ANSWERS)}.")
        return
    text = f"**Model answer to question {number}: {QUESTIONS[number]}**\n\n{MODEL_ANSWERS[number].strip()}"
    figures = _your_figures(number)
    if figures:
        text += f"\n\n*In your run*: {figures}"
    try:
        from IPython.display import Markdown, display

        display(Markdown(text))
    except ImportError:
        print(text)


def _namespace() -> dict:
    """The notebook's variables (the evidence cells' results), or nothing outside a notebook."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _your_figures(number: int) -> str:
    """A sentence with the student's own figures for question ``number``, from the evidence cells they ran."""
    ns = _namespace()
    try:
        return _FIGURES[number](ns) if number in _FIGURES else ""
    except (KeyError, AttributeError, TypeError, ValueError, IndexError):
        return f"run question {number}'s evidence cell first to see your own figures here."


def _share(values, test) -> float:
    flat = [float(v) for v in getattr(values, "ravel", lambda: values)()]
    return sum(test(v) for v in flat) / len(flat)


_FIGURES = {
    1: lambda ns: (f"{_share(ns['train_lengths'], lambda n: n > ns['MAXLEN']):.1%} of the training reviews are longer "
                   f"than {ns['MAXLEN']} tokens and lose their beginning to `pad_sequences`."),
    3: lambda ns: (f"SimpleRNN(128) has {ns['simple_rnn_parameters']:,} parameters, LSTM(128) "
                   f"{ns['lstm_parameters']:,}."),
    4: lambda ns: (f"at the last word of test review {ns['review_index']}, unit {ns['top_unit']} had forget gate "
                   f"{float(ns['forget_gate']):.2f}, input gate {float(ns['input_gate']):.2f} and output gate "
                   f"{float(ns['output_gate']):.2f}; the NumPy LSTM gave P(positive) {ns['numpy_probability']:.6f}, "
                   f"Keras {ns['keras_probability']:.6f}."),
    5: lambda ns: (f"on test review {ns['review_index']} the forget gate averaged "
                   f"{float(ns['forget_values'].mean()):.3f}; its 128 unit averages spread (std) "
                   f"{float(ns['forget_values'].mean(axis=0).std()):.3f}, against "
                   f"{float(ns['untrained_forget'].mean(axis=0).std()):.3f} untrained; "
                   f"{_share(ns['forget_values'], lambda v: v > 0.9):.1%} of its values above 0.9 and "
                   f"{_share(ns['forget_values'], lambda v: v < 0.1):.1%} below 0.1."),
    6: lambda ns: (f"the input gate, averaged over the units, ranged from {float(ns['input_openness'].min()):.2f} to "
                   f"{float(ns['input_openness'].max()):.2f} over the review's words."),
    7: lambda ns: f"the output gate at the last step averaged {float(ns['last_output_gate'].mean()):.3f}.",
    8: lambda ns: (f"{_share(ns['cell_path_gradient'], lambda v: v >= 0.01):.1%} of the units kept at least 1 % of the "
                   f"direct-path gradient over the last 50 words (the untrained LSTM: "
                   f"{float(ns['untrained_keeping_share']):.1%})."),
    9: lambda ns: f"GRU(128) has {ns['gru_parameters']:,} parameters, LSTM(128) {ns['lstm_parameters']:,}.",
    10: lambda ns: (f"the best epoch (highest validation accuracy) was epoch {ns['best_epoch']} of "
                    f"{len(ns['history']['loss'])}; the validation loss was lowest after epoch "
                    f"{ns['lowest_loss_epoch']}."),
    11: lambda ns: f"Bidirectional(LSTM(128)) has {ns['bidirectional_parameters']:,} parameters.",
    12: lambda ns: f"test accuracy {ns['results']['test_accuracy']:.4f}, test loss {ns['results']['test_loss']:.4f}.",
}
