"""What every layer shares: the calendar, the named random streams, the constants."""
