"""Quality: how well otbot answers, and what the articles cover.

`evaluation` scores the golden set against `baselines`, `evalsets` runs the dev/test and external
sets, `coverage` finds gaps, `reporting` writes the reports and charts, and `synthetic` generates
articles for scale runs.
"""
