"""The fleet report as one self-contained HTML file: inline CSS and a little vanilla JavaScript
(a filter box, expand/collapse), no fonts, scripts or images from anywhere else.

Each entry and each host is a <details> element, closed by default, so a report of 1000 hosts
opens fast and reads from the top: the worst entries first, then the hosts, then the hosts that
could not be judged.
"""
from html import escape

from kbcheck.fleet.merge import MARKERS, ORDER, entry_key, entry_url
from kbcheck.textsafe import visible

PROBLEMS = ("fail", "error", "warn")
LISTED_AS_LINKS = ("fail", "error", "warn")
MIXED_SHOWN = 50

CSS = """
:root{--fail:#c62828;--error:#6a1b9a;--warn:#e65100;--info:#1565c0;--pass:#2e7d32;--skip:#8a8a8a;--waived:#546e7a;
--bg:#fff;--fg:#1d1d1f;--muted:#5f6368;--line:#e0e0e0;--soft:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,nav.tools{max-width:1200px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:1.5em;margin:0 0 4px}
h2{font-size:1.2em;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}
.meta{color:var(--muted);margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:120px;background:var(--soft)}
.card b{display:block;font-size:1.5em;line-height:1.2}
.card.bad b{color:var(--fail)}.card.err b{color:var(--error)}.card.warn b{color:var(--warn)}
.alert{border-left:5px solid var(--warn);background:#fff4e5;padding:8px 12px;margin:10px 0;border-radius:4px}
nav.tools{position:sticky;top:0;background:var(--bg);z-index:2;display:flex;flex-wrap:wrap;gap:10px;align-items:center;
padding-top:10px;padding-bottom:10px;border-bottom:1px solid var(--line)}
#q{flex:1 1 320px;font:inherit;padding:7px 10px;border:1px solid #b0b0b0;border-radius:6px}
button{font:inherit;padding:6px 12px;border:1px solid #b0b0b0;border-radius:6px;background:var(--soft);cursor:pointer}
#shown{color:var(--muted);font-size:.9em}
details.item{border:1px solid var(--line);border-radius:6px;margin:4px 0;background:var(--bg);scroll-margin-top:70px}
details.item>summary{cursor:pointer;padding:6px 10px;display:flex;flex-wrap:wrap;gap:8px;align-items:center;list-style:none}
details.item>summary::-webkit-details-marker{display:none}
details.item>summary::before{content:"\\25B8";color:var(--muted);width:1em}
details.item[open]>summary::before{content:"\\25BE"}
details.item[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
.body{padding:8px 14px 12px}
details.ev{margin-top:4px;font-size:90%}details.ev>summary{cursor:pointer;color:var(--muted)}
details.ev ul{margin:2px 0 0 1em;padding:0}details.ev code{font-size:95%}
[hidden]{display:none!important}
.bar{display:inline-flex;width:140px;height:12px;border-radius:3px;overflow:hidden;background:var(--line);flex:none}
.bar i{display:block;height:100%}
.s-fail{color:var(--fail)}.s-error{color:var(--error)}.s-warn{color:var(--warn)}.s-info{color:var(--info)}
.s-pass{color:var(--pass)}.s-skip{color:var(--skip)}.s-waived{color:var(--waived)}
.bar .s-fail{background:var(--fail)}.bar .s-error{background:var(--error)}.bar .s-warn{background:var(--warn)}
.bar .s-info{background:var(--info)}.bar .s-pass{background:var(--pass)}.bar .s-skip{background:var(--skip)}
.bar .s-waived{background:var(--waived)}
.covers{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;color:var(--muted)}
.eid{font-weight:600}
.title{color:var(--fg)}
.cnt{margin-left:auto;font-size:.9em;white-space:nowrap}
.chip{display:inline-block;font-size:.8em;padding:1px 7px;border-radius:10px;border:1px solid currentColor;margin-right:2px}
.badge{display:inline-block;font-size:.8em;padding:1px 7px;border-radius:4px;background:#fff4e5;color:#8a4b00;border:1px solid #f0c36d}
dl.by{margin:6px 0}dl.by dt{font-weight:600;margin-top:6px}dl.by dd{margin:2px 0 0 0;word-break:break-word}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{background:var(--soft)}
td.st{font-weight:600;white-space:nowrap}
a{color:#0b57d0}
.muted{color:var(--muted)}
.none{color:var(--muted);font-style:italic}
footer{max-width:1200px;margin:30px auto;padding:0 20px;color:var(--muted);font-size:.85em}
"""

