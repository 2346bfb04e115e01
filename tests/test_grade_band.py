"""The band between test and validation accuracy, and the figures a forger must keep coherent (issue 35, item 4).

The rules (``labutils.course.grade.runs``: ``band_width``, ``auc_bounds``, ``check_coherence``) are derived, and
checked against every recorded honest run, in benchmarks/RESULTS.md, "The grader's band and coherence rules". Here:
every fixture passes; every honest pair recorded there lies inside the band; the issue's forgeries, built from the
lab's real hand-in as a student would edit it, fail.
"""

import glob
import json
import math
import re
import shutil
from pathlib import Path

import pytest
from handins import FIXTURE_LESSONS, FIXTURES, FULL_RUN_ARCHIVE, unpack_full_run
from helpers import ROOT

from labutils.course import grade
from labutils.course.grade.runs import VALIDATION_BAND, VALIDATION_REVIEWS, auc_bounds, band_width

NB = {"04": "04_training_with_validation_split.ipynb", "05": "05_test_evaluation_and_confusion_matrix.ipynb",
      "06": "06_viva_voce.ipynb"}
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BAND_REASON = "above the validation accuracy after the last epoch"
AUC_REASON = "below the test accuracy"
LOSS_REASON = "the least a cross-entropy can be"


def graded(folder):
    return {sub.notebook.rsplit("/", 1)[-1][:2]: sub
            for sub in grade.grade_paths([Path(folder)], grade.Settings(lessons=FIXTURE_LESSONS)) if sub.notebook}


def reasons(sub):
    return " | ".join(sub.reasons)


# ---------------------------------------------------------------- editing a hand-in (as in /tmp/repro35/repro.py)

def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def save(nb, path):
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def _join(value):
    return "".join(value) if isinstance(value, list) else value


def edit_outputs(path, edit):
    """Apply ``edit`` to every printed text (streams, text/plain) of the notebook's code cells."""
    nb = load(path)
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = edit(_join(output["text"]))
            elif "text/plain" in output.get("data", {}):
                output["data"]["text/plain"] = edit(_join(output["data"]["text/plain"]))
    save(nb, path)


def edit_text(path, edit):
    Path(path).write_text(edit(Path(path).read_text(encoding="utf-8")), encoding="utf-8")


def matrix_for(accuracy):
    correct = round(accuracy * 25_000)
    tn = correct // 2
    tp = correct - tn
    fp, fn = 12_500 - tn, 12_500 - tp
    p, r = tp / (tp + fp), tp / (tp + fn)
    np_, nr = tn / (tn + fn), tn / (tn + fp)
    f1, nf1 = 2 * p * r / (p + r), 2 * np_ * nr / (np_ + nr)
    return dict(acc=correct / 25_000, tn=tn, fp=fp, fn=fn, tp=tp, p=p, r=r, f1=f1, np=np_, nr=nr, nf1=nf1)


