"""Installs kbcheck and kbgen; the build step compiles kb/ into the package's catalog, so an
installed `kbcheck` carries the knowledge base it was built from.

As the bundled runner does (kbgen.bundle), the package also carries that catalog as marshal data
(kbcheck/_catalog.bin, read several times faster than the JSON) and the probes compiled by the
Python that builds it (kbcheck/_pyc/<magic>/probes.bin): pip byte-compiles the modules, not the
probes, which every run compiled again; and the literal regular expressions as this Python
compiles them (kbcheck/_pyc/<magic>/regexes.bin, kbcheck.regexpack). Another Python (a wheel built once, installed elsewhere)
ignores probes.bin and compiles them: same results."""
import importlib.util
import marshal
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
        from kbcheck.catalog import PRECOMPILED, Entry, probe_source
        catalog = compiler.compile_catalog(m)
        target = os.path.join(self.build_lib, "kbcheck", "_catalog.json")
        with open(target, "w") as f:
            f.write(compiler.dumps(catalog))
        with open(os.path.join(self.build_lib, "kbcheck", "_catalog.bin"), "wb") as f:
            f.write(marshal.dumps(catalog, 4))
        probes = {}
        sources = []  # (source, file name) of the modules and probes, for their literal patterns
        for e in (Entry(d) for d in catalog["entries"]):
            src, filename = probe_source(e)
            sources.append((src, filename))
            try:
                code = compile(src, filename, "exec", dont_inherit=True, optimize=0)
            except (SyntaxError, ValueError):
                continue  # the runner compiles it and reports the error as a result
            probes[e.id] = (e.code_hash, filename, e.code_line, code)
        target = os.path.join(self.build_lib, "kbcheck", *(PRECOMPILED % importlib.util.MAGIC_NUMBER.hex()).split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(marshal.dumps(probes))
        # the literal regular expressions as this Python compiles them (kbcheck.regexpack), in a
        # fresh interpreter: the standard modules whose patterns it takes are not imported there yet
        from kbcheck import regexpack
        from kbgen import bundle, regexes
        for full, _ in bundle.runtime_files(os.path.join(HERE, "checks", "kbcheck")):
            with open(full, encoding="utf-8") as f:
                sources.append((f.read(), full))
        magic = importlib.util.MAGIC_NUMBER.hex()
        got = bundle.precompile([], [], [sys.executable], regexes.collect(sources)).get(magic)
        if got is not None:
            target = os.path.join(self.build_lib, "kbcheck", *(regexpack.PACK % magic).split("/"))
            with open(target, "wb") as f:
                f.write(got["regexes"])


setup(cmdclass={"build_py": BuildWithCatalog})
