"""Every swappable decision of the model, one module per decision, and the registry.

- :mod:`sim.rules.registry`: ``@rule``, :func:`get_rule`, plugins (what students use);
- :mod:`sim.rules.pricing`: vendors' prices (``rules.vendor_pricing``);
- :mod:`sim.rules.release`: vendors' releases (``rules.vendor_release``);
- :mod:`sim.rules.openness`: how open they are (``rules.vendor_openness``);
- :mod:`sim.rules.entry`: which vertical they enter (``rules.vendor_entry``);
- :mod:`sim.rules.choice`: buyers' choices (``rules.startup_choice``, ``rules.adopter_choice``);
- :mod:`sim.rules.policy`: governments' levers (``rules.government_policy``).

Rules see the agents and the model they are handed, and never import them.
"""

from sim.rules.registry import (
    DECISIONS,
    RuleError,
    check_rules,
    get_rule,
    known_rules,
    load_plugin,
    rule,
)

__all__ = ["DECISIONS", "RuleError", "check_rules", "get_rule", "known_rules", "load_plugin",
           "rule"]
