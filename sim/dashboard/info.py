"""The page's Info panel: what the numbers on the page mean, in words.

The definitions are those of docs/outputs.md (the tables' reference) shortened for a class;
the claims are those of docs/MODEL.md, section 1.1, each with the lever on this page (or the
command line's) that moves it.
"""

from __future__ import annotations

#: The measures on the page, each defined in a sentence or two (Markdown).
MEASURES = """
**Lerner index** (P − MC)/P: the share of a price that is margin over the marginal cost of
serving a token. A bloc's index is revenue-weighted, Σ(P − MC)Q / ΣPQ over its labs' API
sales: 0 is pricing at cost (no market power), 1 is all margin, below 0 is selling under cost
(a subsidised price cut: the state pays the loss).

**HHI** (Herfindahl–Hirschman index): 10,000 × Σ s², the sum of squared market shares. 10,000
is one seller; above 1,800 the 2023 US Merger Guidelines call a market highly concentrated.
The page's headline uses shares of tokens; the report also shows shares of revenue.

**Soft power**: the population-weighted share of developing nations' AI queries that each
bloc's models answer; *reach* is the share of their people who use a bloc's models at all.

**Capability gap**: how far the best open (or Chinese) model is behind the best closed (or
US) one, in months of the frontier's progress or in points of the Epoch Capabilities Index.

**Consumer surplus**: what buyers gain over their outside option, in dollars, from the
same utility they choose by (the logit "log-sum" divided by the price sensitivity).
Compare it between runs by differences.

**Market shares**: of tokens, by bloc, by openness and by how buyers are served (a closed
API, an open-weight API, or open weights hosted on the buyer's own cloud).
"""

#: The eleven claims the model argues (docs/MODEL.md, 1.1), and what to try on this page.
CLAIMS: tuple[tuple[str, str], ...] = (
    ("Open weights buy adoption and keep control",
     "release a model as open weights (Open-weight release) and watch the open share"),
    ("China competes on cost", "cut Chinese prices (Chinese price cut) or subsidise energy"),
    ("Answering the questions gives soft power", "watch Soft power as prices change"),
    ("Android against iPhone: the cheap ecosystem may win developing nations",
     "cut prices and watch the nations' shares and adoption"),
    ("Closed strategies leak: ideas and talent circulate",
     "an open release narrows the capability gap of every lab"),
    ("Feeding data to a closed provider is a long-term risk",
     "raise privacy concern and watch firms move to self-hosting"),
    ("Dumping cheap models could collapse Western pricing power",
     "a subsidised price cut: watch the US Lerner index"),
    ("Mixture-of-experts models are far cheaper to run",
     "compare marginal costs of models with few active parameters"),
    ("Short of chips, China builds superclusters of domestic chips",
     "set an export limit and watch compute and the capability gap"),
    ("Companies move to private open models on their own cloud",
     "raise privacy concern (Privacy shift) and watch Firm choice"),
    ("Manufacturing scale lets China embody AI in devices",
     "run the embodied_ai scenario and watch the devices' shares"),
)


def info_markdown() -> str:
    """The Info panel's text: the measures, then the claims as a numbered list."""
    claims = "\n".join(f"{i}. **{claim}**: {what}." for i, (claim, what) in
                       enumerate(CLAIMS, start=1))
    return (f"{MEASURES.strip()}\n\n**The eleven claims** (docs/MODEL.md, section 1.1), "
            f"and how to try each here:\n\n{claims}\n")
