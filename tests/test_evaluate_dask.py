"""``evaluate_many`` on a Dask cluster (joblib's Dask backend): a ``LocalCluster`` of two
worker processes gives the same rows as one process; without a client, or without
``dask.distributed``, the error says what to do."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from sim.experiment.evaluate import BACKENDS, evaluate_many

#: A tiny experiment: two designs on two seeds, the small world for a year.
DESIGNS = [{"cn_price_factor": 0.5}, {"cn_price_factor": 1.0}]
KWARGS = {"seeds": [0, 1], "world": "small", "overrides": ["world.end=2024-01"],
          "progress": False}


@pytest.mark.slow
def test_evaluate_many_on_a_dask_local_cluster_gives_the_rows_of_one_process():
    distributed = pytest.importorskip("distributed")
    here = evaluate_many(DESIGNS, n_jobs=1, **KWARGS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        there = evaluate_many(DESIGNS, backend="dask", **KWARGS)
        # the runs went to the workers, not this process
        ran = client.run(lambda: sys.modules.get("sim.model.results") is not None)
    assert len(here) == 4 and here.drop(columns=["design", "seed"]).notna().any().any()
    pd.testing.assert_frame_equal(here, there, check_exact=True)
    assert any(ran.values())


def test_the_dask_backend_without_a_client_says_how_to_make_one():
    pytest.importorskip("distributed")
    with pytest.raises(RuntimeError, match=r"Client\('tcp://scheduler-host:8786'\)"):
        evaluate_many(DESIGNS, backend="dask", **KWARGS)


def test_the_dask_backend_without_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(ImportError, match=r"pip install 'ai-market-sim\[dask\]'"):
        evaluate_many(DESIGNS, backend="dask", **KWARGS)
    with pytest.raises(ValueError, match="backend 'spark'"):
        evaluate_many(DESIGNS, backend="spark", **KWARGS)
    assert BACKENDS == ("loky", "dask")
