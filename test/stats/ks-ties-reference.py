"""Reference p-values for the two-sample KS test on tied samples, from scipy's permutation_test.

Writes test/stats/ks-ties-reference.json, which test/stats/ks-permutation.test.ts reads: the samples, the
KS statistic, scipy's permutation p-value (exact enumeration when C(n1+n2, n1) <= n_resamples,
else 200,000 random splits: standard error <= 0.0011) and, for contrast, scipy's ks_2samp p-value,
which assumes continuous data. The test needs no Python; rerun this only to change the cases:

    pip install scipy numpy
    python3 test/stats/ks-ties-reference.py > test/stats/ks-ties-reference.json
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

N_RESAMPLES = 200_000


def ks_statistic_factory(x0, y0):
    # The pooled sample is the same in every split, so both CDFs are evaluated on its distinct values.
    grid = np.unique(np.concatenate([x0, y0]))

    def statistic(x, y, axis=-1):
        x = np.moveaxis(np.asarray(x), axis, -1)
        y = np.moveaxis(np.asarray(y), axis, -1)
        fx = (x[..., :, None] <= grid).mean(axis=-2)
        fy = (y[..., :, None] <= grid).mean(axis=-2)
        return np.abs(fx - fy).max(axis=-1)

    return statistic


def case(name, x, y, seed):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    statistic = ks_statistic_factory(x, y)
    result = stats.permutation_test(
        (x, y), statistic, permutation_type='independent', alternative='greater',
        vectorized=True, n_resamples=N_RESAMPLES, batch=2000, random_state=np.random.default_rng(seed),
    )
    continuous = stats.ks_2samp(x, y, method='exact' if len(x) * len(y) <= 10_000 else 'asymp')
    splits = math.comb(len(x) + len(y), len(x))
    return {
        'name': name,
        'n1': len(x),
        'n2': len(y),
        'x': x.tolist(),
        'y': y.tolist(),
        'statistic': float(result.statistic),
        'permutationPValue': float(result.pvalue),
        'enumeration': 'exact' if splits <= N_RESAMPLES else f'{N_RESAMPLES} random splits',
        'ks2sampPValue': float(continuous.pvalue),
    }


def main():
    rng = np.random.default_rng(20260416)
    cases = []
    # (5, 7): four distinct values per sample, so almost every value ties.
    for k, low in enumerate([0, 1, 2]):
        cases.append(case(f'5x7 integers 0-3 vs {low}-{low + 3}', rng.integers(0, 4, 5), rng.integers(low, low + 4, 7), 100 + k))
    # (20, 30): Poisson counts.
    for k, (lx, ly) in enumerate([(3.0, 3.0), (3.0, 3.8), (3.0, 4.6)]):
        cases.append(case(f'20x30 poisson {lx} vs {ly}', rng.poisson(lx, 20), rng.poisson(ly, 30), 200 + k))
    # (100, 100): normal rounded to half units (about 15 distinct values).
    for k, shift in enumerate([0.0, 0.25, 0.45]):
        x = np.round(rng.normal(0, 1.5, 100) * 2) / 2
        y = np.round(rng.normal(shift, 1.5, 100) * 2) / 2
        cases.append(case(f'100x100 rounded normal shift {shift}', x, y, 300 + k))
    json.dump({
        'generatedBy': 'python3 test/stats/ks-ties-reference.py > test/stats/ks-ties-reference.json',
        'scipy': scipy.__version__,
        'numpy': np.__version__,
        'nResamples': N_RESAMPLES,
        'cases': cases,
    }, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
