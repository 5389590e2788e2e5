"""Fingerprints of every shipped scenario's tables, to prove a refactoring changes nothing.

A fingerprint is the SHA-256 of a table's rows as pandas hashes them (every value's exact
bits, column order and row order included), so two runs agree on a fingerprint only when
their tables are bit-identical. The stored fingerprints (``fingerprints.json``) are
regenerated only on purpose, when a change is meant to move the model's numbers:

    .venv/bin/python tests/golden/fingerprints.py      # rewrite fingerprints.json

and the commit that does so says what moved and why. BLAS runs on one thread while the
tables are made, so the fingerprints do not depend on the machine's core count.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from sim import compose_config, run
from sim.dashboard.scenario_file import is_dashboard_file

STORE = Path(__file__).with_name("fingerprints.json")
SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "scenario"
WORLDS = ("small", "default")
SEED = 3


def scenarios() -> list[str]:
    """Every shipped scenario, by file name (not those a dashboard test saves meanwhile)."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml") if not is_dashboard_file(p))


def table_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's exact contents (values, column names, order)."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def fingerprint(scenario: str, world: str) -> dict[str, str]:
    """The fingerprints of one run's tables (seed :data:`SEED`)."""
    with threadpool_limits(limits=1, user_api="blas"):
        results = run(compose_config([f"scenario={scenario}", f"world={world}",
                                      f"seed={SEED}"]))
    return {"table": table_hash(results.table), "events": table_hash(results.events),
            "entries": table_hash(results.entries), "rows": str(len(results.table))}


def key(scenario: str, world: str) -> str:
    return f"{scenario}/{world}"


def main() -> int:
    store = {key(s, w): fingerprint(s, w) for w in WORLDS for s in scenarios()}
    STORE.write_text(json.dumps(store, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(store)} fingerprints to {STORE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
