"""Flippability model: seat metrics, the fitted margin model and the chamber simulation.

Pure functions over NumPy arrays and pandas DataFrames (numpy/pandas/scipy only; no I/O, no
DuckDB, no Streamlit). analysis/features.py loads the inputs, analysis/rank.py assembles them.

Sign convention everywhere: a margin is Democratic minus Republican, in percentage points;
positive = Democratic advantage. Two-party unless a function says all-vote.
docs/METHODOLOGY.md gives every formula with its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtr

# --------------------------------------------------------------------------- national vote

# Certified national popular vote, (Democratic, Republican, all votes), from the Federal Election
# Commission's "Federal Elections" reports (2008, 2012, 2016, 2020) and "Official 2024
# Presidential General Election Results" (Jan 2025). Cross-checked against the mirror's county
# files (county/SOURCES.md): within 0.1 pt for 2008-2020; the 2024 county file is a December
# scrape about 0.6M votes short, R+1.6 vs the certified R+1.5.
NATIONAL_PRES_VOTES: dict[int, tuple[int, int, int]] = {
    2008: (69_498_516, 59_948_323, 131_313_820),  # Obama / McCain
    2012: (65_915_795, 60_933_504, 129_085_410),  # Obama / Romney
    2016: (65_853_514, 62_984_828, 136_669_276),  # Clinton / Trump
    2020: (81_268_924, 74_216_154, 158_429_631),  # Biden / Trump
    2024: (75_017_613, 77_302_580, 155_238_302),  # Harris / Trump
}
PRES_CANDIDATES: dict[int, tuple[str, str]] = {
    2008: ("Obama", "McCain"),
    2012: ("Obama", "Romney"),
    2016: ("Clinton", "Trump"),
    2020: ("Biden", "Trump"),
    2024: ("Harris", "Trump"),
}
# Cook PVI (2022 onwards): 75% weight on the latest presidential election, 25% on the one before.
PVI_WEIGHTS = (0.75, 0.25)
PARTIES = ("DEM", "REP")


def national_margin(year: int, basis: str = "two_party") -> float:
    """National presidential margin in points, positive = Democratic, for `year`.

    basis 'all_votes': 100 * (D - R) / all votes (2008 D+7.3, 2012 D+3.9, 2016 D+2.1,
    2020 D+4.5, 2024 R+1.5); 'two_party': 100 * (D - R) / (D + R). Source: FEC certified totals.
    NaN for a year without a presidential election on file.
    """
    votes = NATIONAL_PRES_VOTES.get(int(year))
    if votes is None:
        return math.nan
    dem, rep, total = votes
    return 100.0 * (dem - rep) / (total if basis == "all_votes" else dem + rep)


def _national(years: np.ndarray, basis: np.ndarray | str) -> np.ndarray:
    years = np.asarray(years, dtype=float)
    basis = np.broadcast_to(np.asarray(basis, dtype=object), years.shape)
    out = np.full(years.shape, np.nan)
    for i, (y, b) in enumerate(zip(years.ravel(), basis.ravel(), strict=True)):
        if not np.isnan(y):
            out.flat[i] = national_margin(int(y), "all_votes" if b == "all_votes" else "two_party")
    return out


# --------------------------------------------------------------------------- seat metrics


def two_party_margin(dem_votes, rep_votes) -> np.ndarray:
    """Two-party margin, points, positive = Democratic: 100 * (D - R) / (D + R). NaN when D + R = 0.

    The standard two-party measure (e.g. PlanScore, GerryChain `metrics/partisan.py` vote shares).
    """
    d = np.asarray(dem_votes, dtype=float)
    r = np.asarray(rep_votes, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d + r > 0, 100.0 * (d - r) / (d + r), np.nan)


def lean(latest_margin, latest_year, previous_margin=None, previous_year=None, basis="two_party") -> np.ndarray:
    """Partisan lean relative to the nation, margin points, positive = more Democratic than the nation.

    Cook PVI style (Cook Political Report, 2022 method): 0.75 * (latest district margin - latest
    national margin) + 0.25 * (previous district margin - previous national margin), each national
    margin on the same basis ('two_party' or 'all_votes') as the district margin. With only the
    latest election on the district's current lines, lean = latest - national latest.
    Cook quotes PVI in vote-share points: PVI = lean / 2 on the two-party basis (D+5 lean = D+2.5 PVI).
    """
    latest_margin = np.asarray(latest_margin, dtype=float)
    dev_latest = latest_margin - _national(latest_year, basis)
    if previous_margin is None:
        return dev_latest
    dev_prev = np.asarray(previous_margin, dtype=float) - _national(previous_year, basis)
    w_latest, w_prev = PVI_WEIGHTS
    return np.where(np.isnan(dev_prev), dev_latest, w_latest * dev_latest + w_prev * dev_prev)


def trend(latest_margin, previous_margin, latest_plan, previous_plan) -> np.ndarray:
    """Change in presidential margin between the last two cycles, points, positive = moving Democratic.

    latest - previous, only when both results are on the same district lines (plan); NaN across a
    plan change, because a new map is a different electorate, not a trend.
    """
    latest = np.asarray(latest_margin, dtype=float)
    previous = np.asarray(previous_margin, dtype=float)
    same = np.asarray(np.asarray(latest_plan, dtype=object) == np.asarray(previous_plan, dtype=object), dtype=bool)
    return np.where(same, latest - previous, np.nan)


def candidate_effect(downballot_margin, pres_margin) -> np.ndarray:
    """Down-ballot over/under-performance, points: down-ballot margin - presidential margin.

    Positive = the Democratic down-ballot candidate ran ahead of the top of the ticket (the
    'overperformance' measure of The Downballot / Daily Kos Elections). Same lines, same basis.
    """
    return np.asarray(downballot_margin, dtype=float) - np.asarray(pres_margin, dtype=float)


def roll_off(pres_votes, downballot_votes) -> np.ndarray:
    """Roll-off, votes: a party's presidential votes minus its down-ballot votes in the district.

    Positive = the party's presidential voters skipped (or split) the down-ballot race. NaN where
    either count is unknown (e.g. 2024 presidential votes by legislative district exist only for
    the states with precinct returns).
    """
    return np.asarray(pres_votes, dtype=float) - np.asarray(downballot_votes, dtype=float)


def votes_to_flip(winner_votes, loser_votes) -> np.ndarray:
    """Fewest voters who, switching from the last winner to the first loser, reverse the result.

    floor((w - l) / 2) + 1 (a tie needs 1); vectorized normalize.votes_to_flip. NaN if unknown.
    """
    w = np.asarray(winner_votes, dtype=float)
    lose = np.asarray(loser_votes, dtype=float)
    return np.floor((w - lose) / 2.0) + 1.0


def votes_to_points(net_votes, votes_cast) -> np.ndarray:
    """Margin points moved by a net shift of `net_votes` (D minus R gains `net_votes`).

    100 * net_votes / two-party votes cast. 1,000 net votes is 0.3 pt in a 330,000-vote House
    seat and 5 pt in a 20,000-vote state house seat: small districts weigh more per vote.
    """
    cast = np.asarray(votes_cast, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cast > 0, 100.0 * np.asarray(net_votes, dtype=float) / cast, np.nan)


def p_dem_win(expected_margin, sd, sd_tail=None, tail_weight=None) -> np.ndarray:
    """Probability the Democrat wins, in [0, 1]: P(margin > 0).

    margin ~ Normal(expected_margin, sd); with `sd_tail` and `tail_weight` w, a scale mixture
    (1 - w) Normal(expected_margin, sd) + w Normal(expected_margin, sd_tail): most seats behave like
    the narrow core, a few (scandals, weak nominees, data quirks) like the wide tail.
    """
    mu = np.asarray(expected_margin, dtype=float)
    sd = np.asarray(sd, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = ndtr(mu / sd)
        if sd_tail is not None and tail_weight is not None:
            w = np.asarray(tail_weight, dtype=float)
            p = (1.0 - w) * p + w * ndtr(mu / np.asarray(sd_tail, dtype=float))
    return np.clip(p, 0.0, 1.0)


def p_flip(expected_margin, sd, holder_party, sd_tail=None, tail_weight=None) -> np.ndarray:
    """Probability the seat changes party, in [0, 1] (p_dem_win's distribution).

    Held by DEM: P(margin < 0); held by REP: P(margin > 0); any other holder (independent,
    vacant, unknown): NaN, because a D-vs-R margin cannot say whether the holder keeps it.
    """
    p_dem = p_dem_win(expected_margin, sd, sd_tail, tail_weight)
    holder = np.asarray(pd.Series(holder_party, dtype=object).to_numpy())
    return np.where(holder == "DEM", 1.0 - p_dem, np.where(holder == "REP", p_dem, np.nan))


def pres_label(margin, year) -> np.ndarray:
    """'Harris +4' / 'Trump +12' style label for a presidential margin (rounded to whole points)."""
    m, y = np.broadcast_arrays(np.asarray(margin, dtype=float), np.asarray(year, dtype=float))
    out = np.empty(m.shape, dtype=object)
    for i, (mm, yy) in enumerate(zip(m.ravel(), y.ravel(), strict=True)):
        if np.isnan(mm) or np.isnan(yy) or int(yy) not in PRES_CANDIDATES:
            out.flat[i] = None
            continue
        dem, rep = PRES_CANDIDATES[int(yy)]
        pts = abs(mm)
        text = f"{pts:.0f}" if pts >= 0.5 else f"{pts:.1f}"
        out.flat[i] = f"{dem} +{text}" if mm >= 0 else f"{rep} +{text}"
    return out


# --------------------------------------------------------------------------- scoring rules


def brier(p, outcome) -> float:
    """Brier score: mean squared error of a probability forecast (lower is better; 0.25 = coin flip)."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(outcome, dtype=float)
    return float(np.mean((p - y) ** 2))


def log_loss(p, outcome, eps: float = 1e-6) -> float:
    """Mean negative log-likelihood, natural log; probabilities clipped to [eps, 1 - eps]."""
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    y = np.asarray(outcome, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def auc(score, outcome) -> float:
    """Area under the ROC curve (Mann-Whitney U / (n1 n0)); ties count one half. NaN if one class."""
    from scipy.stats import rankdata

    s = np.asarray(score, dtype=float)
    y = np.asarray(outcome, dtype=bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return math.nan
    ranks = rankdata(s)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1e-3, iters: int = 50) -> np.ndarray:
    """Logistic regression by Newton-Raphson (IRLS). x: (n, k) without intercept; returns (k + 1) coefs."""
    x = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    y = np.asarray(y, dtype=float)
    beta = np.zeros(x.shape[1])
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        w = p * (1 - p)
        hess = x.T @ (x * w[:, None]) + penalty
        grad = x.T @ (y - p) - penalty @ beta
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def predict_logistic(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Probabilities from fit_logistic coefficients."""
    x = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    return 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))


# --------------------------------------------------------------------------- the margin model

# Which features a seat has decides its pattern; each pattern gets its own slopes and residual
# spread, all patterns share one set of year effects (the national environment of each cycle).
PATTERNS = ("full", "pres", "last", "none")
DEFAULT_SIGMA_NATIONAL = 5.0  # points; used when fewer than two cycle-to-cycle changes are estimable
MIN_SIGMA_NATIONAL = 2.0


def feature_pattern(has_lean, has_last) -> np.ndarray:
    """'full' (lean and last result), 'pres' (lean only), 'last' (last result only) or 'none'."""
    has_lean = np.asarray(has_lean, dtype=bool)
    has_last = np.asarray(has_last, dtype=bool)
    return np.where(has_lean & has_last, "full", np.where(has_lean, "pres", np.where(has_last, "last", "none")))


def design_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Model features (no year effects) from a frame of seat-cycles.

    Input columns: lean (points, NaN if unknown), last_margin (two-party points of the seat's
    previous general on the same lines, NaN if not a D-vs-R contest), last_status ('contested',
    'dem_only' = a Democrat won with no Republican, 'rep_only', or NaN if no previous result),
    incumbent (+1 Democratic incumbent running, -1 Republican, 0 open seat).
    Slopes are per pattern: with last result missing the lean coefficient must carry more weight.
    """
    lean_v = frame["lean"].to_numpy(dtype=float)
    last = frame["last_margin"].to_numpy(dtype=float)
    status = frame["last_status"].astype(object).to_numpy()
    dem_only = (status == "dem_only").astype(float)
    rep_only = (status == "rep_only").astype(float)
    has_last = (status == "contested") & ~np.isnan(last) | (dem_only > 0) | (rep_only > 0)
    has_lean = ~np.isnan(lean_v)
    pattern = feature_pattern(has_lean, has_last)
    last_c = np.where((status == "contested") & ~np.isnan(last), np.clip(last, -100, 100), 0.0)
    lean_c = np.where(has_lean, lean_v, 0.0)
    inc = frame["incumbent"].fillna(0).to_numpy(dtype=float)
    cols = {}
    for pat in PATTERNS:
        on = (pattern == pat).astype(float)
        if pat != "full":
            cols[f"intercept|{pat}"] = on
        if pat in ("full", "pres"):
            cols[f"lean|{pat}"] = lean_c * on
        if pat in ("full", "last"):
            cols[f"last_margin|{pat}"] = last_c * on
            cols[f"dem_only|{pat}"] = dem_only * on
            cols[f"rep_only|{pat}"] = rep_only * on
        cols[f"incumbent|{pat}"] = inc * on
    return pd.DataFrame(cols, index=frame.index).assign(_pattern=pattern)


@dataclass
class OfficeModel:
    """A margin model fitted for one office.

    coef: feature -> points; year_effects: election year -> national environment (points) on
    top of the features; sigma_seat / sigma_tail / tail_weight: pattern -> the seat's own error, a
    scale mixture (1 - w) N(0, sigma_seat) + w N(0, sigma_tail) (fit_scale_mixture); sigma_state: sd of a
    state-cycle error shared by the state's seats; sigma_national: sd of the change in national
    environment from one cycle to the next. All in margin points.
    """

    office: str
    coef: pd.Series
    year_effects: pd.Series
    sigma_seat: dict[str, float]
    sigma_state: float
    sigma_national: float
    n_train: int
    n_by_pattern: dict[str, int] = field(default_factory=dict)
    sigma_tail: dict[str, float] = field(default_factory=dict)
    tail_weight: dict[str, float] = field(default_factory=dict)

    year_counts: dict[int, int] = field(default_factory=dict)

    def environment(self, year) -> np.ndarray:
        """Expected national environment (points, positive = Democratic) for election `year`.

        Presidential years (year % 4 == 0): the mean year effect of the presidential years fitted.
        Other years (midterms, odd years): that base plus the mean midterm penalty, the swing
        against the president's party (PRESIDENT_PARTY) seen in the non-presidential years fitted.
        Political science's most regular pattern: the president's party lost ground in almost every
        midterm since the Civil War (US House 2010-2022 year effects here: -9.3, -4.8, +8.1, -1.3,
        each against the sitting president). Only years with >= MIN_YEAR_SEATS seats count.
        """
        years = np.atleast_1d(np.asarray(year, dtype=float))
        fitted = {
            int(y): float(v)
            for y, v in self.year_effects.items()
            if self.year_counts.get(int(y), MIN_YEAR_SEATS) >= MIN_YEAR_SEATS
        }
        pres = [v for y, v in fitted.items() if y % 4 == 0]
        base = float(np.mean(pres)) if pres else float(np.mean(list(fitted.values()) or [0.0]))
        penalties = [out_party_sign(y) * (v - base) for y, v in fitted.items() if y % 4 != 0]
        penalty = float(np.mean(penalties)) if penalties else 0.0
        out = np.full(years.shape, base)
        for i, y in enumerate(years):
            if np.isfinite(y) and int(y) % 4 != 0:
                out[i] = base + out_party_sign(int(y)) * penalty
        return out.reshape(np.shape(np.asarray(year, dtype=float)))


# Party of the president in office on election day (inaugurations 2009, 2017, 2021, 2025).
PRESIDENT_PARTY = [(2001, "REP"), (2009, "DEM"), (2017, "REP"), (2021, "DEM"), (2025, "REP")]
MIN_YEAR_SEATS = 30


def president_party(year: int) -> str:
    """Party of the sitting president during the election of `year` (November)."""
    party = PRESIDENT_PARTY[0][1]
    for start, p in PRESIDENT_PARTY:
        if year >= start:
            party = p
    return party


def out_party_sign(year: int) -> float:
    """+1 when the president is a Republican (an off-year swing then helps Democrats), -1 when a Democrat."""
    return 1.0 if president_party(int(year)) == "REP" else -1.0


def fit_scale_mixture(resid, iters: int = 200) -> tuple[float, float, float]:
    """Zero-mean two-component normal scale mixture by EM: (tail_weight, sd_core, sd_tail), points.

    Residuals of seat margins are fat-tailed (state house: RMS 11 points against a core of about
    9): one normal fitted by RMS would make every close seat look less certain than it is and
    over-predict flips. Starts from the robust scale 1.4826 * median |r|.
    """
    r = np.asarray(resid, dtype=float)
    r = r[np.isfinite(r)]
    if len(r) < 20:
        sd = float(np.sqrt(np.mean(r**2))) if len(r) else math.nan
        return 0.0, sd, sd
    r2 = r**2
    core = max(1.4826 * float(np.median(np.abs(r))), 1e-3)
    tail, w = 3.0 * core, 0.1
    for _ in range(iters):
        l_core = (1 - w) * np.exp(-0.5 * r2 / core**2) / core
        l_tail = w * np.exp(-0.5 * r2 / tail**2) / tail
        g = l_tail / np.maximum(l_core + l_tail, 1e-300)
        w_new = float(np.clip(g.mean(), 1e-4, 0.5))
        core_new = float(np.sqrt(np.sum((1 - g) * r2) / np.sum(1 - g)))
        tail_new = float(np.sqrt(np.sum(g * r2) / max(np.sum(g), 1e-9)))
        done = abs(w_new - w) < 1e-7 and abs(core_new - core) < 1e-7
        w, core, tail = w_new, core_new, max(tail_new, core_new)
        if done:
            break
    return w, core, tail


def _ridge(x: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    return np.linalg.solve(x.T @ x + np.diag(penalty), x.T @ y)


def national_sigma(rows: pd.DataFrame, min_seats: int = 50) -> tuple[float, int]:
    """Cycle-to-cycle sd of the national environment, points, and how many cycles it rests on.

    The same-seat swing: for seats contested on the same lines two years apart, the mean change
    in margin per cycle is that cycle's national swing; the root mean square over cycles (with at
    least `min_seats` seats) is how far the next environment typically lands from the last one.
    (US House 2012-2024: the House popular vote moved 6.9, 4.6, 9.7, 5.5, 5.9 and 0.2 points, RMS 6.2.)
    Falls back to DEFAULT_SIGMA_NATIONAL with fewer than two cycles; never below MIN_SIGMA_NATIONAL.
    """
    if "last_year" not in rows:
        return DEFAULT_SIGMA_NATIONAL, 0
    pairs = rows[
        (rows["last_status"] == "contested")
        & rows["last_margin"].notna()
        & rows["margin"].notna()
        & (rows["year"] - rows["last_year"] == 2)
    ]
    swing = (pairs["margin"] - pairs["last_margin"]).groupby(pairs["year"]).agg(["mean", "count"])
    swing = swing[swing["count"] >= min_seats]
    if len(swing) < 2:
        return DEFAULT_SIGMA_NATIONAL, int(len(swing))
    return max(float(np.sqrt(np.mean(swing["mean"] ** 2))), MIN_SIGMA_NATIONAL), int(len(swing))


def fit_margin_model(train: pd.DataFrame, ridge: float = 1.0) -> dict[str, OfficeModel]:
    """Fit margin = year effect + features (design_matrix) by ridge-penalized least squares, per office.

    train: one row per contested D-vs-R general (seat, year) with columns office, state_po, year,
    margin (target, two-party points) and the design_matrix inputs (+ last_year for the national
    spread). Seats with neither a presidential baseline nor a previous result on their lines
    (pattern 'none': new districts in redistricting years) are fitted apart, margin = a + b *
    incumbent, without year effects: they sit almost only in 2012 and 2022, so sharing year effects
    with them would confound those years' environment with the pattern. The year effects are not
    penalized; the feature slopes get a small ridge penalty (stability for thin patterns).
    Spreads: the residuals of each pattern as a two-normal scale mixture (fit_scale_mixture), each
    component split into a state-cycle part (variance of state-year mean residuals, less their
    sampling noise) and the seat's own part; the national part from national_sigma (same-seat swings).
    """
    models = {}
    for office, rows in train.groupby("office", sort=True):
        rows = rows[rows["margin"].notna()]
        design = design_matrix(rows)
        pattern = design.pop("_pattern").to_numpy()
        main = pattern != "none"
        if main.sum() < 10:
            continue
        none_cols = [c for c in design.columns if c.endswith("|none")]
        main_design = design.loc[main, [c for c in design.columns if c not in none_cols]]
        main_design = main_design.loc[:, (main_design != 0).any(axis=0)]
        years = rows["year"].astype(int).to_numpy()
        year_list = np.unique(years[main])
        fe = (years[main][:, None] == year_list[None, :]).astype(float)
        x = np.column_stack([main_design.to_numpy(), fe])
        y = rows["margin"].to_numpy(dtype=float)
        penalty = np.zeros(x.shape[1])
        penalty[: main_design.shape[1]] = ridge
        beta = _ridge(x, y[main], penalty)
        resid = np.full(len(rows), np.nan)
        resid[main] = y[main] - x @ beta
        coef = pd.Series(beta[: main_design.shape[1]], index=main_design.columns)
        year_effects = pd.Series(beta[main_design.shape[1] :], index=year_list)
        if (~main).sum() >= 10:
            xn = design.loc[~main, ["intercept|none", "incumbent|none"]].to_numpy()
            bn = _ridge(xn, y[~main], np.array([0.0, ridge]))
            resid[~main] = y[~main] - xn @ bn
            coef = pd.concat([coef, pd.Series(bn, index=["intercept|none", "incumbent|none"])])

        mixtures = {}
        for pat in PATTERNS:
            r = resid[pattern == pat]
            if len(r) >= 20:
                mixtures[pat] = fit_scale_mixture(r)
        fallback = float(np.sqrt(np.mean(resid[main] ** 2)))
        sy = pd.DataFrame({"state": rows["state_po"].to_numpy(), "year": years, "r": resid})[main]
        grp = sy.groupby(["state", "year"])["r"].agg(["mean", "count"])
        grp = grp[grp["count"] >= 3]
        if len(grp) >= 5:
            noise = np.mean(fallback**2 / grp["count"])
            sigma_state = float(np.sqrt(max(np.var(grp["mean"]) - noise, 0.0)))
        else:
            sigma_state = 0.0
        # A pattern too thin to fit borrows the widest fitted one (the least certain).
        widest = max(mixtures.values(), key=lambda m: m[1], default=(0.0, fallback, fallback))
        sigma_seat, sigma_tail, tail_weight = {}, {}, {}
        for pat in PATTERNS:
            w, core, tail = mixtures.get(pat, widest)
            sigma_seat[pat] = float(np.sqrt(max(core**2 - sigma_state**2, (0.5 * core) ** 2)))
            sigma_tail[pat] = float(np.sqrt(max(tail**2 - sigma_state**2, (0.5 * tail) ** 2)))
            tail_weight[pat] = float(w)
        sigma_national, _ = national_sigma(rows)
        models[str(office)] = OfficeModel(
            office=str(office),
            coef=coef,
            year_effects=year_effects,
            sigma_seat=sigma_seat,
            sigma_state=sigma_state,
            sigma_national=sigma_national,
            n_train=int(len(rows)),
            n_by_pattern={p: int((pattern == p).sum()) for p in PATTERNS},
            sigma_tail=sigma_tail,
            tail_weight=tail_weight,
            year_counts={int(y): int(n) for y, n in zip(*np.unique(years[main], return_counts=True), strict=True)},
        )
    return models


MIN_PATTERN_ROWS = 20


def _demote_unfitted(rows: pd.DataFrame, model: OfficeModel) -> pd.DataFrame:
    """Drop features whose pattern the model never saw enough of: full -> pres or last -> none.

    (A backtest year can hold a pattern absent before it, e.g. the first cycle after new lines.)
    """
    fitted = {p for p, n in model.n_by_pattern.items() if n >= MIN_PATTERN_ROWS}
    rows = rows.copy()
    for _ in range(2):
        pats = design_matrix(rows)["_pattern"].to_numpy()
        drop_last = (pats == "full") & ("full" not in fitted) & ("pres" in fitted)
        drop_lean = ((pats == "full") & ("full" not in fitted) & ~drop_last) | (
            (pats == "pres") & ("pres" not in fitted)
        )
        drop_last |= (pats == "last") & ("last" not in fitted)
        rows.loc[drop_last, "last_status"] = None
        rows.loc[drop_last, "last_margin"] = np.nan
        rows.loc[drop_lean, "lean"] = np.nan
    return rows


def predict_margin(models: dict[str, OfficeModel], frame: pd.DataFrame) -> pd.DataFrame:
    """Expected margin (points, positive = Democratic) and its spread for each row of `frame`.

    frame: design_matrix inputs plus office and year (the election predicted; its expected national
    environment, OfficeModel.environment, is swing 0). Returns columns
    expected_margin, sd_seat / sd_tail / tail_weight (the seat's own error mixture), sd_state,
    sd_national, sd_total / sd_tail_total (core / tail component with the common errors), sd_margin
    (sd of the whole predictive mixture), pattern (after _demote_unfitted); NaN where the office has
    no fitted model. A 'none' seat of an office too thin to fit 'none' gets the environment alone.
    """
    cols = ["expected_margin", "sd_seat", "sd_tail", "tail_weight", "sd_state", "sd_national"]
    out = pd.DataFrame(index=frame.index, columns=cols, dtype=float)
    out["pattern"] = design_matrix(frame)["_pattern"]
    for office, idx in frame.groupby("office").groups.items():
        model = models.get(str(office))
        if model is None:
            continue
        rows = _demote_unfitted(frame.loc[idx], model)
        design = design_matrix(rows)
        pats = design.pop("_pattern").to_numpy()
        out.loc[idx, "pattern"] = pats
        x = design.reindex(columns=model.coef.index, fill_value=0.0)
        # Pattern 'none' was fitted without year effects (see fit_margin_model).
        none_fitted = "intercept|none" in model.coef.index
        env = np.where((pats == "none") & none_fitted, 0.0, model.environment(rows["year"].to_numpy(dtype=float)))
        out.loc[idx, "expected_margin"] = x.to_numpy() @ model.coef.to_numpy() + env
        out.loc[idx, "sd_seat"] = [model.sigma_seat.get(p, np.nan) for p in pats]
        out.loc[idx, "sd_tail"] = [model.sigma_tail.get(p, model.sigma_seat.get(p, np.nan)) for p in pats]
        out.loc[idx, "tail_weight"] = [model.tail_weight.get(p, 0.0) for p in pats]
        out.loc[idx, "sd_state"] = model.sigma_state
        out.loc[idx, "sd_national"] = model.sigma_national
    common = out["sd_state"] ** 2 + out["sd_national"] ** 2
    out["sd_total"] = np.sqrt(out["sd_seat"] ** 2 + common)
    out["sd_tail_total"] = np.sqrt(out["sd_tail"] ** 2 + common)
    w = out["tail_weight"]
    out["sd_margin"] = np.sqrt((1 - w) * out["sd_total"] ** 2 + w * out["sd_tail_total"] ** 2)
    return out


# --------------------------------------------------------------------------- chamber simulation

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 2026
IMPACT_VOTES = 1_000.0
SIM_SEAT_COLUMNS = [
    "chamber_state",
    "office",
    "state_po",
    "unit",
    "holder_party",
    "target_year",
    "expected_margin",
    "sd_seat",
    "sd_state",
    "sd_national",
    "votes_cast",
]
SIM_OPTIONAL_COLUMNS = ["sd_tail", "tail_weight"]


@dataclass
class _Group:
    """One chamber election: the chamber's seats up in one year; the chamber's other seats stay with their holders."""

    chamber_state: str
    office: str
    year: int
    cols: np.ndarray  # positions (into Simulation.seats) of the seats up
    block: np.ndarray  # draws x seats up, float32 thresholds: a seat is Democratic when swing + shift > threshold
    u_states: np.ndarray  # draws x states in the group, float32: national + state error (points)
    u_idx: np.ndarray  # per seat up, its column in u_states
    u_members: list  # per column of u_states, the positions (in cols) of its seats
    seats_total: int
    threshold: int  # seats needed for a majority
    fixed_dem: int
    fixed_rep: int
    k_dem: int  # Democrats hold the majority when at least k_dem seats up go Democratic
    k_rep: int  # Republicans hold it when at most k_rep seats up go Democratic
    tau: dict[int, np.ndarray]  # order statistic (1-based rank) -> per-draw threshold
    sorted_dem: np.ndarray  # sorted per-draw threshold of the k_dem-th seat
    sorted_rep: np.ndarray  # sorted per-draw threshold of the (k_rep + 1)-th seat
    tipping: np.ndarray  # per draw, the position (in cols) of the seat that delivers the Democratic majority


def _order_stat(tau: dict[int, np.ndarray], k: int, n_draws: int) -> np.ndarray:
    """k-th smallest threshold per draw; -inf below rank 1, +inf above the number of seats."""
    if k in tau:
        return tau[k]
    return np.full(n_draws, -np.inf if k < 1 else np.inf, dtype=np.float32)


GAIN_GRID = 64  # grid points over the common error for the decisive-draw gain sum
GAIN_DIRECT_MAX = 20_000  # below this many (draw, seat) entries the gain is summed exactly


def _own_cdf(x: np.ndarray, sd_seat: np.ndarray, sd_tail: np.ndarray, tail_weight: np.ndarray) -> np.ndarray:
    """P(own seat error > -x): the seat's own error mixture evaluated at margin x (broadcast per seat)."""
    return (1.0 - tail_weight) * ndtr(x / sd_seat) + tail_weight * ndtr(x / sd_tail)


def _decisive_gain(
    decisive: np.ndarray,
    u_rows: np.ndarray,
    margin: np.ndarray,
    extra: np.ndarray,
    sd_seat: np.ndarray,
    sd_tail: np.ndarray,
    tail_weight: np.ndarray,
) -> np.ndarray:
    """Sum over draws of 1(decisive) * [F(m + u + extra) - F(m + u)], per seat.

    F is the probability that the seat's own error does not sink a margin (_own_cdf). decisive:
    draws x seats (bool); u_rows: the common (national + state) error of each draw, the same for
    every seat here; margin, extra and the spreads: per seat, points. Summed exactly for small
    inputs; for large ones the smooth bracket is linearly interpolated on a GAIN_GRID-point grid
    over u (hat weights per draw, one sparse product), an error far below the Monte Carlo noise
    because the bracket varies on the scale of sd_seat (several points) and the grid step is a
    fraction of a point.
    """
    spreads = (sd_seat[None, :], sd_tail[None, :], tail_weight[None, :])
    if decisive.size <= GAIN_DIRECT_MAX:
        base = margin[None, :] + u_rows[:, None]
        bracket = _own_cdf(base + extra[None, :], *spreads) - _own_cdf(base, *spreads)
        return np.where(decisive, bracket, 0.0).sum(axis=0)
    lo, hi = float(u_rows.min()), float(u_rows.max())
    grid_n = GAIN_GRID if hi > lo else 1
    grid = np.linspace(lo, hi, grid_n)
    n_rows = len(u_rows)
    if grid_n == 1:
        j, frac = np.zeros(n_rows, dtype=int), np.zeros(n_rows)
    else:
        pos = (u_rows - lo) / (hi - lo) * (grid_n - 1)
        j = np.clip(np.floor(pos).astype(int), 0, grid_n - 2)
        frac = pos - j
    # Sparse hat weights (two per draw): a single-threaded product, which on two cores beats a
    # dense BLAS call whose thread start-up costs more than the work.
    r = np.arange(n_rows)
    weights = sparse.csr_matrix(
        (
            np.concatenate([1.0 - frac, frac]).astype(np.float32),
            (np.concatenate([j, np.minimum(j + 1, grid_n - 1)]), np.concatenate([r, r])),
        ),
        shape=(grid_n, n_rows),
    )
    counts = np.asarray(weights @ decisive.astype(np.float32))
    base = margin[None, :] + grid[:, None]
    bracket = _own_cdf(base + extra[None, :], *spreads) - _own_cdf(base, *spreads)
    return (counts * bracket).sum(axis=0, dtype=np.float64)


class Simulation:
    """Monte Carlo chamber simulation with common random numbers, built once, re-scored cheaply.

    Seat margin in draw d = expected margin + swing + national_d + state_d + seat_d (points,
    positive = Democratic). national ~ N(0, sd_national) is shared by every seat in a target year,
    state ~ N(0, sd_state) by the seats of one state, seat ~ the seat's error mixture (N(0, sd_seat),
    or with probability tail_weight N(0, sd_tail); optional columns) by the seats of one district unit (the seats of a bloc-vote multi-member district move together). The draws are
    generated once (seeded); everything after that is a view of the same draws, so scenario and
    plan comparisons carry no Monte Carlo noise from re-drawing.

    Majority: the chamber's seats up in the target year are drawn; its other seats stay with their
    holders. Democrats hold a majority when their seats reach the chamber's majority threshold.
    Because the swing is one number added to every seat, the Democratic seat count reaches the
    threshold exactly when the swing passes the k-th smallest seat threshold of the draw; those
    order statistics are computed once, so P(majority) at a new swing is a sorted-array lookup.
    """

    def __init__(
        self,
        seats: pd.DataFrame,
        chambers: pd.DataFrame | None = None,
        n_draws: int = DEFAULT_DRAWS,
        seed: int = DEFAULT_SEED,
    ):
        missing = [c for c in SIM_SEAT_COLUMNS if c not in seats.columns]
        if missing:
            raise ValueError(f"simulation seats lack columns {missing}")
        self.seats = seats.reset_index(drop=True)
        self.n_draws = int(n_draws)
        self.seed = int(seed)
        s = self.seats
        self.mu = s["expected_margin"].to_numpy(dtype=float)
        self.sd_seat = s["sd_seat"].to_numpy(dtype=float)
        self.sd_tail = s["sd_tail"].to_numpy(dtype=float) if "sd_tail" in s else self.sd_seat.copy()
        self.tail_weight = (
            s["tail_weight"].fillna(0.0).to_numpy(dtype=float) if "tail_weight" in s else np.zeros(len(s))
        )
        common = s["sd_state"].to_numpy(dtype=float) ** 2 + s["sd_national"].to_numpy(dtype=float) ** 2
        self.sd_total = np.sqrt(self.sd_seat**2 + common)
        self.sd_tail_total = np.sqrt(self.sd_tail**2 + common)
        # sd of the whole predictive distribution (for display)
        self.sd_margin = np.sqrt((1 - self.tail_weight) * self.sd_total**2 + self.tail_weight * self.sd_tail_total**2)
        self.votes_cast = s["votes_cast"].to_numpy(dtype=float)
        self.holder = s["holder_party"].astype(object).to_numpy()
        self.target_year = s["target_year"].to_numpy(dtype=float)
        self.up = ~np.isnan(self.target_year) & ~np.isnan(self.mu) & ~np.isnan(self.sd_total)
        self.group_of = np.full(len(s), -1)
        self.groups: list[_Group] = []
        self._build(chambers)

    # ---- construction

    def _thresholds(self, chambers: pd.DataFrame | None) -> dict[tuple[str, str], int]:
        out = {}
        if chambers is not None and len(chambers):
            for row in chambers.itertuples():
                thr = getattr(row, "majority_threshold", None)
                if thr is not None and not pd.isna(thr):
                    out[(str(row.state_po), str(row.office))] = int(thr)
        return out

    def _build(self, chambers: pd.DataFrame | None) -> None:
        s = self.seats
        rng = np.random.default_rng(self.seed)
        d = self.n_draws
        thresholds = self._thresholds(chambers)
        states = np.array(sorted(s["state_po"].astype(str).unique()))
        state_idx = np.searchsorted(states, s["state_po"].astype(str).to_numpy())
        years = sorted({int(y) for y in self.target_year[self.up]})
        # One national and one state draw per target year, shared across offices and chambers.
        z_nat = {y: rng.standard_normal(d, dtype=np.float32) for y in years}
        z_state = {y: rng.standard_normal((d, len(states)), dtype=np.float32) for y in years}
        sd_nat = s["sd_national"].to_numpy(dtype=float)
        sd_state = s["sd_state"].to_numpy(dtype=float)
        chamber_keys = sorted(set(zip(s["chamber_state"].astype(str), s["office"].astype(str), strict=True)))
        for cstate, office in chamber_keys:
            in_chamber = ((s["chamber_state"].astype(str) == cstate) & (s["office"].astype(str) == office)).to_numpy()
            n_seats = int(in_chamber.sum())
            threshold = thresholds.get((cstate, office), n_seats // 2 + 1)
            for year in sorted({int(y) for y in self.target_year[in_chamber & self.up]}):
                up = in_chamber & self.up & (self.target_year == year)
                fixed = in_chamber & ~up
                cols = np.flatnonzero(up)
                n = len(cols)
                fixed_dem = int((self.holder[fixed] == "DEM").sum())
                fixed_rep = int((self.holder[fixed] == "REP").sum())
                k_dem = threshold - fixed_dem
                k_rep = n + fixed_rep - threshold
                # National + state error per (state, office) in the group: one column for a state
                # chamber, one per state for the US House. Broadcast to seats when needed.
                st_keys, u_idx = np.unique(state_idx[cols], return_inverse=True)
                first = cols[np.unique(u_idx, return_index=True)[1]]
                u_states = (
                    z_nat[year][:, None] * sd_nat[first].astype(np.float32)[None, :]
                    + z_state[year][:, st_keys] * sd_state[first].astype(np.float32)[None, :]
                )
                u = u_states[:, u_idx]
                units, unit_pos = np.unique(s["unit"].astype(str).to_numpy()[cols], return_inverse=True)
                err = rng.standard_normal((d, len(units)), dtype=np.float32)[:, unit_pos]
                in_tail = rng.random((d, len(units)), dtype=np.float32)[:, unit_pos] < self.tail_weight[cols][None, :]
                scale = np.where(in_tail, self.sd_tail[cols].astype(np.float32), self.sd_seat[cols].astype(np.float32))
                block = -(self.mu[cols].astype(np.float32)[None, :] + u + err * scale)
                del in_tail, scale
                ranks = sorted({k for k in (k_dem - 1, k_dem, k_dem + 1, k_rep + 1) if 1 <= k <= n})
                tau = {}
                if ranks:
                    part = np.partition(block, [k - 1 for k in ranks], axis=1)
                    tau = {k: np.ascontiguousarray(part[:, k - 1]) for k in ranks}
                    del part
                t_dem = _order_stat(tau, k_dem, d)
                t_rep = _order_stat(tau, k_rep + 1, d)
                if 1 <= k_dem <= n:
                    tipping = np.argmax(block == t_dem[:, None], axis=1)
                else:
                    tipping = np.full(d, -1)
                del u, err
                self.group_of[cols] = len(self.groups)
                self.groups.append(
                    _Group(
                        chamber_state=cstate,
                        office=office,
                        year=year,
                        cols=cols,
                        block=block,
                        u_states=u_states,
                        u_idx=u_idx,
                        u_members=[np.flatnonzero(u_idx == k) for k in range(len(st_keys))],
                        seats_total=n_seats,
                        threshold=threshold,
                        fixed_dem=fixed_dem,
                        fixed_rep=fixed_rep,
                        k_dem=k_dem,
                        k_rep=k_rep,
                        tau=tau,
                        sorted_dem=np.sort(t_dem),
                        sorted_rep=np.sort(t_rep),
                        tipping=tipping,
                    )
                )

    # ---- chamber probabilities

    def _p_dem_majority(self, g: _Group, swing: float) -> float:
        """P(seats up going Democratic >= k_dem) = P(k_dem-th threshold < swing)."""
        if g.k_dem <= 0:
            return 1.0
        if g.k_dem > len(g.cols):
            return 0.0
        return float(np.searchsorted(g.sorted_dem, swing, side="left") / self.n_draws)

    def _p_rep_majority(self, g: _Group, swing: float) -> float:
        """P(seats up going Democratic <= k_rep) = P((k_rep + 1)-th threshold >= swing)."""
        if g.k_rep < 0:
            return 0.0
        if g.k_rep >= len(g.cols):
            return 1.0
        return float(1.0 - np.searchsorted(g.sorted_rep, swing, side="left") / self.n_draws)

    # ---- per-seat sensitivity

    def _sensitivity(self, g: _Group, swing: float, shift_pts: np.ndarray | None, extra_pts: np.ndarray):
        """P(decisive) and change in P(Democratic majority) from `extra_pts` more in each seat alone.

        Decisive in a draw: the other seats up give Democrats exactly k_dem - 1, so this seat's
        result decides the majority. The change from extra points is the finite difference through
        the same draws, with the seat's own error integrated exactly (Rao-Blackwell): in a decisive
        draw it is F(a + extra) - F(a), F the seat's own error distribution (_own_cdf), a = the seat's
        margin before its own error.
        """
        n = len(g.cols)
        if g.k_dem <= 0 or g.k_dem > n:
            return np.zeros(n), np.zeros(n)
        if shift_pts is None:
            # X == k (A) or k - 1 (B) located from the stored order statistics, no pass over the block.
            t_km1 = _order_stat(g.tau, g.k_dem - 1, self.n_draws)
            t_k = _order_stat(g.tau, g.k_dem, self.n_draws)
            t_k1 = _order_stat(g.tau, g.k_dem + 1, self.n_draws)
            in_a = (t_k < swing) & (swing <= t_k1)
            in_b = (t_km1 < swing) & (swing <= t_k)
            rows = np.flatnonzero(in_a | in_b)
            level = np.float32(swing)
            below = g.block[rows] < level
            count_dem = np.where(in_a[rows], g.k_dem, g.k_dem - 1)
            shift_cols = np.zeros(n)
        else:
            shift_cols = shift_pts[g.cols]
            level = (swing + shift_cols).astype(np.float32)
            below_all = g.block < level[None, :]
            x = below_all.sum(axis=1)
            rows = np.flatnonzero((x == g.k_dem) | (x == g.k_dem - 1))
            below = below_all[rows]
            count_dem = x[rows]
        if len(rows) == 0:
            return np.zeros(n), np.zeros(n)
        others = count_dem[:, None] - below
        decisive = others == g.k_dem - 1
        p_decisive = decisive.sum(axis=0) / self.n_draws
        margin = self.mu[g.cols] + swing + shift_cols
        gain = np.zeros(n)
        for k, members in enumerate(g.u_members):
            u_rows = g.u_states[rows, k].astype(np.float64)
            seat = g.cols[members]
            gain[members] = (
                _decisive_gain(
                    decisive[:, members],
                    u_rows,
                    margin[members],
                    extra_pts[members],
                    self.sd_seat[seat],
                    self.sd_tail[seat],
                    self.tail_weight[seat],
                )
                / self.n_draws
            )
        return p_decisive, gain

    # ---- public scoring

    def p_dem(self, margin: np.ndarray) -> np.ndarray:
        """Each seat's P(Democrat wins) at expected margins `margin`, exact under the model."""
        return p_dem_win(margin, self.sd_total, self.sd_tail_total, self.tail_weight)

    def points(self, votes) -> np.ndarray:
        """Convert per-seat net votes (toward Democrats) into margin points with each seat's votes cast."""
        pts = votes_to_points(np.broadcast_to(np.asarray(votes, dtype=float), self.mu.shape), self.votes_cast)
        return np.nan_to_num(pts, nan=0.0)

    def at_swing(self, swing: float = 0.0, impact_votes: float = IMPACT_VOTES) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Score every seat and chamber at a national swing (points toward Democrats).

        Seats (aligned with the input rows): expected_margin (points), p_dem, p_flip, p_decisive,
        impact (change in Democratic P(majority) per `impact_votes` net votes toward Democrats in
        the seat), impact_seats (change in expected Democratic seats for the same votes; a bloc
        seat's share only), p_tipping (share of draws in which the seat delivers the majority).
        Chambers: chamber_state, office, target_year, seats_up, seats_total, majority_threshold,
        fixed_dem, fixed_rep, expected_dem_seats, p_dem_majority, p_rep_majority, tipping_point (row
        position in seats of the most frequent tipping-point seat), p_tipping_point.
        """
        mu = self.mu + swing
        p_dem = self.p_dem(mu)
        extra = self.points(impact_votes)
        impact_seats = self.p_dem(mu + extra) - p_dem
        p_dec = np.full(len(mu), np.nan)
        impact = np.full(len(mu), np.nan)
        p_tip = np.full(len(mu), np.nan)
        chambers = []
        for g in self.groups:
            dec, gain = self._sensitivity(g, swing, None, extra[g.cols])
            p_dec[g.cols] = dec
            impact[g.cols] = gain
            tips = g.tipping[g.tipping >= 0]
            freq = np.bincount(tips, minlength=len(g.cols)) / self.n_draws
            p_tip[g.cols] = freq
            top = int(np.argmax(freq)) if len(tips) else -1
            chambers.append(
                {
                    "chamber_state": g.chamber_state,
                    "office": g.office,
                    "target_year": g.year,
                    "seats_up": len(g.cols),
                    "seats_total": g.seats_total,
                    "majority_threshold": g.threshold,
                    "fixed_dem": g.fixed_dem,
                    "fixed_rep": g.fixed_rep,
                    "expected_dem_seats": g.fixed_dem + float(p_dem[g.cols].sum()),
                    "p_dem_majority": self._p_dem_majority(g, swing),
                    "p_rep_majority": self._p_rep_majority(g, swing),
                    "tipping_point": int(g.cols[top]) if top >= 0 else -1,
                    "p_tipping_point": float(freq[top]) if top >= 0 else 0.0,
                }
            )
        seats = pd.DataFrame(
            {
                "expected_margin": mu,
                "p_dem": p_dem,
                "p_flip": np.where(self.holder == "DEM", 1 - p_dem, np.where(self.holder == "REP", p_dem, np.nan)),
                "p_decisive": p_dec,
                "impact": impact,
                "impact_seats": impact_seats,
                "p_tipping": p_tip,
            }
        )
        return seats, pd.DataFrame(chambers)

    def evaluate(self, vote_shifts=None, swing: float = 0.0) -> pd.DataFrame:
        """Expected Democratic seats and P(majority) per chamber election after per-seat vote shifts.

        vote_shifts: net votes toward Democrats per seat (aligned with the seats), converted to
        points with each seat's votes cast. Uses the SAME draws as every other call (common random
        numbers), so a difference between two plans is the plans' effect, not simulation noise.
        Chambers whose seats are not shifted are read from the stored order statistics.
        Columns: chamber_state, office, target_year, expected_dem_seats, p_dem_majority, p_rep_majority.
        """
        shift = self.points(0.0 if vote_shifts is None else vote_shifts)
        p_dem = self.p_dem(self.mu + swing + shift)
        rows = []
        for g in self.groups:
            sh = shift[g.cols]
            if np.any(sh != 0):
                x = (g.block < (swing + sh).astype(np.float32)[None, :]).sum(axis=1)
                p_d = float(np.mean(x >= g.k_dem))
                p_r = float(np.mean(x <= g.k_rep))
            else:
                p_d, p_r = self._p_dem_majority(g, swing), self._p_rep_majority(g, swing)
            rows.append(
                {
                    "chamber_state": g.chamber_state,
                    "office": g.office,
                    "target_year": g.year,
                    "expected_dem_seats": g.fixed_dem + float(p_dem[g.cols].sum()),
                    "p_dem_majority": p_d,
                    "p_rep_majority": p_r,
                }
            )
        return pd.DataFrame(rows)

    def marginal_gains(
        self, vote_shifts=None, extra_votes: float = IMPACT_VOTES, swing: float = 0.0, groups: list[int] | None = None
    ) -> pd.DataFrame:
        """For each seat alone: the gain from `extra_votes` more net Democratic votes on top of `vote_shifts`.

        Columns (aligned with the seats): group (chamber election index, -1 if not up),
        d_p_majority (change in Democratic P(majority) of the seat's chamber), d_seats (change in
        expected Democratic seats), p_decisive. Same draws as evaluate(); `groups` limits the work
        to some chamber elections (the others are NaN), e.g. the one a greedy planner just changed.
        """
        shift = self.points(0.0 if vote_shifts is None else vote_shifts)
        extra = self.points(extra_votes)
        mu = self.mu + swing + shift
        d_seats = self.p_dem(mu + extra) - self.p_dem(mu)
        d_pm = np.full(len(mu), np.nan)
        p_dec = np.full(len(mu), np.nan)
        for gi in range(len(self.groups)) if groups is None else groups:
            g = self.groups[gi]
            dec, gain = self._sensitivity(g, swing, shift, extra[g.cols])
            d_pm[g.cols] = gain
            p_dec[g.cols] = dec
        return pd.DataFrame({"group": self.group_of, "d_p_majority": d_pm, "d_seats": d_seats, "p_decisive": p_dec})
