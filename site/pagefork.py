"""The Markdown of a big site on two cores (mkdocs renders every page's Markdown in one process,
the longest phase of a build of thousands of entries).

At the end of on_nav, a forked child renders the last half of the entry pages (by the size of
their sources) with mkdocs' own page population (the plugins' page events, read_source,
Page.render), while the parent goes on with the first half; each of the child's pages gets, in
the parent, a render() of its own that sets what Page.render would have set (content, toc, the
title found, the anchors present and linked to) from the child's results, after the parent has
run the same events (on_pre_page, read_source, on_page_markdown) itself: whatever plugins
collect on the way (tags, titles) they collect in the parent, as always. The warnings mkdocs logs
while the child renders a page are logged again by the parent when it reaches that page, so
that `--strict` counts them. A page the child could not render (or a child that failed) is
rendered by the parent as before; the HTML is the same either way (tests/test_site_pagefork.py).

Uses mkdocs 1.6's Page.render, and the attributes it sets, as pinned (mkdocs>=1.6,<2).
"""
import gc
import logging
import os
import pickle
import tempfile

_SET = ("content", "toc", "_title_from_render", "present_anchor_ids")


def split(pages):
    """(the parent's pages, the child's): the child takes the last pages in build order, about
    half of all the Markdown by size, so that each side has about half of the work."""
    sizes = []
    for p in pages:
        try:
            sizes.append(os.path.getsize(p.file.abs_src_path))
        except (OSError, TypeError):
            sizes.append(0)
    half, run = sum(sizes) / 2.0, 0
    for i, n in enumerate(sizes):
        run += n
        if run >= half:
            return pages[:i + 1], pages[i + 1:]
    return pages, []


class _Collect(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self, logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()))


def _render_in_child(pages, config, files, path):
    from mkdocs.commands import build
    log = logging.getLogger("mkdocs")
    collect = _Collect()
    for h in list(log.handlers):
        log.removeHandler(h)  # (the parent says these again, once, when it reaches the page)
    log.addHandler(collect)
    log.propagate = False
    out = {}
    for page in pages:
        del collect.records[:]
        try:
            build._populate_page(page, config, files)
        except Exception:
            continue  # the parent renders it and reports the error as mkdocs does
        links = None
        if page.links_to_anchors is not None:
            links = dict((f.src_uri, dict(v)) for f, v in page.links_to_anchors.items())
        out[page.file.src_uri] = (dict((k, getattr(page, k)) for k in _SET), links, list(collect.records))
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        pickle.dump(out, f, pickle.HIGHEST_PROTOCOL)
    os.rename(tmp, path)


class Fork(object):
    """The child rendering `pages`; the parent's replacement render() of each."""

    def __init__(self, pages, config, files):
        self.files = files
        self.results = None
        fd, self.path = tempfile.mkstemp(prefix="kbgen-pages-", suffix=".pickle")
        os.close(fd)
        os.unlink(self.path)
        # the collector of the child must not walk (and so copy) the parent's objects: they are
        # frozen for the fork (what gc.freeze is for), thawed in the parent right after
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:  # the child: render, write, leave without running the parent's exit
            code = 1
            try:
                _render_in_child(pages, config, files, self.path)
                code = 0
            finally:
                os._exit(code)
        gc.unfreeze()
        for page in pages:
            page.render = self._render_of(page)

    def _wait(self):
        if self.results is None:
            self.results = {}
            try:
                _, status = os.waitpid(self.pid, 0)
                if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                    with open(self.path, "rb") as f:
                        self.results = pickle.load(f)
            except (OSError, EOFError, pickle.UnpicklingError):
                self.results = {}
            finally:
                try:
                    os.unlink(self.path)
                except OSError:
                    pass
        return self.results

    def _render_of(self, page):
        cls_render = type(page).render

        def render(config, files):
            del page.render  # (the class's own again, for any later call)
            got = self._wait().get(page.file.src_uri)
            if got is None:
                return cls_render(page, config, files)
            values, links, records = got
            for k, v in values.items():
                setattr(page, k, v)
            if links is not None:
                page.links_to_anchors = dict((self.files.get_file_from_path(uri), v) for uri, v in links.items())
            for name, level, message in records:
                logging.getLogger(name).log(level, message)
        return render

    def close(self):
        """Reap the child (a build that failed before reaching its pages)."""
        if self.results is None:
            self._wait()


def start(config, files, prefix="entries/"):
    """Fork the child for the entry pages of this build (under `prefix`) -> Fork, or None.
    Only entry pages: they hold no listing of the tags plugin (whose markers are numbered in
    build order), and they are nearly all the Markdown of a big site."""
    pages = [f.page for f in files.documentation_pages() if f.page is not None and f.src_uri.startswith(prefix)]
    _, theirs = split(pages)
    if not theirs:
        return None
    fork = Fork(theirs, config, files)
    logging.getLogger("mkdocs.hooks").debug("pages: %d of %d entry pages rendered by process %d",
                                            len(theirs), len(pages), fork.pid)
    return fork
