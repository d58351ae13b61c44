// Marhaba preview: a chat simulator in front of the real engine (see bot/features/preview/__init__.py).
// Telegram shows the core message; every other channel's rendering comes from the channel's own code
// (m.channels[name]), and this page only draws it.
"use strict";

const $ = (id) => document.getElementById(id);
const chat = $("chat");
const state = { user: newUser(), mode: "telegram", locales: {}, last: [], turns: 0 };
const DRAW = { whatsapp: showWhatsApp, messenger: showMessenger }; // each draws one message its channel sends
const MARKS = { translated: "✓", fuzzy: "~", missing: "✗" };

function newUser() {
  return "preview-" + Math.random().toString(36).slice(2, 10);
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

// `echo` is what the user's bubble says: a text, or a function of the reply (for the
// content map, whose English titles are not what a user of another language would tap).
async function send(body, echo) {
  if (typeof echo === "string") bubble("me", "", echo);
  const res = await fetch("/api/send", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: state.user, ...body }),
  });
  const data = await res.json();
  const messages = data.messages || [];
  if (typeof echo === "function") bubble("me", "", echo(messages));
  state.last = messages;
  for (const m of messages) show(m);
  chat.scrollTop = chat.scrollHeight;
  document.body.dataset.turns = String(++state.turns); // tests wait for this, never for time
}

function bubble(who, title, text) {
  const b = el("div", "msg " + who);
  if (title) b.appendChild(el("span", "title", title));
  if (text) b.appendChild(document.createTextNode(text));
  chat.appendChild(b);
  return b;
}

function press(label, payload) {
  hideSheet();
  send({ payload }, label);
}

function show(m) {
  chat.dir = m.rtl ? "rtl" : "ltr";
  chat.lang = m.locale.replace("_", "-");
  const select = $("lang");
  if (select.value !== m.locale && state.locales[m.locale]) select.value = m.locale;
  if (state.mode === "telegram") {
    if (m.file) fileBubble(m.file); // a file comes before its text, as the channels send it
    let body = m.text;
    if (m.title && body.startsWith(m.title)) body = body.slice(m.title.length);
    bubble("bot", m.title, body.replace(/^\n+/, ""));
    if (m.options.length) {
      const kbd = el("div", "kbd");
      for (const o of m.options) {
        const b = el("button", "", o.label);
        b.type = "button";
        b.onclick = () => press(o.label, o.payload);
        kbd.appendChild(el("div")).appendChild(b);
      }
      chat.appendChild(kbd);
    }
    if (m.place) placeBubble(m.place.name, m.place.address, m.place.lat, m.place.lon);
  } else if (state.mode === "webchat") {
    showWebChat(m.channels.webchat, m.file);
  } else {
    if (m.file) fileBubble(m.file);
    for (const w of m.channels[state.mode] || []) DRAW[state.mode](w);
  }
}

// Name, address and coordinates are each isolated (<bdi>): an English address in an Arabic
// chat keeps its order, and coordinates always read left to right.
function placeBubble(name, address, lat, lon) {
  const b = el("div", "msg bot place");
  b.appendChild(el("span", "title", "📍 ")).appendChild(el("bdi", "", name || ""));
  if (address) b.appendChild(el("bdi", "address", address));
  const coords = b.appendChild(el("bdi", "coords", `${lat}, ${lon}`));
  coords.dir = "ltr";
  chat.appendChild(b);
}

function fileBubble(f) {
  const b = el("div", "msg bot file");
  const a = b.appendChild(el("a", "", "📎 " + f.name));
  a.href = `data:${f.mime};base64,${f.data}`;
  a.download = f.name;
  a.title = f.name;
  chat.appendChild(b);
}

function showWhatsApp(w) {
  if (w.type === "text") {
    bubble("bot", "", w.text.body);
  } else if (w.type === "location") {
    placeBubble(w.location.name, w.location.address, w.location.latitude, w.location.longitude);
  } else if (w.type === "interactive") {
    const i = w.interactive;
    bubble("bot", "", i.body.text);
    if (i.type === "button") {
      buttonBox("wa-buttons", i.action.buttons.map((b) => [b.reply.title, b.reply.id]));
    } else if (i.type === "list") {
      const open = el("button", "wa-list", "☰ " + i.action.button);
      open.type = "button";
      open.onclick = () => showSheet(i.action.button, i.action.sections);
      chat.appendChild(open);
    }
  }
}

// Messenger: the Send API messages exactly as the channel sends them. Quick replies belong to the
// newest message only (Messenger removes them when another message arrives); buttons stay.
function showMessenger(f) {
  for (const old of chat.querySelectorAll(".fb-quick")) old.remove();
  const template = f.attachment && f.attachment.payload;
  const b = bubble("bot", "", template ? template.text : f.text);
  b.classList.add("fb");
  if (template) buttonBox("fb-buttons", template.buttons.map((b) => [b.title, b.payload]));
  if (f.quick_replies) buttonBox("fb-quick", f.quick_replies.map((q) => [q.title, q.payload]));
}

