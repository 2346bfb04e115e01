"""Checkers for notebook 04's exercises. Each recomputes the right answer from what the cell passes in: the
history and epoch times of this run, the model's shape, and how many reviews the run profile trained on."""

from __future__ import annotations

import math

from . import NotYet, as_number, exercise


def _history_dict(history) -> dict:
    """``History.history`` whether the cell passes the History object or its dictionary."""
    return dict(getattr(history, "history", history))


def _training_part(n_examples, validation_split) -> int:
    """How many reviews ``fit(validation_split=...)`` trains on: Keras keeps the first floor(n * (1 - split))."""
    return int(math.floor(int(n_examples) * (1.0 - float(validation_split))))


@exercise("04-1", answer_name="lost_by_stopping_at_2",
          hint="Take the largest value of history.history[\"val_accuracy\"] and subtract the value after epoch 2. "
               "The list starts at epoch 1, so epoch 2 is not at index 2.",
          solution="""val_accuracy = history.history["val_accuracy"]
lost_by_stopping_at_2 = max(val_accuracy) - val_accuracy[1]  # index 1 holds epoch 2
print(f"best epoch {int(np.argmax(val_accuracy)) + 1}; stopping after epoch 2 loses {lost_by_stopping_at_2:.4f}")""",
          explanation="""The loss is the best validation accuracy minus the one after epoch 2. If your curves flatten after epoch 2, stopping
there costs little and saves the later epochs of training; if validation accuracy is still climbing, it costs more. Your
own run's figures say which (0 when epoch 2 is the best epoch). Whether the loss is more than the
noise is what section 6's verdict for epoch 2 says: the two epochs compared on the same validation reviews. Notice that
the best epoch was found on the validation split: choosing it is tuning, which is why the test set stays out of it. To
try it yourself, work in a copy of this notebook that you do not hand in (JupyterLab: File > Save Notebook As;
Colab: File > Save a copy in Drive), and delete the copy's
cell that calls save_trained_model, so that notebooks 5 and 6 keep using this notebook's model; set EPOCHS = 2 there,
run it and compare the validation accuracy.
keras.callbacks.EarlyStopping(monitor="val_accuracy", restore_best_weights=True) automates the choice of the epoch
with the highest validation accuracy; without monitor= it would watch the validation loss.""")
def _lost_by_stopping_at_2(answer, *, history):
    metrics = _history_dict(history)
    val_accuracy = [float(value) for value in metrics["val_accuracy"]]
    stop = min(2, len(val_accuracy))
    truth = max(val_accuracy) - val_accuracy[stop - 1]
    value = as_number(answer)
    tolerance = 1.5e-4  # room for values read off the printed curves, rounded to 4 decimals
    if abs(value - truth) <= tolerance:
        return
    if value < 0:
        raise NotYet("Stopping early cannot beat the best epoch: take the best validation accuracy minus the one "
                     "after epoch 2, not the other way round.")
    if truth > 0 and abs(value - 100 * truth) <= 100 * tolerance:
        raise NotYet("Give it as a fraction of 1, as Keras records accuracy, not in percent.")
    if len(val_accuracy) > 2 and abs(value - (max(val_accuracy) - val_accuracy[2])) <= tolerance:
        raise NotYet("That is stopping after epoch 3: the list starts at epoch 1, so epoch 2 is at index 1.")
    if abs(value - (max(val_accuracy) - val_accuracy[-1])) <= tolerance:
        raise NotYet("That is what stopping after the last epoch loses. The question is about stopping after epoch 2.")
    training = [float(v) for v in metrics.get("accuracy", [])]
    if len(training) >= stop and abs(value - (max(training) - training[stop - 1])) <= tolerance:
        raise NotYet("That uses the training accuracy. Which of the recorded metrics measures reviews the model "
                     "did not train on?")
    raise NotYet("Not what this run's history gives. Use history.history[\"val_accuracy\"]: its best value minus "
                 "its value after epoch 2.")


