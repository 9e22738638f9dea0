"""The report's templates, stylesheets and pictures, installed as the package flows.templates.

This file only makes the folder a regular package (pyproject.toml maps it), so that
importlib.resources gives its real folder in an installed wheel and in an editable install alike.
"""
