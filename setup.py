"""Installs kbcheck and kbgen; the build step compiles kb/ into the package's catalog, so an
installed `kbcheck` carries the knowledge base it was built from."""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildWithCatalog(build_py):
    def run(self):
        build_py.run(self)
        sys.path[:0] = [os.path.join(HERE, "generator"), os.path.join(HERE, "checks")]
        from kbgen import compiler, model
        try:
            m = model.load(os.path.join(HERE, "kb"))
        except model.KBError as e:
            raise SystemExit("kb/ is invalid, cannot build the catalog:\n%s" % e)
        target = os.path.join(self.build_lib, "kbcheck", "_catalog.json")
        with open(target, "w") as f:
            f.write(compiler.dumps(compiler.compile_catalog(m)))


setup(cmdclass={"build_py": BuildWithCatalog})
