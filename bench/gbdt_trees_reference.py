"""XGBoost 1.7's or scikit-learn 1.2's trees on the sets bench/gbdt_trees.ts prepared, tree by tree.

Reads the manifest (JSON list of {name, train, test, label}), fits XGBoost (--model xgboost, the
default) or HistGradientBoostingClassifier (--model hgb) with the settings of bench/gbdt_reference.py
and prints one JSON object per data set on stdout: its trees (XGBoost's JSON dump; for
HistGradientBoosting each predictor's nodes as lists: feature, threshold (null for +inf),
missing-left, left, right, leaf flag, value), its raw scores on the test rows and its test ROC-AUC.
"""
import argparse
import json
import math
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import xgboost as xgb  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from gbdt_reference import hgb_model, load_split, xgboost_model  # noqa: E402


def hgb_trees(model):
    """Each tree's nodes (node 0 the root) as [feature, threshold, missing_left, left, right, is_leaf, value]."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = []
        for node in predictor.nodes:
            t = float(node["num_threshold"])
            nodes.append(
                [
                    int(node["feature_idx"]),
                    None if math.isinf(t) else t,
                    int(node["missing_go_to_left"]),
                    int(node["left"]),
                    int(node["right"]),
                    int(node["is_leaf"]),
                    float(node["value"]),
                ]
            )
        trees.append(nodes)
    return trees


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--model", choices=["xgboost", "hgb"], default="xgboost")
    args = parser.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest:
        x, y, x_test, y_test = load_split(entry)
        if args.model == "hgb":
            model = hgb_model().fit(x, y)
            result = {
                "name": entry["name"],
                "baseline": float(model._baseline_prediction.ravel()[0]),
                "trees": hgb_trees(model),
                "margins": [float(m) for m in model.decision_function(x_test)],
                "auc": roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]),
            }
        else:
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
