"""The yearly education finance figures and the legal checks on them (三个增长, 两个只增不减)."""
