// The chat panel: mounts into <section id="chat" data-mode="readwrite|readonly"> and speaks
// Owncast's chat protocol (POST /api/chat/register, GET /api/chat, /ws with newline-batched frames).
(function () {
  "use strict";

  var TOKEN_KEY = "owncast.chat.accessToken";
  var MAX_MESSAGES = 500;          // older ones are dropped: spam cannot grow the page forever
  var NEAR_BOTTOM_PX = 40;         // within this of the bottom counts as "following" the chat
  var BACKOFF_FIRST_MS = 1000, BACKOFF_MAX_MS = 30000;
  var MAX_PAYLOAD = 2048;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function Chat(root) {
    this.root = root;
    this.readonly = root.getAttribute("data-mode") === "readonly";
    this.user = null;
    this.token = null;
    this.ws = null;
    this.backoff = BACKOFF_FIRST_MS;
    this.stopped = false;
    this.following = true;
    this.emoji = [];
    this.build();
  }

  Chat.prototype.build = function () {
    var self = this;
    this.root.classList.add("chat-panel");
    this.status = el("div", "chat-status", "Connecting…");
    this.list = el("ol", "chat-messages");
    this.list.setAttribute("aria-live", "polite");
    this.jump = el("button", "chat-jump", "New messages below");
    this.jump.type = "button";
    this.jump.hidden = true;
    this.jump.addEventListener("click", function () { self.scrollToEnd(); });
    this.list.addEventListener("scroll", function () {
      self.following = self.nearBottom();
      if (self.following) self.jump.hidden = true;
    });
    this.root.appendChild(this.status);
    this.root.appendChild(this.list);
    this.root.appendChild(this.jump);
    if (this.readonly) return;

    var form = el("form", "chat-form");
    this.input = el("textarea", "chat-input");
    this.input.rows = 2;
    this.input.placeholder = "Send a message";
    this.input.setAttribute("aria-label", "Chat message");
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); self.sendChat(); }
    });
    var send = el("button", "chat-send", "Send");
    send.type = "submit";
    form.addEventListener("submit", function (e) { e.preventDefault(); self.sendChat(); });
    this.emojiButton = el("button", "chat-emoji-button", "☺");
    this.emojiButton.type = "button";
    this.emojiButton.setAttribute("aria-label", "Emoji");
    this.emojiPicker = el("div", "chat-emoji-picker");
    this.emojiPicker.hidden = true;
    this.emojiButton.addEventListener("click", function () { self.toggleEmoji(); });
    this.settingsButton = el("button", "chat-settings-button", "Name & colour");
    this.settingsButton.type = "button";
    this.settingsButton.addEventListener("click", function () { self.settings.hidden = !self.settings.hidden; });
    form.appendChild(this.input);
    form.appendChild(this.emojiButton);
    form.appendChild(send);
    this.root.appendChild(this.emojiPicker);
    this.root.appendChild(form);
    this.root.appendChild(this.settingsButton);
    this.root.appendChild(this.buildSettings());
  };

  Chat.prototype.buildSettings = function () {
    var self = this;
    var box = el("form", "chat-settings");
    box.hidden = true;
    this.settings = box;
    this.nameInput = el("input", "chat-name-input");
    this.nameInput.maxLength = 30;
    this.nameInput.setAttribute("aria-label", "Display name");
    var save = el("button", "chat-name-save", "Change name");
    save.type = "submit";
    box.addEventListener("submit", function (e) {
      e.preventDefault();
      self.send({ type: "NAME_CHANGE", newName: self.nameInput.value });
    });
    var colours = el("div", "chat-colours");
    for (var i = 0; i <= 7; i++) {
      (function (index) {
        var swatch = el("button", "chat-colour chat-user-color-" + index);
        swatch.type = "button";
        swatch.setAttribute("aria-label", "Colour " + (index + 1));
        swatch.setAttribute("data-color", String(index));
        swatch.addEventListener("click", function () { self.send({ type: "COLOR_CHANGE", newColor: index }); });
        colours.appendChild(swatch);
      })(i);
    }
    box.appendChild(this.nameInput);
    box.appendChild(save);
    box.appendChild(colours);
    return box;
  };

  Chat.prototype.toggleEmoji = function () {
    var self = this;
    if (!this.emojiPicker.hidden) { this.emojiPicker.hidden = true; return; }
    this.emojiPicker.hidden = false;
    if (this.emojiPicker.childElementCount) return;
    fetch("/api/emoji").then(function (r) { return r.json(); }).then(function (list) {
      self.emoji = list || [];
      if (!self.emoji.length) self.emojiPicker.appendChild(el("p", "chat-emoji-empty", "No custom emoji."));
      self.emoji.forEach(function (item) {
        var button = el("button", "chat-emoji-choice");
        button.type = "button";
        button.title = ":" + item.name + ":";
        var img = el("img");
        img.src = item.url;
        img.alt = ":" + item.name + ":";
        img.loading = "lazy";
        button.appendChild(img);
        button.addEventListener("click", function () { self.insert(":" + item.name + ":"); });
        self.emojiPicker.appendChild(button);
      });
    }).catch(function () { self.emojiPicker.appendChild(el("p", "chat-emoji-empty", "Emoji unavailable.")); });
  };

  Chat.prototype.insert = function (text) {
    var input = this.input, start = input.selectionStart || input.value.length;
    input.value = input.value.slice(0, start) + text + input.value.slice(input.selectionEnd || start);
    input.focus();
    input.selectionStart = input.selectionEnd = start + text.length;
  };

  // --- connection ----------------------------------------------------------------------------

  Chat.prototype.start = function () {
    var self = this;
    var stored = null;
    try { stored = window.localStorage.getItem(TOKEN_KEY); } catch (e) { stored = null; }
    (stored ? Promise.resolve(stored) : this.register()).then(function (token) {
      self.token = token;
      return fetch("/api/config").then(function (r) { return r.json(); }).catch(function () { return {}; });
    }).then(function (config) {
      self.socketHost = config.socketHostOverride || "";
      self.connect();
    }).catch(function () { self.retryLater(); });
  };

  Chat.prototype.register = function () {
    return fetch("/api/chat/register", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
      .then(function (r) {
        if (!r.ok) throw new Error("register " + r.status);
        return r.json();
      }).then(function (body) {
        try { window.localStorage.setItem(TOKEN_KEY, body.accessToken); } catch (e) { /* private mode */ }
        return body.accessToken;
      });
  };

  Chat.prototype.socketUrl = function () {
    var base = this.socketHost || ((location.protocol === "https:" ? "wss://" : "ws://") + location.host);
    return base.replace(/\/$/, "") + "/ws?accessToken=" + encodeURIComponent(this.token);
  };

  Chat.prototype.connect = function () {
    var self = this;
    var ws = new WebSocket(this.socketUrl());
    this.ws = ws;
    ws.onopen = function () {
      self.backoff = BACKOFF_FIRST_MS;
      self.setStatus("");
      self.loadHistory();
    };
    ws.onmessage = function (e) {
      String(e.data).split("\n").forEach(function (line) {
        if (!line.trim()) return;
        try { self.handle(JSON.parse(line)); } catch (err) { /* one bad line does not stop the rest */ }
      });
    };
    ws.onclose = function () {
      if (self.ws !== ws) return;
      self.ws = null;
      if (!self.stopped) self.retryLater();
    };
  };

  Chat.prototype.retryLater = function () {
    var self = this, delay = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    this.setStatus("Disconnected. Reconnecting…");
    setTimeout(function () { if (!self.stopped) { self.token ? self.connect() : self.start(); } }, delay);
  };

  Chat.prototype.loadHistory = function () {
    var self = this;
    fetch("/api/chat?accessToken=" + encodeURIComponent(this.token)).then(function (r) {
      return r.ok ? r.json() : [];
    }).then(function (messages) {
      // Live messages may already be shown (they can arrive before the history answer): add only
      // what is missing, in front of them on the first load, after them on a reconnect.
      var first = !self.historyLoaded;
      self.sink = document.createDocumentFragment();
      try { messages.forEach(function (m) { self.handle(m); }); } finally {
        var items = self.sink;
        self.sink = null;
        if (first) self.list.insertBefore(items, self.list.firstChild);
        else self.list.appendChild(items);
      }
      self.historyLoaded = true;
      self.scrollToEnd();
    }).catch(function () { /* live messages still arrive */ });
  };

  Chat.prototype.send = function (event) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      this.setStatus("Not connected: the message was not sent.");
      return false;
    }
    var text = JSON.stringify(event);
    if (new Blob([text]).size > MAX_PAYLOAD) {
      this.setStatus("That message is too long.");
      return false;
    }
    this.ws.send(text);
    return true;
  };

  Chat.prototype.sendChat = function () {
    var body = this.input.value.trim();
    if (!body) return;
    if (this.send({ type: "CHAT", body: body })) {
      this.input.value = "";
      this.emojiPicker.hidden = true;
      this.scrollToEnd();
    }
  };

  Chat.prototype.setStatus = function (text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  };

  // --- events --------------------------------------------------------------------------------

  Chat.prototype.handle = function (event) {
    switch (event.type) {
      case "CONNECTED_USER_INFO": return this.setUser(event.user);
      case "CHAT": return this.addMessage(event);
      case "SYSTEM": case "CHAT_ACTION":
      case "FEDIVERSE_ENGAGEMENT_FOLLOW": case "FEDIVERSE_ENGAGEMENT_LIKE": case "FEDIVERSE_ENGAGEMENT_REPOST":
        return this.addNotice(event);
      case "USER_JOINED": return this.addLine(event, " joined the chat");
      case "USER_PARTED": return this.addLine(event, " left the chat");
      case "NAME_CHANGE": return this.addRename(event);
      case "VISIBILITY-UPDATE": return this.setVisibility(event.ids || [], event.visible);
      case "ERROR_NEEDS_REGISTRATION": return this.reregister();
      case "ERROR_USER_DISABLED": return this.banned();
    }
  };

  Chat.prototype.setUser = function (user) {
    this.user = user;
    this.root.dispatchEvent(new CustomEvent("owncast:chat-user", { detail: user }));  // signin.js
    this.root.classList.toggle("chat-moderator", this.isModerator());
    if (this.nameInput && document.activeElement !== this.nameInput) this.nameInput.value = user.displayName;
    if (this.settings) {
      var current = user.displayColor;
      this.settings.querySelectorAll(".chat-colour").forEach(function (b) {
        b.setAttribute("aria-pressed", String(Number(b.getAttribute("data-color")) === current));
      });
    }
  };

  Chat.prototype.isModerator = function () {
    return !!(this.user && (this.user.scopes || []).indexOf("MODERATOR") >= 0);
  };

  Chat.prototype.reregister = function () {
    try { window.localStorage.removeItem(TOKEN_KEY); } catch (e) { /* ignore */ }
    this.token = null;
  };

  Chat.prototype.banned = function () {
    this.stopped = true;
    this.setStatus("You have been removed from this chat.");
    if (this.input) this.input.disabled = true;
    this.root.classList.add("chat-banned");
  };

  Chat.prototype.nameNode = function (user) {
    var name = el("span", "chat-name chat-user-color-" + ((user && user.displayColor) || 0), (user && user.displayName) || "");
    if (user && user.isBot) name.classList.add("chat-bot");
    if (user && (user.scopes || []).indexOf("MODERATOR") >= 0) name.classList.add("chat-mod");
    if (user && user.authenticated) {
      name.classList.add("chat-authenticated");  // Owncast's badge (signin.css)
      name.title = "Authenticated" + ((user.authProviders || []).length ? " with " + user.authProviders.join(", ") : "");
    }
    return name;
  };

  Chat.prototype.append = function (item) {
    if (this.sink) { this.sink.appendChild(item); return; }
    var follow = this.following || this.nearBottom();
    this.list.appendChild(item);
    while (this.list.childElementCount > MAX_MESSAGES) this.list.removeChild(this.list.firstElementChild);
    if (follow) this.scrollToEnd();
    else this.jump.hidden = false;
  };

  Chat.prototype.addMessage = function (event) {
    if (event.visible === false && !this.isModerator()) return;
    if (event.id && this.list.querySelector('[data-id="' + CSS.escape(event.id) + '"]')) return;
    if (event.id && this.sink && this.sink.querySelector('[data-id="' + CSS.escape(event.id) + '"]')) return;
    var item = el("li", "chat-message");
    item.setAttribute("data-id", event.id || "");
    item.setAttribute("data-user", (event.user && event.user.id) || "");
    if (event.visible === false) item.classList.add("chat-hidden");
    item.appendChild(this.nameNode(event.user));
    var body = el("div", "chat-body");
    body.innerHTML = event.body;  // sanitised by the server (Owncast's policy)
    item.appendChild(body);
    if (this.isModerator() && !this.readonly && event.user && this.user && event.user.id !== this.user.id) {
      item.appendChild(this.moderationMenu(event));
    }
    this.append(item);
  };

  Chat.prototype.moderationMenu = function (event) {
    var self = this;
    var menu = el("details", "chat-mod-menu");
    menu.appendChild(el("summary", "chat-mod-toggle", "⋯"));
    var hide = el("button", "chat-mod-hide", "Hide message");
    hide.type = "button";
    hide.addEventListener("click", function () {
      menu.open = false;
      self.moderate("/api/chat/messagevisibility", { idArray: [event.id], visible: false });
    });
    var ban = el("button", "chat-mod-ban", "Ban " + event.user.displayName);
    ban.type = "button";
    ban.addEventListener("click", function () {
      menu.open = false;
      self.moderate("/api/chat/users/setenabled", { userId: event.user.id, enabled: false });
    });
    menu.appendChild(hide);
    menu.appendChild(ban);
    return menu;
  };

  Chat.prototype.moderate = function (path, body) {
    var self = this;
    fetch(path + "?accessToken=" + encodeURIComponent(this.token), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) self.setStatus("The moderation action failed (" + r.status + ").");
    }).catch(function () { self.setStatus("The moderation action failed."); });
  };

  Chat.prototype.addNotice = function (event) {
    if (event.id && this.list.querySelector('[data-id="' + CSS.escape(event.id) + '"]')) return;
    var item = el("li", "chat-notice chat-" + event.type.toLowerCase().replace(/_/g, "-"));
    item.setAttribute("data-id", event.id || "");
    var body = el("div", "chat-body");
    body.innerHTML = event.body || "";  // written by the server
    item.appendChild(body);
    this.append(item);
  };

  Chat.prototype.addLine = function (event, text) {
    var item = el("li", "chat-notice chat-presence");
    item.appendChild(this.nameNode(event.user));
    item.appendChild(document.createTextNode(text));
    this.append(item);
  };

  Chat.prototype.addRename = function (event) {
    var item = el("li", "chat-notice chat-rename");
    item.appendChild(document.createTextNode(event.oldName + " is now known as "));
    item.appendChild(this.nameNode(event.user));
    this.append(item);
  };

  Chat.prototype.setVisibility = function (ids, visible) {
    var self = this;
    ids.forEach(function (id) {
      var item = self.list.querySelector('[data-id="' + CSS.escape(id) + '"]');
      if (!item) return;
      if (visible) item.classList.remove("chat-hidden");
      else if (self.isModerator()) item.classList.add("chat-hidden");
      else item.remove();
    });
  };

  // --- scrolling: follow the end unless the reader scrolled up -------------------------------

  Chat.prototype.nearBottom = function () {
    var l = this.list;
    return l.scrollHeight - l.scrollTop - l.clientHeight <= NEAR_BOTTOM_PX;
  };

  Chat.prototype.scrollToEnd = function () {
    this.list.scrollTop = this.list.scrollHeight;
    this.following = true;
    this.jump.hidden = true;
  };

  function mount() {
    var root = document.getElementById("chat");
    if (!root || root.__owncastChat) return;
    var chat = new Chat(root);
    root.__owncastChat = chat;
    chat.start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
