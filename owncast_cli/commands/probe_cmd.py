"""``owncast probe URL``: fetch an HLS stream as a player would and report what would trouble one."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import rich_click as click

from owncast_cli.commands.options import fail, ffmpeg_option

_KEY_RE = re.compile(r"n:\s*0 .*?iskey:(\d)")
TIMEOUT = 10.0


def _first_frame_is_key(ffmpeg: str, path: Path) -> bool | None:
    done = subprocess.run([ffmpeg, "-hide_banner", "-i", str(path), "-vf", "showinfo", "-frames:v", "1",
                           "-f", "null", "-"], capture_output=True, timeout=TIMEOUT, check=False)
    match = _KEY_RE.search(done.stderr.decode("utf-8", "replace"))
    return None if match is None else match.group(1) == "1"


def probe_stream(url: str, *, segments: int, ffmpeg: str | None) -> Any:
    """Fetch the master, each variant and its newest ``segments`` segments; build the report."""
    import httpx

    from owncast_cli.media.hls_report import SegmentFacts, build_probe_report
    from owncast_cli.media.probe import MediaProbeError, probe_media
    from owncast_cli.protocols.hls import HlsError, MediaPlaylist, absolute_url, parse_playlist

    with httpx.Client(timeout=TIMEOUT, follow_redirects=True) as client:
        response = client.get(url)
        response.raise_for_status()
        top = parse_playlist(response.text)
        if isinstance(top, MediaPlaylist):  # a media playlist given directly: wrap it
            from owncast_cli.protocols.hls import MasterPlaylist, VariantStream

            master, base = MasterPlaylist.new([VariantStream.new(url, 0)]), url
            variants: dict[str, MediaPlaylist | None] = {url: top}
        else:
            master, base, variants = top, url, {}
            for entry in master.variants:
                try:
                    got = client.get(absolute_url(base.rsplit("/", 1)[0], entry.uri))
                    got.raise_for_status()
                    media = parse_playlist(got.text)
                    variants[entry.uri] = media if isinstance(media, MediaPlaylist) else None
                except (httpx.HTTPError, HlsError):
                    variants[entry.uri] = None
        facts: dict[tuple[str, str], SegmentFacts] = {}
        if ffmpeg and segments:
            with tempfile.TemporaryDirectory(prefix="owncast-probe-") as tmp:
                for uri, media in variants.items():
                    if media is None:
                        continue
                    variant_url = uri if "://" in uri else absolute_url(base.rsplit("/", 1)[0], uri)
                    for n, segment in enumerate(media.segments[-segments:]):
                        path = Path(tmp) / f"{abs(hash(uri))}-{n}.ts"
                        try:
                            got = client.get(absolute_url(variant_url.rsplit("/", 1)[0], segment.uri))
                            got.raise_for_status()
                            path.write_bytes(got.content)
                            info = probe_media(ffmpeg, path)
                        except (httpx.HTTPError, MediaProbeError):
                            continue
                        video = next((s for s in info["streams"] if s["type"] == "video"), {})
                        facts[(uri, segment.uri)] = SegmentFacts(
                            info.get("duration"), _first_frame_is_key(ffmpeg, path) if video else None,
                            video.get("width"), video.get("height"))
    return build_probe_report(master, variants, facts)


@click.command("probe")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--segments", type=click.IntRange(0, 50), default=3, show_default=True,
              help="Newest segments of each variant to download and check (0: playlists only).")
@ffmpeg_option
def probe_command(url: str, as_json: bool, segments: int, ffmpeg: str | None) -> None:
    """Check an HLS stream (a master playlist URL): durations, keyframes, resolutions.

    Exits 0 when a player would find nothing wrong, 1 when there are warnings.
    """
    import httpx

    from owncast_cli.media.ffmpeg import FFmpegError, load_ffmpeg
    from owncast_cli.protocols.hls import HlsError

    path = None
    if segments:
        try:
            path = load_ffmpeg(flag_path=ffmpeg).path
        except FFmpegError as exc:
            fail(f"segments cannot be checked: {exc} (or use --segments 0)")
    try:
        report = probe_stream(url, segments=segments, ffmpeg=path)
    except httpx.HTTPError as exc:
        fail(f"cannot fetch {url}: {exc}")
    except HlsError as exc:
        fail(f"{url} is not an HLS playlist: {exc}")
    if as_json:
        click.echo(json.dumps({"ok": report.ok, "variants": [asdict(r) for r in report.rows],
                               "warnings": [asdict(w) for w in report.warnings]}, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=url)
        for column in ("#", "playlist", "resolution", "bandwidth", "target", "segments", "durations",
                       "keyframe starts", "ended"):
            table.add_column(column)
        for r in report.rows:
            size = f"{r.resolution[0]}x{r.resolution[1]}" if r.resolution else "-"
            spread = (f"{r.min_duration:.2f}-{r.max_duration:.2f}s" if r.min_duration is not None
                      and r.max_duration is not None else "-")
            table.add_row(str(r.index), r.uri if r.available else f"{r.uri} (unavailable)", size,
                          str(r.bandwidth or "-"), str(r.target_duration or "-"), str(r.segment_count), spread,
                          f"{r.keyframe_starts}/{r.measured_segments}", "yes" if r.ended else "no")
        console = Console()
        console.print(table)
        for w in report.warnings:
            where = " ".join(x for x in (w.variant_uri, w.segment_uri) if x)
            console.print(f"[yellow]warning[/yellow] {where}: {w.message}" if where else f"warning: {w.message}")
        if report.ok:
            console.print("[green]ok[/green]: nothing a player would stumble on")
    raise SystemExit(0 if report.ok else 1)