JS = """
(function(){
  var q=document.getElementById('q'), only=document.getElementById('only'), shown=document.getElementById('shown');
  var items=[].slice.call(document.querySelectorAll('.item'));
  var keys=items.map(function(el){return (el.getAttribute('data-s')||'').toLowerCase();});
  var kinds=items.map(function(el){return el.classList.contains('entry')?'e':'h';});
  function apply(){
    var terms=q.value.toLowerCase().split(/\\s+/).filter(function(t){return t.length>0;});
    var op=only.checked, n={e:0,h:0}, t={e:0,h:0};
    for(var i=0;i<items.length;i++){
      var el=items[i], k=keys[i], ok=!(op && el.getAttribute('data-p')!=='1');
      for(var j=0;ok&&j<terms.length;j++){ if(k.indexOf(terms[j])<0){ok=false;} }
      el.hidden=!ok; t[kinds[i]]++; if(ok){n[kinds[i]]++;}
    }
    shown.textContent='showing '+n.e+' of '+t.e+' entries, '+n.h+' of '+t.h+' hosts';
    shown.setAttribute('data-q',q.value+(op?' [only]':''));
    var secs=document.querySelectorAll('section[data-list]');
    for(var s=0;s<secs.length;s++){
      var vis=secs[s].querySelectorAll('.item:not([hidden])').length;
      var empty=secs[s].querySelector('.empty'); if(empty){empty.hidden=vis>0||secs[s].querySelectorAll('.item').length===0;}
    }
  }
  var timer=null;
  q.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(apply,120);});
  only.addEventListener('change',apply);
  function setOpen(v){var d=document.querySelectorAll('details.item');for(var i=0;i<d.length;i++){if(!d[i].hidden){d[i].open=v;}}}
  document.getElementById('expand').addEventListener('click',function(){setOpen(true);});
  document.getElementById('collapse').addEventListener('click',function(){setOpen(false);});
  function openHash(){
    var id=decodeURIComponent(location.hash.slice(1)); if(!id){return;}
    var el=document.getElementById(id);
    if(el&&el.tagName==='DETAILS'){el.hidden=false;el.open=true;el.scrollIntoView();}
  }
  window.addEventListener('hashchange',openHash);
  document.addEventListener('keydown',function(ev){
    if(ev.key==='/'&&document.activeElement!==q){ev.preventDefault();q.focus();}
    if(ev.key==='Escape'&&document.activeElement===q){q.value='';apply();}
  });
  apply(); openHash();
})();
"""


def _e(s):
    """A value for the page: HTML-escaped, and control, bidi and invisible characters shown as
    visible escapes (kbcheck.textsafe.visible), as on a terminal."""
    return escape(visible("" if s is None else str(s)), quote=True)


def _bar(counts, total):
    if not total:
        return '<span class="bar" aria-hidden="true"></span>'
    parts = "".join('<i class="s-%s" style="width:%.3f%%"></i>' % (s, 100.0 * counts[s] / total)
                    for s in ORDER if counts.get(s))
    return '<span class="bar" aria-hidden="true">%s</span>' % parts


def _chips(summary):
    return " ".join('<span class="chip s-%s">%d %s</span>' % (s, summary[s], s)
                    for s in ORDER if summary.get(s))


