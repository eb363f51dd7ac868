"""`python -m analysis.backtest`: did the model see the flips coming? 2018, 2020, 2022, 2024.

For each test year Y the margin model is fitted only on contests before Y, and every seat up in Y
whose previous winner on the same lines was a Democrat or a Republican gets P(flip) from
features known before election day (the previous result, the latest presidential result before
Y on the seat's lines, the filed incumbent). Two naive baselines, each a logistic regression
fitted on the flips before Y: (1) the presidential margin alone, (2) the last margin alone,
both signed toward the holder. Scores: Brier, log loss, AUC, by office.
Single-seat contests only: a bloc-vote district's 'flip' is not one event.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from analysis import config, features, model

TEST_YEARS = (2018, 2020, 2022, 2024)
METHODS = ("model", "pres_margin", "last_margin")


def holder_signed(margin, holder) -> np.ndarray:
    """Margin toward the holder's party, points: positive = the holder's party led."""
    return np.asarray(margin, dtype=float) * features.party_sign(holder)


def last_margin_filled(frame: pd.DataFrame) -> np.ndarray:
    """Last margin with one-party finals as +-100 (a Democrat unopposed by a Republican = D+100)."""
    last = frame["last_margin"].to_numpy(dtype=float)
    status = frame["last_status"].astype(object).to_numpy()
    return np.where(status == "dem_only", 100.0, np.where(status == "rep_only", -100.0, last))


def _baseline_x(frame: pd.DataFrame, which: str) -> np.ndarray:
    raw = frame["pres_margin"].to_numpy(dtype=float) if which == "pres_margin" else last_margin_filled(frame)
    x = holder_signed(raw, frame["holder"])
    missing = np.isnan(x)
    # A missing feature gets its own intercept rather than a made-up value.
    return np.column_stack([np.where(missing, 0.0, x), missing.astype(float)])


def eligible(frame: pd.DataFrame) -> pd.DataFrame:
    """Seats whose flip is defined: single seat, DEM/REP holder before, DEM/REP winner."""
    return frame[frame["flip"].notna() & frame["seats"].fillna(1).eq(1)]


def predict_year(train_all: pd.DataFrame, year: int) -> pd.DataFrame:
    """P(flip) for every eligible seat up in `year`, by the model and both baselines, fitted on years < year.

    Returns the test rows with columns p_model, p_pres_margin, p_last_margin, flip (bool).
    """
    past = train_all[train_all["year"] < year]
    test = eligible(train_all[train_all["year"] == year]).copy()
    if test.empty:
        return test
    models = model.fit_margin_model(past[past["margin"].notna()])
    pred = model.predict_margin(models, test)
    test["expected_margin"] = pred["expected_margin"].to_numpy()
    test["p_model"] = model.p_flip(
        pred["expected_margin"], pred["sd_total"], test["holder"], pred["sd_tail_total"], pred["tail_weight"]
    )
    past_flips = eligible(past)
    for which in ("pres_margin", "last_margin"):
        col = f"p_{which}"
        test[col] = np.nan
        for office, rows in test.groupby("office"):
            hist = past_flips[past_flips["office"] == office]
            if len(hist) < 20 or hist["flip"].nunique() < 2:
                continue
            beta = model.fit_logistic(_baseline_x(hist, which), hist["flip"].astype(float).to_numpy())
            test.loc[rows.index, col] = model.predict_logistic(beta, _baseline_x(rows, which))
    test["flip"] = test["flip"].astype(bool)
    return test


def score_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """Brier, log loss, AUC per (year, office, method) and pooled over years ('all').

    A method is scored on the rows it could predict; `n` says how many.
    """
    rows = []
    pooled = predictions.assign(year="all")
    for (year, office), grp in pd.concat([predictions.assign(year=predictions["year"].astype(str)), pooled]).groupby(
        ["year", "office"], sort=True
    ):
        for method in METHODS:
            p = grp[f"p_{method}"]
            ok = p.notna()
            if ok.sum() == 0:
                continue
            y = grp.loc[ok, "flip"].to_numpy()
            rows.append(
                {
                    "year": year,
                    "office": office,
                    "method": method,
                    "n": int(ok.sum()),
                    "flips": int(y.sum()),
                    "brier": model.brier(p[ok], y),
                    "log_loss": model.log_loss(p[ok], y),
                    "auc": model.auc(p[ok], y),
                }
            )
    return pd.DataFrame(rows)


def run(inputs: features.WarehouseInputs, years=TEST_YEARS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(predictions, scores) for the test years."""
    train_all = features.training_frame(inputs)
    preds = [predict_year(train_all, int(y)) for y in years]
    preds = pd.concat([p for p in preds if len(p)], ignore_index=True) if any(len(p) for p in preds) else pd.DataFrame()
    if preds.empty:
        return preds, pd.DataFrame()
    return preds, score_table(preds)