def forge(folder, accuracy, last_val=None, auc=None, loss=None, old=("0.8517", "0.8517199754714966")):
    """Asha's run given test accuracy ``accuracy`` everywhere the grader cross-checks (notebook 5's evaluate line,
    printed accuracy, predict line, matrix, precision/recall/F1, report; notebook 6's run line and metrics; the
    conclusion); with ``last_val`` notebook 4's last epoch validation accuracy (Keras line, table, notebook 6);
    with ``auc`` and ``loss`` the ROC AUC and test loss in notebooks 5 and 6."""
    m = matrix_for(accuracy)
    a = f"{m['acc']:.4f}"

    def edit5(t):
        t = t.replace(f"accuracy: {old[0]} - loss", f"accuracy: {a} - loss").replace(f"Test accuracy: {old[1]}", f"Test accuracy: {a}")
        t = t.replace(f"from predict: {old[0]}   from evaluate: {old[0]}", f"from predict: {a}   from evaluate: {a}")
        t = t.replace("TN 10,542  FP 1,958  FN 1,749  TP 10,751", f"TN {m['tn']:,}  FP {m['fp']:,}  FN {m['fn']:,}  TP {m['tp']:,}")
        t = t.replace("precision 0.8459   recall 0.8601   F1 0.8529", f"precision {m['p']:.4f}   recall {m['r']:.4f}   F1 {m['f1']:.4f}")
        rows = {"negative": (m["np"], m["nr"], m["nf1"]), "positive": (m["p"], m["r"], m["f1"])}
        rows["macro avg"] = rows["weighted avg"] = tuple((x + y) / 2 for x, y in zip(rows["negative"], rows["positive"]))
        t = re.sub(r"(negative|positive|macro avg|weighted avg)( +)0\.\d{4} +0\.\d{4} +0\.\d{4}",
                   lambda g: g.group(1) + g.group(2) + "    ".join(f"{v:.4f}" for v in rows[g.group(1)]), t)
        if auc is not None:
            t = t.replace("AUC = 0.9238", f"AUC = {auc:.4f}")
        if loss is not None:
            t = t.replace("Test loss: 0.38541144132614136", f"Test loss: {loss:.4f}").replace(
                f"accuracy: {a} - loss: 0.3854", f"accuracy: {a} - loss: {loss:.4f}")
        return re.sub(r"(\n {0,20}accuracy +)0\.8517", lambda g: g.group(1) + a, t)

    def edit6(t):
        t = t.replace(f"test accuracy {old[0]}, test loss", f"test accuracy {a}, test loss")
        t = t.replace(f"test_accuracy  {old[0]}", f"test_accuracy  {a}").replace("precision      0.8459", f"precision      {m['p']:.4f}")
        t = t.replace("recall         0.8601", f"recall         {m['r']:.4f}").replace("f1             0.8529", f"f1             {m['f1']:.4f}")
        if auc is not None:
            t = t.replace("roc_auc        0.9238", f"roc_auc        {auc:.4f}")
        if loss is not None:
            t = t.replace("test loss 0.3854", f"test loss {loss:.4f}").replace("test_loss      0.3854", f"test_loss      {loss:.4f}")
        return t.replace(f"you quote {old[0]}; your run's is {old[0]}", f"you quote {a}; your run's is {a}")

    edit_outputs(folder / NB["05"], edit5)
    edit_outputs(folder / NB["06"], edit6)
    edit_text(folder / NB["06"], lambda t: t.replace(f"test accuracy of {old[0]}", f"test accuracy of {a}"))
    if last_val is not None:
        v = f"{last_val:.4f}"
        edit_outputs(folder / NB["04"], lambda t: t.replace("val_accuracy: 0.8552", f"val_accuracy: {v}").replace(
            "epoch 5: training accuracy 0.9235   validation accuracy 0.8552", f"epoch 5: training accuracy 0.9235   validation accuracy {v}").replace(
            "best validation accuracy 0.8552", f"best validation accuracy {v}"))
        edit_outputs(folder / NB["06"], lambda t: t.replace("validation accuracy 0.8552 (gap +0.0683)",
                                                            f"validation accuracy {v} (gap {0.9235 - last_val:+.4f})"))
        edit_text(folder / NB["06"], lambda t: t.replace("(0.855)", f"({last_val:.3f})"))
    return a


@pytest.fixture(scope="module")
def asha(tmp_path_factory):
    return unpack_full_run(tmp_path_factory.mktemp("asha-band"), FULL_RUN_ARCHIVE)


@pytest.fixture
def hand_in(asha, tmp_path):
    return shutil.copytree(asha, tmp_path / "asha")


# ---------------------------------------------------------------- the rules themselves

def test_the_band_is_four_and_a_half_standard_errors_of_the_difference():
    assert VALIDATION_REVIEWS == 5_000 and VALIDATION_BAND == 4.5
    standard_error = math.sqrt(0.85 * 0.15 * (1 / 5_000 + 1 / 25_000))
    assert standard_error == pytest.approx(0.0055, abs=1e-4)
    assert band_width(0.85, 0.85) == pytest.approx(4.5 * standard_error, abs=1e-4)
    assert 0.034 < band_width(0.5, 0.5) < 0.035 and 0.016 < band_width(0.94, 0.94) < 0.017
    # the false-flag rate RESULTS.md states: 6.8e-6 per honest run, 0.68 % that one of 1,000 students is flagged
    rate = math.erfc(VALIDATION_BAND / math.sqrt(2))
    assert rate == pytest.approx(6.8e-6, rel=0.01) and 1 - (1 - rate) ** 1000 == pytest.approx(0.0068, abs=1e-4)


