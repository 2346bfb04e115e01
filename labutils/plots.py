"""Figures the notebooks draw, so their cells stay short."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_learning_curves(history, title: str = "Learning curves"):
    """Loss and accuracy per epoch, training vs validation (a Keras History or its dict)."""
    values = getattr(history, "history", history)
    if "loss" not in values:
        raise ValueError(f"history has no 'loss' series; keys: {sorted(values)}")
    epochs = np.arange(1, len(values["loss"]) + 1)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, metric in zip(axes, ("loss", "accuracy")):
        if metric in values:
            axis.plot(epochs, values[metric], "o-", label="training")
        if f"val_{metric}" in values:
            axis.plot(epochs, values[f"val_{metric}"], "s--", label="validation")
        axis.set_xlabel("epoch")
        axis.set_ylabel(metric)
        axis.set_xticks(epochs)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle(title)
    figure.tight_layout()
    plt.show()
    return figure


def plot_length_histogram(lengths, cutoff: int, title: str = "Review lengths"):
    """Histogram of sequence lengths with the padding/truncation length marked."""
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        raise ValueError("no lengths to plot")
    share_longer = float(np.mean(lengths > cutoff))
    figure, axis = plt.subplots(figsize=(9, 4))
    axis.hist(lengths, bins=np.arange(0, np.percentile(lengths, 99) + 20, 20), color="tab:blue", alpha=0.8)
    axis.axvline(cutoff, color="tab:red", linestyle="--", label=f"maxlen = {cutoff} ({share_longer:.1%} of reviews are longer)")
    axis.set_xlabel("tokens per review")
    axis.set_ylabel("reviews")
    axis.set_title(title)
    axis.legend()
    figure.tight_layout()
    plt.show()
    return figure


def plot_gates_by_word(words, running_probability, gates: dict, unit_labels=None, title: str = "Gates word by word"):
    """One time axis, the review's words: the running P(positive) on top, then one heatmap per entry of ``gates``.

    ``gates`` maps a name to an array (steps, units): gate values in [0, 1] get a 0-to-1 scale, anything named
    "cell" a blue-white-red scale centred on 0. ``unit_labels`` names the heatmap rows (the hidden units).
    """
    words = [str(word) for word in words]
    steps = len(words)
    running_probability = np.asarray(running_probability, dtype=float)
    if steps == 0:
        raise ValueError("no words to plot")
    if running_probability.shape != (steps,):
        raise ValueError(f"running_probability has shape {running_probability.shape}, expected ({steps},): one per word")
    arrays = {name: np.asarray(values, dtype=float) for name, values in gates.items()}
    for name, values in arrays.items():
        if values.ndim != 2 or values.shape[0] != steps:
            raise ValueError(f"{name!r} has shape {values.shape}, expected ({steps}, units)")
    figure = plt.figure(figsize=(max(10.0, 0.22 * steps), 2.0 + 1.9 * len(arrays)), layout="constrained")
    grid = figure.add_gridspec(1 + len(arrays), 2, width_ratios=[1, 0.012], height_ratios=[1.3] + [1] * len(arrays))
    top = figure.add_subplot(grid[0, 0])
    figure.add_subplot(grid[0, 1]).axis("off")
    positions = np.arange(steps)
    top.plot(positions, running_probability, "o-", markersize=3, color="tab:purple")
    top.axhline(0.5, color="gray", linestyle="--", linewidth=1)
    top.set_ylim(0, 1)
    top.set_xlim(-0.5, steps - 0.5)
    top.set_ylabel("P(positive)\nafter the word")
    top.set_title(title)
    axis = top
    for row, (name, values) in enumerate(arrays.items(), start=1):
        axis = figure.add_subplot(grid[row, 0], sharex=top)
        if "cell" in name.lower() or values.min() < 0 or values.max() > 1:
            limit = float(np.abs(values).max()) or 1.0
            image = axis.imshow(values.T, aspect="auto", cmap="coolwarm", vmin=-limit, vmax=limit, interpolation="nearest")
        else:
            image = axis.imshow(values.T, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        axis.set_ylabel(name)
        labels = list(unit_labels) if unit_labels is not None else list(range(values.shape[1]))
        axis.set_yticks(range(len(labels)), [str(label) for label in labels], fontsize=6)
        figure.colorbar(image, cax=figure.add_subplot(grid[row, 1]))
    for upper in figure.axes:
        if upper is not axis and upper.get_subplotspec().colspan.start == 0:
            upper.tick_params(labelbottom=False)
    axis.set_xticks(positions, words, rotation=90, fontsize=8)
    plt.show()
    return figure