def _entry(e, hosts_idx, site_url):
    counts = dict((s, e.count(s)) for s in ORDER)
    total = e.reported
    problem = any(counts[s] for s in PROBLEMS)
    if problem:
        words = ", ".join("%s on %d" % ({"fail": "fails", "error": "errors", "warn": "warns"}[s], counts[s])
                          for s in PROBLEMS if counts[s])
        cnt = "%s of %d" % (words, total)
    else:
        cnt = "no failure on %d host%s" % (total, "" if total == 1 else "s")
    search = " ".join([e.id, e.title, " ".join(e.covers), " ".join(e.tags), e.section, e.severity, e.area or ""])
    out = ['<details class="item entry" id="entry-%s" data-s="%s" data-p="%d"><summary>%s'
           '<span class="covers">%s</span> <span class="eid">%s</span> <span class="title">%s</span>'
           '<span class="cnt">%s</span></summary><div class="body">' % (
               _e(e.anchor), _e(search), 1 if problem else 0, _bar(counts, total), _e(", ".join(e.covers)),
               _e(e.id), _e(e.title), _e(cnt))]
    out.append('<p><a class="site" href="%s">The entry on the site</a> <span class="muted">&middot; section %s '
               '&middot; severity %s &middot; tags: %s</span></p><dl class="by">' % (
                   _e(entry_url(e, site_url)), _e(e.section), _e(e.severity), _e(", ".join(e.tags))))
    for s in ORDER:
        names = e.hosts[s]
        if not names:
            continue
        if s in LISTED_AS_LINKS:
            listed = ", ".join('<a href="#host-%d">%s</a>' % (hosts_idx[n], _e(n)) for n in names)
        else:
            listed = _e(", ".join(names))
        out.append('<dt class="s-%s">%s on %d host%s</dt><dd>%s</dd>' % (
            s, s, len(names), "" if len(names) == 1 else "s", listed))
    out.append("</dl></div></details>")
    return "".join(out)


def _evidence(r):
    """The inputs that decided a host's result, under its message."""
    ev = r.get("evidence") or []
    if not ev:
        return ""
    return '<details class="ev"><summary>evidence</summary><ul>%s</ul></details>' % "".join(
        "<li><b>%s</b> from <code>%s</code>: %s</li>" % (_e(d["input"]), _e(d["from"]), _e(d["value"])) for d in ev)


def _host(h, i, anchors=None):
    s = h.summary
    problem = bool(s.get("fail") or s.get("error") or s.get("warn") or h.other_kb)
    roles = ", ".join(h.info.get("roles") or [])
    product = h.info.get("product_name") or h.info.get("product") or ""
    hostname = h.info.get("hostname") or ""
    ids = " ".join(sorted(set(r["id"] + " " + " ".join(r.get("covers") or []) for _, r in h.problems)))
    search = " ".join([h.name, hostname, product, roles, h.kb_version or "", ids])
    kb = ' <span class="badge" title="this host ran another knowledge-base version">knowledge base %s</span>' % (
        _e(h.kb_version)) if h.other_kb else ""
    extra = " &middot; ".join(_e(x) for x in (hostname if hostname != h.name else "", product, roles) if x)
    out = ['<details class="item host" id="host-%d" data-s="%s" data-p="%d"><summary><span class="eid">%s</span>'
           '<span class="muted">%s</span>%s<span class="cnt">%s</span></summary><div class="body">' % (
               i, _e(search), 1 if problem else 0, _e(h.name), extra, kb, _chips(s))]
    out.append('<p class="muted">file %s &middot; kbcheck %s &middot; knowledge base %s</p>' % (
        _e(h.path), _e(h.kbcheck), _e(h.kb_version)))
    if h.problems:
        out.append("<table><tr><th>status</th><th>entry</th><th>subject</th><th>message</th></tr>")
        for st, r in h.problems:
            out.append('<tr><td class="st s-%s">%s</td><td><a href="#entry-%s">%s</a> <span class="covers">%s</span>'
                       '</td><td>%s</td><td>%s</td></tr>' % (
                           st, st, _e((anchors or {}).get(entry_key(r), r["id"])), _e(r["id"]),
                           _e(", ".join(r.get("covers") or [])),
                           _e(r.get("subject") or ""), _e(r.get("message")) + _evidence(r)))
        out.append("</table>")
    else:
        out.append('<p class="none">no failure, error or warning</p>')
    out.append("</div></details>")
    return "".join(out)


