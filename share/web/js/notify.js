/* "Notify me": subscribe this browser to go-live pushes (Owncast's POST /api/notifications/register). */
"use strict";

(function () {
  const TOKEN_KEY = "owncast.chat.accessToken"; // the chat's user: the route wants a user's token
  const button = document.getElementById("notify-me");
  const note = document.getElementById("notify-status");
  const config = JSON.parse(document.getElementById("bootstrap").textContent).config;
  const push = config.notifications && config.notifications.browser;
  if (!button || !push || !push.enabled || !push.publicKey) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  button.hidden = false;

  function keyBytes(text) {
    const b64 = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  async function accessToken() {
    let token = null;
    try { token = window.localStorage.getItem(TOKEN_KEY); } catch (e) { /* private mode */ }
    if (token) return token;
    const answer = await fetch("/api/chat/register", { method: "POST", body: "{}",
      headers: { "Content-Type": "application/json" } });
    if (!answer.ok) throw new Error(`registering failed (${answer.status})`);
    token = (await answer.json()).accessToken;
    try { window.localStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode */ }
    return token;
  }

  async function subscribe() {
    if (await Notification.requestPermission() !== "granted") throw new Error("permission was not given");
    const registration = await navigator.serviceWorker.register("/web/js/notify-sw.js");
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: keyBytes(push.publicKey) });
    const token = await accessToken();
    const answer = await fetch(`/api/notifications/register?accessToken=${encodeURIComponent(token)}`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "BROWSER_PUSH_NOTIFICATION", destination: JSON.stringify(subscription) }) });
    if (!answer.ok) throw new Error(`the server answered ${answer.status}`);
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    subscribe().then(() => {
      note.textContent = "You will be notified when the stream goes live.";
    }, (error) => {
      note.textContent = `Notifications could not be turned on: ${error.message}`;
      button.disabled = false;
    });
  });
})();
