"""School standards and balance: 优质均衡 resource indicators and 差异系数, 办学条件 达标, demonstration schools."""
