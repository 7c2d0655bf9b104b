"""Data shipped with Second Look: the default policy, lexicons and the demo workspace.

Loaded with :mod:`importlib.resources`; nothing here is code.
"""
