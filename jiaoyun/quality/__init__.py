"""Quality of education: 综合素质评价, 学业水平, 1+X certificates, competitions, 职普融合."""
