"""XGBoost 1.7's trees on the data sets bench/gbdt_trees.ts prepared, for a tree-by-tree comparison.

Reads the manifest (JSON list of {name, train, test, label}), fits XGBoost with the settings of
bench/gbdt_reference.py and prints one JSON object per data set on stdout: its trees as XGBoost dumps
them (dump_format="json"), its raw scores (margins) on the test rows and its test ROC-AUC.
"""
import argparse
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import xgboost as xgb  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from gbdt_reference import load_split, xgboost_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    args = parser.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest:
        x, y, x_test, y_test = load_split(entry)
        model = xgboost_model().fit(x, y)
        booster = model.get_booster()
        margins = booster.predict(xgb.DMatrix(x_test), output_margin=True)
        result = {
            "name": entry["name"],
            "trees": [json.loads(t) for t in booster.get_dump(dump_format="json")],
            "margins": [float(m) for m in margins],
            "auc": roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]),
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
