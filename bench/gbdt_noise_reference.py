"""XGBoost and scikit-learn HistGradientBoosting refitted with one training row left out, for bench/gbdt_noise.ts.

Reads the manifest (JSON list of {name, train, test, label, drop_rows}) and prints one JSON object per
data set on stdout: the test ROC-AUC of each model fitted on all training rows ("full") and on the
training rows without row r, for each r in drop_rows (in that order). The models are the ones
bench/gbdt_reference.py times; "xgboost_prior_full" is XGBoost on all rows started from the training
positive rate (base_score = mean label, as XGBoost 2.x, scikit-learn and ours start) instead of 1.7's
fixed 0.5. One thread.
"""
import argparse
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from gbdt_reference import hgb_model, load_split, xgboost_model  # noqa: E402


def aucs(make, x, y, x_test, y_test, drop_rows):
    def auc(keep):
        model = make().fit(x[keep], y[keep])
        return float(roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]))

    everything = np.ones(len(y), dtype=bool)
    dropped = []
    for r in drop_rows:
        keep = everything.copy()
        keep[r] = False
        dropped.append(auc(keep))
    return {"full": auc(everything), "dropped": dropped}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    args = parser.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest:
        x, y, x_test, y_test = load_split(entry)
        drops = entry["drop_rows"]
        prior = xgboost_model().set_params(base_score=float(y.mean())).fit(x, y)
        result = {
            "name": entry["name"],
            "xgboost_prior_full": float(roc_auc_score(y_test, prior.predict_proba(x_test)[:, 1])),
            "xgboost": aucs(xgboost_model, x, y, x_test, y_test, drops),
            "hgb": aucs(hgb_model, x, y, x_test, y_test, drops),
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
