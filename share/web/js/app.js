/* The viewer page: follows /api/status, switches between the offline banner and the player. */
"use strict";

(function () {
  const STATUS_MS = 3000;
  const PING_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const boot = JSON.parse($("bootstrap").textContent);
  const config = boot.config;
  let status = boot.status;
  let player = null;
  let pingTimer = null;

  function since(iso) {
    const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  }

  function ago(iso) {
    const minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
    if (minutes < 1) return "just now";
    if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
    const hours = Math.round(minutes / 60);
    if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
    return new Date(iso).toLocaleDateString();
  }

  function setText(id, text) {
    const el = $(id);
    if (el && el.textContent !== text) el.textContent = text;
  }

  function show(id, visible) {
    const el = $(id);
    if (el) el.hidden = !visible;
  }

  async function loadVariants() {
    const select = $("quality");
    if (!select) return;
    try {
      const variants = await (await fetch("/api/video/variants")).json();
      select.length = 1;
      for (const v of variants) select.add(new Option(v.name, String(v.index)));
      select.parentElement.hidden = variants.length < 2 && !new URLSearchParams(location.search).has("quality");
    } catch (err) {
      console.warn("variants", err);
    }
  }

  function ping() {
    fetch("/api/ping", { cache: "no-store" }).catch(() => {});
  }

  function goLive() {
    show("offline", false);
    show("player", true);
    document.body.classList.add("is-live");
    if (!player) {
      player = new window.OwncastPlayer.LivePlayer($("video"));
      player.start().catch((err) => console.error("player", err));
      loadVariants();
    }
    if (!pingTimer) {
      ping();
      pingTimer = setInterval(ping, PING_MS);
    }
  }

  function goOffline() {
    if (player) {
      player.stop();
      player = null;
    }
    clearInterval(pingTimer);
    pingTimer = null;
    document.body.classList.remove("is-live");
    show("player", false);
    show("offline", true);
    const thumb = $("offline-thumbnail");
    if (thumb) thumb.src = "/thumbnail.jpg?t=" + Date.now();
  }

  let shownOnline = null;

  function render() {
    if (status.online !== shownOnline) {
      shownOnline = status.online;
      if (status.online) goLive(); else goOffline();
    }
    if (status.streamTitle !== undefined) setText("stream-title", status.streamTitle || "");
    const showCount = status.online && !config.hideViewerCount && status.viewerCount !== undefined;
    show("viewer-count", showCount);
    if (showCount) setText("viewer-number", String(status.viewerCount));
    show("live-duration", status.online && !!status.lastConnectTime);
    if (status.online && status.lastConnectTime) setText("live-duration", "Live for " + since(status.lastConnectTime));
    const last = $("last-live");
    if (last) last.textContent = !status.online && status.lastDisconnectTime ? "Last live " + ago(status.lastDisconnectTime) : "";
  }

  async function poll() {
    try {
      const res = await fetch("/api/status", { cache: "no-store" });
      if (res.ok) status = await res.json();
    } catch (err) {
      // The server is restarting: keep the page, try again.
    }
    render();
  }

  function wireControls() {
    const video = $("video");
    if (!video) return;
    const unmute = $("unmute");
    const syncMute = () => { unmute.hidden = !video.muted; };
    unmute.addEventListener("click", () => { video.muted = false; video.volume = 1; syncMute(); });
    video.addEventListener("volumechange", syncMute);
    $("play").addEventListener("click", () => (video.paused ? video.play() : video.pause()));
    video.addEventListener("play", () => { $("play").innerHTML = "&#10074;&#10074;"; $("play").setAttribute("aria-label", "Pause"); });
    video.addEventListener("pause", () => { $("play").innerHTML = "&#9654;"; $("play").setAttribute("aria-label", "Play"); });
    $("jump-live").addEventListener("click", () => player && player.jumpToLive());
    $("quality").addEventListener("change", (e) => player && player.setVariant(Number(e.target.value)));
    $("fullscreen").addEventListener("click", () => {
      const stage = $("player");
      if (document.fullscreenElement) document.exitFullscreen(); else if (stage.requestFullscreen) stage.requestFullscreen();
    });
    video.addEventListener("timeupdate", () => {
      const behind = player ? player.behindLive() : 0;
      const atEdge = behind < 8;
      $("live-indicator").classList.toggle("behind", !atEdge);
      show("jump-live", !atEdge);
    });
    syncMute();
  }

  function wireChatToggle() {
    // Phones: the header's Chat button opens the chat under the video (see owncast.css).
    const toggle = $("chat-toggle");
    if (!toggle) return;
    toggle.addEventListener("click", () => {
      const open = document.body.classList.toggle("chat-open");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Close chat" : "Chat";
      if (!open) return;
      window.scrollTo(0, 0);
      // Hidden, the panel could not keep its newest messages in view: show them now.
      const chat = $("chat").__owncastChat;
      if (chat) chat.scrollToEnd();
    });
  }

  wireControls();
  wireChatToggle();
  render();
  setInterval(poll, STATUS_MS);
  setInterval(render, 1000);
})();
