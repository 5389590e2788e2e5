"""The claims ledger: each of the model's eleven claims (docs/MODEL.md, section 1.1) with its
mechanism switched off against on, paired by parameter draw and seed.

- :mod:`.ledger`: the definition (``scenarios/claims/ledger.yaml``), checked;
- :mod:`.runs`: the paired runs, resumable;
- :mod:`.summary`: the paired effects and their summary (intervals, share of draws);
- :mod:`.report`: the report page and the README's generated block;
- ``python -m sim.claims``: the command (docs/claims.md).
"""