def _lstm_shape(model) -> tuple[int, int, int]:
    """(steps, inputs d, units n) of the model's LSTM: Embedding, LSTM, Dense as in section 3."""
    lstm = next(layer for layer in model.layers if type(layer).__name__ == "LSTM")
    kernel = lstm.get_weights()[0]  # (d, 4n)
    return int(model.input_shape[1]), int(kernel.shape[0]), int(kernel.shape[1] // 4)


@exercise("04-2", answer_name="lstm_rate",
          hint="Section 7 counts the multiply-adds of one LSTM step for one review, and says how much the backward "
               "pass adds. Scale that up to every step of every review fit trains on in this run (not the validation "
               "part), then divide by the median of epoch_timer.epoch_seconds.",
          solution="""training_reviews = int(np.floor(len(x_train_fit) * (1 - VALIDATION_SPLIT)))
work_per_epoch = training_reviews * MAXLEN * 4 * LSTM_UNITS * (EMBEDDING_DIM + LSTM_UNITS) * 3
lstm_rate = work_per_epoch / np.median(epoch_timer.epoch_seconds)
print(f"{work_per_epoch:.3g} multiply-adds per epoch, {lstm_rate / 1e9:.1f} billion per second")""",
          explanation="""The rate is the LSTM's useful work divided by the time an epoch took, so it slightly underestimates what the machine
did (the epoch also ran the validation pass, the embedding and the Dense layer). Compare it with what the processor
could do: a GPU's arithmetic peak is far higher, but it is reached only on large matrix products (how fast this lab
runs on a GPU has not been measured). The step-by-step loop gives it only small products at each step (with the
practical's recurrent dropout, eight products of a 64 x 128 batch by a 128 x 128 matrix per step and batch: one per
gate block for the input and for the hidden state), one step after another, 200 steps per batch. NVIDIA's fused cuDNN
kernel runs the whole loop in one go, and Keras uses it only when recurrent_dropout is 0
(keras/src/layers/rnn/lstm.py). Recurrent dropout multiplies the previous hidden state by a dropout mask inside every
step; Keras draws the masks once per batch (one per review, unit and gate block) and reuses them at all 200 steps, and
the fused kernel has no way to apply them. To try it yourself on Colab, with and without the GPU runtime, work in a
copy of this notebook that you do not hand in (Colab: File > Save a copy in Drive), and delete the copy's cell that calls
save_trained_model, so that notebooks 5 and 6 keep using this notebook's model; set RECURRENT_DROPOUT = 0 there, run
it and compare the seconds per epoch. On a CPU the multiply-adds per review stay the same, but Keras then runs its
fused cell; what the lab's benchmark recorded for it is in benchmarks/RESULTS.md (section "Recurrent dropout on a
CPU").""")
def _lstm_rate(answer, *, model, epoch_seconds, n_examples, validation_split):
    import numpy as np

    steps, inputs, units = _lstm_shape(model)
    training_reviews = _training_part(n_examples, validation_split)
    truth = training_reviews * steps * 4 * units * (inputs + units) * 3 / float(np.median(epoch_seconds))
    value = as_number(answer, "a number (multiply-adds per second)")
    if value <= 0:
        raise NotYet("A rate of work is a positive number: multiply-adds done divided by seconds taken.")
    ratio = value / truth
    if abs(ratio - 1) <= 0.05:  # room for the median read off section 7's printout, rounded to 0.1 s of a short epoch
        return
    near = lambda factor: abs(ratio - factor) <= 0.05 * factor  # noqa: E731
    if near(1 / 3):
        raise NotYet("That counts the forward pass only. Training also runs a backward pass, about twice the "
                     "forward work.")
    if near(1 / (1 - float(validation_split))):
        raise NotYet("That counts the validation reviews as trained on. fit trains only on the part validation_split "
                     "leaves.")
    if int(n_examples) != 25_000 and near(20_000 / training_reviews):
        raise NotYet("This run's profile trained on len(x_train_fit) reviews, not on all 25,000: start from those.")
    if near(1 / 4):
        raise NotYet("An LSTM step computes four blocks (three gates and the candidate), each with its own matrices: count all four.")
    if near(1 / steps):
        raise NotYet("Every review is read step by step, MAXLEN steps: multiply by them.")
    if near(1e-9) or near(1e-12):
        raise NotYet("Give the rate in multiply-adds per second, not in billions or trillions.")
    mean = float(np.mean(epoch_seconds))
    if near(float(np.median(epoch_seconds)) / mean):
        raise NotYet("Divide by the median of the epoch times, as section 7 prints it, not the mean.")
    raise NotYet("Not this run's rate. Count the multiply-adds of one epoch's training (reviews x steps x "
                 "4 n (d + n) x 3) and divide by the median seconds per epoch.")


@exercise("04-3", answer_name="steps_at_256",
          hint="Section 7 computes the steps at batch 64. Start from the reviews the profile trained on "
               "(len(x_train_fit)), keep the part validation_split leaves for training, and divide by 256, counting "
               "a last, smaller batch as a step.",
          solution="""training_part = int(np.floor(len(x_train_fit) * (1 - VALIDATION_SPLIT)))
steps_at_256 = int(np.ceil(training_part / 256))
print(f"{training_part} training reviews: {steps_at_256} steps at batch 256, {steps_per_epoch} at batch {BATCH_SIZE}")""",
          explanation="""20,000 training reviews / 256 = 78.1, so 79 steps (the last batch holds the remaining 32 reviews), against 313 at
batch 64; in the smoke profile 1,600 reviews give 7. Four times fewer updates per epoch: each update averages the
gradient over four times more reviews, so it is less noisy, but Adam moves each weight by at most about the learning
rate per update, whatever the gradient's size, so with the same learning rate the weights can travel up to about four
times less per epoch. A larger batch therefore usually wants a larger learning rate (a rule of thumb raises it with
the batch; for Adam often by the square root of the batch's growth), or more epochs. To try it yourself, work in a copy of this notebook that you do not hand in (File > Save a
copy), and delete the copy's cell that calls save_trained_model, so that notebooks 5 and 6 keep using this notebook's
model; set BATCH_SIZE = 256 there (and perhaps optimizer=keras.optimizers.Adam(learning_rate=0.002)), run it and
compare the seconds per epoch and the validation accuracy.""")
def _steps_at_256(answer, *, n_examples, validation_split):
    training_part = _training_part(n_examples, validation_split)
    truth = math.ceil(training_part / 256)
    value = as_number(answer, "a whole number")
    if value == truth:
        return
    if value == training_part // 256:
        raise NotYet("The last batch is smaller than 256 but is still a step: round up, not down.")
    if value in (math.ceil(int(n_examples) / 256), int(n_examples) // 256):
        raise NotYet("That counts the validation reviews too. fit trains only on the part validation_split leaves.")
    if int(n_examples) != 25_000 and value in (math.ceil(20_000 / 256), 20_000 // 256):
        raise NotYet("This run's profile trained on len(x_train_fit) reviews, not on all 25,000: start from those.")
    if value == math.ceil(training_part / 64):
        raise NotYet("That is the number at batch 64. Divide by 256.")
    raise NotYet("Not the number of steps. Count the training part's reviews and divide by 256, rounding up.")


@exercise("04-4", answer_name="validation_start",
          hint="validation_split takes its share from the end of the arrays fit receives. How many reviews did fit "
               "receive in this run (the run profile may have cut them), and how many does it keep for training, "
               "rounding down?",
          solution="""validation_start = int(np.floor(len(x_train_fit) * (1 - VALIDATION_SPLIT)))
held_out = y_train_fit[validation_start:]
first_part = y_train_fit[:len(held_out)]
print(f"validation = x_train_fit[{validation_start}:], {len(held_out)} reviews, {held_out.mean():.3f} of them positive; "
      f"the first {len(first_part)}: {first_part.mean():.3f} positive")""",
          explanation="""The last 20 %: x_train_fit[20000:] in the full profile (x_train_fit[1600:] in the smoke profile, which fits on
2,000 reviews). Keras slices before any shuffling, so which reviews it takes depends only on their order in the
arrays. That order is already random: load_data shuffles the training reviews (with a fixed seed) before returning
them, so the last 5,000 are a random sample, about half of them positive, and the first 5,000 would be just as
fair a sample. On data stored in some order (all negative reviews first, or sorted by date), the last 20 % would
be a biased validation set, and you would shuffle first.""")
def _validation_start(answer, *, n_examples, validation_split):
    n = int(n_examples)
    truth = _training_part(n, validation_split)
    value = as_number(answer, "a whole number (an index)")
    if value == truth:
        return
    if value == n - truth:
        raise NotYet("That is how many reviews are held out. The question asks where the held-out slice starts.")
    if value == 0:
        raise NotYet("Keras does not hold out the first reviews: it takes the last part of the arrays.")
    if value in (truth - 1, truth + 1):
        raise NotYet("Off by one: the held-out slice is x_train_fit[start:], and Python counts from 0.")
    if n != 25_000 and value == 20_000:
        raise NotYet("This run's profile trained on len(x_train_fit) reviews, not on all 25,000: start from those.")
    raise NotYet("Not where the held-out slice starts. How many reviews did fit receive, and what share does it "
                 "keep for training?")