// A row of buttons under a message, each [title, payload]: pressing one sends its payload.
function buttonBox(cls, buttons) {
  const box = el("div", cls);
  for (const [title, payload] of buttons) {
    const btn = el("button", "", title);
    btn.type = "button";
    btn.onclick = () => press(title, payload);
    box.appendChild(btn);
  }
  chat.appendChild(box);
}

// The web chat: the HTML its server renders (escaped there, by the channel's own code); its option
// buttons post their payload here instead of to /chat, its download link carries the file itself.
function showWebChat(html, file) {
  for (const old of chat.querySelectorAll(".wc-page form")) old.remove(); // the chat shows the newest options only
  const page = el("div", "wc-page");
  page.innerHTML = html;
  for (const form of page.querySelectorAll("form")) form.onsubmit = (e) => e.preventDefault();
  for (const btn of page.querySelectorAll("form button")) {
    btn.type = "button";
    btn.onclick = () => press(btn.textContent, btn.value);
  }
  const download = page.querySelector("a[download]");
  if (download && file) {
    download.href = `data:${file.mime};base64,${file.data}`;
    download.download = file.name;
  }
  chat.appendChild(page);
}

function showSheet(title, sections) {
  $("sheet-title").textContent = title;
  const list = $("sheet-rows");
  list.replaceChildren();
  for (const s of sections) {
    if (s.title) list.appendChild(el("li", "section", "")).appendChild(el("strong", "", s.title));
    for (const r of s.rows) {
      const btn = el("button", "", r.title);
      btn.type = "button";
      if (r.description) btn.appendChild(el("small", "", r.description));
      btn.onclick = () => press(r.title, r.id);
      list.appendChild(el("li")).appendChild(btn);
    }
  }
  $("sheet").dir = chat.dir;
  $("sheet").hidden = false;
}

function hideSheet() {
  $("sheet").hidden = true;
}

function setMode(mode) {
  state.mode = mode;
  for (const b of $("modes").querySelectorAll("button")) {
    const on = b.dataset.mode === mode;
    b.classList.toggle("on", on);
    b.setAttribute("aria-pressed", String(on));
  }
  chat.className = "chat " + mode;
  hideSheet();
  // Show the last reply again, as the other app shows it: nothing is sent, the place is kept.
  chat.appendChild(el("div", "mode-note", $("mode-" + mode).textContent));
  for (const m of state.last) show(m);
  chat.scrollTop = chat.scrollHeight;
}

async function loadMap() {
  const data = await (await fetch("/api/map")).json();
  const head = $("map-head");
  head.replaceChildren(...data.locales.map((l) => el("span", "", l)));
  $("map").replaceChildren(branch(data.tree, data.locales));
}

function branch(node, locales) {
  const li = el("li");
  const row = el("div", "row");
  const link = el("a", "", node.title);
  link.dataset.node = node.id;
  link.title = node.id;
  // Opens the page directly; the user's bubble shows its title in the chat's language.
  link.onclick = () => send({ payload: "n:" + node.id },
    (messages) => (messages.find((m) => m.node === node.id) || {}).title || node.title);
  row.appendChild(link);
  const states = el("span", "states");
  for (const l of locales) {
    const s = node.status[l];
    const mark = el("span", "st " + s, MARKS[s]);
    mark.title = `${l}: ${s}`;
    states.appendChild(mark);
  }
  row.appendChild(states);
  li.appendChild(row);
  if (node.children.length) {
    const ul = el("ul");
    for (const c of node.children) ul.appendChild(branch(c, locales));
    li.appendChild(ul);
  }
  return li;
}

async function init() {
  const info = await (await fetch("/api/info")).json();
  const select = $("lang");
  for (const l of info.locales) {
    state.locales[l.code] = l;
    const opt = el("option", "", `${l.name} (${l.code})`);
    opt.value = l.code;
    select.appendChild(opt);
  }
  select.onchange = () => send({ payload: "lang:" + select.value }, state.locales[select.value].name);
  // Telegram, then every channel the registry offers a rendering of (WhatsApp, web chat, Messenger...).
  for (const c of info.channels) {
    const b = el("button", "", c.title);
    b.type = "button";
    b.id = "mode-" + c.name;
    b.dataset.mode = c.name;
    b.setAttribute("aria-pressed", "false");
    $("modes").appendChild(b);
  }
  for (const b of $("modes").querySelectorAll("button")) b.onclick = () => setMode(b.dataset.mode);
  $("sheet-close").onclick = hideSheet;
  $("restart").onclick = () => {
    state.user = newUser();
    chat.replaceChildren();
    send({ text: "/start" }, "/start");
  };
  $("compose").onsubmit = (e) => {
    e.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("text").value = "";
    send({ text }, text);
  };
  await send({ text: "/start" }, "/start");
  document.body.dataset.ready = "1";
  loadMap();
}

init();