def verdicts(scores: pd.DataFrame) -> list[str]:
    """Plain sentences: where the model beats both baselines on the pooled years, and where it does not."""
    out = []
    pooled = scores[scores["year"] == "all"]
    for office, grp in pooled.groupby("office"):
        m = grp.set_index("method")
        if "model" not in m.index:
            continue
        for base in ("pres_margin", "last_margin"):
            if base not in m.index:
                out.append(f"{office}: no {base} baseline (too little history to fit it).")
                continue
            lost = [
                name
                for name, better in (
                    ("Brier", m.loc["model", "brier"] < m.loc[base, "brier"]),
                    ("log loss", m.loc["model", "log_loss"] < m.loc[base, "log_loss"]),
                    ("AUC", m.loc["model", "auc"] > m.loc[base, "auc"]),
                )
                if not better
            ]
            if lost:
                out.append(
                    f"{office}: the model does NOT beat the {base} baseline on {', '.join(lost)} "
                    f"(pooled {', '.join(sorted(set(grp['n'].astype(str))))} seats)."
                )
            else:
                out.append(f"{office}: the model beats the {base} baseline on Brier, log loss and AUC.")
    # Single years where it loses, named plainly (a pooled win can hide them).
    yearly = scores[scores["year"] != "all"]
    for (year, office), grp in yearly.groupby(["year", "office"]):
        m = grp.set_index("method")
        if "model" not in m.index:
            continue
        for base in ("pres_margin", "last_margin"):
            if base not in m.index:
                continue
            lost = [
                name
                for name, better in (
                    ("Brier", m.loc["model", "brier"] <= m.loc[base, "brier"]),
                    ("log loss", m.loc["model", "log_loss"] <= m.loc[base, "log_loss"]),
                    ("AUC", m.loc["model", "auc"] >= m.loc[base, "auc"]),
                )
                if not better
            ]
            if lost:
                out.append(
                    f"{year} {office} ({int(m.loc['model', 'n'])} seats, {int(m.loc['model', 'flips'])} flips): "
                    f"worse than the {base} baseline on {', '.join(lost)}."
                )
    return out


def format_table(scores: pd.DataFrame) -> str:
    """Markdown table, one row per (year, office, method)."""
    lines = [
        "| year | office | method | seats | flips | Brier | log loss | AUC |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in scores.itertuples():
        auc = "" if pd.isna(r.auc) else f"{r.auc:.3f}"
        lines.append(
            f"| {r.year} | {r.office} | {r.method} | {r.n:,} | {r.flips:,} | {r.brier:.4f} | {r.log_loss:.4f} | {auc} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Backtest the flip model on 2018-2024 against two naive baselines.")
    parser.add_argument("--db", default=None, help="warehouse path (default data/flippable.duckdb)")
    parser.add_argument("--years", type=int, nargs="*", default=list(TEST_YEARS))
    parser.add_argument("--csv", default=None, help="also write the per-seat predictions here")
    args = parser.parse_args(argv)
    import duckdb

    with duckdb.connect(args.db or str(config.db_path()), read_only=True) as con:
        inputs = features.load_inputs(con)
    preds, scores = run(inputs, args.years)
    if scores.empty:
        print("no test seats: the warehouse has no flips to score in those years", file=sys.stderr)
        return 1
    print(format_table(scores))
    print()
    for line in verdicts(scores):
        print("- " + line)
    if args.csv:
        preds.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
