"""Enrolment forecast: cohort-component projection by township and level, seats needed against capacity."""
