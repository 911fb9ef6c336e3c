"""SIGKILL serve mid-stream with viewers and chat: counts, config and HLS survive its restart."""

from __future__ import annotations

import json

import httpx
import trio

from tests.faults.conftest import Cluster, next_matching
from tests.faults.traffic import Chatter, history, recorded, viewer
from tests.ingest.live import watch

ADMIN = ("admin", "abc123")
VIEWERS = 3


async def test_sigkill_serve_keeps_viewer_counts_config_and_hls(cluster: Cluster) -> None:
    serve = (await cluster.start_apart())["serve"]
    base = cluster.base_url()

    async with watch(cluster.datadir, "stream.started", "transcode.segment", "viewers.changed") as bus, \
            trio.open_nursery() as nursery:
        await cluster.publish_test()
        await next_matching(bus, lambda e: e.type == "stream.started")
        await next_matching(bus, lambda e: e.type == "transcode.segment")
        for n in range(VIEWERS):
            nursery.start_soon(viewer, lambda: base, f"fault-viewer-{n}")
        chatters = [Chatter(lambda: base, name) for name in ("alice", "bob")]
        for chatter in chatters:
            await nursery.start(chatter.run)
        peaks = (await next_matching(bus, lambda e: e.type == "viewers.changed" and e.data["current"] == VIEWERS)).data
        assert peaks == {"current": VIEWERS, "sessionPeak": VIEWERS, "overallPeak": VIEWERS}
        async with httpx.AsyncClient(base_url=base, auth=ADMIN, timeout=10) as admin:
            response = await admin.post("/api/admin/config/streamtitle", json={"value": "Survives a SIGKILL"})
            assert response.status_code == 200, response.text
        for chatter in chatters:
            await chatter.wait_echoes(2)
        last_segment = await next_matching(bus, lambda e: e.type == "transcode.segment")

        assert await serve.kill() == -9
        shown = json.loads(await cluster.owncast("status", "--json"))
        assert {d["name"]: d["state"] for d in shown["daemons"]} == {
            "serve": "dead", "ingest": "running", "transcode": "running", "chat": "running", "notify": "running",
            "federate": "running"}
        await serve.start()
        assert cluster.base_url() == base
        shown = json.loads(await cluster.owncast("status", "--json"))
        assert serve.process is not None
        assert {d["name"]: (d["state"], d["pid"]) for d in shown["daemons"]}["serve"] == ("running", serve.process.pid)

        # Right after the restart, before any viewer came back: the peaks and the config are there.
        async with httpx.AsyncClient(base_url=base, auth=ADMIN, timeout=10) as admin:
            status = (await admin.get("/api/admin/status")).json()
            assert (status["sessionPeakViewerCount"], status["overallPeakViewerCount"]) == (VIEWERS, VIEWERS)
            assert status["online"] is True
            public = (await admin.get("/api/status")).json()
            assert public["online"] is True and public["streamTitle"] == "Survives a SIGKILL"
        assert (await cluster.owncast("config", "get", "stream_title")).strip() == "Survives a SIGKILL"

        # The viewers come back by themselves; counted once each, the peaks unchanged.
        back = await next_matching(bus, lambda e: e.type == "viewers.changed" and e.data["current"] == VIEWERS)
        assert back.data == {"current": VIEWERS, "sessionPeak": VIEWERS, "overallPeak": VIEWERS}

        # HLS keeps being served: segments made after the restart are listed and downloadable.
        newer = await next_matching(bus, lambda e: e.type == "transcode.segment"
                                    and e.data["mediaSequence"] > last_segment.data["mediaSequence"])
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            assert (await http.get("/hls/stream.m3u8")).status_code == 200
            variant = await http.get(f"/hls/{newer.data['variant']}/stream.m3u8")
            assert variant.status_code == 200 and newer.data["uri"] in variant.text
            segment = await http.get(f"/hls/{newer.data['variant']}/{newer.data['uri']}")
            assert segment.status_code == 200 and segment.content[:1] == b"\x47"  # MPEG-TS sync byte

        # Chat went on: both clients reconnected through the new serve and were heard again.
        for chatter in chatters:
            await chatter.wait_echoes(2)
            assert chatter.connections >= 2
        # Chat was not killed: what reached its sender is stored (committed with its bus event).
        await recorded(cluster.datadir, [body for chatter in chatters for body in chatter.echoed])
        said = await history(base, chatters[0].user)
        for chatter in chatters:
            missing = [body for body in chatter.echoed if body not in said]
            assert not missing, f"{chatter.name}'s echoed messages missing from history: {missing}"
        nursery.cancel_scope.cancel()


async def test_a_stream_started_while_serve_was_down_begins_a_new_session_peak(cluster: Cluster) -> None:
    serve = (await cluster.start_apart())["serve"]
    base = cluster.base_url()
    async with watch(cluster.datadir, "stream.started", "stream.stopped", "viewers.changed") as bus:
        publisher = await cluster.publish_test()
        await next_matching(bus, lambda e: e.type == "stream.started")
        async with trio.open_nursery() as viewers:
            for n in range(VIEWERS):
                viewers.start_soon(viewer, lambda: base, f"fault-viewer-{n}")
            await next_matching(bus, lambda e: e.type == "viewers.changed" and e.data["current"] == VIEWERS)
            viewers.cancel_scope.cancel()

        assert await serve.kill() == -9
        cluster.kill_group(publisher)
        await next_matching(bus, lambda e: e.type == "stream.stopped")
        await cluster.publish_test()
        await next_matching(bus, lambda e: e.type == "stream.started")
        await serve.start()

        # Nobody watches the new stream yet: its session peak starts again; the overall peak stays.
        async with httpx.AsyncClient(base_url=base, auth=ADMIN, timeout=10) as admin:
            status = (await admin.get("/api/admin/status")).json()
        assert status["online"] is True
        assert (status["viewerCount"], status["sessionPeakViewerCount"], status["overallPeakViewerCount"]) == (
            0, 0, VIEWERS)
