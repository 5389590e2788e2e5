"""Calibration to the 2023-2025 market: simulated moments, the fit and the scorecard."""
