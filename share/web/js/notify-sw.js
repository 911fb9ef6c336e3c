/* Service worker for go-live pushes: show the server's {title, body, icon}; a click opens the page. */
"use strict";

self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch (e) { message = { body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(message.title || "Live now", {
    body: message.body || "", icon: message.icon || "/logo/external", tag: "owncast-go-live" }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow("/"));
});
