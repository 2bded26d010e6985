"""XGBoost and scikit-learn on the data sets bench/gbdt.ts prepared, the way it runs ours.

Reads the manifest (JSON list of {name, train, test, label, calib_cut}) and prints one JSON object per
data set on stdout: ROC-AUC, Brier, log loss and median fit time (wall and CPU ms over --repeats fits)
of XGBoost and HistGradientBoosting, and the Brier score of CalibratedClassifierCV around
HistGradientBoosting (fitted on train rows before calib_cut, calibrated on the rest; and with cv=5).
Everything on one thread.
"""
import argparse
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.calibration import CalibratedClassifierCV  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score  # noqa: E402
from sklearn.model_selection import PredefinedSplit  # noqa: E402


def xgboost_model():
    return xgb.XGBClassifier(
        tree_method="hist",
        grow_policy="lossguide",
        max_leaves=31,
        max_depth=0,
        max_bin=255,
        n_estimators=100,
        learning_rate=0.1,
        n_jobs=1,
        random_state=0,
    )


def hgb_model():
    return HistGradientBoostingClassifier(
        max_leaf_nodes=31, max_iter=100, learning_rate=0.1, early_stopping=False, random_state=0
    )


def timed_fit(make, x, y, repeats):
    """Fits `repeats` fresh models; returns the last one and the median wall and CPU fit times in ms."""
    wall = []
    cpu = []
    make().fit(x, y)  # untimed, as bench/gbdt.ts does for ours
    model = None
    for _ in range(repeats):
        model = make()
        start, start_cpu = time.perf_counter(), time.process_time()
        model.fit(x, y)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return model, {"fit_ms": float(np.median(wall)), "fit_cpu_ms": float(np.median(cpu))}


def scores(y, p):
    return {
        "auc": roc_auc_score(y, p),
        "brier": brier_score_loss(y, p),
        "log_loss": log_loss(y, np.clip(p, 1e-15, 1 - 1e-15)),
    }


def calibrated_brier(x, y, x_test, y_test, cut):
    """Brier of CalibratedClassifierCV(HGB): on the same later slice of train as ours, and with cv=5."""
    fold = np.r_[np.full(cut, -1), np.zeros(len(y) - cut)]
    out = {}
    for method in ("sigmoid", "isotonic"):
        same = CalibratedClassifierCV(hgb_model(), method=method, cv=PredefinedSplit(fold)).fit(x, y)
        out[f"{method}_slice"] = brier_score_loss(y_test, same.predict_proba(x_test)[:, 1])
        cv5 = CalibratedClassifierCV(hgb_model(), method=method, cv=5).fit(x, y)
        out[f"{method}_cv5"] = brier_score_loss(y_test, cv5.predict_proba(x_test)[:, 1])
    return out


def load_split(entry):
    """The prepared set's train and test rows: (x, y, x_test, y_test), the label column left out of x.

    Numbers are parsed exactly (float_precision="round_trip"), as ours are: pandas' default parser can
    be one unit in the last place off, which moved some of the synthetic set's bin thresholds.
    """
    train = pd.read_csv(entry["train"], float_precision="round_trip")
    test = pd.read_csv(entry["test"], float_precision="round_trip")
    label = entry["label"]
    x = train.drop(columns=[label]).to_numpy(dtype=np.float64)
    y = train[label].to_numpy(dtype=np.int64)
    x_test = test.drop(columns=[label]).to_numpy(dtype=np.float64)
    y_test = test[label].to_numpy(dtype=np.int64)
    return x, y, x_test, y_test


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest:
        x, y, x_test, y_test = load_split(entry)
        xg, xg_time = timed_fit(xgboost_model, x, y, args.repeats)
        hg, hg_time = timed_fit(hgb_model, x, y, args.repeats)
        result = {
            "name": entry["name"],
            "xgboost": {**scores(y_test, xg.predict_proba(x_test)[:, 1]), **xg_time},
            "hgb": {**scores(y_test, hg.predict_proba(x_test)[:, 1]), **hg_time},
            "calibrated": calibrated_brier(x, y, x_test, y_test, entry["calib_cut"]),
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
