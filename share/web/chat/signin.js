// The chat panel's sign-in dialog (Owncast's): IndieAuth with your website, a one-time code sent
// to your fediverse account, and sign-out. Mounts beside chat.js's panel in <section id="chat">.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function field(form, className, label, attrs) {
    var wrap = el("label", "chat-signin-field", label);
    var input = el("input", className);
    Object.keys(attrs).forEach(function (k) { input.setAttribute(k, attrs[k]); });
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }

  function button(parent, className, text, type) {
    var b = el("button", className, text);
    b.type = type || "submit";
    parent.appendChild(b);
    return b;
  }

  function SignIn(root, chat) {
    this.root = root;
    this.chat = chat;
    this.build();
    var self = this;
    root.addEventListener("owncast:chat-user", function (e) { self.setUser(e.detail); });
    if (chat.user) this.setUser(chat.user);
  }

  SignIn.prototype.build = function () {
    var self = this;
    this.open = button(this.root, "chat-signin-button", "Sign in", "button");
    this.open.addEventListener("click", function () { self.show(); });

    var dialog = this.dialog = el("dialog", "chat-signin-dialog");
    dialog.setAttribute("aria-label", "Sign in to chat");
    dialog.appendChild(el("h2", "chat-signin-title", "Sign in to chat"));
    this.status = el("p", "chat-signin-status");
    this.status.setAttribute("aria-live", "polite");
    dialog.appendChild(this.status);

    this.signedIn = el("div", "chat-signed-in");
    this.signedInText = el("p", "chat-signed-in-text");
    this.signedIn.appendChild(this.signedInText);
    button(this.signedIn, "chat-signout", "Sign out", "button").addEventListener("click", function () { self.signOut(); });
    dialog.appendChild(this.signedIn);

    var indie = this.indieForm = el("form", "chat-indieauth-form");
    indie.appendChild(el("h3", "", "With your website (IndieAuth)"));
    this.url = field(indie, "chat-indieauth-url", "Your website", { type: "text", inputmode: "url", placeholder: "https://you.example", autocomplete: "url", required: "" });
    button(indie, "chat-indieauth-submit", "Sign in");
    indie.addEventListener("submit", function (e) { e.preventDefault(); self.indieAuth(); });
    dialog.appendChild(indie);

    var fedi = this.fediForm = el("form", "chat-fediverse-form");
    fedi.appendChild(el("h3", "", "With your fediverse account"));
    this.account = field(fedi, "chat-fediverse-account", "Account", { type: "text", placeholder: "@you@server.example", autocomplete: "username", required: "" });
    button(fedi, "chat-fediverse-submit", "Send me a code");
    fedi.addEventListener("submit", function (e) { e.preventDefault(); self.requestCode(); });
    dialog.appendChild(fedi);

    var verify = this.verifyForm = el("form", "chat-fediverse-verify");
    verify.hidden = true;
    this.code = field(verify, "chat-fediverse-code", "The code sent to you", { type: "text", inputmode: "numeric", maxlength: "6", autocomplete: "one-time-code", required: "" });
    button(verify, "chat-fediverse-verify-submit", "Verify");
    verify.addEventListener("submit", function (e) { e.preventDefault(); self.verifyCode(); });
    dialog.appendChild(verify);

    button(dialog, "chat-signin-close", "Close", "button").addEventListener("click", function () { dialog.close(); });
    this.root.appendChild(dialog);
  };

  SignIn.prototype.show = function () {
    var self = this;
    this.say("");
    if (typeof this.dialog.showModal === "function") this.dialog.showModal();
    else this.dialog.setAttribute("open", "");
    // As Owncast: IndieAuth needs the server's URL, fediverse codes need federation.
    fetch("/api/config").then(function (r) { return r.json(); }).then(function (config) {
      var indie = !!(config.authentication && config.authentication.indieAuthEnabled);
      var fedi = !!(config.federation && config.federation.enabled);
      self.indieForm.hidden = !indie;
      self.fediForm.hidden = !fedi;
      if (!fedi) self.verifyForm.hidden = true;
      if (!indie && !fedi && !(self.chat.user && self.chat.user.authenticated)) {
        self.say("Sign-in is not set up on this server.");
      }
    }).catch(function () { /* keep both: the server says what fails */ });
  };

  SignIn.prototype.setUser = function (user) {
    var providers = (user && user.authProviders) || [];
    var authed = !!(user && user.authenticated);
    this.open.textContent = authed ? "Signed in" : "Sign in";
    this.open.classList.toggle("chat-signin-done", authed);
    this.signedIn.hidden = !authed;
    this.signedInText.textContent = authed
      ? "Signed in as " + user.displayName + (providers.length ? " with " + providers.join(", ") : "") + "."
      : "";
  };

  SignIn.prototype.say = function (text) { this.status.textContent = text; };

  SignIn.prototype.post = function (path, body) {
    var token = this.chat.token;
    if (!token) return Promise.reject(new Error("Chat is not connected yet."));
    return fetch(path + "?accessToken=" + encodeURIComponent(token), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (!r.ok || answer.success === false) throw new Error(answer.message || ("Sign-in failed (" + r.status + ")."));
        return answer;
      });
    });
  };

  SignIn.prototype.indieAuth = function () {
    var self = this;
    this.say("Looking up your website…");
    this.post("/api/auth/indieauth", { authHost: this.url.value.trim() }).then(function (answer) {
      self.say("Redirecting…");
      window.location.assign(answer.redirect);
    }).catch(function (err) { self.say(err.message); });
  };

  SignIn.prototype.requestCode = function () {
    var self = this;
    this.say("Sending a code…");
    this.post("/api/auth/fediverse", { account: this.account.value.trim() }).then(function () {
      self.say("A one-time code was sent to " + self.account.value.trim() + " as a direct message.");
      self.verifyForm.hidden = false;
      self.code.focus();
    }).catch(function (err) { self.say(err.message); });
  };

  SignIn.prototype.verifyCode = function () {
    var self = this;
    this.post("/api/auth/fediverse/verify", { code: this.code.value.trim() }).then(function () {
      self.say("Signed in.");
      window.location.reload();  // the token may now belong to the account's user: start afresh
    }).catch(function (err) { self.say(err.message); });
  };

  SignIn.prototype.signOut = function () {
    // Forget this browser's token: the next load registers a new anonymous user.
    this.chat.reregister();
    window.location.reload();
  };

  function mount() {
    var root = document.getElementById("chat");
    var chat = root && root.__owncastChat;
    if (!chat || chat.readonly || root.__owncastSignIn) return;
    root.__owncastSignIn = new SignIn(root, chat);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
