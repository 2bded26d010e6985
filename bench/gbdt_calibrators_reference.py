"""scikit-learn's calibrators on scores bench/gbdt_calibrators.ts wrote, for a like-for-like check of ours.

Reads a JSON file {sets: [{name, calib_scores, calib_labels, test_scores}]} and prints, as JSON, each
set's test probabilities from IsotonicRegression(out_of_bounds="clip") and from the sigmoid fit
CalibratedClassifierCV uses (sklearn.calibration._sigmoid_calibration), both fitted on the
calibration scores and labels.
"""
import argparse
import json

import numpy as np
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scores", required=True)
    args = parser.parse_args()
    with open(args.scores, encoding="utf-8") as f:
        sets = json.load(f)["sets"]
    out = []
    for s in sets:
        calib = np.asarray(s["calib_scores"], dtype=np.float64)
        labels = np.asarray(s["calib_labels"], dtype=np.float64)
        test = np.asarray(s["test_scores"], dtype=np.float64)
        isotonic = IsotonicRegression(out_of_bounds="clip").fit(calib, labels).predict(test)
        a, b = _sigmoid_calibration(calib, labels)
        sigmoid = 1.0 / (1.0 + np.exp(a * test + b))
        out.append({"name": s["name"], "isotonic": isotonic.tolist(), "sigmoid": sigmoid.tolist()})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
