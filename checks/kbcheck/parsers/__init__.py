"""Parsers: pure functions that turn the text of one format into data.

Each returns data or raises kbcheck.errors.ParseError; nothing else.
"""
