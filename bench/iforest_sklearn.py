"""scikit-learn's IsolationForest on one CSV, the way bench/iforest.ts runs ours.

Fits on all rows without the label and scores the same rows for seeds 0..N-1; prints one JSON line
with the mean/std AUC over seeds and the mean fit and score times per seed. One thread.
"""
import argparse
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--max-samples", type=int, default=256)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()

    with open(args.csv, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(args.csv, delimiter=",", skiprows=1, ndmin=2)
    label_at = header.index(args.label_column)
    y = data[:, label_at]
    x = np.delete(data, label_at, axis=1)

    aucs, fit_s, score_s = [], 0.0, 0.0
    for seed in range(args.seeds):
        t0 = time.perf_counter()
        model = IsolationForest(
            n_estimators=args.trees,
            max_samples=min(args.max_samples, len(x)),
            random_state=seed,
            n_jobs=1,
        ).fit(x)
        t1 = time.perf_counter()
        scores = model.score_samples(x)
        t2 = time.perf_counter()
        aucs.append(roc_auc_score(y, -scores))
        fit_s += t1 - t0
        score_s += t2 - t1

    print(
        json.dumps(
            {
                "rows": len(x),
                "auc_mean": float(np.mean(aucs)),
                "auc_std": float(np.std(aucs)),
                "auc_per_seed": aucs,
                "fit_ms": 1000 * fit_s / args.seeds,
                "score_ms": 1000 * score_s / args.seeds,
            }
        )
    )


if __name__ == "__main__":
    main()
