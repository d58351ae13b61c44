/* Marhaba chat widget: <script src="https://bot.example.org/chat/widget.js" data-lang="ar" async></script>
   adds a button that opens the chat (/chat on the script's own server) in a panel. */
(function () {
  "use strict";
  var s = document.currentScript;
  if (!s || !s.src) return;
  var base = new URL(s.src, location.href).origin, L = __LABELS__;
  var lang = String(s.getAttribute("data-lang") || document.documentElement.lang || "en").replace("-", "_");
  var l = L[lang] || L[lang.split("_")[0]] || L.en, open = false, frame = null;
  var b = document.createElement("button");
  b.type = "button"; b.textContent = l.open; b.setAttribute("aria-expanded", "false");
  b.style.cssText = "position:fixed;bottom:1rem;inset-inline-end:1rem;z-index:2147483647;padding:.7rem 1.1rem;" +
    "border:0;border-radius:2rem;background:#1d4ed8;color:#fff;font:inherit;cursor:pointer";
  b.addEventListener("click", function () {
    open = !open;
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.src = base + "/chat?hl=" + encodeURIComponent(lang);
      frame.title = l.open;
      frame.style.cssText = "position:fixed;bottom:4.5rem;inset-inline-end:1rem;width:min(24rem,calc(100vw - 2rem));" +
        "height:min(36rem,calc(100vh - 6rem));border:1px solid #555;border-radius:.5rem;background:#fff;" +
        "z-index:2147483647";
      document.body.appendChild(frame);
    }
    frame.hidden = !open;
    b.textContent = open ? l.close : l.open;
    b.setAttribute("aria-expanded", String(open));
    if (open) frame.focus();
  });
  function add() { document.body.appendChild(b); }
  if (document.body) add(); else document.addEventListener("DOMContentLoaded", add);
})();
