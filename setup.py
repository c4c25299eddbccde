"""Installs kbcheck and kbgen; the build step compiles kb/ into the package's catalog, so an
installed `kbcheck` carries the knowledge base it was built from.

As the bundled runner does (kbgen.bundle), the package also carries that catalog as marshal data
(kbcheck/_catalog.bin, read several times faster than the JSON) and the probes compiled by the
Python that builds it (kbcheck/_pyc/<magic>/probes.bin): pip byte-compiles the modules, not the
probes, which every run compiled again; and the literal regular expressions as this Python
compiles them (kbcheck/_pyc/<magic>/regexes.bin, kbcheck.regexpack); and the runtime modules as
this Python compiles them (kbcheck/_pyc/<magic>/modules.bin, kbgen.bundle.module_pack, as the
bundle's own pack), from which kbcheck/__init__.py imports them (kbcheck.modulepack) instead of
through the path finder and pip's pyc files, as long as their sources are as built. Another Python
(a wheel built once, installed elsewhere) ignores the packs: the probes are compiled, the modules
come through the path finder, with the same results. An editable install gets no module pack."""
import marshal
import os
import sys
import time

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildWithCatalog(build_py):
    def run(self):
        build_py.run(self)
        sys.path[:0] = [os.path.join(HERE, "generator"), os.path.join(HERE, "checks")]
        from kbgen import bundle, compiler, model
        try:
            m = model.load(os.path.join(HERE, "kb"))
        except model.KBError as e:
            raise SystemExit("kb/ is invalid, cannot build the catalog:\n%s" % e)
        from kbcheck import catalog as catalog_mod
        from kbcheck import modulepack, regexpack
        catalog = compiler.compile_catalog(m)
        pkg = os.path.join(self.build_lib, "kbcheck")
        with open(os.path.join(pkg, "_catalog.json"), "w") as f:
            f.write(compiler.dumps(catalog))
        with open(os.path.join(pkg, "_catalog.bin"), "wb") as f:
            f.write(marshal.dumps(catalog, 4))
        # the modules, the probes and the literal regular expressions compiled by this Python, in a
        # fresh interpreter (the standard modules whose patterns it takes are not imported there yet)
        files = bundle.sources(pkg)
        editable = getattr(self, "editable_mode", False)  # pip install -e: the sources run, no module pack
        for magic, got in bundle.compile_for(catalog, files, [sys.executable]).items():
            packs = [(catalog_mod.PRECOMPILED, got["probes"]), (regexpack.PACK, got["regexes"])]
            if not editable:
                packs.append((modulepack.PACK, bundle.module_pack(files, got["modules"])))
            for where, data in packs:
                target = os.path.join(pkg, *(where % magic).split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)
            if not editable:  # the sources and the pack compiled from them get one mtime
                now = time.time()  # (kbcheck.modulepack: a source that is not as built loads from itself)
                for name, _ in files + [("kbcheck/" + modulepack.PACK % magic, None)]:
                    os.utime(os.path.join(self.build_lib, *name.split("/")), (now, now))


setup(cmdclass={"build_py": BuildWithCatalog})
