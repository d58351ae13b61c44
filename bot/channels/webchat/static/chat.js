/* Marhaba web chat: the page works without this script; with it, messages go without reloading
   (the answer to a post carries its replies), what comes later (staff answers, news) arrives by long
   polling, and what is typed without a connection is sent once it is back.
   Text is set with textContent only. No framework, nothing from another site. */
(function () {
  "use strict";
  var main = document.getElementById("chat");
  if (!main || !window.fetch || !window.JSON || !document.querySelector) return;
  var log = document.getElementById("log"), opts = document.getElementById("options");
  var form = document.getElementById("send"), input = document.getElementById("text");
  var status = document.getElementById("status");
  /* after: every message up to this id is on the page; shown: those above it that are too (from answers). */
  var after = parseInt(main.getAttribute("data-after"), 10) || 0, shown = {};
  var tab = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  var KEY = "marhaba-chat-queue", queue = load(), sending = false, polling = false, delay = 1000;

  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save() { try { localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode */ } }
  var PHONE = /^(?:\+[1-9][0-9 ]{6,20}|[0-9]{3})$/, BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
  function textEl(text) {  /* a line that is a phone number alone is a tel: link, as on the server */
    var p = el("p");
    p.className = "text";
    text.split("\n").forEach(function (line, i) {
      if (i) p.appendChild(document.createTextNode("\n"));
      var bare = line.replace(BIDI, "").trim();
      if (!PHONE.test(bare)) { p.appendChild(document.createTextNode(line)); return; }
      var a = el("a", line);
      a.href = "tel:" + bare.replace(/ /g, "");
      p.appendChild(a);
    });
    return p;
  }
  function el(tag, text) { var e = document.createElement(tag); if (text) e.textContent = text; return e; }
  function link(a, href, text, download) {
    var p = el("p"), l = el("a", text);
    l.href = href;
    if (download) l.setAttribute("download", ""); else l.rel = "noopener noreferrer";
    p.appendChild(l); a.appendChild(p);
  }
  function show(m) {
    var a = el("article");
    a.className = "msg"; a.lang = String(m.locale || "en").replace("_", "-"); a.dir = m.rtl ? "rtl" : "ltr";
    if (m.title) a.appendChild(el("h2", m.title));
    if (m.text) a.appendChild(textEl(m.text));
    if (m.map) link(a, m.map, main.getAttribute("data-map") + (m.place ? ": " + m.place : ""), false);
    if (m.file) link(a, m.file.url, main.getAttribute("data-download").replace("{name}", m.file.name), true);
    log.appendChild(a);
    buttons(m.options || []);
    a.scrollIntoView({block: "end"});
  }
  function buttons(list) {
    var focused = opts.contains(document.activeElement);
    opts.textContent = "";
    list.forEach(function (o) {
      var b = el("button", o.label);
      b.type = "submit"; b.name = "p"; b.value = o.payload;
      opts.appendChild(b);
    });
    if (focused && opts.firstChild) opts.firstChild.focus();
  }
  function mine(item) {
    var a = el("article"), p = el("p", item.label || item.text);
    a.className = "msg me wait"; a.id = "q" + item.id; p.className = "text";
    a.appendChild(p); log.appendChild(a); a.scrollIntoView({block: "end"});
  }
  function online() { delay = 1000; status.textContent = ""; }
  function offline() { status.textContent = main.getAttribute("data-offline"); }
  function later(fn) { setTimeout(fn, delay + Math.random() * 500); delay = Math.min(delay * 2, 30000); }
  function enqueue(item) {
    item.id = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    queue.push(item); save(); mine(item); flush();
  }
  function flush() {
    if (sending || !queue.length) return;
    sending = true;
    var item = queue[0];
    fetch("/chat/send", {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                         body: JSON.stringify({id: item.id, text: item.text, payload: item.payload, tab: tab})})
      .then(function (r) {
        if (r.status >= 500) throw new Error("server");
        return r.json().then(function (d) { return [r.status, d]; });
      })
      .then(function (res) {
        queue.shift(); save(); sending = false; online();
        var q = document.getElementById("q" + item.id);
        if (q) q.classList.remove("wait");
        if (res[1].error) { status.textContent = res[1].error; }
        if (res[1].forgotten) { forgotten(res[1].forgotten); return; }
        (res[1].messages || []).forEach(add);
        /* the first post of a new session: the page has all its messages, the poll waits from there */
        if (res[1].after > after) after = res[1].after;
        flush(); poll();
      }, function () { sending = false; offline(); later(flush); });
  }
  function forgotten(messages) {
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    queue = []; after = 0; shown = {}; log.textContent = "";
    messages.forEach(show);
  }
  function add(m) {  /* a message from an answer or the poll, once */
    if (m.id <= after || shown[m.id]) return;
    shown[m.id] = true;
    show(m);
  }
  function poll() {
    if (polling) return;
    polling = true;
    fetch("/chat/poll?after=" + after + "&tab=" + tab, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error("poll"); return r.json(); })
      .then(function (d) {
        polling = false; if (!sending) online();
        var list = d.messages || [];
        list.forEach(add);
        var upto = Math.max(d.after || 0, list.length ? list[list.length - 1].id : 0);
        if (upto > after) {
          after = upto;
          for (var id in shown) if (+id <= after) delete shown[id];
        }
        if (d.session) poll();
      }, function () { polling = false; offline(); later(poll); });
  }
  opts.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button") : null;
    if (!b) return;
    e.preventDefault();
    enqueue({payload: b.value, label: b.textContent});
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    enqueue({text: text});
  });
  window.addEventListener("online", function () { online(); flush(); if (after) poll(); });
  queue.forEach(mine);
  if (queue.length) flush();
  if (after) poll();
  main.setAttribute("data-ready", "1");
})();
