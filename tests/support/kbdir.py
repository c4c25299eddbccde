"""A knowledge-base folder for tests: the project's schemas and recommendation list, no entries."""
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KB = os.path.join(ROOT, "kb")
# what a kb/ folder holds besides its entries (kbgen.model and kbgen.recommendations read these)
FILES = ("entry.schema.json", "recommendations.yaml", "recommendations.schema.json")


def skeleton(kb):
    """Create kb (a path) with the schemas and the recommendation list; -> kb as given."""
    d = str(kb)
    if not os.path.isdir(d):
        os.makedirs(d)
    for name in FILES:
        shutil.copy(os.path.join(KB, name), d)
    return kb