def render(fleet, site_url=None, generated=None, title=None):
    c = fleet.counts()
    hosts_idx = dict((h.name, i) for i, h in enumerate(fleet.hosts))
    title = title or "kbcheck fleet report"
    cards = [("hosts", c["hosts"], ""), ("judged", c["judged"], ""), ("with failures", c["failing"], "bad"),
             ("with errors", c["with_errors"], "err")]
    for st in sorted(MARKERS):
        cards.append((MARKERS[st], c[st], "bad"))
    cards.append(("files left out", c["malformed"], "bad"))
    cards.append(("on another knowledge base", c["other_kb_version"], "warn"))
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           '<title>%s: %d hosts</title><style>%s</style></head><body>' % (_e(title), c["hosts"], CSS)]
    out.append('<header><h1>%s</h1><p class="meta">%d host files from %s%s%s</p><div class="cards">' % (
        _e(title), c["hosts"], _e(fleet.directory),
        (" &middot; generated %s" % _e(generated)) if generated else "",
        (" &middot; knowledge base %s" % _e(fleet.kb_version)) if fleet.kb_version else ""))
    for label, n, cls in cards:
        if n or cls in ("",):
            out.append('<div class="card %s"><b>%d</b>%s</div>' % (cls if n else "", n, _e(label)))
    out.append("</div>")
    if len(fleet.kb_versions) > 1:
        others = fleet.other_kb
        out.append('<p class="alert" id="kb-mixed"><b>Mixed knowledge-base versions.</b> Most hosts ran %s; '
                   '%d host%s ran another version, so their results may differ for that reason alone: %s.</p>' % (
                       _e(fleet.kb_version), len(others), "" if len(others) == 1 else "s",
                       ", ".join('<a href="#host-%d">%s</a> (%s)' % (hosts_idx[h.name], _e(h.name), _e(h.kb_version))
                                 for h in others[:MIXED_SHOWN]) +
                       (" and %d more (type a version into the filter)" % (len(others) - MIXED_SHOWN)
                        if len(others) > MIXED_SHOWN else "")))
    out.append("</header>")
    out.append('<nav class="tools"><input id="q" type="search" autocomplete="off" '
               'placeholder="Filter: entry id, R-number, tag, host name (press /)" aria-label="Filter entries and hosts">'
               '<label><input type="checkbox" id="only"> only problems</label>'
               '<button type="button" id="expand">Expand all</button><button type="button" id="collapse">Collapse all'
               '</button><span id="shown" aria-live="polite"></span></nav><main>')
    out.append('<section id="entries" data-list="entries"><h2>Entries (%d), worst first</h2>' % len(fleet.entries))
    for e in fleet.entries:
        out.append(_entry(e, hosts_idx, site_url))
    out.append('<p class="none empty" hidden>No entry matches the filter.</p></section>')
    judged = fleet.judged
    out.append('<section id="hosts" data-list="hosts"><h2>Hosts (%d judged)</h2>' % len(judged))
    for h in judged:
        out.append(_host(h, hosts_idx[h.name], fleet.anchors))
    out.append('<p class="none empty" hidden>No host matches the filter.</p></section>')
    rest = [h for h in fleet.hosts if not h.judged]
    if rest:
        out.append('<section id="not-judged" data-list="not-judged"><h2>Not judged (%d)</h2><table>'
                   '<tr><th>host</th><th>why</th><th>details</th></tr>' % len(rest))
        for h in rest:
            why = MARKERS.get(h.state, "file left out")
            out.append('<tr class="item nj" id="host-%d" data-s="%s" data-p="1"><td>%s</td><td class="st s-fail">%s</td>'
                       '<td>%s</td></tr>' % (hosts_idx[h.name], _e(" ".join([h.name, h.state, why, h.message])),
                                             _e(h.name), _e(why), _e(h.message)))
        out.append("</table></section>")
    if fleet.skipped:
        out.append('<p class="muted">Not read as hosts (merged reports): %s</p>' % _e(", ".join(fleet.skipped)))
    out.append("</main><footer>Made by <code>kbcheck report</code>. Exit code %d. Statuses: fail, error, warn, "
               "info, pass, skip, waived (every result of the entry on that host was waived).</footer>"
               "<script>%s</script></body></html>\n" % (fleet.exit_code(), JS))
    return "".join(out)
