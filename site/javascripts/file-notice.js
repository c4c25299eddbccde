/* Opened from file://, a normal build has no search: browsers do not start its search worker
   there (mkdocs-material hides the box). Say so on every page and name the command that serves
   this very folder (kbgen/serving.py builds the same command). The offline build (kbgen build
   --offline) searches from file:// with the iframe-worker shim, which defines IFrameWorker: no
   notice there. Plain JavaScript, no network. */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof window.IFrameWorker === "function") return;

  function quote(s) {
    return /^[A-Za-z0-9_@%+=:,.\/-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\"'\"'") + "'";
  }

  function siteFolder() {
    var base = ".";
    var cfg = document.getElementById("__config");
    try { base = JSON.parse(cfg.textContent).base || "."; } catch (e) { /* keep "." */ }
    var path = decodeURIComponent(new URL(base + "/", location.href).pathname);
    return path.length > 1 ? path.replace(/\/$/, "") : path;
  }

  function show() {
    var article = document.querySelector("article.md-content__inner");
    if (!article || document.getElementById("kb-file-notice")) return;
    var cmd = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", siteFolder(), "8000"]
      .map(quote).join(" ");
    var box = document.createElement("div");
    box.id = "kb-file-notice";
    box.className = "admonition warning";
    var title = document.createElement("p");
    title.className = "admonition-title";
    title.textContent = "Search needs the site served";
    var text = document.createElement("p");
    text.appendChild(document.createTextNode(
      "Opened from the file system, this site cannot search (the browser does not start its search worker here). Serve it:"));
    var pre = document.createElement("pre");
    var code = document.createElement("code");
    code.textContent = cmd;
    pre.appendChild(code);
    var after = document.createElement("p");
    after.appendChild(document.createTextNode(
      "then open http://127.0.0.1:8000/. Or build a copy that searches from the file system: "));
    var offline = document.createElement("code");
    offline.textContent = "kbgen build --offline";
    after.appendChild(offline);
    after.appendChild(document.createTextNode("."));
    box.appendChild(title);
    box.appendChild(text);
    box.appendChild(pre);
    box.appendChild(after);
    article.insertBefore(box, article.firstChild);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
