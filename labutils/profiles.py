"""Run profiles: how much training a run does.

``full`` (the default) is the practical as written: all 25,000 training
reviews, the epochs the notebook asks for. ``smoke`` (tests, CI) keeps every
step of the lab but trains on a small slice (1,000 reviews) for two epochs, so
a whole run takes minutes on a laptop CPU. Two epochs, not one: a learning
curve then has two points, and notebook 4 has two epochs to compare; 1,000
reviews, not 2,000, keep the training as short as one epoch of 2,000 was. Its numbers are a check that the code works,
not a result.

The profile changes nothing but the amount of training, and only through the
one call :func:`apply_run_profile` that notebook 4 makes in plain sight.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .evidence import TRAINING_PROFILE_LINE

PROFILE_VARIABLE = "LABUTILS_PROFILE"


@dataclass(frozen=True)
class Profile:
    name: str
    train_examples: int | None  # None: every training review
    max_epochs: int | None  # None: as many as the notebook asks for
    description: str


PROFILES = {
    "full": Profile("full", None, None, "the practical as written: every training review, every epoch"),
    "smoke": Profile("smoke", 1000, 2, "a quick check on 1,000 training reviews for 2 epochs; its numbers are not results"),
}


def current_profile() -> Profile:
    """The profile named by ``$LABUTILS_PROFILE`` (default ``full``)."""
    name = os.environ.get(PROFILE_VARIABLE, "full").strip().lower() or "full"
    if name not in PROFILES:
        raise ValueError(
            f"{PROFILE_VARIABLE}={name!r} is not a run profile; use one of: {', '.join(PROFILES)}"
        )
    return PROFILES[name]


def apply_run_profile(x_train, y_train, epochs: int):
    """Return ``(x, y, epochs)`` to train on under the current profile.

    ``full`` returns the inputs unchanged. ``smoke`` returns the first
    ``train_examples`` reviews (Keras has already shuffled them) and at most
    ``max_epochs`` epochs. Prints what it did, so every run says how much it
    trained.
    """
    if len(x_train) != len(y_train):
        raise ValueError(f"x_train has {len(x_train)} rows but y_train has {len(y_train)}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    profile = current_profile()
    x_run, y_run, epochs_run = x_train, y_train, epochs
    if profile.train_examples is not None:
        x_run, y_run = x_train[: profile.train_examples], y_train[: profile.train_examples]
    if profile.max_epochs is not None:
        epochs_run = min(epochs, profile.max_epochs)
    print(TRAINING_PROFILE_LINE.format(name=profile.name, used=len(x_run), total=len(x_train), epochs_run=epochs_run,
                                       epochs=epochs, description=profile.description))
    return x_run, y_run, epochs_run
