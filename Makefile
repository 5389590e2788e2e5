# Two commands are all the set-up there is: `make run` and `make test`.
# Both create .venv on first use and install the project into it (with the dev and ema
# extras: the tests exercise the EMA Workbench adapter).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: run test fuzz lint bench calibrate claims app notebooks clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,ema]"
	@touch $(STAMP)

run: $(STAMP)            ## run the baseline scenario (pass Hydra overrides with ARGS="scenario=token_price_cut seed=7")
	$(BIN)/python -m sim $(ARGS)

test: $(STAMP)           ## lint, the import contract, then the whole test suite (browser and notebook tests included)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadfile $(ARGS)

fuzz: $(STAMP)           ## the slow fuzz tier: FUZZ_EXAMPLES worlds (default 1000) through whole runs
	HYPOTHESIS_PROFILE=explore FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} $(BIN)/python -m pytest tests/test_fuzz.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)          ## speed and memory benchmark; writes benchmarks/results/
	$(BIN)/python -m benchmarks $(ARGS)

calibrate: $(STAMP)      ## method-of-simulated-moments fit on the small world
	$(BIN)/python -m sim.calibrate $(ARGS)

claims: $(STAMP)         ## the claims ledger: each claim off against on (small world, 4 draws x 2 seeds; ARGS="--world default")
	$(BIN)/python -m sim.claims --world small --draws 4 --seeds 0,1 --n-jobs 2 --resume $(ARGS)

app: $(STAMP)            ## the interactive dashboard on http://localhost:8765
	$(BIN)/python -m sim.app $(ARGS)

notebooks: $(STAMP)      ## JupyterLab on notebooks/ (installed into .venv on first use: heavy, so not a dev extra)
	@$(BIN)/python -c 'import jupyterlab' 2>/dev/null || $(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/jupyter lab notebooks/ $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
