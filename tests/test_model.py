"""Metrics, the margin model and the chamber simulation: hand-computed values and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from analysis import model

# FEC certified national totals, typed in again here so the tests do not just echo the module.
NAT = {
    2012: (65_915_795, 60_933_504, 129_085_410),
    2016: (65_853_514, 62_984_828, 136_669_276),
    2020: (81_268_924, 74_216_154, 158_429_631),
    2024: (75_017_613, 77_302_580, 155_238_302),
}


def nat_two_party(year):
    d, r, _ = NAT[year]
    return 100.0 * (d - r) / (d + r)


def nat_all_votes(year):
    d, r, t = NAT[year]
    return 100.0 * (d - r) / t


# --------------------------------------------------------------------------- metrics


def test_national_margins_match_the_published_popular_vote():
    # all-vote basis, one decimal: 2008 D+7.3, 2012 D+3.9, 2016 D+2.1, 2020 D+4.5, 2024 R+1.5
    published = {2008: 7.3, 2012: 3.9, 2016: 2.1, 2020: 4.5, 2024: -1.5}
    for year, value in published.items():
        assert round(model.national_margin(year, "all_votes"), 1) == value
    assert model.national_margin(2024, "two_party") == pytest.approx(100 * -2_284_967 / 152_320_193, rel=1e-12)
    assert math.isnan(model.national_margin(2022))


def test_national_margins_agree_with_the_county_files_in_the_mirror(mirror):
    import duckdb

    county = mirror / "county"
    with duckdb.connect() as con:
        d, r = con.execute(
            "SELECT sum(votes_dem), sum(votes_gop) FROM read_csv(?)",
            [str(county / "2020_US_County_Level_Presidential_Results.csv")],
        ).fetchone()
    # Biden 81,264,994 vs certified 81,268,924: the county file is within 0.05 pt two-party.
    assert 100.0 * (d - r) / (d + r) == pytest.approx(model.national_margin(2020), abs=0.05)


def test_two_party_margin_sign_and_units():
    assert model.two_party_margin(6000, 4000) == pytest.approx(20.0)
    assert model.two_party_margin(4000, 6000) == pytest.approx(-20.0)  # negative = Republican
    assert math.isnan(model.two_party_margin(0, 0))


def test_lean_is_cook_style_75_25_against_the_nation():
    # District: 2024 two-party D+16, 2020 D+20.
    expected = 0.75 * (16 - nat_two_party(2024)) + 0.25 * (20 - nat_two_party(2020))
    assert model.lean(16.0, 2024, 20.0, 2020) == pytest.approx(expected, rel=1e-12)
    assert model.lean(16.0, 2024, 20.0, 2020) == pytest.approx(16.991086, abs=1e-6)
    # Only the latest election on the current lines: deviation from the nation, same basis.
    assert model.lean(3.0, 2024, basis="all_votes") == pytest.approx(3.0 - nat_all_votes(2024), rel=1e-12)
    # A Trump +1 district in 2024 is still more Democratic than... no: the nation was R+1.5, so lean D+0.5.
    assert model.lean(-1.0, 2024, basis="all_votes") > 0
    assert model.lean(np.array([-30.0]), np.array([2024]))[0] < 0


def test_trend_never_crosses_a_plan_change():
    assert model.trend(16.0, 20.0, "2022", "2022") == pytest.approx(-4.0)
    assert math.isnan(model.trend(16.0, 20.0, "2022", "2012"))


def test_candidate_effect_roll_off_votes_to_flip():
    assert model.candidate_effect(-2.0, 3.0) == pytest.approx(-5.0)  # ran 5 points behind the ticket
    assert model.roll_off(5800, 5500) == pytest.approx(300.0)
    assert model.votes_to_flip(5100, 4900) == 101  # 101 switchers: 4,999 vs 5,001
    assert model.votes_to_flip(100, 100) == 1
    assert model.votes_to_points(1000, 10_000) == pytest.approx(10.0)
    assert model.votes_to_points(1000, 330_000) == pytest.approx(100_000 / 330_000)
    assert math.isnan(model.votes_to_points(1000, 0))


def test_win_and_flip_probabilities():
    assert model.p_dem_win(0.0, 5.0) == pytest.approx(0.5)
    assert model.p_dem_win(5.0, 5.0) == pytest.approx(norm.cdf(1.0), abs=1e-12)
    flips = model.p_flip([5.0, 5.0, 5.0], [5.0, 5.0, 5.0], ["DEM", "REP", "IND"])
    assert flips[0] == pytest.approx(1 - norm.cdf(1.0))
    assert flips[1] == pytest.approx(norm.cdf(1.0))
    assert math.isnan(flips[2])


def test_pres_label():
    labels = model.pres_label([4.2, -12.0, 0.3, np.nan], [2024, 2020, 2016, 2024])
    assert list(labels) == ["Harris +4", "Trump +12", "Clinton +0.3", None]


def test_scoring_rules_by_hand():
    assert model.brier([1.0, 0.0], [1, 0]) == 0.0
    assert model.brier([0.5, 0.5], [1, 0]) == 0.25
    assert model.log_loss([0.5], [1]) == pytest.approx(math.log(2))
    # positives score 0.35 and 0.8, negatives 0.1 and 0.4: 3 of 4 pairs ordered right
    assert model.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    assert model.auc([0.5, 0.5], [0, 1]) == pytest.approx(0.5)


def test_logistic_fit_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20000, 1))
    p = 1 / (1 + np.exp(-(-1.0 + 2.0 * x[:, 0])))
    y = rng.random(20000) < p
    beta = model.fit_logistic(x, y)
    assert beta == pytest.approx([-1.0, 2.0], abs=0.08)


# --------------------------------------------------------------------------- margin model


def synthetic_history(n_per_year=200, seed=1):
    """Seats with margin = year effect + 0.8 lean + 0.3 last + 4 incumbent + noise (sd 3)."""
    rng = np.random.default_rng(seed)
    rows = []
    effects = {2016: -2.0, 2018: 6.0, 2020: 1.0, 2022: -3.0, 2024: -1.0}
    for year, eff in effects.items():
        lean = rng.normal(0, 20, n_per_year)
        last = 0.5 * lean + rng.normal(0, 10, n_per_year)
        inc = np.sign(last)
        margin = eff + 0.8 * lean + 0.3 * last + 4.0 * inc + rng.normal(0, 3, n_per_year)
        rows.append(
            pd.DataFrame(
                {
                    "office": "us_house",
                    "state_po": rng.choice(["AA", "BB", "CC", "DD"], n_per_year),
                    "year": year,
                    "margin": margin,
                    "lean": lean,
                    "last_margin": last,
                    "last_status": "contested",
                    "incumbent": inc,
                }
            )
        )
    return pd.concat(rows, ignore_index=True), effects


def test_margin_model_recovers_slopes_year_effects_and_spread():
    train, effects = synthetic_history()
    fitted = model.fit_margin_model(train, ridge=0.0)["us_house"]
    assert fitted.coef["lean|full"] == pytest.approx(0.8, abs=0.03)
    assert fitted.coef["last_margin|full"] == pytest.approx(0.3, abs=0.03)
    assert fitted.coef["incumbent|full"] == pytest.approx(4.0, abs=0.4)
    for year, eff in effects.items():
        assert fitted.year_effects[year] == pytest.approx(eff, abs=0.6)
    # normal noise: the mixture's core is the noise sd, the seat's own part of it
    core = math.sqrt(fitted.sigma_seat["full"] ** 2 + fitted.sigma_state**2)
    assert core == pytest.approx(3.0, abs=0.3)


def test_scale_mixture_finds_core_and_tail():
    rng = np.random.default_rng(2)
    resid = np.concatenate([rng.normal(0, 5, 9000), rng.normal(0, 20, 1000)])
    w, core, tail = model.fit_scale_mixture(resid)
    assert w == pytest.approx(0.1, abs=0.02)
    assert core == pytest.approx(5.0, abs=0.2)
    assert tail == pytest.approx(20.0, abs=1.5)
    # probability with the mixture: (1 - w) Phi(mu / core) + w Phi(mu / tail)
    p = model.p_dem_win(5.0, 5.0, 20.0, 0.1)
    assert p == pytest.approx(0.9 * norm.cdf(1.0) + 0.1 * norm.cdf(0.25))


def test_national_sigma_is_the_rms_same_seat_swing():
    rows = []
    for year, swing in {2018: 6.0, 2020: -5.0, 2022: -4.0, 2024: 2.0}.items():
        for i in range(60):
            last = float(i - 30)
            rows.append(
                {
                    "year": year,
                    "last_year": year - 2,
                    "last_status": "contested",
                    "last_margin": last,
                    "margin": last + swing + (1.0 if i % 2 else -1.0),
                }
            )
    rows.append({"year": 2024, "last_year": 2020, "last_status": "contested", "last_margin": 0.0, "margin": 50.0})
    sigma, cycles = model.national_sigma(pd.DataFrame(rows))
    assert cycles == 4
    assert sigma == pytest.approx(math.sqrt((36 + 25 + 16 + 4) / 4))  # 4.5; the 4-year pair is left out


def test_environment_presidential_years_and_midterm_penalty_by_hand():
    fitted = model.OfficeModel(
        office="us_house",
        coef=pd.Series(dtype=float),
        year_effects=pd.Series({2016: -2.0, 2018: 6.0, 2020: 1.0, 2022: -3.0, 2024: -1.0}),
        sigma_seat={},
        sigma_state=0.0,
        sigma_national=5.0,
        n_train=0,
    )
    base = (-2.0 + 1.0 - 1.0) / 3  # presidential years
    # 2018 under a Republican president: +(6 - base); 2022 under a Democrat: -(-3 - base)
    penalty = ((6.0 - base) + (3.0 + base)) / 2
    assert penalty == pytest.approx(4.5)
    assert fitted.environment([2028])[0] == pytest.approx(base)
    assert fitted.environment([2026])[0] == pytest.approx(base + penalty)  # Republican president: helps Democrats
    assert fitted.environment([2022])[0] == pytest.approx(base - penalty)  # Democratic president
    assert fitted.environment([2027])[0] == pytest.approx(base + penalty)  # odd years count as off-years
    assert model.president_party(2026) == "REP" and model.president_party(2022) == "DEM"


def test_predict_margin_uses_pattern_slopes_and_environment():
    train, _ = synthetic_history()
    models = model.fit_margin_model(train, ridge=0.0)
    frame = pd.DataFrame(
        {
            "office": ["us_house", "us_house"],
            "lean": [10.0, 10.0],
            "last_margin": [12.0, 12.0],
            "last_status": ["contested", "contested"],
            "incumbent": [1.0, 1.0],
            "year": [2020, 2022],
        }
    )
    pred = model.predict_margin(models, frame)
    c = models["us_house"].coef
    env = models["us_house"].environment([2020, 2022])
    base = c["lean|full"] * 10 + c["last_margin|full"] * 12 + c["incumbent|full"]
    assert pred["expected_margin"].tolist() == pytest.approx([base + env[0], base + env[1]])
    assert env[0] > env[1]  # 2022: a midterm under a Democratic president
    assert (pred["pattern"] == "full").all()
    assert (pred["sd_total"] > pred["sd_seat"]).all()


def test_design_matrix_patterns():
    frame = pd.DataFrame(
        {
            "lean": [1.0, 1.0, np.nan, np.nan, 2.0],
            "last_margin": [5.0, np.nan, 5.0, np.nan, np.nan],
            "last_status": ["contested", None, "contested", None, "rep_only"],
            "incumbent": [1, 0, -1, 0, -1],
        }
    )
    d = model.design_matrix(frame)
    assert d["_pattern"].tolist() == ["full", "pres", "last", "none", "full"]
    assert d["rep_only|full"].tolist() == [0, 0, 0, 0, 1]
    assert d["last_margin|full"].tolist() == [5, 0, 0, 0, 0]


# --------------------------------------------------------------------------- simulation


def seats_frame(
    mu,
    sd_seat=0.01,
    votes=20_000,
    holder=None,
    chamber="XX",
    office="state_house",
    year=2026,
    sd_state=0.0,
    sd_national=0.0,
    state=None,
    unit=None,
):
    n = len(mu)
    return pd.DataFrame(
        {
            "chamber_state": chamber,
            "office": office,
            "state_po": state if state is not None else chamber,
            "unit": unit if unit is not None else [f"u{i}" for i in range(n)],
            "holder_party": holder if holder is not None else ["DEM" if m > 0 else "REP" for m in mu],
            "target_year": year,
            "expected_margin": np.asarray(mu, dtype=float),
            "sd_seat": sd_seat,
            "sd_state": sd_state,
            "sd_national": sd_national,
            "votes_cast": votes,
        }
    )


def test_simulation_deterministic_chamber_by_hand():
    # Three seats at D+5, R+1, R+10 with almost no uncertainty; Democrats need 2 of 3.
    sim = model.Simulation(seats_frame([5.0, -1.0, -10.0]), n_draws=1000, seed=1)
    seats, chambers = sim.at_swing(0.0)
    assert chambers["p_dem_majority"].iloc[0] == 0.0
    assert chambers["p_rep_majority"].iloc[0] == 1.0
    # Democrats hold 1 seat: each Republican seat would give them the majority -> decisive.
    assert seats["p_decisive"].tolist() == [0.0, 1.0, 1.0]
    # 1,000 net votes in a 20,000-vote seat = 5 points: R+1 crosses (certain), R+10 does not.
    assert seats["impact"].tolist() == pytest.approx([0.0, 1.0, 0.0], abs=1e-9)
    assert seats["impact_seats"].tolist() == pytest.approx([0.0, 1.0, 0.0], abs=1e-9)
    # The tipping-point seat (the 2nd most Democratic) is R+1.
    assert chambers["tipping_point"].iloc[0] == 1
    assert seats["p_tipping"].tolist() == [0.0, 1.0, 0.0]
    # A 2-point swing hands Democrats the R+1 seat and the majority.
    _, ch2 = sim.at_swing(2.0)
    assert ch2["p_dem_majority"].iloc[0] == 1.0
    # The same through evaluate(): 1,000 votes in seat 2 (common draws) -> majority certain.
    ev = sim.evaluate(np.array([0.0, 1000.0, 0.0]))
    assert ev["p_dem_majority"].iloc[0] == 1.0
    assert ev["expected_dem_seats"].iloc[0] == pytest.approx(2.0, abs=1e-6)


def test_seats_not_up_stay_with_their_holders():
    frame = seats_frame([5.0, -1.0, -10.0, 30.0, 30.0])
    frame.loc[[3, 4], "target_year"] = 2028  # two Democratic seats up in 2028 count as held in 2026
    sim = model.Simulation(frame, n_draws=500, seed=1)
    _, chambers = sim.at_swing(0.0)
    ch26 = chambers[chambers["target_year"] == 2026].iloc[0]
    assert (ch26["fixed_dem"], ch26["seats_up"], ch26["majority_threshold"]) == (2, 3, 3)
    assert ch26["p_dem_majority"] == 1.0  # 2 held + the D+5 seat = 3 of 5


def test_one_uncertain_seat_matches_the_normal_probability():
    frame = seats_frame([2.0], sd_seat=4.0, sd_state=2.0, sd_national=4.0)
    sim = model.Simulation(frame, n_draws=20_000, seed=3)
    seats, chambers = sim.at_swing(0.0)
    exact = norm.cdf(2.0 / math.sqrt(16 + 4 + 16))
    assert seats["p_dem"].iloc[0] == pytest.approx(exact)
    assert chambers["p_dem_majority"].iloc[0] == pytest.approx(exact, abs=0.01)  # Monte Carlo
    assert seats["p_decisive"].iloc[0] == 1.0


def test_simulated_seat_error_mixture_matches_the_exact_probability():
    frame = seats_frame([4.0], sd_seat=3.0, sd_state=2.0, sd_national=3.0).assign(sd_tail=15.0, tail_weight=0.2)
    sim = model.Simulation(frame, n_draws=40_000, seed=8)
    seats, chambers = sim.at_swing(0.0)
    common = 4 + 9
    exact = 0.8 * norm.cdf(4 / math.sqrt(9 + common)) + 0.2 * norm.cdf(4 / math.sqrt(225 + common))
    assert seats["p_dem"].iloc[0] == pytest.approx(exact)
    assert chambers["p_dem_majority"].iloc[0] == pytest.approx(exact, abs=0.01)


def test_gain_grid_matches_exact_sum(monkeypatch):
    rng = np.random.default_rng(5)
    frame = seats_frame(rng.normal(0, 8, 41), sd_seat=4.0, sd_state=2.0, sd_national=3.0, votes=15_000)
    exact = model.Simulation(frame, n_draws=4000, seed=9).at_swing(0.5)[0]["impact"].to_numpy()
    monkeypatch.setattr(model, "GAIN_DIRECT_MAX", 0)
    grid = model.Simulation(frame, n_draws=4000, seed=9).at_swing(0.5)[0]["impact"].to_numpy()
    assert grid == pytest.approx(exact, abs=2e-4, rel=0.01)


def test_marginal_gains_agree_with_at_swing():
    rng = np.random.default_rng(6)
    frame = seats_frame(rng.normal(0, 8, 25), sd_seat=4.0, sd_state=2.0, sd_national=3.0, votes=15_000)
    sim = model.Simulation(frame, n_draws=3000, seed=2)
    seats, _ = sim.at_swing(1.0)
    gains = sim.marginal_gains(extra_votes=1000.0, swing=1.0)
    assert gains["d_p_majority"].to_numpy() == pytest.approx(seats["impact"].to_numpy(), abs=1e-6)
    assert gains["p_decisive"].to_numpy() == pytest.approx(seats["p_decisive"].to_numpy())
    # common random numbers: evaluate() after 1,000 votes in one seat moves P(majority) by about its impact
    i = int(np.argmax(seats["impact"].to_numpy()))
    shifts = np.zeros(25)
    shifts[i] = 1000.0
    before = sim.evaluate(None, swing=1.0)["p_dem_majority"].iloc[0]
    after = sim.evaluate(shifts, swing=1.0)["p_dem_majority"].iloc[0]
    assert after - before == pytest.approx(seats["impact"].iloc[i], abs=0.02)


def test_simulation_is_reproducible_with_a_seed():
    rng = np.random.default_rng(7)
    frame = seats_frame(rng.normal(0, 8, 30), sd_seat=4.0, sd_state=2.0, sd_national=3.0)
    a = model.Simulation(frame, n_draws=2000, seed=11).at_swing(0.7)
    b = model.Simulation(frame, n_draws=2000, seed=11).at_swing(0.7)
    c = model.Simulation(frame, n_draws=2000, seed=12).at_swing(0.7)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[0]["p_decisive"].equals(c[0]["p_decisive"])


def test_us_house_spans_states_and_bloc_seats_share_an_error():
    frame = pd.concat(
        [
            seats_frame(
                [3.0, -3.0],
                chamber="US",
                office="us_house",
                state=["AA", "BB"],
                sd_seat=3.0,
                sd_state=3.0,
                sd_national=3.0,
                votes=300_000,
            ),
            seats_frame(
                [1.0, -1.0], chamber="AA", state="AA", unit=["bloc", "bloc"], sd_seat=3.0, sd_state=3.0, sd_national=3.0
            ),
        ],
        ignore_index=True,
    )
    sim = model.Simulation(frame, n_draws=3000, seed=4)
    assert len(sim.groups) == 2
    g = next(grp for grp in sim.groups if grp.chamber_state == "AA")
    # the two seats of one bloc district: thresholds differ by exactly their margin gap in every draw
    diff = g.block[:, 1] - g.block[:, 0]
    assert diff == pytest.approx(np.full(3000, 2.0), abs=1e-4)
    _, ch = sim.at_swing(0.0)
    assert set(ch["chamber_state"]) == {"US", "AA"}


# --------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-60, 60),
    st.floats(-60, 60),
    st.floats(0.5, 20),
    st.sampled_from(["DEM", "REP"]),
    st.floats(1.0, 4.0),
    st.floats(0.0, 0.5),
)
def test_closer_expected_margin_never_lowers_the_trailing_partys_flip_chance(m1, m2, sd, holder, tail_ratio, w):
    # The holder leads: expected margin on the holder's side. Moving it toward zero (closer)
    # never lowers P(flip), i.e. the trailing party's chance; with or without a wide tail.
    sign = 1.0 if holder == "DEM" else -1.0
    far, near = sorted([abs(m1), abs(m2)], reverse=True)
    tail = sd * tail_ratio
    p_far = model.p_flip(sign * far, sd, [holder], tail, w)[0]
    p_near = model.p_flip(sign * near, sd, [holder], tail, w)[0]
    assert p_near >= p_far
    trailing_far = 1 - model.p_dem_win(far, sd, tail, w)
    trailing_near = 1 - model.p_dem_win(near, sd, tail, w)
    assert trailing_near >= trailing_far
    assert 0.0 <= p_near <= 1.0 and 0.0 <= p_far <= 1.0


chamber_strategy = st.lists(st.floats(-25, 25), min_size=1, max_size=9)


@settings(max_examples=40, deadline=None)
@given(chamber_strategy, st.floats(-10, 10), st.floats(0, 10), st.integers(0, 2**16))
def test_larger_swing_toward_a_party_never_lowers_its_majority_chance(mu, s1, step, seed):
    sim = model.Simulation(seats_frame(mu, sd_seat=5.0, sd_state=2.0, sd_national=3.0), n_draws=300, seed=seed)
    _, low = sim.at_swing(s1)
    _, high = sim.at_swing(s1 + step)
    assert high["p_dem_majority"].iloc[0] >= low["p_dem_majority"].iloc[0]
    assert high["p_rep_majority"].iloc[0] <= low["p_rep_majority"].iloc[0]
    ev_low = sim.evaluate(np.zeros(len(mu)), swing=s1)
    ev_high = sim.evaluate(np.full(len(mu), 1.0), swing=s1 + step)
    assert ev_high["p_dem_majority"].iloc[0] >= ev_low["p_dem_majority"].iloc[0]


@settings(max_examples=40, deadline=None)
@given(
    chamber_strategy,
    st.floats(-15, 15),
    st.integers(0, 2**16),
    st.lists(st.sampled_from(["DEM", "REP", "IND", None]), min_size=9, max_size=9),
)
def test_every_probability_lies_in_zero_one(mu, swing, seed, holders):
    frame = seats_frame(mu, sd_seat=5.0, sd_state=2.0, sd_national=3.0, holder=holders[: len(mu)])
    sim = model.Simulation(frame, n_draws=300, seed=seed)
    seats, chambers = sim.at_swing(swing)
    for col in ("p_dem", "p_flip", "p_decisive", "p_tipping"):
        v = seats[col].dropna().to_numpy()
        assert ((v >= 0) & (v <= 1)).all(), col
    for col in ("p_dem_majority", "p_rep_majority", "p_tipping_point"):
        v = chambers[col].to_numpy()
        assert ((v >= 0) & (v <= 1)).all(), col
    assert (seats["impact"].to_numpy() >= -1e-9).all() and (seats["impact"].to_numpy() <= 1 + 1e-9).all()
    assert (chambers["p_dem_majority"] + chambers["p_rep_majority"] <= 1 + 1e-9).all()
