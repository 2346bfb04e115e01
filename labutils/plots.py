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
