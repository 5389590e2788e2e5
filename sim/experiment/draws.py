"""Parameter draws in a sweep: a design file of lever values, and the job that takes one row.

    python -m sim.experiment.draws us_distrust_of_cn spill_open --n 50 --seed 1 \\
        --out outputs/draws/distrust_spill.csv
    python -m sim -m world=small draw.file=outputs/draws/distrust_spill.csv \\
        draw.index='range(50)' seed='range(5)' hydra/launcher=joblib

The first command draws ``n`` designs from the levers' priors
(:func:`sim.experiment.uncertainty.sample_parameters`: a Latin hypercube over each lever's
box, or with ``--prior world`` triangular priors with their modes at a world's values,
:func:`sim.experiment.uncertainty.world_priors`) and writes them as CSV: a ``draw`` column
(0 to n − 1), then a column per lever. The second runs every draw on every seed (common
random numbers: draw d on seed s shares every random number with draw d' on seed s). Each
job reads its row of the file before the config is validated (:func:`apply_draw`), sets
the levers exactly as :func:`sim.experiment.evaluate` does, and records the draw in its
``summary.json``; the gathered ``runs.csv`` then has a ``draw`` column and a
``draw.<lever>`` column per lever, and the sweep report splits each headline's spread
between the parameters and the seeds (:mod:`sim.analysis.variance`).

A column may also be a dotted config path or ``scenario.params.<name>``; an empty cell
leaves that lever at the scenario's value for that draw.

No posterior: the calibration (:mod:`sim.calibrate.fit`) reports point estimates and a
profile of its distance along each parameter, but no standard errors, Hessian or
covariance, so there is no normal approximation to draw from; the priors are the sourced
boxes, or triangular around the fitted values (``--prior world``).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from sim.config import ConfigError
from sim.experiment.levers import LeverError, apply_params
from sim.experiment.uncertainty import METHODS, sample_parameters, world_priors

#: The column of a design file that numbers its draws.
INDEX = "draw"
#: The priors the command line offers.
PRIORS: tuple[str, ...] = ("box", "world")


def design(levers: Sequence[str], n: int, seed: int = 0, method: str = "lhs",
           prior: str = "box", world: str = "calibrated",
           scenario: str = "baseline") -> pd.DataFrame:
    """``n`` draws of the levers: a ``draw`` column (0 to n − 1), then one per lever.

    Args:
        prior: ``box`` (uniform over each lever's box) or ``world`` (triangular over the
            box, its mode at the value of ``world`` with ``scenario``).
        seed, method: as for :func:`sim.experiment.uncertainty.sample_parameters`.

    Raises:
        LeverError: an unknown lever or a bad prior. ValueError: a bad ``n``, method or prior.
    """
    if prior not in PRIORS:
        raise ValueError(f"prior {prior!r}: one of {', '.join(PRIORS)}")
    specs = world_priors(levers, world, scenario) if prior == "world" else list(levers)
    draws = sample_parameters(specs, n, seed=seed, method=method)
    draws.insert(0, INDEX, range(len(draws)))
    return draws


def read_draw(path: str | Path, index: int) -> dict[str, float]:
    """The lever values of draw ``index`` of a design file (empty cells left out).

    Raises:
        ConfigError: a file that is missing or unreadable, or has no such draw.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("draw.file", str(path), "an existing design file (CSV: a 'draw' "
                                                  "column and a column per lever)")
    try:
        frame = pd.read_csv(path)
    except (ValueError, OSError) as err:
        raise ConfigError("draw.file", str(path), f"a readable CSV ({err})") from err
    if INDEX in frame.columns:
        rows = frame.loc[frame[INDEX] == index]
    else:
        rows = frame.iloc[index:index + 1] if 0 <= index < len(frame) else frame.iloc[:0]
    if len(rows) != 1:
        known = frame[INDEX].tolist() if INDEX in frame.columns else list(range(len(frame)))
        shown = f"{known[0]}..{known[-1]}" if known else "none"
        raise ConfigError("draw.index", index, f"a draw of {path} (it has {shown})")
    row = rows.iloc[0].drop(labels=[INDEX], errors="ignore")
    values = {}
    for name, value in row.items():
        number = pd.to_numeric(value, errors="coerce")
        if isinstance(value, str) and math.isnan(number):
            raise ConfigError(f"draw.file ({path}, draw {index}, {name})", value, "a number")
        if not math.isnan(number):
            values[str(name)] = float(number)
    return values


def apply_draw(cfg: DictConfig) -> dict[str, Any] | None:
    """Set the levers of the run's draw (``draw.file``, ``draw.index``) on its composed,
    unresolved config, in place; return what ``summary.json`` records of it (None when the
    run is no draw).

    Raises:
        ConfigError, LeverError: a bad file or index, or a value a lever refuses.
    """
    file, index = cfg.get("draw", {}).get("file"), cfg.get("draw", {}).get("index")
    if file is None or index is None:
        return None  # validation refuses one without the other
    values = read_draw(file, int(index))
    try:
        apply_params(cfg, values)
    except LeverError as err:
        raise ConfigError(f"draw.file ({file}, draw {index})", values, str(err)) from err
    return {"file": str(file), "index": int(index), "values": values}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.experiment.draws",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("levers", nargs="+", help="lever names (sim.experiment.LEVERS)")
    parser.add_argument("--n", type=int, required=True, help="number of draws")
    parser.add_argument("--seed", type=int, default=0, help="seed of the design (default 0)")
    parser.add_argument("--method", choices=METHODS, default="lhs",
                        help="lhs (Latin hypercube, the default) or random")
    parser.add_argument("--prior", choices=PRIORS, default="box",
                        help="box: uniform over each lever's box (the default); world: "
                             "triangular, its mode at the world's value")
    parser.add_argument("--world", default="calibrated", help="the world of --prior world")
    parser.add_argument("--scenario", default="baseline", help="the scenario of --prior world")
    parser.add_argument("--out", type=Path, help="the CSV to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        frame = design(args.levers, args.n, args.seed, args.method, args.prior, args.world,
                       args.scenario)
    except (LeverError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    text = frame.to_csv(index=False, float_format="%.17g")  # every float round-trips
    if args.out is None:
        sys.stdout.write(text)
        return 0
    from sim.core.files import write_text

    write_text(args.out, text)
    print(f"{len(frame)} draws of {', '.join(args.levers)} in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
