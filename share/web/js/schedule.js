/* The viewer page's schedule: the next stream and a countdown while offline, and a schedule tab
   listing what is coming (GET /api/status's scheduledEvent, GET /api/schedule). */
"use strict";

(function () {
  const STATUS_MS = 15000;
  const $ = (id) => document.getElementById(id);
  const boot = JSON.parse($("bootstrap").textContent);
  const settings = boot.config.schedule || {};
  if (!settings.enabled) return;

  let next = null;
  let online = !!(boot.status && boot.status.online);

  const when = (iso) => new Date(iso).toLocaleString([], {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });

  function countdown(iso) {
    const seconds = Math.max(0, Math.floor((Date.parse(iso) - Date.now()) / 1000));
    if (seconds === 0) return "Starting any moment";
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return "Starts in " + (d ? `${d}d ` : "") + `${pad(h)}:${pad(m)}:${pad(s)}`;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* The banner on the offline screen. */
  const banner = element("div", "schedule-next");
  banner.id = "schedule-next";
  banner.hidden = true;
  const label = element("p", "schedule-next-label", "Next stream");
  const title = element("p", "schedule-next-name");
  title.id = "schedule-next-name";
  const time = element("p", "schedule-next-time");
  time.id = "schedule-next-time";
  const clock = element("p", "schedule-countdown");
  clock.id = "schedule-countdown";
  banner.append(label, title, time, clock);
  const offlineText = document.querySelector("#offline .offline-text");
  if (offlineText) offlineText.append(banner);

  function renderNext() {
    const visible = !online && !!next && next.status === "scheduled";
    banner.hidden = !visible;
    if (!visible) return;
    title.textContent = next.name;
    time.textContent = when(next.startTime);
    clock.hidden = !settings.showCountdown;
    if (settings.showCountdown) clock.textContent = countdown(next.startTime);
  }

  async function poll() {
    try {
      const status = await (await fetch("/api/status", { cache: "no-store" })).json();
      online = !!status.online;
      next = status.scheduledEvent || null;
    } catch (err) {
      console.warn("schedule status", err);
    }
    renderNext();
  }

  /* The schedule tab: upcoming streams and the calendar feed. */
  const tab = element("section", "schedule-tab");
  tab.id = "schedule";
  tab.setAttribute("aria-labelledby", "schedule-heading");
  const heading = element("h2", "schedule-heading", "Schedule");
  heading.id = "schedule-heading";
  const list = element("ol", "schedule-list");
  list.id = "schedule-list";
  const feed = element("a", "schedule-feed", "Add to your calendar");
  feed.href = "webcal://" + location.host + "/api/schedule.ics";
  const download = element("a", "schedule-feed", "Download .ics");
  download.href = "/api/schedule.ics";
  const links = element("p", "schedule-links");
  links.append(feed, " · ", download);
  tab.append(heading, list, links);
  const about = document.querySelector(".primary .about");
  if (about) about.before(tab);

  async function loadSchedule() {
    const from = new Date();
    const to = new Date(from.getTime() + 60 * 86400000);
    try {
      const query = `?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
      const events = await (await fetch("/api/schedule" + query, { cache: "no-store" })).json();
      list.replaceChildren();
      for (const event of events) {
        const item = element("li", "schedule-item" + (event.status === "cancelled" ? " cancelled" : ""));
        const stamp = element("time", "schedule-when", when(event.startTime));
        stamp.dateTime = event.startTime;
        item.append(stamp, element("span", "schedule-name", event.name));
        if (event.status === "cancelled") item.append(element("span", "schedule-badge", "Cancelled"));
        if (event.description) item.append(element("span", "schedule-description", event.description));
        list.append(item);
      }
      if (!events.length) list.append(element("li", "schedule-empty", "Nothing scheduled yet."));
    } catch (err) {
      console.warn("schedule", err);
    }
  }

  poll();
  loadSchedule();
  setInterval(poll, STATUS_MS);
  setInterval(renderNext, 1000);
  setInterval(loadSchedule, 5 * 60000);
})();
