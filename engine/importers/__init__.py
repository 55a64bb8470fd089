"""Importers: build scenario skeletons from the field's research data sets.

Each importer is pure: it reads the data files a user names and returns a
scenario as plain data (the dict a scenario file holds), never printing or
writing. The `casus import` command is the shell around them.
"""
