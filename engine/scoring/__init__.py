"""The score: findings → points → P(overturn), an interpretable model whose parts are data.

`model.py` reads the weights (`guideline_criteria/scoring.yaml`) and scores one request;
`fit.py` fits them on development letters (`python -m engine.scoring.fit`).
"""
