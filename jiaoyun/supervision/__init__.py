"""The work plan as data, 挂钩联系, 督学责任区, 整改 and the assessment of townships and schools."""
