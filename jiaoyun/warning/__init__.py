"""Dropout early warning: features per pupil, validated models behind a gate, preventive follow-ups."""
