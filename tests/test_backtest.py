"""Backtest: scores by hand, no peeking at the test year, and the real 2018-2024 table."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import backtest, config, features, model
from tests import xx_state


@pytest.fixture(scope="module")
def xx_training(tmp_path_factory):
    path = xx_state.write_db(tmp_path_factory.mktemp("xx") / "xx.duckdb")
    return features.training_frame(xx_state.inputs_from_db(path))


def test_holder_signed_and_filled_last_margin():
    assert backtest.holder_signed([5.0, 5.0, 5.0], ["DEM", "REP", "IND"]).tolist() == [5.0, -5.0, 0.0]
    frame = pd.DataFrame(
        {"last_margin": [3.0, np.nan, np.nan, np.nan], "last_status": ["contested", "dem_only", "rep_only", None]}
    )
    filled = backtest.last_margin_filled(frame)
    assert filled[:3].tolist() == [3.0, 100.0, -100.0] and math.isnan(filled[3])


def test_predictions_never_use_the_test_year(xx_training, monkeypatch):
    seen = []
    real_fit = model.fit_margin_model

    def spy(train, ridge=1.0):
        seen.append(int(train["year"].max()))
        return real_fit(train, ridge)

    monkeypatch.setattr(backtest.model, "fit_margin_model", spy)
    preds = backtest.predict_year(xx_training, 2020)
    assert seen == [2018]
    # the one seat that flipped in 2020 on the same lines: state house 2, D -> R
    assert preds["flip"].sum() == 1
    # 8 contested races before 2020 per office: too few to fit (10), so no made-up probabilities
    assert preds["p_model"].isna().all() and preds["p_pres_margin"].isna().all()
    later = backtest.predict_year(xx_training, 2024)
    assert seen == [2018, 2022]
    house = later[later.office == "state_house"]
    # 4 state house seats with a DEM/REP holder on the 2022 lines (district 3: Republican unopposed)
    assert len(house) == 4 and house["p_model"].between(0, 1).all()


def test_score_table_by_hand():
    preds = pd.DataFrame(
        {
            "year": [2020, 2020, 2022, 2022],
            "office": "us_house",
            "flip": [True, False, True, False],
            "p_model": [0.9, 0.2, 0.6, 0.4],
            "p_pres_margin": [0.5, 0.5, 0.5, 0.5],
            "p_last_margin": [np.nan, 0.1, 0.7, 0.8],
        }
    )
    table = backtest.score_table(preds).set_index(["year", "method"])
    assert table.loc[("2020", "model"), "brier"] == pytest.approx((0.1**2 + 0.2**2) / 2)
    assert table.loc[("all", "model"), "brier"] == pytest.approx((0.01 + 0.04 + 0.16 + 0.16) / 4)
    assert table.loc[("all", "model"), "log_loss"] == pytest.approx(
        -(math.log(0.9) + math.log(0.8) + math.log(0.6) + math.log(0.6)) / 4
    )
    assert table.loc[("all", "model"), "auc"] == pytest.approx(1.0)
    assert table.loc[("all", "pres_margin"), "auc"] == pytest.approx(0.5)
    assert table.loc[("all", "last_margin"), "n"] == 3  # scored only where it could predict
    lines = backtest.verdicts(backtest.score_table(preds))
    assert "us_house: the model beats the pres_margin baseline on Brier, log loss and AUC." in lines
    assert any(
        "does NOT beat" in line
        for line in backtest.verdicts(backtest.score_table(preds.assign(p_model=[0.1, 0.9, 0.1, 0.9])))
    )
    assert backtest.format_table(backtest.score_table(preds)).startswith("| year | office | method |")


@pytest.mark.slow
def test_real_backtest_table():
    path = config.db_path()
    if not path.exists():
        pytest.skip(f"no warehouse at {path} (run `python -m analysis.build`)")
    with duckdb.connect(str(path), read_only=True) as con:
        inputs = features.load_inputs(con)
    preds, scores = backtest.run(inputs)
    for year in ("2018", "2020", "2024"):
        for office in ("us_house", "state_house", "state_senate"):
            assert len(scores[(scores.year == year) & (scores.office == office) & (scores.method == "model")]) == 1
    pooled = scores[(scores.year == "all") & (scores.method == "model")].set_index("office")
    # Known flips must be ranked far above chance (2018 House: 41 seats changed party on the same lines).
    assert (pooled["auc"] > 0.75).all()
    assert preds[(preds.year == 2018) & (preds.office == "us_house")]["flip"].sum() >= 30
