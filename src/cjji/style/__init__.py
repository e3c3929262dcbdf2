"""House style rules as data, modelled on Vale's rule types.

One rule per file, checks/style/<id>.yml, validated by schemas/checks/style.schema.json. A rule
`extends` one type; each type is one small engine in this package (existence.py, substitution.py,
...), registered in engines.py. loader.py turns the policy files into Rule objects.
"""