def test_the_auc_bounds_are_the_chance_ranking_model_and_the_perfect_one():
    # a model that ranks at chance on each side of its threshold: AUC = its accuracy; it may print a little less
    least, most = auc_bounds(0.8517, 0.8601)
    assert 0.8517 - 0.01 < least < 0.8517 - 0.005 and most == pytest.approx(1 - (1 - 0.8601) * (1 + 0.8601 - 2 * 0.8517), abs=0.003)
    least, _ = auc_bounds(0.5, 1.0)  # everything called positive: the widest sampling allowance, 4.5 x 0.0037
    assert least == pytest.approx(0.5 - 4.5 * math.sqrt(2 / 150_000) - 1.12e-3, abs=1e-4)


def _recorded_pairs():
    """Every honest (validation, test) accuracy pair recorded: the lab's runs (RESULTS.md's table) and every epoch of
    the benchmarks that trained on the practical's 20,000 reviews and validated on its 5,000."""
    text = RESULTS.read_text(encoding="utf-8")
    section = text.split("#### Test accuracy against the last epoch's validation accuracy", 1)[1].split("\n####", 1)[0]
    lab = [(float(v), float(t), name.strip()) for name, v, t in
           re.findall(r"^\|([^|\n]+)\| (0\.\d+) \| (0\.\d+) \| [-+]0\.\d+ \|$", section, re.M)]
    bench = []
    for path in sorted(glob.glob(str(ROOT / "benchmarks" / "results" / "*.json"))):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        runs = list(data.get("recipes", [])) + [r for seed in data.get("by_seed", {}).values() for r in seed.get("recipes", [])]
        for run in runs:
            if isinstance(run, dict) and run.get("training_reviews") == 20_000:
                bench += [(e["val_accuracy"], e["test_accuracy"], f"{Path(path).name} {run['recipe']} epoch {e['epoch']}")
                          for e in run.get("epochs") or [] if e.get("val_accuracy") is not None and e.get("test_accuracy") is not None]
    return lab, bench


def test_every_recorded_honest_pair_lies_inside_the_band():
    lab, bench = _recorded_pairs()
    assert len(lab) == 13 and len(bench) == 96  # as RESULTS.md counts them; a new record should be added there too
    outside = [name for v, t, name in lab + bench if abs(t - v) > band_width(v, t)]
    assert not outside
    assert max(abs(t - v) / band_width(v, t) for v, t, _ in lab) < 0.2  # RESULTS.md: 0.19 of the band at most
    assert max(abs(t - v) / band_width(v, t) for v, t, _ in bench) < 0.8  # 0.78


def test_every_recorded_honest_run_keeps_its_auc_and_loss_inside_the_bounds():
    """RESULTS.md's table of notebook 5's figures: every honest row inside both rules, both forgeries' AUC rows not."""
    text = RESULTS.read_text(encoding="utf-8").split("#### The grader's band and coherence rules (issue 35)", 1)[1]
    rows = re.findall(r"^\| ([^|\n]+) \| (0\.\d{4}) \| (0\.\d{4}) \| (0\.\d{4}) \| [-+]0\.\d{4} \| (0\.\d{4}) \| (0\.\d{4}) \| "
                      r"(0\.\d{4}) \| (0\.\d{4}) \| [0-9.]+ \|$", text, re.M)
    assert len(rows) == 8
    for name, accuracy, recall, auc, least, most, loss, bound in rows:
        accuracy, recall, auc, loss = float(accuracy), float(recall), float(auc), float(loss)
        low, high = auc_bounds(accuracy, recall)
        # the table was computed from the unrounded figures; these are its 4-decimal copies
        assert (low, high) == (pytest.approx(float(least), abs=2e-4), pytest.approx(float(most), abs=2e-4)), name
        assert loss >= (1 - accuracy) * math.log(2) == pytest.approx(float(bound), abs=2e-4), name
        assert (low <= auc <= high) == ("3b" not in name), name


