#!/usr/bin/env python3
"""scikit-learn side of the `logistic` benchmark (benchmarks/HonestyEngine.Benchmarks/LogisticBenchmark.cs).

Reads the float32 matrix and labels the C# side wrote, then fits LogisticRegression(C, solver="lbfgs") on the first
n_train rows once per line "fit" it reads on stdin (so the C# side can alternate its own fits with these, and both
see the same machine load), printing one JSON line per fit: fit seconds, iterations, train/test accuracy and the
objective in the engine's per-sample scale, f = mean(logloss) + L2/2 ||w||^2 with L2 = 1 / (n_train C) (sklearn 1.2
minimises n_train * f). It prints {"ready": ...} once the data is loaded and exits at end of input. X is converted to
float64 before timing starts (lbfgs would convert it inside fit anyway), so the timed part is the solver alone.

    python3 sklearn_logistic.py X.f32 y.u8 n d n_train C max_iter tol
"""
import json
import sys
import time
import warnings

import numpy as np


def fit_once(Xtr, ytr, Xte, yte, n_train, C, max_iter, tol):
    from sklearn.linear_model import LogisticRegression
    import sklearn

    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=max_iter, tol=tol)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0, c0 = time.perf_counter(), time.process_time()
        clf.fit(Xtr, ytr)
        seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    w, b = clf.coef_[0], clf.intercept_[0]
    z = Xtr @ w + b
    l2 = 1.0 / (n_train * C)
    objective = float(np.mean(np.logaddexp(0, z) - ytr * z) + 0.5 * l2 * np.dot(w, w))
    return {
        "sklearn": sklearn.__version__,
        "fit_seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "n_iter": int(clf.n_iter_[0]),
        "train_accuracy": float(clf.score(Xtr, ytr)),
        "test_accuracy": float(clf.score(Xte, yte)) if len(yte) else None,
        "objective": objective,
        "converged": not any("converge" in str(c.message).lower() for c in caught),
    }


def main():
    x_path, y_path = sys.argv[1], sys.argv[2]
    n, d, n_train = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    C, max_iter, tol = float(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8])
    import sklearn.linear_model  # noqa: F401  (imported before "ready", outside any timing)

    X = np.fromfile(x_path, dtype=np.float32, count=n * d).reshape(n, d).astype(np.float64)
    y = np.fromfile(y_path, dtype=np.uint8, count=n).astype(np.float64)
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() != "fit":
            print(f"unknown command {line.strip()!r} (expected 'fit')", file=sys.stderr)
            sys.exit(2)
        print(json.dumps(fit_once(Xtr, ytr, Xte, yte, n_train, C, max_iter, tol)), flush=True)


if __name__ == "__main__":
    main()
