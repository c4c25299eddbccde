"""Where the project lives: the folder with kb/ and mkdocs.yml.

kbgen runs from a source checkout (PYTHONPATH=generator) or installed (pip install .), so the
project cannot be found from this file alone: $KBGEN_PROJECT, else the nearest folder above the
current directory that holds kb/entry.schema.json and mkdocs.yml, else the checkout this file
belongs to."""
import os


def _is_project(d):
    return os.path.isfile(os.path.join(d, "kb", "entry.schema.json")) and os.path.isfile(os.path.join(d, "mkdocs.yml"))


def find():
    env = os.environ.get("KBGEN_PROJECT")
    if env:
        return os.path.abspath(env)
    d = os.getcwd()
    while True:
        if _is_project(d):
            return d
        up = os.path.dirname(d)
        if up == d:
            break
        d = up
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


ROOT = find()
