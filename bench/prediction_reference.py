"""References for bench/prediction.ts on the very rows it wrote for one DL-CIBuild project.

Reads the manifest ({name, train, test, label, base_features, history_features}) and prints one JSON
object: test ROC-AUC of repeating the previous build's outcome (prev_failed; the first build, which
has none, gets the training failure rate), scikit-learn GradientBoostingClassifier (defaults) on the
given features, XGBoost (defaults) on the given plus the point-in-time history features, and XGBoost
tuned the way the failure model is: fit on the first 70% of the training part, early stopping on the
next 15%, settings and feature set (with or without the project-state columns) chosen by AUC on the
last 15%. One thread.
"""
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.metrics import brier_score_loss, roc_auc_score  # noqa: E402


XGB_PARAMS = [
    {"max_depth": 4, "learning_rate": 0.05},
    {"max_depth": 3, "learning_rate": 0.05, "min_child_weight": 10},
    {"max_depth": 5, "learning_rate": 0.05},
    {"max_depth": 2, "learning_rate": 0.03, "min_child_weight": 20},
]


def xgb_tuned(train, test, label, feature_sets):
    """Time slices of the training part as the failure model uses them; returns test AUC and Brier."""
    n = len(train)
    fit, stop, valid = train.iloc[: int(n * 0.7)], train.iloc[int(n * 0.7) : int(n * 0.85)], train.iloc[int(n * 0.85) :]
    best = None
    for features in feature_sets:
        for params in XGB_PARAMS:
            model = xgb.XGBClassifier(
                n_estimators=500,
                early_stopping_rounds=30,
                reg_lambda=1.0,
                n_jobs=1,
                random_state=0,
                tree_method="hist",
                **params,
            )
            model.fit(fit[features], fit[label], eval_set=[(stop[features], stop[label])], verbose=False)
            auc = roc_auc_score(valid[label], model.predict_proba(valid[features])[:, 1])
            if best is None or auc > best[0]:
                best = (auc, model, features)
    _, model, features = best
    p = model.predict_proba(test[features])[:, 1]
    return roc_auc_score(test[label], p)


def main():
    with open(sys.argv[1]) as f:
        m = json.load(f)
    train = pd.read_csv(m["train"])
    test = pd.read_csv(m["test"])
    label = m["label"]
    y_train, y_test = train[label].to_numpy(), test[label].to_numpy()
    base = m["base_features"]
    with_history = base + m["history_features"]

    prev = test["prev_failed"].fillna(y_train.mean())

    gb = GradientBoostingClassifier(random_state=0)
    gb.fit(train[base].fillna(0), y_train)
    gb_p = gb.predict_proba(test[base].fillna(0))[:, 1]

    xg = xgb.XGBClassifier(n_jobs=1, random_state=0, tree_method="hist")
    xg.fit(train[with_history], y_train)
    xg_p = xg.predict_proba(test[with_history])[:, 1]

    no_state = [c for c in with_history if c not in m["state_features"]]
    tuned = xgb_tuned(train, test, label, [with_history, no_state])

    print(
        json.dumps(
            {
                "name": m["name"],
                "repeat_prev": roc_auc_score(y_test, prev),
                "sklearn_gb": roc_auc_score(y_test, gb_p),
                "xgb_history": roc_auc_score(y_test, xg_p),
                "xgb_history_brier": brier_score_loss(y_test, xg_p),
                "xgb_tuned": tuned,
            }
        )
    )


if __name__ == "__main__":
    main()