# ---------------------------------------------------------------- honest hand-ins

@pytest.mark.parametrize("archive", sorted(FIXTURES.glob("*.zip")), ids=lambda path: path.name)
def test_every_fixture_passes_the_band_and_the_coherence_checks(archive, tmp_path):
    subs = graded(unpack_full_run(tmp_path / "student", archive))
    for number, sub in subs.items():
        assert not any(reason in reasons(sub) for reason in (BAND_REASON, "below the validation accuracy after",
                                                             AUC_REASON, "the most any model", LOSS_REASON)), number
        if "lesson-6" not in archive.name:  # lesson 6's notebook 6 alone: graded for the lesson version, not here
            assert sub.status == "PASS", (number, sub.reasons)


# ---------------------------------------------------------------- the forgeries

def test_a_test_accuracy_0_025_above_the_last_validation_accuracy_fails_though_notebooks_5_and_6_agree(hand_in):
    forge(hand_in, 0.8552 + 0.025)  # 0.8802: 4.90 standard errors above 0.8552
    subs = graded(hand_in)
    for number in ("05", "06"):
        found = reasons(subs[number])
        assert f"test accuracy 0.8802 is 0.0250 {BAND_REASON} (0.8552" in found, number
        assert f"in real runs the two lie within {VALIDATION_BAND} standard errors of their difference (0.0230 here" in found
        assert "disagree with the confusion matrix" not in found and "quotes figures" not in found
    assert subs["04"].status == "PASS"


def test_0_94_with_notebook_4s_last_epoch_edited_fails_on_its_auc(hand_in):
    """The band holds (0.94 beside an edited 0.93, 2.7 standard errors); the AUC left at 0.9238 does not."""
    forge(hand_in, 0.94, last_val=0.93)
    subs = graded(hand_in)
    # Keras' line, the table and notebook 6's epochs all say 0.9300; the gap printed after the last epoch was left
    assert subs["04"].codes == ["C614"], reasons(subs["04"])
    for number in ("05", "06"):
        found = reasons(subs[number])
        assert BAND_REASON not in found and "epochs differs" not in found, number
        assert f"ROC AUC 0.9238 is 0.0162 {AUC_REASON} 0.9400" in found and "(at least 0.9350 here" in found, number


def test_the_same_forgery_with_the_auc_raised_too_passes_these_rules(hand_in):
    """What a forger must now do: edit the AUC in notebooks 5 and 6 as well (RESULTS.md says so; the images, where
    the ROC curve is drawn, are not read)."""
    forge(hand_in, 0.94, last_val=0.93, auc=0.9800)
    subs = graded(hand_in)
    assert not any(AUC_REASON in reasons(subs[number]) or BAND_REASON in reasons(subs[number]) for number in ("05", "06"))


def test_an_auc_above_what_the_recall_allows_fails(hand_in):
    forge(hand_in, 0.8517, auc=0.9900)  # the most a model of accuracy 0.8517 and recall 0.8600 can reach: 0.9803
    for number in ("05", "06"):
        assert "ROC AUC 0.9900 is above 0.98" in reasons(graded(hand_in)[number]), number


def test_a_loss_lower_than_the_accuracy_allows_fails(hand_in):
    forge(hand_in, 0.8517, loss=0.0500)  # 1,483 wrong reviews of 25,000 cost at least 0.1028
    subs = graded(hand_in)
    for number in ("05", "06"):
        assert f"test loss 0.0500 is below 0.1028, {LOSS_REASON} at accuracy 0.85" in reasons(subs[number]), number


def test_a_validation_loss_lower_than_its_accuracy_allows_fails(hand_in):
    edit_outputs(hand_in / NB["04"], lambda t: t.replace("val_accuracy: 0.8552 - val_loss: 0.3848",
                                                         "val_accuracy: 0.8552 - val_loss: 0.0848"))
    found = reasons(graded(hand_in)["04"])
    assert f"epoch 5's validation loss 0.0848 is below 0.1004, {LOSS_REASON} at accuracy 0.8552" in found
