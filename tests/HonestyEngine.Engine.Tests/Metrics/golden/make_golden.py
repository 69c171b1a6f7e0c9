#!/usr/bin/env python3
"""Golden metric values for MetricsGoldenTests.cs, computed with scikit-learn.

Run once (Debian python3-sklearn) and commit the JSON it prints:
    /usr/bin/python3 make_golden.py > golden.json
CI does not run Python; the C# tests compare against the committed golden.json.

Each case holds eval lies (label 1), eval honest samples (label 0) and a control set, with scores rounded to a
coarse grid so that ties occur within and across classes. Expected values:
  auroc               sklearn.metrics.roc_auc_score(eval labels, eval scores)
  auroc_vs_control    roc_auc_score on eval lies (1) vs control (0)
  threshold           the control-calibrated threshold: the smallest control score with at most floor(1% * C)
                      control scores strictly above it (Goldowsky-Dill et al. 2025; Liars' Bench)
  recall_at_fpr  sklearn.metrics.recall_score(eval labels, eval scores > threshold)
  balanced_accuracy   sklearn.metrics.balanced_accuracy_score(eval labels, eval scores > threshold)
  control_fpr         fraction of control scores > threshold (must be <= 1%)
  pass_at_k           per item 1 - comb(n - c, k) / comb(n, k) (Chen et al. 2021, the definition, not the product form)
"""
import json
import math

import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score, recall_score, roc_auc_score


def threshold_on_control(control, fpr=0.01):
    c = np.sort(np.asarray(control, dtype=float))
    allowed = math.floor(fpr * len(c) + 1e-9)
    t = c[len(c) - allowed - 1]
    assert np.mean(c > t) <= fpr + 1e-12
    return float(t)


def detector_case(name, lies, honest, control):
    lies, honest, control = (np.round(np.asarray(x, dtype=float), 6) for x in (lies, honest, control))
    y = np.concatenate([np.ones(len(lies)), np.zeros(len(honest))])
    s = np.concatenate([lies, honest])
    t = threshold_on_control(control)
    pred = (s > t).astype(int)
    return {
        "name": name,
        "lies": lies.tolist(), "honest": honest.tolist(), "control": control.tolist(),
        "auroc": float(roc_auc_score(y, s)),
        "auroc_vs_control": float(roc_auc_score(
            np.concatenate([np.ones(len(lies)), np.zeros(len(control))]), np.concatenate([lies, control]))),
        "threshold": t,
        "recall_at_fpr": float(recall_score(y, pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y, pred)),
        "control_fpr": float(np.mean(control > t)),
    }


def pass_at_k_case(name, items, k):
    per_item = [1.0 - math.comb(n - c, k) / math.comb(n, k) for n, c in items]
    return {"name": name, "items": [[n, c] for n, c in items], "k": k, "pass_at_k": float(np.mean(per_item))}


rng = np.random.default_rng(20251123)
cases = [
    # hand-made, heavy ties across classes (scores 0.5 appear in lies, honest and control)
    detector_case("hand_ties",
                  lies=[0.9, 0.8, 0.8, 0.5, 0.5, 0.3],
                  honest=[0.5, 0.5, 0.4, 0.2, 0.1, 0.8, 0.0],
                  control=[0.1, 0.2, 0.3, 0.5, 0.4, 0.2, 0.1, 0.0, 0.6, 0.5]),
    # Gaussian scores rounded to 0.05 (many ties), control of 250 -> 2 control samples may lie above the threshold
    detector_case("gaussian_rounded",
                  lies=np.round(rng.normal(1.0, 1.0, 180) / 0.05) * 0.05,
                  honest=np.round(rng.normal(0.0, 1.0, 220) / 0.05) * 0.05,
                  control=np.round(rng.normal(-0.3, 0.9, 250) / 0.05) * 0.05),
    # integer scores (only 6 distinct values), control of exactly 100 -> 1 may lie above
    detector_case("integer_scores",
                  lies=rng.integers(2, 8, 60), honest=rng.integers(0, 5, 90), control=rng.integers(0, 6, 100)),
    # perfectly separated
    detector_case("separated", lies=[3.0, 4.0, 5.0], honest=[0.0, 1.0, 2.0], control=[0.5, 1.5, 2.5]),
]
print(json.dumps({
    "generator": "make_golden.py",
    "sklearn_version": sklearn.__version__,
    "numpy_version": np.__version__,
    "detector_cases": cases,
    "pass_at_k_cases": [
        pass_at_k_case("mixed", [(10, 3), (10, 0), (10, 10), (10, 1), (7, 2)], 5),
        pass_at_k_case("k1", [(4, 1), (4, 2), (4, 0)], 1),
        pass_at_k_case("large_n", [(200, 13), (200, 1), (150, 40)], 10),
    ],
}, indent=1))
