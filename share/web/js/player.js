/* The live player: native HLS where the browser has it, hls.js otherwise. No framework.
   It reports its playback health to the server's CMCD collector as Owncast's player does. */
"use strict";

(function () {
  const HLSJS_SRC = "/web/vendor/node_modules/hls.js/dist/hls.min.js";
  const MASTER = "/hls/stream.m3u8";
  const RETRY_MS = 2000;
  const CMCD_COLLECTOR = "/api/metrics/cmcd";
  const CMCD_INTERVAL_MS = 10000; // Owncast's player: a time-interval report every 10 s
  const SESSION_ID = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);

  /** CMCD v2 event reports (CTA-5004-A keys): best effort, never in the way of playback. */
  class CmcdReporter {
    constructor(player) {
      this.player = player;
      this.sequence = 0;
      this.starved = false;
      this.lastDownloadMs = 0;
      this.timer = null;
      const video = player.video;
      this.onWaiting = () => { this.starved = true; this.send("ps", "w"); };
      this.onPlaying = () => this.send("ps", "p");
      this.onPause = () => this.send("ps", "a");
      video.addEventListener("waiting", this.onWaiting);
      video.addEventListener("playing", this.onPlaying);
      video.addEventListener("pause", this.onPause);
      this.timer = setInterval(() => this.send("t"), CMCD_INTERVAL_MS);
    }

    send(event, state) {
      try {
        const { video, hls } = this.player;
        const report = { v: 2, e: event, sid: SESSION_ID, sn: ++this.sequence, ts: Date.now() };
        report.sta = state || (video.paused ? "a" : "p");
        if (hls && hls.bandwidthEstimate > 0) report.mtp = Math.round(hls.bandwidthEstimate / 1000);
        const level = hls && hls.levels && hls.levels[hls.currentLevel];
        if (level && level.bitrate) report.br = Math.round(level.bitrate / 1000);
        const behind = hls && hls.latency ? hls.latency : this.player.behindLive();
        if (behind > 0) report.ltc = Math.round(behind * 1000);
        if (this.lastDownloadMs > 0) report.ttlb = Math.round(this.lastDownloadMs);
        if (this.starved) report.bs = true;
        this.starved = false;
        fetch(CMCD_COLLECTOR, { method: "POST", keepalive: true, body: JSON.stringify(report),
          headers: { "Content-Type": "application/json" } }).catch(() => {});
      } catch (err) {
        // Metrics must never break playback.
      }
    }

    fragmentLoaded(stats) {
      const loading = stats && stats.loading;
      if (loading && loading.end > loading.start) this.lastDownloadMs = loading.end - loading.start;
    }

    stop() {
      clearInterval(this.timer);
      const video = this.player.video;
      video.removeEventListener("waiting", this.onWaiting);
      video.removeEventListener("playing", this.onPlaying);
      video.removeEventListener("pause", this.onPause);
    }
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.onload = resolve;
      el.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(el);
    });
  }

  /** Which engine to use: ?player=hlsjs or ?player=native force one; else native when supported. */
  function chooseEngine(video) {
    const forced = new URLSearchParams(location.search).get("player");
    if (forced === "hlsjs" || forced === "native") return forced;
    return video.canPlayType("application/vnd.apple.mpegurl") ? "native" : "hlsjs";
  }

  class LivePlayer {
    constructor(video, { onLevels } = {}) {
      this.video = video;
      this.onLevels = onLevels || (() => {});
      this.engine = chooseEngine(video);
      this.hls = null;
      this.variant = -1;
      this.active = false;
      this.retryTimer = null;
      this.reporter = null;
      video.dataset.engine = this.engine;
      video.addEventListener("error", () => this.active && this.engine === "native" && this.retrySoon());
    }

    src() {
      return this.variant >= 0 && this.engine === "native" ? `/hls/${this.variant}/stream.m3u8` : MASTER;
    }

    async start() {
      this.active = true;
      if (!this.reporter) this.reporter = new CmcdReporter(this);
      if (this.engine === "native") {
        this.video.src = this.src();
      } else {
        if (!window.Hls) await loadScript(HLSJS_SRC);
        if (!window.Hls.isSupported()) throw new Error("this browser cannot play HLS");
        this.attachHls();
      }
      this.play();
    }

    attachHls() {
      const hls = new window.Hls({ liveDurationInfinity: true, manifestLoadingMaxRetry: 6, levelLoadingMaxRetry: 6 });
      this.hls = hls;
      hls.on(window.Hls.Events.MANIFEST_PARSED, (_e, data) => {
        this.onLevels(data.levels.map((l, i) => ({ index: i, height: l.height, bitrate: l.bitrate })));
        if (this.variant >= 0) hls.currentLevel = this.variant;
        this.play();
      });
      hls.on(window.Hls.Events.FRAG_LOADED, (_e, data) => this.reporter && this.reporter.fragmentLoaded(data.frag.stats));
      // Keep playing through a transcoder restart: retry network errors, recover media errors.
      hls.on(window.Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        if (this.reporter) this.reporter.send("e");
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
        } else {
          this.retrySoon();
        }
      });
      hls.loadSource(MASTER);
      hls.attachMedia(this.video);
    }

    retrySoon() {
      if (this.retryTimer || !this.active) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (!this.active) return;
        if (this.hls) {
          this.hls.destroy();
          this.attachHls();
        } else {
          this.video.src = this.src();
          this.play();
        }
      }, RETRY_MS);
    }

    play() {
      const attempt = this.video.play();
      if (attempt && attempt.catch) attempt.catch(() => {});
    }

    setVariant(index) {
      this.variant = index;
      if (this.hls) {
        this.hls.currentLevel = index; // -1 is automatic
      } else if (this.active) {
        this.video.src = this.src();
        this.play();
      }
    }

    /** Seconds behind the newest media the player can reach. */
    behindLive() {
      const s = this.video.seekable;
      if (!s || !s.length) return 0;
      return s.end(s.length - 1) - this.video.currentTime;
    }

    jumpToLive() {
      if (this.hls && this.hls.liveSyncPosition) {
        this.video.currentTime = this.hls.liveSyncPosition;
      } else {
        const s = this.video.seekable;
        if (s && s.length) this.video.currentTime = Math.max(s.start(s.length - 1), s.end(s.length - 1) - 3);
      }
      this.play();
    }

    stop() {
      this.active = false;
      if (this.reporter) this.reporter.stop();
      this.reporter = null;
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      if (this.hls) {
        this.hls.destroy();
        this.hls = null;
      }
      this.video.pause();
      this.video.removeAttribute("src");
      this.video.load();
    }
  }

  window.OwncastPlayer = { LivePlayer, chooseEngine, sessionId: SESSION_ID };
})();
